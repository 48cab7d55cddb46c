"""Thin views over ``service`` (reading, access) and ``transitions`` (the rules). Every page
that shows personal data writes one audit ``read`` entry naming the ids shown. A refused form
comes back on its page with what was typed and the message (422), never as an empty form."""

import re
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from mosty import toolkit
from mosty.toolkit import commit_keeping_loaded
from mosty.toolkit import gettext as _

from . import labels, service, transitions
from .blueprint import KEY, bp
from .models import MAX_TEXT, STAGES, Case
from .transitions import Refused

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
TERYT = {"county": re.compile(r"[0-9]{4}"), "commune": re.compile(r"[0-9]{7}")}


def _date(name, default=None, required=True):
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if default is not None or not required:
            return default
        raise Refused(_("Give the date."), name)
    # Only YYYY-MM-DD: date.fromisoformat also reads "20261201" and week dates.
    if not DAY.fullmatch(raw):
        raise Refused(_("Write the date as YYYY-MM-DD."), name)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Refused(_("There is no such day as %(date)s.", date=raw), name) from None


def _id(name, required=True, unknown=None):
    """The id of a row chosen in the form, exactly as the page's list offers it; anything
    else is refused before a query (with ``unknown``, or "choose one of the options"): "1_0",
    "²", " 1\n" (which int() would read), or a number beyond a database integer (which
    PostgreSQL answers with a server error)."""
    raw = request.form.get(name) or ""
    if not raw:
        if required:
            raise Refused(_("Fill in every required field."), name)
        return None
    try:
        return toolkit.row_id(raw)
    except ValueError:
        raise Refused(unknown or _("Choose one of the options offered."), name) from None


def _ids(name, message):
    """The ids ticked in a list of checkboxes; ``message`` refuses a value naming no row."""
    try:
        return [toolkit.row_id(value) for value in request.form.getlist(name)]
    except ValueError:
        raise Refused(message, name) from None


def _whole_number(name, message):
    """A whole number typed in the form (None when empty); ``message`` refuses anything else,
    such as "-1", "1.5", "1_0" or "²", which int() would read or choke on."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not WHOLE_NUMBER.fullmatch(raw):
        raise Refused(message, name)
    return int(raw)


def _text(name, max_length):
    """A text of the form, refused when it holds control characters (PostgreSQL refuses a
    NUL with a server error) or is longer than its field takes (``models.MAX_TEXT``). A line
    break counts as one character, as the browser counts it."""
    value = (request.form.get(name) or "").replace("\r\n", "\n")
    if toolkit.has_control_characters(value):
        raise Refused(_("This text contains characters that are not allowed."), name)
    if len(value.strip()) > max_length:
        raise Refused(_("Too long: at most %(max)d characters.", max=max_length), name)
    return value


def _read(obj_type, **detail):
    toolkit.record_audit("read", object_type=obj_type, detail=detail)


def _done(message, target):
    toolkit.db.session.commit()
    flash(message, "success")
    return redirect(target)


class Typed:
    """The refused form of a page (by the name the template gives it), what was typed into it
    and why it was refused (``field``: the one field the refusal is about, if any); the
    page's other forms show their usual values."""

    NOTHING = ImmutableMultiDict()

    def __init__(self, form=None, values=None, message=None, field=None):
        self.form, self._values, self._message, self.field = form, values, message, field

    def values(self, form):
        return self._values if form == self.form else self.NOTHING

    def message(self, form):
        return self._message if form == self.form else None

    def field_error(self, form, field):
        """The refusal when it is about ``field`` of ``form``, to show beside that field."""
        return self._message if form == self.form and field == self.field else None


NOTHING_TYPED = Typed()


def _refused(refused, page, *args, form, beside_fields=False):
    """The refused form's page again (422), with what was typed and the message, there and at
    the top: the step's changes are rolled back, nothing saved before is touched, and nothing
    typed is lost. ``page(*args, typed=...)`` renders the page. A page of one form that shows
    a field's refusal beside the field (``beside_fields``) says at the top only refusals about
    the whole record."""
    toolkit.db.session.rollback()
    message = str(refused)
    field = refused.field if beside_fields else None
    if field is None:
        flash(message, "error")
    return page(*args, typed=Typed(form, request.form, message, field)), 422


@bp.context_processor
def _limits():
    """The limits the forms show (``maxlength``, ``min`` and ``max`` of dates); the rules
    themselves are checked in ``_text`` and ``transitions``."""
    return {"max_text": MAX_TEXT, "earliest_lead_on": transitions.earliest_lead_on(),
            "latest_due_on": transitions.latest_due_on(),
            "latest_deadline": transitions.latest_deadline()}


@bp.context_processor
def _numbers():
    """Scores as the user's language writes numbers ("+1,10" and "2,4" in Polish), as the
    instruments pages do (their ``instrument_number`` filter, used for plain scores here)."""
    return {"signed_change": lambda value: format_decimal(value, format="+#,##0.00;-#,##0.00"),
            # One decimal on every label of the chart's axis; + 0.0 turns -0.0 into 0.0.
            "axis_number": lambda value: format_decimal(value + 0.0, format="#,##0.0")}


# --- recruitment board -----------------------------------------------------------------------

@bp.route("/")
def index():
    institution_id = service.staff_institution_id()
    # TERYT codes from the filter's lists; anything else (a NUL, which PostgreSQL would refuse
    # with a server error) filters nothing.
    county, commune = (code if TERYT[name].fullmatch(code) else ""
                       for name, code in (("county", request.args.get("county", "")),
                                          ("commune", request.args.get("commune", ""))))
    animator_id = request.args.get("animator", type=toolkit.row_id)
    columns = service.board(institution_id, county=county, commune=commune,
                            animator_id=animator_id)
    counties, communes = service.counties_and_communes(institution_id, county=county,
                                                       commune=commune)
    family_ids = sorted(c.family_id for cases in columns.values() for c in cases)
    _read("animator_case", family_ids=family_ids)
    commit_keeping_loaded(toolkit.db.session)  # no reload per card
    return render_template("animator/board.html", columns=columns, labels=labels,
                           counties=counties, communes=communes,
                           animators=service.animators(institution_id),
                           county=county, commune=commune, animator_id=animator_id,
                           can_write=toolkit.can_use(KEY, "write"))


def _writer():
    """Write pages answered to GET: checked after the case, so people without access to the
    family get 404 (nothing revealed), and staff with read access only 403."""
    if not toolkit.can_use(KEY, "write"):
        abort(403)


def _lead_page(typed=NOTHING_TYPED):
    institution_id = service.staff_institution_id()
    families = service.families_without_case(institution_id)
    _read("family", ids=[family_id for family_id, _label in families], purpose="lead_choice")
    response = render_template("animator/new_lead.html", families=families, labels=labels,
                               animators=service.animators(institution_id), today=toolkit.today(),
                               typed=typed)
    toolkit.db.session.commit()
    return response


@bp.route("/leads/new", methods=["GET", "POST"])
def new_lead():
    institution_id = service.staff_institution_id()
    _writer()
    if request.method == "GET":
        return _lead_page()
    try:
        family = toolkit.db.session.get(toolkit.Family, _id("family_id"))
        if family is None:
            raise Refused(_("Choose a family from the registry."), "family_id")
        case = transitions.add_lead(
            family=family, institution_id=institution_id,
            animator_id=_id("animator_id", required=False) or current_user.id,
            added_by_id=current_user.id, source=request.form.get("source", ""),
            note=_text("note", MAX_TEXT["lead_note"]),
            on=_date("lead_on", default=toolkit.today()))
    except Refused as refused:
        return _refused(refused, _lead_page, form="lead", beside_fields=True)
    return _done(_("The family is on the recruitment board as a lead."),
                 url_for(".family", family_id=case.family_id))


def _family_page(family_id, typed=NOTHING_TYPED):
    case = service.case_or_404(family_id)
    _read("animator_case", case_id=case.id, family_id=family_id)
    response = render_template(
        "animator/family.html", case=case, labels=labels, contacts=service.contacts(case),
        plan=service.plan_of(case), agreements=service.agreements(case),
        target_groups=service.family_target_groups(), advisors=service.peer_advisors(case),
        next_step=service.next_step(case), today=toolkit.today(), can_write=toolkit.can_use(KEY, "write"), typed=typed)
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>")
def family(family_id):
    return _family_page(family_id)


STEPS = ("contacted", "visited", "assess", "enroll")


@bp.route("/families/<int:family_id>/step", methods=["POST"])
def step(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".family", family_id=family_id)
    name = request.form.get("step")
    try:
        on = _date("on", default=toolkit.today())
        if name == "contacted":
            transitions.mark_contacted(case, on=on)
        elif name == "visited":
            transitions.mark_visited(case, on=on)
        elif name == "assess":
            group = toolkit.db.session.get(toolkit.TargetGroup, _id("target_group_id"))
            verdict = transitions.assess(case, group, current_user.id, on=on)
            if not verdict.eligible:
                return _done(_("The family does not meet the target group's criteria; the "
                               "reasons are shown below."), target)
        elif name == "enroll":
            transitions.enroll(case, current_user.id, on=on)
        else:
            raise Refused(_("Choose a step."))
    except Refused as refused:
        return _refused(refused, _family_page, family_id, form="step")
    return _done(_("The family's stage has been changed."), target)


@bp.route("/families/<int:family_id>/contacts", methods=["POST"])
def add_contact(family_id):
    case = service.case_or_404(family_id)
    try:
        transitions.log_contact(case, on=_date("on"), kind=request.form.get("kind", ""),
                                present=_text("present", MAX_TEXT["contact_present"]),
                                note=_text("note", MAX_TEXT["contact_note"]),
                                next_step=_text("next_step", MAX_TEXT["contact_next_step"]),
                                actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, _family_page, family_id, form="contact")
    return _done(_("The contact has been recorded."),
                 url_for(".family", family_id=family_id) + "#contacts")


@bp.route("/families/<int:family_id>/advisor", methods=["POST"])
def assign_advisor(family_id):
    case = service.case_or_404(family_id)
    try:
        # Empty: the family has no advisor any more.
        advisor_id = _id("advisor_id", required=False, unknown=transitions.NOT_A_PEER_ADVISOR)
        transitions.assign_advisor(case, advisor_id)
    except Refused as refused:
        return _refused(refused, _family_page, family_id, form="advisor")
    return _done(_("The peer advisor has been changed."),
                 url_for(".family", family_id=family_id) + "#advisor")


# --- the work plan ----------------------------------------------------------------------------

def _plan_page(family_id, typed=NOTHING_TYPED):
    case = service.case_or_404(family_id)
    plan = service.plan_of(case)
    overdue, upcoming = service.at_a_glance(plan) if plan else ([], [])
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None)
    response = render_template(
        "animator/plan.html", case=case, plan=plan, overdue=overdue, upcoming=upcoming,
        labels=labels, members=case.family.members, today=toolkit.today(),
        institutions=toolkit.db.session.scalars(
            select(toolkit.Institution).order_by(toolkit.by_name(toolkit.Institution.name))).all(),
        can_write=toolkit.can_use(KEY, "write"), typed=typed)
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/plan", methods=["GET", "POST"])
def plan(family_id):
    """The plan; a POST starts it. One rule for both methods: with a GET rule and a POST rule
    of the same path, a POST with an id beyond a database integer was answered 405 (the
    router had seen the GET rule's path match) instead of 404."""
    if request.method == "POST":
        return _start_plan(family_id)
    return _plan_page(family_id)


def _start_plan(family_id):
    case = service.case_or_404(family_id)
    try:
        every = _whole_number("review_every_days", _("Reviews are held every 7 to 365 days."))
        transitions.start_plan(case, review_every_days=30 if every is None else every)
    except Refused as refused:
        return _refused(refused, _family_page, family_id, form="plan")
    return _done(_("The work plan has been started."), url_for(".plan", family_id=family_id))


@bp.route("/families/<int:family_id>/plan/print")
def plan_print(family_id):
    case = service.case_or_404(family_id)
    plan = service.plan_of(case)
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None, printed=True)
    response = render_template("animator/plan_print.html", case=case, plan=plan, labels=labels,
                               today=toolkit.today())
    toolkit.db.session.commit()
    return response


@bp.route("/print.css")
def print_css():
    """The print style sheet of the plan (served here: the core's static folder is not ours)."""
    return Response(render_template("animator/print.css"), mimetype="text/css")


def _plan_required(case):
    plan = service.plan_of(case)
    if plan is None:
        raise Refused(_("Start the work plan first."))
    return plan


@bp.route("/families/<int:family_id>/plan/goals", methods=["POST"])
def add_goal(family_id):
    case = service.case_or_404(family_id)
    try:
        plan = _plan_required(case)
        transitions.add_goal(plan, text=_text("text", MAX_TEXT["goal"]),
                             participant_id=_id("participant_id", required=False))
    except Refused as refused:
        return _refused(refused, _plan_page, family_id, form="goal")
    return _done(_("The goal has been added."), url_for(".plan", family_id=family_id))


@bp.route("/goals/<int:goal_id>/actions", methods=["POST"])
def add_action(goal_id):
    goal, case = service.goal_or_404(goal_id)
    form = f"action-{goal.id}"
    try:
        transitions.add_action(goal, what=_text("what", MAX_TEXT["action"]),
                               who_kind=request.form.get("who_kind", ""),
                               who_participant_id=_id("who_participant_id", required=False),
                               who_institution_id=_id("who_institution_id", required=False),
                               due_on=_date("due_on", required=False))
    except Refused as refused:
        return _refused(refused, _plan_page, case.family_id, form=form)
    return _done(_("The action has been added."),
                 url_for(".plan", family_id=case.family_id) + f"#goal-{goal.id}")


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
def action_status(action_id):
    action, case = service.action_or_404(action_id)
    form, goal_id = f"status-{action.id}", action.goal_id
    step = transitions.ACTION_STEPS.get(request.form.get("step", ""))
    try:
        if step is None:
            raise Refused(_("Choose a step."))
        step(action)
    except Refused as refused:
        return _refused(refused, _plan_page, case.family_id, form=form)
    return _done(_("The action's status has been changed."),
                 url_for(".plan", family_id=case.family_id) + f"#goal-{goal_id}")


@bp.route("/families/<int:family_id>/plan/sign", methods=["POST"])
def sign_plan(family_id):
    case = service.case_or_404(family_id)
    side = request.form.get("side")
    try:
        plan = _plan_required(case)
        on = _date("on", default=toolkit.today())
        if side == "family":
            transitions.sign_by_family(plan, _id("participant_id"), on=on)
        elif side == "animator":
            transitions.sign_by_animator(plan, current_user.id, on=on)
        else:
            raise Refused(_("Choose who signs."))
    except Refused as refused:
        return _refused(refused, _plan_page, family_id,
                        form="sign-animator" if side == "animator" else "sign-family")
    return _done(_("The signature has been recorded."), url_for(".plan", family_id=family_id))


@bp.route("/families/<int:family_id>/plan/reviews", methods=["POST"])
def add_review(family_id):
    case = service.case_or_404(family_id)
    try:
        plan = _plan_required(case)
        progress = {}
        for goal in plan.goals:
            value = _whole_number(f"progress_{goal.id}", _("Progress is a number from 0 to "
                                                         "100 for a goal of this plan."))
            if value is not None:
                progress[goal.id] = value
        transitions.record_review(plan, held_on=_date("held_on"),
                                  notes=_text("notes", MAX_TEXT["review_notes"]),
                                  progress=progress, actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, _plan_page, family_id, form="review")
    return _done(_("The review has been recorded."),
                 url_for(".plan", family_id=family_id) + "#reviews")


# --- agreements -------------------------------------------------------------------------------

def _agreement_page(family_id, typed=NOTHING_TYPED):
    case = service.case_or_404(family_id)
    plan = service.plan_of(case)
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None,
          purpose="agreement")
    response = render_template(
        "animator/new_agreement.html", case=case, plan=plan, labels=labels, typed=typed,
        institutions=toolkit.db.session.scalars(select(toolkit.Institution).where(
            toolkit.Institution.id != case.institution_id)
            .order_by(toolkit.by_name(toolkit.Institution.name))).all())
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/agreements/new", methods=["GET", "POST"])
def new_agreement(family_id):
    case = service.case_or_404(family_id)
    _writer()
    if request.method == "GET":
        return _agreement_page(family_id)
    try:
        transitions.conclude_agreement(
            case, institution_id=_id("institution_id"), participant_id=_id("participant_id"),
            commitment=_text("commitment", MAX_TEXT["commitment"]),
            action_ids=_ids("action_ids", _("Choose the plan actions the agreement covers.")),
            from_institution_id=case.institution_id, actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, _agreement_page, family_id, form="agreement",
                        beside_fields=True)
    return _done(_("The agreement has been concluded and the referral sent."),
                 url_for(".plan", family_id=family_id))


# --- peer advisors ----------------------------------------------------------------------------

@bp.route("/advisor/")
def advisor_families():
    cases = service.advisor_cases()
    _read("animator_case", family_ids=[c.family_id for c in cases], purpose="advisor")
    toolkit.db.session.commit()
    return render_template("animator/advisor_list.html", cases=cases, labels=labels)


@bp.route("/advisor/families/<int:family_id>")
def advisor_card(family_id):
    """The minimal card: the family's name and locality, first names, stage, the animator.
    No diagnosis, plan, contacts or notes."""
    case = service.advisor_case_or_404(family_id)
    _read("animator_case", case_id=case.id, family_id=family_id, card=True)
    response = render_template("animator/advisor_card.html", case=case, labels=labels)
    toolkit.db.session.commit()
    return response


# --- information requests ---------------------------------------------------------------------

def _requests_page(typed=NOTHING_TYPED):
    if not service.is_operator():
        service.staff_institution_id()  # 404 for members who neither ask nor answer
    return render_template("animator/requests.html", items=service.requests_for_member(),
                           operator=service.is_operator(), today=toolkit.today(),
                           can_write=toolkit.can_use(KEY, "write"), typed=typed)


@bp.route("/requests/", methods=["GET", "POST"])
def requests():
    if request.method == "POST":
        institution_id = service.staff_institution_id()
        try:
            transitions.ask_operators(institution_id=institution_id, asked_by_id=current_user.id,
                                      question=_text("question", MAX_TEXT["question"]),
                                      deadline=_date("deadline"))
        except Refused as refused:
            return _refused(refused, _requests_page, form="ask")
        return _done(_("The request has been sent to the information operators."),
                     url_for(".requests"))
    return _requests_page()


def _request_page(request_id, typed=NOTHING_TYPED):
    return render_template("animator/request.html", item=service.request_or_404(request_id),
                           operator=service.is_operator(), today=toolkit.today(),
                           can_write=toolkit.can_use(KEY, "write"), typed=typed)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
def info_request(request_id):
    item = service.request_or_404(request_id)
    if request.method == "POST":
        try:
            if not service.is_operator():
                raise Refused(_("Only an information operator answers requests."))
            transitions.answer_request(item, answer=_text("answer", MAX_TEXT["answer"]),
                                       answered_by_id=current_user.id)
        except Refused as refused:
            return _refused(refused, _request_page, request_id, form="answer")
        return _done(_("The answer has been sent."), url_for(".requests"))
    return _request_page(request_id)


# --- dashboard --------------------------------------------------------------------------------

@bp.route("/dashboard")
def dashboard():
    institution_id = service.staff_institution_id()
    data = service.dashboard(institution_id, current_user.id)
    shown = ({case.family_id for case, _a in data["overdue"]}
             | {plan.case.family_id for plan in data["reviews_due"]}
             | {row.case.family_id for row in data["motivation"].rows})
    _read("animator_case", family_ids=sorted(shown), purpose="dashboard")
    commit_keeping_loaded(toolkit.db.session)  # no reload per row
    return render_template("animator/dashboard.html", data=data, labels=labels,
                           stages=STAGES, Case=Case)


# --- diagnosis and the family motivation test -----------------------------------------------

def _start_round(family_id, purpose, page):
    case = service.case_or_404(family_id)
    institution_id = service.staff_institution_id()
    try:
        chosen = set(_ids("member_ids", _("Choose members of this family.")))
        members = [p for p in toolkit.instruments_service.visible_members(case.family,
                                                                          institution_id)
                   if p.id in chosen]
        record = transitions.start_instrument_round(
            case, purpose, members, institution_id=institution_id, actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, page, family_id, form=purpose)
    return _done(_("The instrument is ready for each chosen member: fill it in with each of "
                   "them."), url_for("instruments.family_round", round_id=record.round_id))


def _diagnosis_page(family_id, typed=NOTHING_TYPED):
    case = service.case_or_404(family_id)
    institution_id = service.staff_institution_id()
    rounds = service.instrument_rounds(case, "diagnosis", institution_id)
    latest = service.latest_results(rounds)
    barriers = service.barriers(case)
    _read("animator_case", case_id=case.id, family_id=family_id, part="diagnosis",
          administration_ids=sorted(a.id for a in latest.values()),
          barrier_ids=[b.id for b in barriers])
    response = render_template(
        "animator/diagnosis.html", case=case, rounds=rounds, latest=latest, barriers=barriers,
        labels=labels, members=toolkit.instruments_service.visible_members(case.family,
                                                                           institution_id),
        can_write=toolkit.can_use(KEY, "write"), typed=typed)
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/diagnosis")
def diagnosis(family_id):
    return _diagnosis_page(family_id)


@bp.route("/families/<int:family_id>/diagnosis/start", methods=["POST"])
def start_diagnosis(family_id):
    return _start_round(family_id, "diagnosis", _diagnosis_page)


@bp.route("/families/<int:family_id>/barriers", methods=["POST"])
def add_barrier(family_id):
    case = service.case_or_404(family_id)
    try:
        transitions.add_barrier(case, kind=request.form.get("kind", ""),
                                note=_text("note", MAX_TEXT["barrier_note"]),
                                participant_id=_id("participant_id", required=False))
    except Refused as refused:
        return _refused(refused, _diagnosis_page, family_id, form="barrier")
    return _done(_("The barrier has been recorded."),
                 url_for(".diagnosis", family_id=family_id) + "#barriers")


@bp.route("/barriers/<int:barrier_id>/delete", methods=["POST"])
def remove_barrier(barrier_id):
    barrier, case = service.barrier_or_404(barrier_id)
    transitions.remove_barrier(barrier)
    return _done(_("The barrier has been removed."),
                 url_for(".diagnosis", family_id=case.family_id) + "#barriers")


@bp.route("/families/<int:family_id>/diagnosis/summary", methods=["POST"])
def diagnosis_summary(family_id):
    case = service.case_or_404(family_id)
    try:
        transitions.record_summary(
            case, strengths=_text("strengths", MAX_TEXT["strengths"]),
            barriers_summary=_text("barriers_summary", MAX_TEXT["barriers_summary"]))
    except Refused as refused:
        return _refused(refused, _diagnosis_page, family_id, form="summary")
    return _done(_("The family summary has been saved."),
                 url_for(".diagnosis", family_id=family_id) + "#summary")


def _motivation_page(family_id, typed=NOTHING_TYPED):
    case = service.case_or_404(family_id)
    institution_id = service.staff_institution_id()
    rounds = service.instrument_rounds(case, "motivation", institution_id)
    points = service.motivation_points(rounds)
    members = toolkit.instruments_service.visible_members(case.family, institution_id)
    names = {p.id: p.first_name for p in members}
    chart = service.motivation_chart(points, names, _("Family"))
    _read("animator_case", case_id=case.id, family_id=family_id, part="motivation",
          administration_ids=sorted(a.id for r in rounds for a in r.administrations))
    response = render_template("animator/motivation.html", case=case, points=points,
                               chart=chart, members=members, names=names, labels=labels,
                               can_write=toolkit.can_use(KEY, "write"), typed=typed)
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/motivation")
def motivation(family_id):
    return _motivation_page(family_id)


@bp.route("/families/<int:family_id>/motivation/start", methods=["POST"])
def start_motivation(family_id):
    return _start_round(family_id, "motivation", _motivation_page)
