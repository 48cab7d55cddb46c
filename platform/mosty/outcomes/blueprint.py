"""URL rules of the outcomes pages (mounted under /<partnership>/outcomes/)."""

from flask import Blueprint

from . import sections, views  # noqa: F401 - sections registers the participant/family parts

bp = Blueprint("outcomes", __name__, template_folder="templates")

bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/follow-ups/", "follow_ups", views.follow_ups)
bp.add_url_rule("/follow-ups/new", "new_follow_up", views.new_follow_up,
                methods=("GET", "POST"))
