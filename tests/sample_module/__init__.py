"""A sample module used only by the tests: written against docs/plugins.md and mosty.toolkit.

It lets the plugin framework be tested without depending on any real role module. Register it
with ``make_app(MOSTY_EXTRA_PLUGINS=[sample_module])``.
"""

from flask import Blueprint, render_template, request

from mosty import toolkit
from mosty.toolkit import hookimpl
from mosty.toolkit import lazy_gettext as _l

KEY = "sample"

# Participants this module was asked to contribute a panel for (tests read and clear it).
ASKED_FOR_PANELS = []

bp = Blueprint(KEY, __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("sample/index.html", access=toolkit.module_access(KEY))


@bp.route("/new")
@toolkit.requires_write
def new():
    return render_template("sample/index.html", access="write")


@bp.route("/notes", methods=["POST"])
def add_note():
    # POST needs write access through the module guard, with no decorator here.
    return {"saved": request.form.get("text", "")}, 201


@hookimpl
def mosty_modules():
    return toolkit.Module(
        key=KEY,
        name=_l("Sample module"),
        description=_l("A module used by the tests."),
        roles=(toolkit.Role("sample_worker", _l("Sample worker")),),
        default_grants={"sample_worker": "write"},
    )


@hookimpl
def mosty_blueprints():
    return bp


@hookimpl
def mosty_menu_items(partnership, membership):
    return [toolkit.MenuItem(module=KEY, label=_l("Sample"), endpoint=f"{KEY}.index")]


@hookimpl
def mosty_participant_panels(participant, membership):
    ASKED_FOR_PANELS.append(participant.id)


@hookimpl
def mosty_report_sections(partnership, period_start, period_end):
    return [toolkit.ReportSection(module=KEY, title=_l("Sample section"),
                                  columns=("label", "value"), rows=(("notes", 0),))]
