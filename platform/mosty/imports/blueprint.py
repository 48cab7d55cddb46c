"""URL rules of the import pages (mounted under /<partnership>/imports/)."""

from flask import Blueprint

from . import service, views  # noqa: F401 - service registers the "import" job handler

bp = Blueprint("imports", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index, methods=("GET", "POST"))
bp.add_url_rule("/template", "template", views.template)
bp.add_url_rule("/<int:import_id>/", "detail", views.detail)
bp.add_url_rule("/<int:import_id>/mapping", "mapping", views.mapping, methods=("GET", "POST"))
bp.add_url_rule("/<int:import_id>/commit", "commit", views.commit, methods=("POST",))
