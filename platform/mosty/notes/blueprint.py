"""URL rules of case notes (mounted under /<partnership>/notes/)."""

from flask import Blueprint

from ..privacy.access import ids_in_range
from . import sections, views  # noqa: F401 - sections registers the participant-page part

bp = Blueprint("notes", __name__, template_folder="templates")
bp.url_value_preprocessor(ids_in_range)

bp.add_url_rule("/participants/<int:participant_id>/new", "new", views.new,
                methods=("GET", "POST"))
