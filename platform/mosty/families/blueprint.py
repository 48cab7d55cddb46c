"""URL rules of the families pages (mounted under /<partnership>/families/)."""

from flask import Blueprint

from . import views

bp = Blueprint("families", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:family_id>/", "detail", views.detail)
bp.add_url_rule("/<int:family_id>/members", "add_member", views.add_member, methods=("POST",))
bp.add_url_rule("/<int:family_id>/members/<int:member_id>/remove", "remove_member",
                views.remove_member, methods=("POST",))
