"""Reading the animator's records: who may see which case, the board, the plan at a glance,
the dashboard. Access rules:

- **Animator staff** (role ``animator`` or ``caseworker``) see the cases run by their own
  institution, and only for families the registry lets that institution see.
- **Peer advisors** (role ``peer_advisor``) see the card of a family assigned to them, nothing
  else: every other family, the plan, the contacts and the notes answer 404.
- **Information operators** (role ``information_operator``) see and answer information requests.
"""

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

from flask import abort
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mosty import toolkit

from .models import (
    STAGES,
    Action,
    Agreement,
    Barrier,
    Case,
    Contact,
    Goal,
    InfoRequest,
    InstrumentRound,
    Plan,
)

STAFF_ROLES = ("animator", "caseworker")
ADVISOR_ROLE = "peer_advisor"
OPERATOR_ROLE = "information_operator"


def membership():
    return toolkit.current_membership()


def staff_institution_id():
    """The member's institution if they work with families here; otherwise 404."""
    member = membership()
    if member is None or not member.has_role(*STAFF_ROLES):
        abort(404)
    return member.institution_id


def is_operator():
    member = membership()
    return member is not None and member.has_role(OPERATOR_ROLE)


def visible_cases(institution_id):
    family_ok = select(toolkit.Family.id).where(toolkit.family_visible_to(institution_id))
    return select(Case).where(Case.institution_id == institution_id,
                              Case.family_id.in_(family_ok))


def case_or_404(family_id):
    """The case of a family for animator staff (404 for everyone else)."""
    institution_id = staff_institution_id()
    case = toolkit.db.session.scalar(visible_cases(institution_id).where(
        Case.family_id == family_id).options(selectinload(Case.family)))
    if case is None:
        abort(404)
    return case


def advisor_case_or_404(family_id):
    """The card of a family for its peer advisor, or for the staff running the case."""
    member = membership()
    if member is not None and member.has_role(*STAFF_ROLES):
        return case_or_404(family_id)
    if member is None or not member.has_role(ADVISOR_ROLE):
        abort(404)
    case = toolkit.db.session.scalar(select(Case).where(
        Case.family_id == family_id, Case.advisor_id == current_user.id))
    if case is None:
        abort(404)
    return case


def advisor_cases():
    """A peer advisor's own families; for animator staff, their institution's families that
    have a peer advisor (404 for everyone else)."""
    member = membership()
    if member is not None and member.has_role(*STAFF_ROLES):
        query = visible_cases(member.institution_id).where(Case.advisor_id.is_not(None))
    elif member is not None and member.has_role(ADVISOR_ROLE):
        query = select(Case).where(Case.advisor_id == current_user.id)
    else:
        abort(404)
    return list(toolkit.db.session.scalars(
        query
        .options(selectinload(Case.family)).order_by(Case.advisor_since.desc(), Case.id)))


# --- territory ----------------------------------------------------------------------------------

COMMUNE_LOCALITIES_SHOWN = 3


def counties_and_communes(institution_id, county="", commune=""):
    """The board's territory filters: the partnership's counties (TERYT order), and the
    communes (7-digit TERYT) to choose from, in Polish order of their names.

    A partnership's territory usually lists only its counties, while a family's address
    carries its commune's code, so the communes are those of the territory *and* those where
    the families on the institution's board live (the board's own visibility: nothing is
    offered about a family the board would not show), within the chosen county if there is
    one. A commune the territory does not name is named by its families' localities and its
    code, e.g. "Pomianowo, Rarwino (3201022)". The chosen ``commune`` is always offered, so
    the form says which filter the board shows."""
    units = toolkit.db.session.scalars(
        select(toolkit.TerritoryUnit).order_by(toolkit.TerritoryUnit.teryt)).all()
    names = {u.teryt: u.name for u in units if len(u.teryt) == 7}
    on_board = visible_cases(institution_id).with_only_columns(Case.family_id)
    localities = {}
    for teryt, locality in toolkit.db.session.execute(
            select(toolkit.Family.teryt, toolkit.Family.locality).distinct()
            .where(toolkit.Family.id.in_(on_board))):
        if teryt and len(teryt) == 7 and teryt.isdigit():
            localities.setdefault(teryt, set()).update([locality] if locality else [])
    codes = {code for code in set(names) | set(localities) if code.startswith(county)}
    if commune:
        codes.add(commune)

    def label(code):
        if code in names:
            return names[code]
        places = sorted(localities.get(code, ()), key=toolkit.sort_key)
        if not places:
            return code
        shown = ", ".join(places[:COMMUNE_LOCALITIES_SHOWN])
        more = "…" if len(places) > COMMUNE_LOCALITIES_SHOWN else ""
        return f"{shown}{more} ({code})"

    communes = sorted((SimpleNamespace(teryt=code, name=label(code)) for code in codes),
                      key=lambda unit: (toolkit.sort_key(unit.name), unit.teryt))
    return [u for u in units if len(u.teryt) == 4], communes


# --- the recruitment board --------------------------------------------------------------------

def board(institution_id, *, county="", commune="", animator_id=None):
    """Cases by stage, filtered by the family's county or commune (TERYT) and the animator."""
    query = visible_cases(institution_id).join(toolkit.Family, toolkit.Family.id == Case.family_id)
    if commune:
        query = query.where(toolkit.Family.teryt == commune)
    elif county:
        query = query.where(toolkit.Family.teryt.startswith(county, autoescape=True))
    if animator_id:
        query = query.where(Case.animator_id == animator_id)
    cases = toolkit.db.session.scalars(
        query.options(selectinload(Case.family).selectinload(toolkit.Family.members),
                      selectinload(Case.animator))
        .order_by(Case.lead_on.desc(), Case.id.desc())).all()
    columns = {stage: [] for stage in STAGES}
    for case in cases:
        columns[case.stage].append(case)
    return columns


def animators(institution_id):
    """Members of the institution who work with families (for the board filter)."""
    members = toolkit.db.session.scalars(
        select(toolkit.Membership).where(toolkit.Membership.institution_id == institution_id,
                                         toolkit.Membership.active.is_(True))
        .options(selectinload(toolkit.Membership.user))).all()
    return sorted((m.user for m in members if m.has_role("animator")),
                  key=lambda u: toolkit.sort_key(u.name))


def families_without_case(institution_id):
    """Registry families the institution sees that are not on the board yet, as (id, label)
    in Polish order of name and locality. Two families of the same name in the same locality
    are told apart by their registry number, or the animator could not know which is which."""
    on_board = select(Case.family_id)
    families = toolkit.db.session.execute(
        select(toolkit.Family.id, toolkit.Family.name, toolkit.Family.locality)
        .where(toolkit.family_visible_to(institution_id), toolkit.Family.id.not_in(on_board))
        .order_by(toolkit.by_name(toolkit.Family.name), toolkit.by_name(toolkit.Family.locality),
                  toolkit.Family.id).limit(200)).all()
    labels = Counter((name, locality) for _id, name, locality in families)
    return [(family_id, toolkit.gettext("%(family)s (%(locality)s), no. %(id)s",
                                        family=name, locality=locality, id=family_id)
             if labels[name, locality] > 1 else f"{name} ({locality})")
            for family_id, name, locality in families]


def family_target_groups():
    return list(toolkit.db.session.scalars(
        select(toolkit.TargetGroup).where(toolkit.TargetGroup.applies_to == "family")
        .order_by(toolkit.TargetGroup.code)))


def peer_advisors(case):
    """Peer advisors of the family's county club: members with the role whose institution is
    in the family's county (or has no county recorded, e.g. a partnership-wide club)."""
    county = (case.family.teryt or "")[:4]
    members = toolkit.db.session.scalars(
        select(toolkit.Membership).where(toolkit.Membership.active.is_(True))
        .options(selectinload(toolkit.Membership.user),
                 selectinload(toolkit.Membership.institution))).all()
    return sorted(
        (m for m in members if m.has_role(ADVISOR_ROLE)
         and (not m.institution.teryt or not county or m.institution.teryt.startswith(county))),
        key=lambda m: toolkit.sort_key(m.user.name))


# --- a case -----------------------------------------------------------------------------------

# The step the family's page offers from each stage; an enrolled family has none.
NEXT_STEPS = {"lead": "contacted", "contacted": "visited", "not_eligible": "visited",
              "visited": "assess", "eligible": "enroll"}


def next_step(case):
    """The recruitment step possible now (a name of ``views.STEPS``), or None."""
    return NEXT_STEPS.get(case.stage)


def contacts(case):
    return list(toolkit.db.session.scalars(
        select(Contact).where(Contact.case_id == case.id)
        .order_by(Contact.on.desc(), Contact.id.desc())))


def plan_of(case):
    return toolkit.db.session.scalar(select(Plan).where(Plan.case_id == case.id).options(
        selectinload(Plan.goals).selectinload(Goal.actions).selectinload(Action.agreement)
        .selectinload(Agreement.referral)))


def agreements(case):
    return list(toolkit.db.session.scalars(
        select(Agreement).where(Agreement.case_id == case.id)
        .options(selectinload(Agreement.referral), selectinload(Agreement.institution),
                 selectinload(Agreement.participant))
        .order_by(Agreement.concluded_on.desc(), Agreement.id.desc())))


def plan_actions(plan):
    return [action for goal in plan.goals for action in goal.actions]


def at_a_glance(plan, today=None, days_ahead=14):
    """Overdue actions, and open actions due in the next two weeks, in date order."""
    today = today or toolkit.today()
    actions = plan_actions(plan)
    overdue = sorted((a for a in actions if a.is_overdue(today)), key=lambda a: a.due_on)
    upcoming = sorted(
        (a for a in actions if a.effective_status in ("planned", "in_progress")
         and a.due_on is not None and today <= a.due_on <= today + timedelta(days=days_ahead)),
        key=lambda a: a.due_on)
    return overdue, upcoming


def action_or_404(action_id):
    action = toolkit.db.session.get(Action, action_id)
    if action is None:
        abort(404)
    case = case_or_404(action.goal.plan.case.family_id)  # 404 unless the case is the member's
    return action, case


def goal_or_404(goal_id):
    goal = toolkit.db.session.get(Goal, goal_id)
    if goal is None:
        abort(404)
    case = case_or_404(goal.plan.case.family_id)
    return goal, case


def member_names(case):
    return {m.participant_id: m.participant.full_name for m in case.family.members}


# --- information requests ---------------------------------------------------------------------

def requests_for_member():
    """Operators see every request of the partnership; staff see those of their institution."""
    query = select(InfoRequest).options(selectinload(InfoRequest.asked_by))
    if not is_operator():
        query = query.where(InfoRequest.institution_id == staff_institution_id())
    # The open ones first, the soonest deadline on top: they are what someone has to do.
    # Then the answered ones, the latest answer first. (Ordered here rather than by the status
    # column, whose alphabetical order put "answered" before "open".)
    return sorted(toolkit.db.session.scalars(query),
                  key=lambda item: (0, item.deadline.toordinal(), item.id)
                  if item.status == "open"
                  else (1, -(item.answered_on or item.deadline).toordinal(), -item.id))


def request_or_404(request_id):
    request = toolkit.db.session.get(InfoRequest, request_id)
    if request is None:
        abort(404)
    if not is_operator() and request.institution_id != staff_institution_id():
        abort(404)
    return request


# --- the dashboard ----------------------------------------------------------------------------

def dashboard(institution_id, user_id, today=None):
    today = today or toolkit.today()
    cases = toolkit.db.session.scalars(visible_cases(institution_id).where(
        Case.animator_id == user_id).options(selectinload(Case.family))).all()
    by_stage = Counter(case.stage for case in cases)
    case_ids = [case.id for case in cases]
    plans = toolkit.db.session.scalars(select(Plan).where(Plan.case_id.in_(case_ids)).options(
        selectinload(Plan.case).selectinload(Case.family),
        selectinload(Plan.goals).selectinload(Goal.actions).selectinload(Action.agreement)
        .selectinload(Agreement.referral))).all() if case_ids else []
    overdue = sorted(((plan.case, action) for plan in plans for action in plan_actions(plan)
                      if action.is_overdue(today)), key=lambda pair: pair[1].due_on)
    week_end = today + timedelta(days=6 - today.weekday())
    reviews_due = sorted((plan for plan in plans if plan.signed and plan.next_review_on
                          and plan.next_review_on <= week_end),
                         key=lambda plan: plan.next_review_on)
    agreements_total = toolkit.db.session.scalar(
        select(func.count(Agreement.id)).where(Agreement.case_id.in_(case_ids))) if case_ids else 0
    done = sum(1 for plan in plans for action in plan_actions(plan)
               if action.effective_status == "done")
    member_ids = select(toolkit.FamilyMember.participant_id).where(
        toolkit.FamilyMember.family_id.in_([case.family_id for case in cases]))
    outcomes = dict(toolkit.db.session.execute(
        select(toolkit.Outcome.kind, func.count(toolkit.Outcome.id))
        .where(toolkit.Outcome.participant_id.in_(member_ids),
               toolkit.Outcome.kind.in_(("job_started", "training_completed")),
               # "so far": a job that starts next month (a hire) is not yet a job started
               toolkit.Outcome.occurred_on <= today)
        .group_by(toolkit.Outcome.kind)).all()) if cases else {}
    return {"stages": [(stage, by_stage.get(stage, 0)) for stage in STAGES],
            "motivation": motivation_trend(cases, institution_id),
            "jobs_started": outcomes.get("job_started", 0),
            "trainings_completed": outcomes.get("training_completed", 0),
            "overdue": overdue, "reviews_due": reviews_due, "families": len(cases),
            "plans_signed": sum(1 for plan in plans if plan.signed),
            "agreements": agreements_total, "actions_done": done}


# --- diagnosis and motivation (instrument rounds) ----------------------------------------------

def instrument_rounds(case, purpose, institution_id):
    """The case's rounds of one purpose, oldest first, each with the administrations of the
    members the institution may see (the instruments package's visibility rule)."""
    instruments = toolkit.instruments_service
    records = toolkit.db.session.scalars(select(InstrumentRound).where(
        InstrumentRound.case_id == case.id, InstrumentRound.purpose == purpose)
        .order_by(InstrumentRound.started_on, InstrumentRound.id)).all()
    rounds = []
    for record in records:
        family_round = instruments.family_round_or_404(record.round_id, institution_id)
        rounds.append(SimpleNamespace(
            record=record, round=family_round,
            administrations=instruments.round_administrations(family_round, institution_id)))
    return rounds


def latest_results(rounds):
    """{participant id: the newest finished administration} over the rounds."""
    latest = {}
    for item in rounds:
        for administration in item.administrations:
            if administration.status == "finished":
                latest[administration.participant_id] = administration
    return latest


def _total(administration):
    total = (administration.scores or {}).get("total") or {}
    return total.get("score")


def band_for(bands, score):
    """The band the score falls in (the last whose ``from`` is not above it), as the
    instruments package scores a person."""
    found = None
    for band in bands or ():
        if score is not None and band["from"] <= score + 1e-9:
            found = band
    return found


def motivation_points(rounds):
    """Per round: the date, the occasion, each member's total and band, and the family's
    score (the mean of the members who finished) with its band from the instrument's total."""
    points = []
    for item in rounds:
        members = {}
        for administration in item.administrations:
            score = _total(administration) if administration.status == "finished" else None
            if score is not None:
                band = ((administration.scores or {}).get("total") or {}).get("band")
                members[administration.participant_id] = (round(score, 2),
                                                          band["label"] if band else "")
        family = (round(sum(s for s, _b in members.values()) / len(members), 2)
                  if members else None)
        bands = ((item.round.version.spec or {}).get("total") or {}).get("bands")
        family_band = band_for(bands, family)
        points.append(SimpleNamespace(on=item.record.started_on, occasion=item.record.occasion,
                                      review=item.record.review,
                                      members=members, family=family,
                                      family_band=family_band["label"] if family_band else "",
                                      round=item.round))
    return points


CHART_W, CHART_H, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 44, 16, 16, 36
PALETTE = ("#1f5f8b", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6b6b6b")


def motivation_chart(points, names, family_title):
    """Server-rendered SVG geometry (no scripts, no inline styles): the family's score as the
    first line, one line per member; None with fewer than two scored rounds."""
    scored = [p for p in points if p.family is not None]
    if len(scored) < 2:
        return None
    values = [p.family for p in scored] + [s for p in scored for s, _b in p.members.values()]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    plot_w, plot_h = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM
    step = plot_w / (len(scored) - 1)

    def y_of(value):
        return round(TOP + plot_h - (value - low) / (high - low) * plot_h, 1)

    columns = [(round(LEFT + i * step, 1), p.on) for i, p in enumerate(scored)]
    lines = [(family_title, [p.family for p in scored])]
    member_ids = sorted({pid for p in scored for pid in p.members})
    lines += [(names.get(pid, "?"), [p.members.get(pid, (None, ""))[0] for p in scored])
              for pid in member_ids]
    series = []
    for index, (title, line_values) in enumerate(lines):
        segments, dots, pen = [], [], False
        for (x, _on), value in zip(columns, line_values, strict=True):
            if value is None:
                pen = False
                continue
            y = y_of(value)
            segments.append(f"{'L' if pen else 'M'}{x},{y}")
            dots.append((x, y, value))
            pen = True
        series.append(SimpleNamespace(title=title, colour=PALETTE[index % len(PALETTE)],
                                      path=" ".join(segments), dots=dots,
                                      width=3 if index == 0 else 1.5))
    ticks = [(y_of(low + (high - low) * i / 4), round(low + (high - low) * i / 4, 1))
             for i in range(5)]
    return SimpleNamespace(width=CHART_W, height=CHART_H, series=series, ticks=ticks,
                           columns=columns, left=LEFT, right=CHART_W - RIGHT,
                           baseline=TOP + plot_h)


def barriers(case):
    return list(toolkit.db.session.scalars(select(Barrier).where(Barrier.case_id == case.id)
                                           .order_by(Barrier.kind, Barrier.id)))


def barrier_or_404(barrier_id):
    barrier = toolkit.db.session.get(Barrier, barrier_id)
    if barrier is None:
        abort(404)
    case = case_or_404(toolkit.db.session.get(Case, barrier.case_id).family_id)
    return barrier, case


def motivation_trend(cases, institution_id):
    """Across the caseload: each family's motivation score at entry and at its latest review,
    and the mean change over the families that have both."""
    rows = []
    # One query for which cases have a motivation round at all: the rounds of each (below)
    # are read only for those, not once per family of the caseload.
    with_rounds = set(toolkit.db.session.scalars(select(InstrumentRound.case_id).where(
        InstrumentRound.case_id.in_([case.id for case in cases]),
        InstrumentRound.purpose == "motivation"))) if cases else set()
    for case in (case for case in cases if case.id in with_rounds):
        points = [p for p in motivation_points(instrument_rounds(case, "motivation",
                                                                 institution_id))
                  if p.family is not None]
        if points:
            first, last = points[0], points[-1]
            change = round(last.family - first.family, 2) if len(points) > 1 else None
            rows.append(SimpleNamespace(case=case, entry=first.family, latest=last.family,
                                        change=change))
    changes = [row.change for row in rows if row.change is not None]
    mean = round(sum(changes) / len(changes), 2) if changes else None
    return SimpleNamespace(rows=rows, mean_change=mean)
