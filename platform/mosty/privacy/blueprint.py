"""URL rules of the data-protection pages (mounted under /<partnership>/privacy/)."""

from flask import Blueprint

from . import rectification, sections, tasks, views  # noqa: F401 - listeners, sections, tasks
from .restriction import ProcessingRestricted

bp = Blueprint("privacy", __name__, template_folder="templates")
# A restricted or anonymised person refused deep in a domain function that no view catches
# (e.g. editing a closed record): the reason, never a 500.
bp.app_errorhandler(ProcessingRestricted)(views.refused_for_the_person)

bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/participants/<int:participant_id>/", "person", views.person)
bp.add_url_rule("/participants/<int:participant_id>/export", "export_html", views.export_html)
bp.add_url_rule("/participants/<int:participant_id>/export.json", "export_json",
                views.export_json)
bp.add_url_rule("/participants/<int:participant_id>/history", "history", views.history)
bp.add_url_rule("/participants/<int:participant_id>/restriction", "restriction",
                views.restriction, methods=("POST",))
bp.add_url_rule("/participants/<int:participant_id>/erasure", "erasure", views.erasure,
                methods=("POST",))
