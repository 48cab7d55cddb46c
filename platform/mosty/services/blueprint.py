"""URL rules of the services pages (mounted under /<partnership>/services/)."""

from flask import Blueprint

from . import sections, views  # noqa: F401 - sections registers the participant-page parts

bp = Blueprint("services", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:service_id>/edit", "edit", views.edit, methods=("GET", "POST"))
bp.add_url_rule("/deliveries/new", "new_delivery", views.new_delivery, methods=("GET", "POST"))
