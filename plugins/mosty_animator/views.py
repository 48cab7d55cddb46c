"""Thin views over ``service`` (reading, access) and ``transitions`` (the rules). Every page
that shows personal data writes one audit ``read`` entry naming the ids shown."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mosty import toolkit
from mosty.db import commit_keeping_loaded
from mosty.toolkit import gettext as _

from . import labels, service, transitions
from .blueprint import KEY, bp
from .models import STAGES, Case
from .transitions import Refused


def _date(name, default=None, required=True):
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if default is not None or not required:
            return default
        raise Refused(_("Give the date."))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Refused(_("Write the date as YYYY-MM-DD.")) from None


# The largest number a database integer holds.
MAX_INT = toolkit.MAX_ID  # the largest whole number a form may store


def _int(name, required=True):
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if required:
            raise Refused(_("Fill in every required field."))
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Refused(_("Fill in every required field.")) from None
    if not -MAX_INT <= value <= MAX_INT:
        # Nobody's id and no count of days: the database would refuse it (an error, not an
        # answer), so the person gets the form's message instead.
        raise Refused(_("Choose one of the options offered."))
    return value


def _text(name, max_length=None):
    """A text of the form, refused when it holds control characters (PostgreSQL refuses a
    NUL with a server error) or does not fit its column."""
    value = request.form.get(name) or ""
    if toolkit.has_control_characters(value):
        raise Refused(_("This text contains characters that are not allowed."))
    if max_length is not None and len(value.strip()) > max_length:
        raise Refused(_("Too long: at most %(max)d characters.", max=max_length))
    return value


def _read(obj_type, **detail):
    toolkit.record_audit("read", object_type=obj_type, detail=detail)


def _done(message, target):
    toolkit.db.session.commit()
    flash(message, "success")
    return redirect(target)


def _refused(refused, target):
    toolkit.db.session.rollback()
    flash(str(refused), "error")
    return redirect(target)


# --- recruitment board -----------------------------------------------------------------------

@bp.route("/")
def index():
    institution_id = service.staff_institution_id()
    # TERYT codes from the filter's lists; anything else (a NUL, which PostgreSQL would refuse
    # with a server error) filters nothing.
    county, commune = (code if code.isascii() and code.isdigit() else ""
                       for code in (request.args.get("county", ""),
                                    request.args.get("commune", "")))
    animator_id = request.args.get("animator", type=toolkit.row_id)
    columns = service.board(institution_id, county=county, commune=commune,
                            animator_id=animator_id)
    counties, communes = service.counties_and_communes()
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


@bp.route("/leads/new", methods=["GET", "POST"])
def new_lead():
    institution_id = service.staff_institution_id()
    _writer()
    if request.method == "POST":
        try:
            family_id = _int("family_id")
            family = toolkit.db.session.scalar(select(toolkit.Family).where(
                toolkit.Family.id == family_id, toolkit.family_visible_to(institution_id)))
            if family is None:
                raise Refused(_("Choose a family from the registry."))
            animator_id = _int("animator_id", required=False) or current_user.id
            if animator_id not in {u.id for u in service.animators(institution_id)} | {
                    current_user.id}:
                raise Refused(_("Choose an animator of your institution."))
            case = transitions.add_lead(family=family, institution_id=institution_id,
                                        animator_id=animator_id,
                                        source=request.form.get("source", ""),
                                        note=_text("note"),
                                        on=_date("lead_on", default=date.today()))
        except Refused as refused:
            toolkit.db.session.rollback()
            flash(str(refused), "error")
        else:
            return _done(_("The family is on the recruitment board as a lead."),
                         url_for(".family", family_id=case.family_id))
    families = service.families_without_case(institution_id)
    _read("family", ids=[f.id for f in families], purpose="lead_choice")
    toolkit.db.session.commit()
    return render_template("animator/new_lead.html", families=families, labels=labels,
                           animators=service.animators(institution_id), form=request.form,
                           today=date.today())


@bp.route("/families/<int:family_id>")
def family(family_id):
    case = service.case_or_404(family_id)
    _read("animator_case", case_id=case.id, family_id=family_id)
    contacts = service.contacts(case)
    plan = service.plan_of(case)
    response = render_template(
        "animator/family.html", case=case, labels=labels, contacts=contacts, plan=plan,
        agreements=service.agreements(case), target_groups=service.family_target_groups(),
        advisors=service.peer_advisors(case), today=date.today(),
        can_write=toolkit.can_use(KEY, "write"))
    toolkit.db.session.commit()
    return response


STEPS = ("contacted", "visited", "assess", "enroll")


@bp.route("/families/<int:family_id>/step", methods=["POST"])
def step(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".family", family_id=family_id)
    name = request.form.get("step")
    try:
        on = _date("on", default=date.today())
        if on > date.today():
            raise Refused(_("The date cannot be in the future."))
        if name == "contacted":
            transitions.mark_contacted(case, on=on)
        elif name == "visited":
            transitions.mark_visited(case, on=on)
        elif name == "assess":
            group_id = _int("target_group_id")
            group = toolkit.db.session.get(toolkit.TargetGroup, group_id)
            verdict = transitions.assess(case, group, current_user.id, on=on)
            if not verdict.eligible:
                return _done(_("The family does not meet the target group's criteria; the "
                               "reasons are shown below."), target)
        elif name == "enroll":
            transitions.enroll(case, current_user.id, on=on)
        else:
            raise Refused(_("Choose a step."))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The family's stage has been changed."), target)


@bp.route("/families/<int:family_id>/contacts", methods=["POST"])
def add_contact(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".family", family_id=family_id) + "#contacts"
    try:
        transitions.log_contact(case, on=_date("on"), kind=request.form.get("kind", ""),
                                present=_text("present", 300),
                                note=_text("note"),
                                next_step=_text("next_step", 300),
                                actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The contact has been recorded."), target)


@bp.route("/families/<int:family_id>/advisor", methods=["POST"])
def assign_advisor(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".family", family_id=family_id) + "#advisor"
    raw = (request.form.get("advisor_id") or "").strip()
    advisor_id = int(raw) if raw.isascii() and raw.isdigit() else None  # not "²"
    if raw and advisor_id not in {m.user_id for m in service.peer_advisors(case)}:
        return _refused(Refused(_("Choose a peer advisor of the family's county.")), target)
    try:
        transitions.assign_advisor(case, advisor_id or None)
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The peer advisor has been changed."), target)


# --- the work plan ----------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/plan")
def plan(family_id):
    case = service.case_or_404(family_id)
    plan = service.plan_of(case)
    overdue, upcoming = service.at_a_glance(plan) if plan else ([], [])
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None)
    response = render_template(
        "animator/plan.html", case=case, plan=plan, overdue=overdue, upcoming=upcoming,
        labels=labels, members=case.family.members, today=date.today(),
        institutions=toolkit.db.session.scalars(
            select(toolkit.Institution).order_by(toolkit.Institution.name)).all(),
        can_write=toolkit.can_use(KEY, "write"))
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/plan/print")
def plan_print(family_id):
    case = service.case_or_404(family_id)
    plan = service.plan_of(case)
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None, printed=True)
    response = render_template("animator/plan_print.html", case=case, plan=plan, labels=labels,
                               today=date.today())
    toolkit.db.session.commit()
    return response


@bp.route("/print.css")
def print_css():
    """The print style sheet of the plan (served here: the core's static folder is not ours)."""
    return Response(render_template("animator/print.css"), mimetype="text/css")


@bp.route("/families/<int:family_id>/plan", methods=["POST"])
def start_plan(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".plan", family_id=family_id)
    try:
        every = _int("review_every_days", required=False) or 30
        if not 7 <= every <= 365:
            raise Refused(_("Reviews are held every 7 to 365 days."))
        transitions.start_plan(case, review_every_days=every)
    except Refused as refused:
        return _refused(refused, url_for(".family", family_id=family_id))
    return _done(_("The work plan has been started."), target)


def _plan_required(case):
    plan = service.plan_of(case)
    if plan is None:
        raise Refused(_("Start the work plan first."))
    return plan


@bp.route("/families/<int:family_id>/plan/goals", methods=["POST"])
def add_goal(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".plan", family_id=family_id)
    try:
        plan = _plan_required(case)
        transitions.add_goal(plan, text=_text("text"),
                             participant_id=_int("participant_id", required=False))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The goal has been added."), target)


@bp.route("/goals/<int:goal_id>/actions", methods=["POST"])
def add_action(goal_id):
    goal, case = service.goal_or_404(goal_id)
    target = url_for(".plan", family_id=case.family_id) + f"#goal-{goal.id}"
    try:
        transitions.add_action(goal, what=_text("what"),
                               who_kind=request.form.get("who_kind", ""),
                               who_participant_id=_int("who_participant_id", required=False),
                               who_institution_id=_int("who_institution_id", required=False),
                               due_on=_date("due_on", required=False))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The action has been added."), target)


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
def action_status(action_id):
    action, case = service.action_or_404(action_id)
    target = url_for(".plan", family_id=case.family_id) + f"#goal-{action.goal_id}"
    step = transitions.ACTION_STEPS.get(request.form.get("step", ""))
    try:
        if step is None:
            raise Refused(_("Choose a step."))
        step(action)
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The action's status has been changed."), target)


@bp.route("/families/<int:family_id>/plan/sign", methods=["POST"])
def sign_plan(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".plan", family_id=family_id)
    try:
        plan = _plan_required(case)
        on = _date("on", default=date.today())
        if on > date.today():
            raise Refused(_("The date cannot be in the future."))
        if request.form.get("side") == "family":
            transitions.sign_by_family(plan, _int("participant_id"), on=on)
        elif request.form.get("side") == "animator":
            transitions.sign_by_animator(plan, current_user.id, on=on)
        else:
            raise Refused(_("Choose who signs."))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The signature has been recorded."), target)


@bp.route("/families/<int:family_id>/plan/reviews", methods=["POST"])
def add_review(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".plan", family_id=family_id) + "#reviews"
    try:
        plan = _plan_required(case)
        progress = {}
        for goal in plan.goals:
            raw = (request.form.get(f"progress_{goal.id}") or "").strip()
            if raw:
                try:
                    progress[goal.id] = int(raw)
                except ValueError:
                    raise Refused(_("Progress is a number from 0 to 100 for a goal of this "
                                    "plan.")) from None
        transitions.record_review(plan, held_on=_date("held_on"),
                                  notes=_text("notes"), progress=progress,
                                  actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The review has been recorded."), target)


# --- agreements -------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/agreements/new", methods=["GET", "POST"])
def new_agreement(family_id):
    case = service.case_or_404(family_id)
    _writer()
    plan = service.plan_of(case)
    if request.method == "POST":
        try:
            action_ids = [int(v) for v in request.form.getlist("action_ids") if v.isascii() and v.isdigit()]
            transitions.conclude_agreement(
                case, institution_id=_int("institution_id"),
                participant_id=_int("participant_id"),
                commitment=_text("commitment"), action_ids=action_ids,
                from_institution_id=case.institution_id, actor_id=current_user.id)
        except Refused as refused:
            toolkit.db.session.rollback()
            flash(str(refused), "error")
            case = service.case_or_404(family_id)
            plan = service.plan_of(case)
        else:
            return _done(_("The agreement has been concluded and the referral sent."),
                         url_for(".plan", family_id=family_id))
    _read("animator_plan", case_id=case.id, plan_id=plan.id if plan else None,
          purpose="agreement")
    response = render_template(
        "animator/new_agreement.html", case=case, plan=plan, labels=labels, form=request.form,
        institutions=toolkit.db.session.scalars(select(toolkit.Institution).where(
            toolkit.Institution.id != case.institution_id)
            .order_by(toolkit.Institution.name)).all())
    toolkit.db.session.commit()
    return response


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

@bp.route("/requests/", methods=["GET", "POST"])
def requests():
    if request.method == "POST":
        institution_id = service.staff_institution_id()
        try:
            transitions.ask_operators(institution_id=institution_id, asked_by_id=current_user.id,
                                      question=_text("question"),
                                      deadline=_date("deadline"))
        except Refused as refused:
            return _refused(refused, url_for(".requests"))
        return _done(_("The request has been sent to the information operators."),
                     url_for(".requests"))
    if not service.is_operator():
        service.staff_institution_id()  # 404 for members who neither ask nor answer
    return render_template("animator/requests.html", items=service.requests_for_member(),
                           operator=service.is_operator(), today=date.today(),
                           can_write=toolkit.can_use(KEY, "write"))


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
def info_request(request_id):
    item = service.request_or_404(request_id)
    if request.method == "POST":
        if not service.is_operator():
            return _refused(Refused(_("Only an information operator answers requests.")),
                            url_for(".info_request", request_id=request_id))
        try:
            transitions.answer_request(item, answer=_text("answer"),
                                       answered_by_id=current_user.id)
        except Refused as refused:
            return _refused(refused, url_for(".info_request", request_id=request_id))
        return _done(_("The answer has been sent."), url_for(".requests"))
    return render_template("animator/request.html", item=item, operator=service.is_operator(),
                           today=date.today(), can_write=toolkit.can_use(KEY, "write"))


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

def _chosen_members(case, institution_id):
    members = toolkit.instruments_service.visible_members(case.family, institution_id)
    chosen = {int(v) for v in request.form.getlist("member_ids") if v.isascii() and v.isdigit()}
    return [p for p in members if p.id in chosen]


def _start_round(family_id, purpose, page):
    case = service.case_or_404(family_id)
    institution_id = service.staff_institution_id()
    try:
        record = transitions.start_instrument_round(
            case, purpose, _chosen_members(case, institution_id),
            institution_id=institution_id, actor_id=current_user.id)
    except Refused as refused:
        return _refused(refused, url_for(page, family_id=family_id))
    return _done(_("The instrument is ready for each chosen member: fill it in with each of "
                   "them."), url_for("instruments.family_round", round_id=record.round_id))


@bp.route("/families/<int:family_id>/diagnosis")
def diagnosis(family_id):
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
        can_write=toolkit.can_use(KEY, "write"))
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/diagnosis/start", methods=["POST"])
def start_diagnosis(family_id):
    return _start_round(family_id, "diagnosis", ".diagnosis")


@bp.route("/families/<int:family_id>/barriers", methods=["POST"])
def add_barrier(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".diagnosis", family_id=family_id) + "#barriers"
    try:
        transitions.add_barrier(case, kind=request.form.get("kind", ""),
                                note=_text("note"),
                                participant_id=_int("participant_id", required=False))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The barrier has been recorded."), target)


@bp.route("/barriers/<int:barrier_id>/delete", methods=["POST"])
def remove_barrier(barrier_id):
    barrier, case = service.barrier_or_404(barrier_id)
    transitions.remove_barrier(barrier)
    return _done(_("The barrier has been removed."),
                 url_for(".diagnosis", family_id=case.family_id) + "#barriers")


@bp.route("/families/<int:family_id>/diagnosis/summary", methods=["POST"])
def diagnosis_summary(family_id):
    case = service.case_or_404(family_id)
    target = url_for(".diagnosis", family_id=family_id) + "#summary"
    try:
        transitions.record_summary(case, strengths=_text("strengths"),
                                   barriers_summary=_text("barriers_summary"))
    except Refused as refused:
        return _refused(refused, target)
    return _done(_("The family summary has been saved."), target)


@bp.route("/families/<int:family_id>/motivation")
def motivation(family_id):
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
                               can_write=toolkit.can_use(KEY, "write"))
    toolkit.db.session.commit()
    return response


@bp.route("/families/<int:family_id>/motivation/start", methods=["POST"])
def start_motivation(family_id):
    return _start_round(family_id, "motivation", ".motivation")
