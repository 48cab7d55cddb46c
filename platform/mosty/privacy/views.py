"""Data-protection pages: finding a person, the person's privacy page (restriction, retention,
erasure requests), the access export (printable HTML and JSON) and the rectification history."""

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..auth.models import User
from ..collation import by_name, matches
from ..consents.access import current_institution_id
from ..db import commit_keeping_loaded
from ..enrollment.models import Enrollment
from ..enrollment.privacy import enrollments_about
from ..enrollment.service import STATUS_LABELS
from ..extensions import db
from ..i18n import gettext as _
from ..pagination import paginate
from ..participants.models import Participant
from ..participants.views import search_text
from ..partnerships.models import Institution
from ..sealed_search import read_search
from . import access
from .erasure import (
    ErasureNotConfirmed,
    ErasureRefused,
    decision_text,
    request_erasure,
    requests_of,
)
from .export import as_json, build_export, display
from .forms import ErasureForm, RestrictionForm
from .models import ErasureRequest, RestrictionChange
from .rectification import field_label, history_of, value_text
from .restriction import RestrictionRefused, lift_restriction, restrict
from .retention import due_for_anonymisation, retention_status


@login_required
def index():
    access.require_privacy_access()
    search = read_search(search_text)
    if search.redirect is not None:
        return search.redirect
    q, error = search.text, search.error
    requests, request_people = _recent_requests()
    page = None
    if q and error is None:
        query = access.visible_people()
        if q.isdigit():
            query = query.where(Participant.pesel.startswith(q, autoescape=True))
        else:
            for word in q.split():
                query = query.where(or_(matches(Participant.first_name, word),
                                        matches(Participant.last_name, word)))
        page = paginate(query.order_by(by_name(Participant.last_name), by_name(Participant.first_name),
                                       Participant.id))
    _audit_index(page, request_people)
    is_admin = access.is_partnership_admin()
    # A count only (no one is named), for the admin to see what tonight's run will do.
    due = db.session.scalar(select(func.count()).select_from(
        due_for_anonymisation().subquery())) if is_admin else None
    return render_template("privacy/index.html", q=q, error=error, page=page,
                           requests=requests, is_admin=is_admin, due=due,
                           retention_years=current_app.config["MOSTY_RETENTION_YEARS"]), (
        400 if error else 200)


def _audit_index(page, request_people):
    """One audit entry for the page, however many lists on it name people: ``ids`` holds
    everyone shown (the access export looks there), the two lists are told apart."""
    if page is None and not request_people:
        return
    found = [p.id for p in page.items] if page is not None else []
    detail = {"ids": found + [i for i in request_people if i not in found],
              "purpose": "privacy"}
    if page is not None:
        detail.update(search=True, page=page.page, search_ids=found)
    if request_people:
        detail["erasure_request_ids"] = request_people
    audit.record("read", object_type="Participant", detail=detail)
    commit_keeping_loaded(db.session)


def _recent_requests():
    """The latest erasure requests: the whole partnership's for its admin, else the
    institution's own, each with the person; and the ids of the people they name (the read is
    audited by the page)."""
    query = select(ErasureRequest).order_by(ErasureRequest.received_on.desc(),
                                            ErasureRequest.id.desc()).limit(20)
    if not access.is_partnership_admin():
        # The institution's own requests about people it may still see: one recorded by the
        # admin's institution may be about anyone of the partnership.
        query = query.where(ErasureRequest.institution_id == access.acting_institution_id(),
                            ErasureRequest.participant_id.in_(
                                access.visible_people().with_only_columns(Participant.id)))
    requests = list(db.session.scalars(query))
    if not requests:
        return [], []
    people = {p.id: p for p in db.session.scalars(select(Participant).where(
        Participant.id.in_([r.participant_id for r in requests])))}
    return [(r, people.get(r.participant_id)) for r in requests], sorted(people)


def _names(user_ids):
    ids = [i for i in set(user_ids) if i]
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _institutions():
    return dict(db.session.execute(select(Institution.id, Institution.name)).all())


@login_required
def person(participant_id):
    participant = access.subject_or_404(participant_id)
    return _render_person(participant)


def _render_person(participant, status=200, restriction_form=None, erasure_form=None,
                   refusal=None):
    may_decide = access.may_decide(participant)
    restriction_form = restriction_form or RestrictionForm(formdata=None)
    erasure_form = erasure_form or ErasureForm(formdata=None).for_person(participant)
    enrollments = db.session.scalars(enrollments_about(participant.id)
                                     .options(joinedload(Enrollment.target_group))
                                     .order_by(Enrollment.recruited_on, Enrollment.id)).all()
    changes = list(db.session.scalars(select(RestrictionChange).where(
        RestrictionChange.participant_id == participant.id)
        .order_by(RestrictionChange.changed_at.desc(), RestrictionChange.id.desc())))
    requests = requests_of(participant.id)
    years = current_app.config["MOSTY_RETENTION_YEARS"]
    retention = retention_status(participant)
    html = render_template(
        "privacy/person.html", participant=participant, may_decide=may_decide,
        restriction_form=restriction_form, erasure_form=erasure_form, refusal=refusal,
        # A request recorded now would erase the data: no retention obligation applies.
        erasure_needs_confirmation=not retention.applies,
        retention=retention, enrollments=enrollments,
        status_labels=STATUS_LABELS, restriction_changes=changes,
        requests=[(r, decision_text(r, years)) for r in requests],
        names=_names([c.changed_by_id for c in changes]
                     + [r.recorded_by_id for r in requests]
                     + [participant.restricted_by_id]),
        institutions=_institutions(), retention_years=years,
        case_access=current_institution_id() is not None,
    )
    audit.record("read", participant, detail={"page": "privacy"})
    db.session.commit()
    return html, status


@login_required
def export_html(participant_id):
    participant = access.subject_or_404(participant_id)
    export = build_export(participant)
    html = render_template("privacy/export.html", participant=participant, export=export,
                           display=display)
    audit.record("export", participant, detail={"format": "html",
                                                "sections": len(export.sections)})
    db.session.commit()
    return html


@login_required
def export_json(participant_id):
    participant = access.subject_or_404(participant_id)
    document = as_json(build_export(participant))
    audit.record("export", participant, detail={"format": "json",
                                                "sections": len(document["sections"])})
    db.session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
        headers={"Content-Disposition":
                 f'attachment; filename="personal-data-{participant.id}.json"'})


@login_required
def history(participant_id):
    participant = access.subject_or_404(participant_id)
    changes = history_of(participant.id)
    html = render_template("privacy/history.html", participant=participant, changes=changes,
                           field_label=field_label, value_text=value_text,
                           names=_names([c.changed_by_id for c in changes]),
                           institutions=_institutions())
    audit.record("read", participant, detail={"page": "rectification_history"})
    db.session.commit()
    return html


def _decidable(participant_id):
    participant = access.subject_or_404(participant_id)
    if not access.may_decide(participant):
        # They may read the person's page, so the person's existence is no secret to them.
        return participant, False
    return participant, True


@login_required
def restriction(participant_id):
    participant, allowed = _decidable(participant_id)
    if not allowed:
        return _forbidden()
    form = RestrictionForm()
    if not form.validate_on_submit():
        return _render_person(participant, status=422, restriction_form=form)
    restricted = participant.processing_restricted
    if form.intent.data in ("restrict", "lift") and (form.intent.data == "restrict") == restricted:
        flash(_("Processing was already restricted: nothing changed.") if restricted
              else _("The restriction was already lifted: nothing changed."), "info")
        return redirect(url_for("privacy.person", participant_id=participant.id))
    change = lift_restriction if restricted else restrict
    try:
        change(participant, reason=form.reason.data, actor_id=current_user.id,
               institution_id=access.acting_institution_id())
    except RestrictionRefused as refused:
        db.session.rollback()
        return _render_person(participant, status=422, restriction_form=form,
                              refusal=str(refused))
    db.session.commit()
    flash(_("Processing is now restricted.") if participant.processing_restricted
          else _("The restriction is lifted."), "success")
    return redirect(url_for("privacy.person", participant_id=participant.id))


@login_required
def erasure(participant_id):
    participant, allowed = _decidable(participant_id)
    if not allowed:
        return _forbidden()
    form = ErasureForm().for_person(participant)
    if not form.validate_on_submit():
        return _render_person(participant, status=422, erasure_form=form)
    try:
        recorded = request_erasure(participant, received_on=form.received_on.data,
                                   actor_id=current_user.id,
                                   institution_id=access.acting_institution_id(),
                                   confirmed=form.confirm_erasure.data)
    except ErasureNotConfirmed as unconfirmed:
        db.session.rollback()
        form.confirm_erasure.errors = [*form.confirm_erasure.errors, str(unconfirmed)]
        return _render_person(participant, status=422, erasure_form=form)
    except ErasureRefused as refused:
        db.session.rollback()
        return _render_person(participant, status=422, erasure_form=form,
                              refusal=str(refused))
    db.session.commit()
    message = decision_text(recorded, current_app.config["MOSTY_RETENTION_YEARS"])
    flash(str(message), "success" if recorded.outcome == "carried_out" else "info")
    return redirect(url_for("privacy.person", participant_id=participant.id))


def _forbidden():
    return render_template("error.html", status=403, title=_("Not allowed"), message=_(
        "Only the institution that registered the person, or the partnership admin, can "
        "decide on restriction or erasure.")), 403


def refused_for_the_person(error):
    """A change refused because processing is restricted or the record is anonymised (closed):
    nothing is saved, the person's record stays readable, the message says why."""
    db.session.rollback()
    if request.path.startswith("/api/"):
        return {"error": str(error), "status": 409}, 409
    return render_template("error.html", status=409, title=_("This cannot be done"),
                           message=str(error)), 409
