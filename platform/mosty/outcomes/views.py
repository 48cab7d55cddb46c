"""Recording outcomes and follow-ups; the list of follow-ups due for the institution."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from .. import audit, dates
from ..consents.access import require_case_access
from ..enrollment.service import (
    ensure_subject_not_restricted,
    own_enrollment,
    subject_of,
    visible_participant,
)
from ..extensions import db
from ..families.models import Family
from ..i18n import gettext
from ..ids import row_id
from ..pagination import paginate, sort_order
from ..privacy.restriction import ProcessingRestricted, ensure_not_restricted, warn_on_form
from ..services.service import family_page_url, participant_page_url
from . import service
from .forms import FollowUpForm, OutcomeForm
from .models import FOLLOW_UP_MONTHS


@login_required
def new():
    institution_id = require_case_access()
    participant = visible_participant(request.args.get("participant", type=row_id), institution_id)
    form = OutcomeForm(occurred_on=dates.today())
    if form.validate_on_submit():
        try:
            service.record_outcome(participant, institution_id=institution_id,
                                   values=form.values(), refuse_same=True)
        except ProcessingRestricted as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        except service.DuplicateOutcome as resent:
            # The first submit saved it: the member lands where that one would have taken them.
            db.session.rollback()
            flash(str(resent), "info")
            return redirect(participant_page_url(participant.id))
        else:
            db.session.commit()
            flash(gettext("The outcome has been recorded."), "success")
            return redirect(participant_page_url(participant.id))
    elif request.method == "GET":
        warn_on_form(form, ensure_not_restricted, participant)
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "outcome"})
    db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template("outcomes/new.html", form=form, participant=participant,
                           back_url=participant_page_url(participant.id)), status


def _subject_url(enrollment):
    if enrollment.family_id is not None:
        return family_page_url(enrollment.family_id)
    return participant_page_url(enrollment.participant_id)


@login_required
def new_follow_up():
    institution_id = require_case_access()
    enrollment = own_enrollment(request.args.get("enrollment", type=row_id), institution_id)
    recorded = service.follow_ups_of(enrollment.id)
    months = request.args.get("months", type=int)
    if months not in FOLLOW_UP_MONTHS:  # the first one due and not recorded yet
        months = next(iter(service.due_months(enrollment, recorded)), None)
    form = FollowUpForm(months=months, checked_on=service.proposed_check_date(
        enrollment, months or FOLLOW_UP_MONTHS[0]))
    if form.validate_on_submit():
        try:
            service.record_follow_up(enrollment, months=form.months.data,
                                     status=form.status.data, checked_on=form.checked_on.data,
                                     note=(form.note.data or "").strip())
        except (service.FollowUpRefused, ProcessingRestricted) as refused:
            db.session.rollback()
            field = getattr(refused, "field", None)
            (form[field].errors if field else form.form_errors).append(str(refused))
        else:
            db.session.commit()
            flash(gettext("The follow-up has been recorded."), "success")
            return redirect(url_for(".follow_ups"))
    subject = subject_of(enrollment)
    if request.method == "GET":
        warn_on_form(form, ensure_subject_not_restricted, subject)
    audit.record("read", enrollment, detail={"participant_id": enrollment.participant_id,
                                             "family_id": enrollment.family_id,
                                             "form": "follow_up"})
    db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "outcomes/follow_up.html", form=form, enrollment=enrollment, subject=subject,
        is_family=isinstance(subject, Family), recorded=recorded,
        due={m: service.due_on(enrollment, m) for m in FOLLOW_UP_MONTHS},
        status_labels=service.FOLLOW_UP_STATUS_LABELS, back_url=_subject_url(enrollment),
    ), status


@login_required
def follow_ups():
    institution_id = require_case_access()
    order, sort = sort_order(service.DUE_SORTS, "ended")
    page = paginate(service.due_follow_ups_query(institution_id, order))
    enrollments = list(page.items)
    recorded = service.follow_ups_of_enrollments([e.id for e in enrollments])
    audit.record("read", object_type="Enrollment",
                 detail={"ids": [e.id for e in enrollments], "list": "follow_ups_due"})
    db.session.commit()
    subjects = service.subjects_of(enrollments)
    rows = [{
        "enrollment": e,
        "subject": subjects.get(e.id),
        "is_family": e.family_id is not None,
        "due": [(m, service.due_on(e, m)) for m in service.due_months(e, recorded.get(e.id, {}))],
    } for e in enrollments]
    return render_template("outcomes/follow_ups.html", page=page, rows=rows, sort=sort)
