"""URL rules of case notes (mounted under /<partnership>/notes/)."""

from flask import Blueprint

from . import sections, views  # noqa: F401 - sections registers the participant-page part

bp = Blueprint("notes", __name__, template_folder="templates")

bp.add_url_rule("/participants/<int:participant_id>/new", "new", views.new,
                methods=("GET", "POST"))
