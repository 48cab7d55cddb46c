"""The plugin object registered with Mosty: the module, its role, and the hooks.

The module is split into parts (one sub-package per job: registration, activation, inbox,
offers, effectiveness). A part may define any of these plain functions, and the hooks below
gather them in the order of ``PARTS``:

- ``menu_items(partnership, membership)``, ``participant_panels(participant, membership)``,
  ``timeline_entries(subject, membership)``, ``report_sections(partnership, period_start,
  period_end)``, ``exchange_formats()``, ``personal_data(participant)``,
  ``anonymise_participant(participant)``, ``demo_data(partnerships)``.

Importing a part's ``views`` module attaches its routes to the blueprint.
"""

import importlib
from pathlib import Path

from mosty import toolkit
from mosty.toolkit import hookimpl
from mosty.toolkit import lazy_gettext as _l

from .blueprint import KEY, bp
from .registration import tasks as _registration_tasks  # noqa: F401 - registers tasks and beat entry

CLERK = "labour_clerk"

# Add a part here when its sub-package exists (each has ``hooks.py`` and ``views.py``).
PARTS = ("registration", "activation", "inbox", "offers", "effectiveness")

# Tables whose rows are linked to a person (the privacy export and anonymisation cover them).
PERSONAL_TABLES = ("labour_registration", "labour_registration_period", "labour_enrolment",
                   "labour_attendance", "labour_skill", "labour_candidate")


def _parts(module_name):
    return [importlib.import_module(f"{__package__}.{part}.{module_name}") for part in PARTS]


def _gather(function, **kwargs):
    found = []
    for part in _parts("hooks"):
        contribute = getattr(part, function, None)
        if contribute is None:
            continue
        result = contribute(**kwargs)
        if result is None:
            continue
        found.extend(result if isinstance(result, list | tuple) else [result])
    return found


@hookimpl
def mosty_modules():
    return toolkit.Module(
        key=KEY,
        name=_l("Labour office"),
        description=_l("Registration status, activation instruments, referrals, job offers "
                       "and employment effectiveness."),
        roles=(toolkit.Role(CLERK, _l("Labour office clerk"),
                            _l("Records registration status, places people on instruments "
                               "and job offers, answers referrals.")),),
        default_grants={CLERK: "write", "caseworker": "read", "coordinator": "read"},
    )


@hookimpl
def mosty_blueprints():
    _parts("views")  # attach every part's routes before the blueprint is registered
    return bp


@hookimpl
def mosty_migrations_dir():
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def mosty_menu_items(partnership, membership):
    return _gather("menu_items", partnership=partnership, membership=membership)


@hookimpl
def mosty_participant_panels(participant, membership):
    return _gather("participant_panels", participant=participant, membership=membership)


@hookimpl
def mosty_timeline_entries(subject, membership):
    return _gather("timeline_entries", subject=subject, membership=membership)


@hookimpl
def mosty_report_sections(partnership, period_start, period_end):
    return _gather("report_sections", partnership=partnership, period_start=period_start,
                   period_end=period_end)


@hookimpl
def mosty_exchange_formats():
    return _gather("exchange_formats")


@hookimpl
def mosty_personal_data(participant):
    return _gather("personal_data", participant=participant)


@hookimpl
def mosty_anonymise_participant(participant):
    _gather("anonymise_participant", participant=participant)


@hookimpl
def mosty_demo_data():
    def load(partnerships):
        for part in _parts("hooks"):
            loader = getattr(part, "demo_data", None)
            if loader is not None:
                loader(partnerships)

    return load
