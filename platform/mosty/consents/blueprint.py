"""URL rules of the consents pages (mounted under /<partnership>/consents/)."""

from flask import Blueprint

from . import sections, views  # noqa: F401 - sections registers the participant-page parts

bp = Blueprint("consents", __name__, template_folder="templates")

bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:consent_id>/withdraw", "withdraw", views.withdraw, methods=("GET", "POST"))
