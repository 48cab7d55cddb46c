"""The plugin object registered with Mosty: the module, its roles, and the hooks."""

from pathlib import Path

from mosty import toolkit
from mosty.toolkit import hookimpl
from mosty.toolkit import lazy_gettext as _l

from . import hooks
from .blueprint import KEY, bp

ANIMATOR = "animator"
PEER_ADVISOR = "peer_advisor"
INFORMATION_OPERATOR = "information_operator"

# The person-linked tables this module keeps (for the privacy export and anonymisation).
PERSONAL_TABLES = ("animator_case", "animator_contact", "animator_plan", "animator_goal",
                   "animator_action", "animator_agreement", "animator_review", "animator_barrier",
                   "animator_instrument_round")


@hookimpl
def mosty_modules():
    return toolkit.Module(
        key=KEY,
        name=_l("Work animator"),
        description=_l("Recruitment of families, contacts and home visits, the family work "
                       "plan, agreements with institutions, peer advisors and information "
                       "requests."),
        roles=(
            toolkit.Role(ANIMATOR, _l("Work animator"),
                         _l("Recruits families, writes the work plan with them and concludes "
                            "agreements with institutions.")),
            toolkit.Role(PEER_ADVISOR, _l("Peer advisor"),
                         _l("A member of the county's peer support club; sees only the "
                            "families assigned to them.")),
            toolkit.Role(INFORMATION_OPERATOR, _l("Information operator"),
                         _l("Answers the animators' information requests.")),
        ),
        default_grants={ANIMATOR: "write", PEER_ADVISOR: "read",
                        INFORMATION_OPERATOR: "write", "coordinator": "read"},
    )


@hookimpl
def mosty_blueprints():
    from . import views  # noqa: F401  (attaches the routes)

    return bp


@hookimpl
def mosty_migrations_dir():
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def mosty_menu_items(partnership, membership):
    return hooks.menu_items(membership)


@hookimpl
def mosty_family_panels(family, membership):
    return hooks.family_panels(family, membership)


@hookimpl
def mosty_participant_panels(participant, membership):
    return hooks.participant_panels(participant, membership)


@hookimpl
def mosty_timeline_entries(subject, membership):
    return hooks.timeline_entries(subject, membership)


@hookimpl
def mosty_report_sections(partnership, period_start, period_end):
    return hooks.report_sections(period_start, period_end)


@hookimpl
def mosty_personal_data(participant):
    return hooks.personal_data(participant)


@hookimpl
def mosty_anonymise_participant(participant):
    hooks.anonymise_participant(participant)


@hookimpl
def mosty_demo_data():
    from .demo import load

    return load
