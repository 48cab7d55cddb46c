"""URL rules of the participants pages (mounted under /<partnership>/participants/)."""

from flask import Blueprint

from . import views

bp = Blueprint("participants", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:participant_id>/", "detail", views.detail)
bp.add_url_rule("/<int:participant_id>/edit", "edit", views.edit, methods=("GET", "POST"))
bp.add_url_rule("/<int:participant_id>/care", "add_care", views.add_care, methods=("POST",))
bp.add_url_rule("/<int:participant_id>/care/<int:relation_id>/remove", "remove_care",
                views.remove_care, methods=("POST",))
