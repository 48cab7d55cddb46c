"""URL rules of the instrument pages (mounted under /<partnership>/instruments/)."""

from flask import Blueprint
from flask_babel import format_decimal

from . import sections, views  # noqa: F401 - sections registers the participant-page parts

bp = Blueprint("instruments", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/definitions/new", "new_definition", views.new_definition,
                methods=("GET", "POST"))
bp.add_url_rule("/examples/install", "install_example", views.install_example,
                methods=("POST",))
bp.add_url_rule("/<int:instrument_id>/", "definition", views.definition)
bp.add_url_rule("/<int:instrument_id>/edit", "edit_definition", views.edit_definition,
                methods=("GET", "POST"))
bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/administrations/<int:administration_id>/", "administration",
                views.administration, methods=("GET", "POST"))
bp.add_url_rule("/administrations/<int:administration_id>/discard", "discard", views.discard,
                methods=("POST",))
bp.add_url_rule("/rounds/<int:round_id>/", "family_round", views.family_round)


@bp.app_template_filter("instrument_number")
def instrument_number(value):
    """A score or an answer as the user's language writes numbers (3,5 in Polish)."""
    return format_decimal(value, format="#,##0.##")
