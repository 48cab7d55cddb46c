"""Instrument catalogue pages: the catalogue, an instrument with its roster and attendance,
enrolling a person, and an enrolment with its end (completed, dropped out, cancelled)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mosty import toolkit
from mosty.toolkit import gettext

from ..blueprint import bp
from ..registration.access import (
    clerk_office,
    require_clerk,
    require_staff,
    staff_institution_id,
    visible_participant_or_404,
)
from . import service
from .forms import (
    AttendanceDayForm,
    CancelForm,
    CompleteForm,
    DropoutForm,
    EnrolForm,
    EnrolPersonForm,
    InstrumentForm,
)
from .transitions import (
    ActivationRefused,
    attending_on,
    cancel_enrolment,
    complete_enrolment,
    create_instrument,
    enrol,
    record_attendance,
    record_dropout,
    update_instrument,
)


def _writer_office():
    return clerk_office() if toolkit.can_use("labour", "write") else None


@bp.route("/instruments/")
def instruments():
    kind = request.args.get("kind", "")
    kind = kind if kind in service.KIND_LABELS else ""
    office_arg = request.args.get("office", "")
    offices = service.offices()
    office_id = next((o.id for o in offices if str(o.id) == office_arg), None)
    show_past = request.args.get("past") == "1"
    page = toolkit.paginate(service.catalogue(kind=kind or None, office_id=office_id,
                                              current_only=not show_past))
    return render_template("labour/activation/catalogue.html", page=page, kind=kind,
                           office_id=office_id, offices=offices, show_past=show_past,
                           kinds=service.KIND_LABELS, writer_office=_writer_office())


@bp.route("/instruments/new", methods=("GET", "POST"))
@toolkit.requires_write
def instrument_new():
    office = require_clerk()
    form = InstrumentForm()
    refusal = None
    if form.validate_on_submit():
        try:
            instrument = create_instrument(office_id=office.id, actor_id=current_user.id,
                                           **form.values())
        except ActivationRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The instrument is added to the catalogue."), "success")
            return redirect(url_for(".instrument_detail", activation_instrument_id=instrument.id))
    status = 422 if form.is_submitted() else 200
    return render_template("labour/activation/instrument_form.html", form=form,
                           instrument=None, refusal=refusal, office=office), status


@bp.route("/instruments/<int:activation_instrument_id>/edit", methods=("GET", "POST"))
@toolkit.requires_write
def instrument_edit(activation_instrument_id):
    instrument = service.instrument_or_404(activation_instrument_id)
    office = require_clerk()
    if instrument.institution_id != office.id:
        return _forbidden()
    form = InstrumentForm(obj=instrument if request.method == "GET" else None)
    refusal = None
    if form.validate_on_submit():
        try:
            update_instrument(instrument, office_id=office.id, actor_id=current_user.id,
                              **form.values())
        except ActivationRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The instrument is saved."), "success")
            return redirect(url_for(".instrument_detail", activation_instrument_id=instrument.id))
    status = 422 if form.is_submitted() else 200
    return render_template("labour/activation/instrument_form.html", form=form,
                           instrument=instrument, refusal=refusal, office=office), status


def _forbidden():
    # A clerk of another labour office knows the instrument exists (it is in the catalogue).
    abort(403)


@bp.route("/instruments/<int:activation_instrument_id>/")
def instrument_detail(activation_instrument_id):
    instrument = service.instrument_or_404(activation_instrument_id)
    return _render_instrument(instrument)


def _render_instrument(instrument, status=200, refusal=None, enrol_form=None):
    institution_id = staff_institution_id()
    # The roster is personal data: only the staff of the office running the instrument see it.
    runs_it = institution_id is not None and institution_id == instrument.institution_id
    roster = service.roster(instrument.id) if runs_it else None
    writer = _writer_office()
    can_act = writer is not None and writer.id == instrument.institution_id
    people = []
    if can_act and instrument.places_left > 0 and (
            instrument.ends_on is None or instrument.ends_on >= toolkit.today()):
        people = service.enrollable_people(writer.id, instrument.id)
        enrol_form = enrol_form or EnrolPersonForm(formdata=None, people=people)
    html = render_template(
        "labour/activation/instrument.html", instrument=instrument, roster=roster,
        can_act=can_act, kinds=service.KIND_LABELS, refusal=refusal,
        statuses=service.ENROLMENT_STATUS_LABELS, enrol_form=enrol_form if people else None)
    if roster is not None:
        toolkit.record_audit("read", instrument, detail={
            "enrolment_ids": [e.id for e in roster],
            "participant_ids": [e.participant_id for e in roster],
            "candidate_ids": [p.id for p in people]})
    toolkit.db.session.commit()
    return html, status


@bp.route("/instruments/<int:activation_instrument_id>/enrol", methods=("POST",))
def instrument_enrol(activation_instrument_id):
    instrument = service.instrument_or_404(activation_instrument_id)
    office = require_clerk()
    if instrument.institution_id != office.id:
        return _forbidden()
    form = EnrolPersonForm(people=service.enrollable_people(office.id, instrument.id))
    if not form.validate_on_submit():
        return _render_instrument(instrument, status=422, enrol_form=form)
    participant = visible_participant_or_404(form.participant.data, office.id)
    try:
        enrol(participant, instrument, office_id=office.id, actor_id=current_user.id,
              on=form.enrolled_on.data)
    except ActivationRefused as refused:
        toolkit.db.session.rollback()
        return _render_instrument(instrument, status=422, refusal=str(refused), enrol_form=form)
    toolkit.db.session.commit()
    flash(gettext("The person is enrolled."), "success")
    return redirect(url_for(".instrument_detail", activation_instrument_id=instrument.id))


@bp.route("/instruments/<int:activation_instrument_id>/attendance", methods=("GET", "POST"))
@toolkit.requires_write
def instrument_attendance(activation_instrument_id):
    instrument = service.instrument_or_404(activation_instrument_id)
    office = require_clerk()
    if instrument.institution_id != office.id:
        return _forbidden()
    if request.method == "GET":
        # Choosing the day changes nothing: a plain GET form without a CSRF token.
        if "day" in request.args:
            form = AttendanceDayForm(request.args, meta={"csrf": False})
            day_valid = form.validate()
        else:
            form = AttendanceDayForm(formdata=None, meta={"csrf": False})
            day_valid = True
    else:
        form = AttendanceDayForm()
        day_valid = form.validate_on_submit()
    refusal = None
    if request.method == "POST" and day_valid:
        present = {int(v) for v in request.form.getlist("present") if v.isascii() and v.isdigit()}
        try:
            record_attendance(instrument, office_id=office.id, actor_id=current_user.id,
                              day=form.day.data, present_ids=present)
        except ActivationRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The attendance is recorded."), "success")
            return redirect(url_for(".instrument_detail", activation_instrument_id=instrument.id))
    day = form.day.data if day_valid else None
    people = attending_on(instrument, day) if day is not None else []
    marks = {e.id: next((a.present for a in e.attendance if a.day == day), None)
             for e in people}
    html = render_template("labour/activation/attendance.html", instrument=instrument,
                           form=form, day=day, people=people, marks=marks, refusal=refusal)
    toolkit.record_audit("read", instrument, detail={
        "attendance_day": day.isoformat() if day else None,
        "participant_ids": [e.participant_id for e in people]})
    toolkit.db.session.commit()
    status = 422 if request.method == "POST" or not day_valid else 200
    return html, status


@bp.route("/enrolments/new", methods=("GET", "POST"))
@toolkit.requires_write
def enrolment_new():
    institution_id = require_staff()
    raw = request.args.get("participant", "")
    if not (raw.isascii() and raw.isdigit()):  # "²" passes isdigit, not int()
        flash(gettext("Open the participant's page and start from there."), "info")
        return redirect(url_for("participants.index"))
    participant = visible_participant_or_404(int(raw), institution_id)
    office = require_clerk()
    form = EnrolForm(instruments=service.open_instruments(office.id))
    refusal = None
    if form.validate_on_submit():
        instrument = service.instrument_or_404(form.instrument.data)
        try:
            enrolment = enrol(participant, instrument, office_id=office.id,
                              actor_id=current_user.id, on=form.enrolled_on.data)
        except ActivationRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The person is enrolled."), "success")
            return redirect(url_for(".enrolment_detail", enrolment_id=enrolment.id))
    html = render_template("labour/activation/enrol.html", form=form, participant=participant,
                           refusal=refusal, office=office)
    toolkit.record_audit("read", participant, detail={"fields": ["first_name", "last_name"],
                                                      "form": "labour_enrolment"})
    toolkit.db.session.commit()
    return html, (422 if form.is_submitted() else 200)


@bp.route("/enrolments/<int:enrolment_id>/")
def enrolment_detail(enrolment_id):
    institution_id = require_staff()
    enrolment = service.visible_enrolment_or_404(enrolment_id, institution_id)
    return _render_enrolment(enrolment)


def _render_enrolment(enrolment, status=200, refusal=None, **forms):
    writer = _writer_office()
    can_act = (writer is not None and writer.id == enrolment.instrument.institution_id
               and enrolment.status == "enrolled")
    if can_act:
        forms.setdefault("complete_form", CompleteForm(formdata=None))
        forms.setdefault("dropout_form", DropoutForm(formdata=None))
        forms.setdefault("cancel_form", CancelForm(formdata=None))
    html = render_template("labour/activation/enrolment.html", enrolment=enrolment,
                           can_act=can_act, refusal=refusal, kinds=service.KIND_LABELS,
                           statuses=service.ENROLMENT_STATUS_LABELS, **toolkit.with_field_ids(forms))
    toolkit.record_audit("read", enrolment, detail={"participant_id": enrolment.participant_id})
    toolkit.db.session.commit()
    return html, status


def _end_enrolment(enrolment_id, form_class, form_name, change, done):
    institution_id = require_staff()
    enrolment = service.visible_enrolment_or_404(enrolment_id, institution_id)
    office = require_clerk()
    if office.id != enrolment.instrument.institution_id:
        return _forbidden()
    form = form_class()
    if not form.validate_on_submit():
        return _render_enrolment(enrolment, status=422, **{form_name: form})
    try:
        change(enrolment, office, form)
    except ActivationRefused as refused:
        toolkit.db.session.rollback()
        return _render_enrolment(enrolment, status=422, refusal=str(refused),
                                 **{form_name: form})
    toolkit.db.session.commit()
    flash(done, "success")
    return redirect(url_for(".enrolment_detail", enrolment_id=enrolment.id))


@bp.route("/enrolments/<int:enrolment_id>/complete", methods=("POST",))
def enrolment_complete(enrolment_id):
    return _end_enrolment(
        enrolment_id, CompleteForm, "complete_form",
        lambda e, office, form: complete_enrolment(
            e, office_id=office.id, actor_id=current_user.id, on=form.ended_on.data,
            note=form.note.data),
        gettext("The completion is recorded."))


@bp.route("/enrolments/<int:enrolment_id>/dropout", methods=("POST",))
def enrolment_dropout(enrolment_id):
    return _end_enrolment(
        enrolment_id, DropoutForm, "dropout_form",
        lambda e, office, form: record_dropout(
            e, office_id=office.id, actor_id=current_user.id, on=form.ended_on.data,
            reason=form.reason.data),
        gettext("The drop-out is recorded."))


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=("POST",))
def enrolment_cancel(enrolment_id):
    return _end_enrolment(
        enrolment_id, CancelForm, "cancel_form",
        lambda e, office, form: cancel_enrolment(
            e, office_id=office.id, actor_id=current_user.id, reason=form.reason.data),
        gettext("The enrolment is cancelled and the place is free again."))
