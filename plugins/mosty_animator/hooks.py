"""What the module adds to core pages: menu entries, panels and timeline entries on the
registry's family and participant pages, report sections, and the privacy hooks."""

from datetime import UTC, datetime, time

from flask import url_for
from sqlalchemy import func, or_, select, update

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from . import labels
from .blueprint import KEY
from .models import (
    Action,
    Agreement,
    Barrier,
    Case,
    Contact,
    Goal,
    InstrumentRound,
    Plan,
    Review,
)
from .service import ADVISOR_ROLE, OPERATOR_ROLE, STAFF_ROLES


def menu_items(membership):
    items = []
    if membership is None:
        return items
    if membership.has_role(*STAFF_ROLES):
        items += [toolkit.MenuItem(module=KEY, label=_l("Recruitment"), endpoint=f"{KEY}.index",
                                   order=40),
                  toolkit.MenuItem(module=KEY, label=_l("My families"),
                                   endpoint=f"{KEY}.dashboard", order=41)]
    if membership.has_role(ADVISOR_ROLE) and not membership.has_role(*STAFF_ROLES):
        items.append(toolkit.MenuItem(module=KEY, label=_l("My families"),
                                      endpoint=f"{KEY}.advisor_families", order=41))
    if membership.has_role(OPERATOR_ROLE, *STAFF_ROLES):
        items.append(toolkit.MenuItem(module=KEY, label=_l("Information requests"),
                                      endpoint=f"{KEY}.requests", order=42))
    return items


def _staff_case(family_id, membership):
    """The case of the family run by the member's institution, or None (panels only appear
    where the animator pages themselves would open)."""
    if membership is None or not membership.has_role(*STAFF_ROLES):
        return None
    return _family_case(family_id, membership.institution_id)


# The panel and the timeline of a page ask for the same case and plan: read once per request.
@toolkit.request_memo
def _family_case(family_id, institution_id):
    return toolkit.db.session.scalar(select(Case).where(
        Case.family_id == family_id, Case.institution_id == institution_id))


@toolkit.request_memo
def _member_case_of(participant_id, institution_id):
    members = select(toolkit.FamilyMember.family_id).where(
        toolkit.FamilyMember.participant_id == participant_id)
    return toolkit.db.session.scalar(select(Case).where(
        Case.family_id.in_(members), Case.institution_id == institution_id))


@toolkit.request_memo
def _plan_of(case_id):
    return toolkit.db.session.scalar(select(Plan).where(Plan.case_id == case_id))


def family_panels(family, membership):
    case = _staff_case(family.id, membership)
    if case is None:
        return None
    plan = _plan_of(case.id)
    return toolkit.Panel(module=KEY, title=_l("Work animator"), template="animator/_panel.html",
                         context={"case": case, "plan": plan, "labels": labels}, order=40)


def _member_case(participant_id, membership):
    if membership is None or not membership.has_role(*STAFF_ROLES):
        return None
    return _member_case_of(participant_id, membership.institution_id)


def participant_panels(participant, membership):
    case = _member_case(participant.id, membership)
    if case is None:
        return None
    plan = _plan_of(case.id)
    goals = [g for g in plan.goals if g.participant_id == participant.id] if plan else []
    actions = list(toolkit.db.session.scalars(select(Action).where(
        Action.who_participant_id == participant.id).order_by(Action.due_on)))
    return toolkit.Panel(module=KEY, title=_l("Work animator"),
                         template="animator/_participant_panel.html",
                         context={"case": case, "plan": plan, "goals": goals,
                                  "actions": actions, "labels": labels}, order=40)


def _at(day):
    return datetime.combine(day, time(12), tzinfo=UTC)


def timeline_entries(subject, membership):
    if isinstance(subject, toolkit.Family):
        case = _staff_case(subject.id, membership)
    elif isinstance(subject, toolkit.Participant):
        case = _member_case(subject.id, membership)
    else:
        return None
    if case is None:
        return None
    url = url_for(f"{KEY}.family", family_id=case.family_id)
    entries = [toolkit.TimelineEntry(module=KEY, at=_at(case.lead_on),
                                     title=_l("Recruitment: lead"),
                                     detail=str(labels.SOURCES.get(case.source, "")), url=url)]
    for day, stage in ((case.contacted_on, "contacted"), (case.visited_on, "visited"),
                       (case.assessed_on, "eligible" if case.stage != "not_eligible"
                        else "not_eligible"), (case.enrolled_on, "enrolled")):
        if day is not None:
            entries.append(toolkit.TimelineEntry(
                module=KEY, at=_at(day), title=_l("Recruitment: %(stage)s",
                                                  stage=labels.STAGES[stage]), url=url))
    for contact in toolkit.db.session.scalars(select(Contact).where(Contact.case_id == case.id)):
        entries.append(toolkit.TimelineEntry(
            module=KEY, at=_at(contact.on), title=labels.CONTACT_KINDS.get(contact.kind, ""),
            url=url + "#contacts"))
    for record in toolkit.db.session.scalars(select(InstrumentRound).where(
            InstrumentRound.case_id == case.id)):
        if record.purpose == "diagnosis":
            entries.append(toolkit.TimelineEntry(
                module=KEY, at=_at(record.started_on), title=_l("Needs and skills diagnosis"),
                url=url_for(f"{KEY}.diagnosis", family_id=case.family_id)))
        else:
            entries.append(toolkit.TimelineEntry(
                module=KEY, at=_at(record.started_on), title=_l("Family motivation test"),
                detail=str(labels.OCCASIONS.get(record.occasion, "")),
                url=url_for(f"{KEY}.motivation", family_id=case.family_id)))
    if case.diagnosed_on is not None:
        entries.append(toolkit.TimelineEntry(
            module=KEY, at=_at(case.diagnosed_on), title=_l("Diagnosis summary written"),
            url=url_for(f"{KEY}.diagnosis", family_id=case.family_id)))
    plan = _plan_of(case.id)
    if plan is not None:
        plan_url = url_for(f"{KEY}.plan", family_id=case.family_id)
        if plan.signed:
            entries.append(toolkit.TimelineEntry(
                module=KEY, at=_at(max(plan.family_signed_on, plan.animator_signed_on)),
                title=_l("Work plan signed"), url=plan_url))
        for review in plan.reviews:
            entries.append(toolkit.TimelineEntry(module=KEY, at=_at(review.held_on),
                                                 title=_l("Work plan reviewed"), url=plan_url))
    for agreement in toolkit.db.session.scalars(select(Agreement).where(
            Agreement.case_id == case.id)):
        entries.append(toolkit.TimelineEntry(
            module=KEY, at=_at(agreement.concluded_on),
            title=_l("Agreement concluded with %(institution)s",
                     institution=agreement.institution.name), url=url))
    return entries


def report_sections(period_start, period_end):
    """Aggregates only: families recruited, visited, found eligible, diagnosed, enrolled, with
    a signed plan, and agreements concluded in the period."""
    def count(column, *where):
        return toolkit.db.session.scalar(select(func.count(column)).where(*where)) or 0

    def within(column):
        return (column >= period_start, column <= period_end)

    agreements_by_kind = toolkit.db.session.execute(
        select(toolkit.Institution.kind, func.count(Agreement.id))
        .join(toolkit.Institution, toolkit.Institution.id == Agreement.institution_id)
        .where(*within(Agreement.concluded_on)).group_by(toolkit.Institution.kind)).all()
    rows = [
        (_l("Families recruited (leads)"), count(Case.id, *within(Case.lead_on))),
        (_l("Families visited at home"), count(Case.id, *within(Case.visited_on))),
        (_l("Families found eligible"), count(Case.id, *within(Case.assessed_on),
                                              Case.stage.in_(("eligible", "enrolled")))),
        (_l("Families diagnosed"), count(Case.id, *within(Case.diagnosed_on))),
        (_l("Families enrolled"), count(Case.id, *within(Case.enrolled_on))),
        # A plan is signed on the later of its two signatures: both on or before the end of
        # the period, and one of them (so the later) within it.
        (_l("Families with a signed work plan"),
         count(Plan.id, Plan.family_signed_on <= period_end, Plan.animator_signed_on <= period_end,
               or_(Plan.family_signed_on >= period_start,
                   Plan.animator_signed_on >= period_start))),
        (_l("Agreements concluded"), sum(n for _kind, n in agreements_by_kind)),
    ]
    rows += [(_l("Agreements with institutions of kind: %(kind)s",
                 kind=toolkit.INSTITUTION_KIND_LABELS.get(kind, kind)), n)
             for kind, n in sorted(agreements_by_kind)]
    return [toolkit.ReportSection(module=KEY, title=_l("Work animator"),
                                  columns=(_l("Measure"), _l("Value")), rows=tuple(rows),
                                  order=40),
            _outcomes_section(period_start, period_end)]


def _outcomes_section(period_start, period_end):
    """Outcomes in the period of the members of the families on the board, by the family's
    county and the person's sex (counts only)."""
    families = select(Case.family_id)
    # One labelled expression for SELECT and GROUP BY: PostgreSQL binds the substr arguments
    # as parameters, and two copies of the call would be two different expressions to it.
    county_code = func.substr(toolkit.Family.teryt, 1, 4).label("county_code")
    found = toolkit.db.session.execute(
        select(county_code, toolkit.Participant.sex,
               # People, as the column says: one person with two job starts counts once.
               toolkit.Outcome.kind, func.count(func.distinct(toolkit.Outcome.participant_id)))
        .join(toolkit.Participant, toolkit.Participant.id == toolkit.Outcome.participant_id)
        .join(toolkit.FamilyMember,
              toolkit.FamilyMember.participant_id == toolkit.Outcome.participant_id)
        .join(toolkit.Family, toolkit.Family.id == toolkit.FamilyMember.family_id)
        .where(toolkit.Family.id.in_(families), toolkit.Outcome.occurred_on >= period_start,
               toolkit.Outcome.occurred_on <= period_end)
        .group_by(county_code, toolkit.Participant.sex, toolkit.Outcome.kind)).all()
    counties = {u.teryt: u.name for u in toolkit.db.session.scalars(
        select(toolkit.TerritoryUnit))}
    rows = tuple(
        (counties.get(county, county or "—"), toolkit.SEX_LABELS.get(sex, sex),
         labels.OUTCOME_KINDS.get(kind, kind), n)
        for county, sex, kind, n in sorted(found, key=lambda r: (r[0] or "", r[1], r[2])))
    return toolkit.ReportSection(
        module=KEY, title=_l("Work animator: outcomes of the families by county and sex"),
        columns=(_l("County"), _l("Sex"), _l("Outcome"), _l("People")), rows=rows, order=41)


def personal_data(participant):
    """The person's goals and actions, agreements about them, plan signatures and barriers, one
    section each (the family's shared records, such as contacts, stay with the family).
    Labels are translated, codes named, dates left as dates for the export to format."""
    session = toolkit.db.session
    goals = session.scalars(select(Goal).where(Goal.participant_id == participant.id)
                            .order_by(Goal.id)).all()
    actions = session.scalars(select(Action).where(Action.who_participant_id == participant.id)
                              .order_by(Action.due_on, Action.id)).all()
    agreements = session.scalars(select(Agreement).where(
        Agreement.participant_id == participant.id).order_by(Agreement.concluded_on)).all()
    signed = session.scalars(select(Plan).where(Plan.family_signed_by_id == participant.id)
                             .order_by(Plan.family_signed_on)).all()
    barriers = session.scalars(select(Barrier).where(Barrier.participant_id == participant.id)
                               .order_by(Barrier.recorded_on, Barrier.id)).all()
    sections = (
        (_l("Work animator: goals"), [{
            _l("Goal"): g.text, _l("Progress (%)"): g.progress} for g in goals]),
        (_l("Work animator: plan actions"), [{
            _l("Action"): a.what, _l("Due date"): a.due_on,
            _l("Status"): labels.ACTION_STATUSES.get(a.effective_status, a.effective_status),
        } for a in actions]),
        (_l("Work animator: agreements with institutions"), [{
            _l("Institution"): a.institution.name, _l("Commitment"): a.commitment,
            _l("Concluded"): a.concluded_on} for a in agreements]),
        (_l("Work animator: work plans signed for the family"), [{
            _l("Signed on"): p.family_signed_on} for p in signed]),
        (_l("Work animator: barriers"), [{
            _l("Barrier"): labels.BARRIERS.get(b.kind, b.kind), _l("Note"): b.note,
            _l("Recorded"): b.recorded_on} for b in barriers]),
    )
    held = [toolkit.PersonalDataSection(module=KEY, title=title, records=tuple(records))
            for title, records in sections if records]
    # Five "nothing held" sections for someone the module never saw would bury the rest.
    return held or [toolkit.PersonalDataSection(module=KEY, title=_l("Work animator"))]


def anonymise_participant(participant):
    """Blank the free text about the person; keep dates, statuses and counts."""
    session = toolkit.db.session
    session.execute(update(Goal).where(Goal.participant_id == participant.id)
                    .values(text=""))
    session.execute(update(Action).where(Action.who_participant_id == participant.id)
                    .values(what=""))
    session.execute(update(Agreement).where(Agreement.participant_id == participant.id)
                    .values(commitment=""))
    # Contacts and reviews are about the whole family; when a member is anonymised, notes
    # that may name them are blanked too.
    cases = select(Case.id).where(Case.family_id.in_(
        select(toolkit.FamilyMember.family_id).where(
            toolkit.FamilyMember.participant_id == participant.id)))
    session.execute(update(Contact).where(Contact.case_id.in_(cases))
                    .values(present="", note="", next_step=""))
    session.execute(update(Case).where(Case.id.in_(cases))
                    .values(note="", strengths="", barriers_summary=""))
    session.execute(update(Barrier).where(Barrier.case_id.in_(cases)).values(note=""))
    plans = select(Plan.id).where(Plan.case_id.in_(cases))
    session.execute(update(Review).where(Review.plan_id.in_(plans)).values(notes=""))


