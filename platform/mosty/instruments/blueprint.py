"""URL rules of the instrument pages (mounted under /<partnership>/instruments/), the number
format of scores, and ``mosty instruments check`` for definition files."""

import click
from flask import Blueprint
from flask_babel import force_locale, format_decimal

from . import sections, views  # noqa: F401 - sections registers the participant-page parts
from .definitions import InvalidDefinition, parse_definition

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


@bp.cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--locale", default="pl", show_default=True, help="Language of the messages.")
def check_command(files, locale):
    """Check instrument definitions (YAML) before uploading them: lists every fault."""
    failed = False
    for path in files:
        with open(path, encoding="utf-8-sig") as fh, force_locale(locale):
            try:
                spec = parse_definition(fh.read())
            except UnicodeDecodeError:
                failed = True
                click.echo(f"{path}: not UTF-8 text")
                continue
            except InvalidDefinition as invalid:
                failed = True
                for fault in invalid.faults:
                    click.echo(f"{path}: {fault}")
                continue
        click.echo(f"{path}: OK ({spec['key']}, {len(spec['items'])} items, "
                   f"{len(spec['domains'])} domains)")
    if failed:
        raise SystemExit(1)
