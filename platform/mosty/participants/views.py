"""Participant pages: the searchable list, registration with duplicate detection, the
participant page with its sections, panels and timeline, rectification and care relations."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from .. import audit
from ..consents.access import require_case_access
from ..db import commit_keeping_loaded
from ..extensions import db
from ..families.service import SECOND_HEAD_MESSAGE, MembershipRefused, has_head
from ..forms import has_control_characters
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..ids import row_id
from ..pagination import paginate_audited, sort_order
from ..plugins.access import collect
from ..sealed_search import read_search
from . import labels, service
from .forms import CareRelationForm, ParticipantEditForm, ParticipantForm
from .sections import PARTICIPANT_SECTIONS, PARTICIPANT_TIMELINE, sections_for, timeline_for

LABELS = {
    "sex": labels.SEX_LABELS,
    "area": labels.AREA_LABELS,
    "education": labels.EDUCATION_LABELS,
    "labour_status": labels.LABOUR_STATUS_LABELS,
    "contract": labels.CONTRACT_LABELS,
    "disability": labels.DISABILITY_LABELS,
    "dependant_type": labels.DEPENDANT_TYPE_LABELS,
    "care_service": labels.CARE_SERVICE_LABELS,
    "relation": labels.RELATION_LABELS,
    "generation": labels.GENERATION_LABELS,
}


def search_text(raw, max_length=service.SEARCH_MAX_LENGTH):
    """The search text and a message when it cannot be used (the list then stays empty)."""
    text = (raw or "").strip()
    if len(text) > max_length:
        return "", _("The search text is too long: use at most %(n)s characters.", n=max_length)
    if has_control_characters(text):
        return "", _("The search text contains characters that are not allowed.")
    return text, None


def rendered_panels(core_panels, module_panels):
    """(panel, HTML) pairs: core sections first, then module panels. A module panel whose
    template fails is left out, as collect() leaves out a failing hook."""
    rendered = [(panel, Markup(render_template(panel.template, **panel.context)))
                for panel in core_panels]
    for panel in sorted(module_panels, key=lambda panel: panel.order):
        try:
            rendered.append((panel, Markup(render_template(panel.template, **panel.context))))
        except Exception:  # noqa: BLE001
            current_app.logger.exception("Panel %s of module %s failed", panel.template,
                                         panel.module)
    return rendered


@login_required
def index():
    institution_id = require_case_access()
    search = read_search(search_text)
    if search.redirect is not None:
        return search.redirect
    q, error = search.text, search.error
    order, sort = sort_order(service.SORT_COLUMNS, "name")
    page = None
    if error is None:
        page = paginate_audited(service.search(institution_id, q, order), "Participant",
                                search=bool(q))
    return render_template("participants/index.html", page=page, q=q, sort=sort,
                           error=error, search_args=search.link_args,
                           labels=LABELS), (200 if error is None else 400)


def _family_of_form(form, institution_id):
    """(family, error) for a registration started from a family page."""
    family_id, relation = form.family.data or "", form.relation.data or ""
    if not family_id and not relation:
        return None, None
    try:
        family = service.family_to_join(row_id(family_id), relation, institution_id)
    except ValueError:  # not a row id ("", "²", beyond MAX_ID)
        family = None
    if family is None:
        return None, _("This person cannot be added to that family: it is not a family your "
                       "institution registered, or the relation is unknown.")
    return family, None


@login_required
def new():
    institution_id = require_case_access()
    form = ParticipantForm()
    if not form.is_submitted():
        form.family.data = request.args.get("family", "")
        form.relation.data = request.args.get("relation", "")
    family, family_error = _family_of_form(form, institution_id)
    if (family is not None and not form.is_submitted() and form.relation.data == "head"
            and has_head(family)):
        # Said before anything is typed: registering would be refused (families.add_member).
        form.relation.errors = [str(SECOND_HEAD_MESSAGE)]
    matches, pesel_taken = [], None
    status = 200
    if form.validate_on_submit() and family_error is None:
        values = form.values()
        matches = service.find_duplicates(institution_id, values)
        pesel_taken = service.pesel_taken(matches)
        if pesel_taken is not None:  # the confirmation is for namesakes, never a PESEL
            form.pesel.errors.append(pesel_taken)
            status = 422
        elif not matches or form.confirm_different_person.data:
            try:
                participant = service.register(institution_id, values, family,
                                               form.relation.data or None)
            except MembershipRefused as refused:
                # Refused as a whole (a second head of household): the form stays on screen
                # with what was typed, and no one is registered outside the family asked for.
                db.session.rollback()
                form.relation.errors.append(str(refused))
                status = 422
            else:
                db.session.commit()
                flash(_("The participant is registered."), "success")
                if family is not None:
                    return redirect(url_for("families.detail", family_id=family.id))
                return redirect(url_for("participants.detail", participant_id=participant.id))
        detail = {"ids": [m.participant.id for m in matches], "purpose": "duplicate_check"}
        if family is not None:
            detail["family_id"] = family.id
        audit.record("read", object_type="Participant", detail=detail)
    else:
        status = 422 if form.is_submitted() else 200
        if family is not None:
            audit.record("read", family)
    db.session.commit()
    return render_template("participants/form.html", form=form, participant=None,
                           family=family, family_error=family_error, matches=matches,
                           pesel_taken=pesel_taken, labels=LABELS), status


@login_required
def detail(participant_id):
    institution_id = require_case_access()
    participant = service.get_visible(participant_id, institution_id)
    return _participant_page(participant, institution_id, CareRelationForm(formdata=None))


def _participant_page(participant, institution_id, care_form, status=200):
    membership = g.membership
    panels = rendered_panels(
        sections_for(PARTICIPANT_SECTIONS, participant, institution_id),
        collect("mosty_participant_panels", participant=participant, membership=membership),
    )
    timeline = service.merge_timeline(
        timeline_for(PARTICIPANT_TIMELINE, participant, institution_id),
        collect("mosty_timeline_entries", subject=participant, membership=membership),
        service.record_events(participant, _l("Registered")),
    )
    families = service.families_of(participant, institution_id)
    service.load_care_relations(participant)
    audit.record("read", participant)
    commit_keeping_loaded(db.session)
    return render_template(
        "participants/detail.html", participant=participant, families=families,
        panels=panels, timeline=timeline, care_form=care_form,
        can_edit=(participant.institution_id == institution_id
                  and participant.anonymised_at is None), age=service.age,
        labels=LABELS,
    ), status


@login_required
def edit(participant_id):
    institution_id = require_case_access()
    participant = service.get_editable(participant_id, institution_id)
    form = ParticipantEditForm.for_participant(participant, service.record_version(participant))
    matches, conflict, pesel_taken = [], None, None
    status = 200
    if form.validate_on_submit():
        values = form.values()
        try:
            service.ensure_current(participant, values, form.loaded_version.data)
        except service.EditConflict as refused:
            conflict, status = refused, 409
            form.take_newer_values(conflict)
        else:
            identity = ("first_name", "last_name", "birth_date", "pesel")
            if any(values[name] != getattr(participant, name) for name in identity):
                matches = service.find_duplicates(institution_id, values,
                                                  exclude_id=participant.id)
            # Refused only when the PESEL is changed to another record's: two records that
            # already share one (from before this rule) can still be rectified.
            pesel_taken = (service.pesel_taken(matches)
                           if values["pesel"] != participant.pesel else None)
            if pesel_taken is not None:
                form.pesel.errors.append(pesel_taken)
                status = 422
            elif not matches or form.confirm_different_person.data:
                changed = service.rectify(participant, values)
                db.session.commit()
                flash(_("Saved.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for("participants.detail", participant_id=participant.id))
    elif form.is_submitted():
        status = 422
    detail = {"duplicate_ids": [m.participant.id for m in matches]} if matches else {}
    if conflict is not None:  # field names only, as in the "update" entries
        detail["edit_conflict"] = [change.name for change in conflict.changes]
    audit.record("read", participant, detail=detail)
    db.session.commit()
    return render_template("participants/form.html", form=form, participant=participant,
                           family=None, family_error=None, matches=matches,
                           pesel_taken=pesel_taken, conflict=conflict, labels=LABELS), status


@login_required
def add_care(participant_id):
    institution_id = require_case_access()
    participant = service.get_editable(participant_id, institution_id)
    form = CareRelationForm()
    if form.validate_on_submit():
        service.add_care_relation(participant, form.values())
        db.session.commit()
        flash(_("The dependant is recorded."), "success")
        return redirect(url_for("participants.detail", participant_id=participant.id,
                                _anchor="care"))
    return _participant_page(participant, institution_id, form, status=422)


@login_required
def remove_care(participant_id, relation_id):
    institution_id = require_case_access()
    participant = service.get_editable(participant_id, institution_id)
    service.remove_care_relation(participant, relation_id)
    db.session.commit()
    flash(_("The dependant is removed."), "success")
    return redirect(url_for("participants.detail", participant_id=participant.id,
                            _anchor="care"))
