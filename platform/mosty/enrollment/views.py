"""Recruiting a participant or family to a target group, the next steps of the programme path
and the retention date."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit
from ..consents.access import require_case_access
from ..extensions import db
from ..families.models import Family
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..ids import row_id
from ..outcomes.service import FOLLOW_UP_STATUS_LABELS, follow_ups_of
from ..privacy.restriction import ProcessingRestricted, warn_on_form
from ..services.service import family_page_url, participant_page_url
from . import service
from .forms import RecruitForm, RetentionForm
from .transitions import TransitionRefused

STEP_DONE = {
    "start": _l("The programme path has started."),
    "complete": _l("The programme path has been completed."),
    "exit": _l("The exit from the programme has been recorded."),
}


def _subject_url(enrollment):
    fallback = url_for(".detail", enrollment_id=enrollment.id)
    if enrollment.participant_id is not None:
        return participant_page_url(enrollment.participant_id, fallback=fallback)
    return family_page_url(enrollment.family_id, fallback=fallback)


def _back(enrollment):
    """Back where the step was taken: the enrollment's page or the participant/family page."""
    if request.form.get("return_to") == "enrollment":
        return redirect(url_for(".detail", enrollment_id=enrollment.id))
    return redirect(_subject_url(enrollment))


def _verdict_message(verdict, group):
    if verdict.eligible:
        return gettext("Recruited to %(group)s: eligible. Confirm the eligibility to go on.",
                       group=group), "success"
    return gettext("Recruited to %(group)s, but not eligible: see the reasons.",
                   group=group), "error"


@login_required
def new():
    institution_id = require_case_access()
    participant_id = request.args.get("participant", type=row_id)
    family_id = request.args.get("family", type=row_id)
    if (participant_id is None) == (family_id is None):
        abort(404)
    if participant_id is not None:
        subject = service.visible_participant(participant_id, institution_id)
        back_url = participant_page_url(subject.id)
    else:
        subject = service.visible_family(family_id, institution_id)
        back_url = family_page_url(subject.id)
    groups = service.target_groups("family" if isinstance(subject, Family) else "participant")
    form = RecruitForm(groups)
    if groups and form.validate_on_submit():
        group = next(g for g in groups if g.id == form.target_group.data)
        try:
            _enrollment, verdict = service.recruit(subject, group, institution_id=institution_id,
                                                   actor_id=current_user.id)
        except (TransitionRefused, ProcessingRestricted) as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(*_verdict_message(verdict, group))
            return redirect(back_url)
    elif request.method == "GET":
        warn_on_form(form, service.ensure_subject_not_restricted, subject)
    audit.record("read", subject, detail={"form": "recruit"})
    db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template("enrollment/new.html", form=form, subject=subject,
                           is_family=isinstance(subject, Family), has_groups=bool(groups),
                           back_url=back_url), status


def _render_detail(enrollment, institution_id, retention_form, status=200):
    subject = service.subject_of(enrollment)
    audit.record("read", enrollment, detail={
        "participant_id": enrollment.participant_id, "family_id": enrollment.family_id})
    db.session.commit()
    return render_template(
        "enrollment/detail.html", enrollment=enrollment, subject=subject,
        is_family=enrollment.family_id is not None, subject_url=_subject_url(enrollment),
        own=enrollment.institution_id == institution_id,
        retention_form=retention_form, follow_ups=follow_ups_of(enrollment.id),
        follow_up_labels=FOLLOW_UP_STATUS_LABELS,
        status_labels=service.STATUS_LABELS, exit_reason_labels=service.EXIT_REASON_LABELS,
        exit_reasons=service.exit_reason_choices(), next_steps=service.NEXT_STEPS,
        default_retention=service.default_retention(enrollment.ended_on),
    ), status


@login_required
def detail(enrollment_id):
    institution_id = require_case_access()
    enrollment = service.visible_enrollment(enrollment_id, institution_id)
    form = RetentionForm(enrollment, retention_until=(
        enrollment.retention_until or service.default_retention(enrollment.ended_on)))
    return _render_detail(enrollment, institution_id, form)


@login_required
def step(enrollment_id, step):
    institution_id = require_case_access()
    enrollment = service.own_enrollment(enrollment_id, institution_id)
    try:
        result = service.take_step(enrollment, step, actor_id=current_user.id,
                                   reason=request.form.get("reason") or None,
                                   institution_id=institution_id)
    except (TransitionRefused, ProcessingRestricted) as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return _back(enrollment)
    db.session.commit()
    if step != "assess":
        flash(str(STEP_DONE[step]), "success")
    elif result.eligible:
        flash(gettext("Eligibility confirmed."), "success")
    else:
        flash(gettext("Not eligible: see the reasons."), "error")
    return _back(enrollment)


@login_required
def retention(enrollment_id):
    institution_id = require_case_access()
    enrollment = service.own_enrollment(enrollment_id, institution_id)
    form = RetentionForm(enrollment)
    if form.validate_on_submit():
        service.set_retention(enrollment, form.retention_until.data)
        db.session.commit()
        flash(gettext("The retention date has been saved."), "success")
        return redirect(url_for(".detail", enrollment_id=enrollment.id))
    return _render_detail(enrollment, institution_id, form, status=422)
