"""Instrument pages: the list and the definitions (partnership admins save versions and
install examples), starting an administration for a person or a family, filling it in (draft,
finish), the results with the change-over-time chart, and a family round side by side."""

import json

import yaml
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, pgettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..consents.access import current_institution_id, require_case_access
from ..consents.service import participant_page_url, user_names, visible_participant_or_404
from ..extensions import db
from ..families import service as families
from ..i18n import gettext
from ..privacy.access import id_arg
from . import service
from .charts import change_chart
from .definitions import InvalidDefinition
from .forms import AnswersForm, DefinitionForm, StartForm, field_name, read_answers
from .service import AnswersIncomplete, InstrumentRefused

# The starter a partnership admin edits into their own instrument. Keys and ids stay as they
# are (they name answers in the database); the text people read follows the admin's language.
NEW_DEFINITION = """\
key: my_instrument
title: {title}
sections:
  - id: part_1
    title: {section}
    items:
      - id: q1
        text: {question}
        type: scale
        min: 1
        max: 5
        domain: main
domains:
  - id: main
    title: {domain}
    rule: mean
    bands:
      - from: 1
        label: {low}
        text: {low_text}
      - from: 3.5
        label: {high}
        text: {high_text}
"""


def new_definition_source():
    """The starter definition, its titles and texts in the current user's language."""
    return NEW_DEFINITION.format(**{name: _yaml_scalar(text) for name, text in {
        "title": gettext("My instrument"),
        "section": gettext("Part 1"),
        "question": gettext("First question"),
        "domain": gettext("Main domain"),
        "low": pgettext("instrument score band", "low"),
        "low_text": gettext("What a low score means."),
        "high": pgettext("instrument score band", "high"),
        "high_text": gettext("What a high score means."),
    }.items()})


def _yaml_scalar(text):
    """``text`` as a YAML value: bare when YAML reads it back unchanged, else double-quoted
    (a translation may hold ": " or start with a character YAML treats specially)."""
    try:
        if yaml.safe_load(f"value: {text}") == {"value": text}:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def _is_admin():
    membership = g.get("membership")
    return membership is not None and membership.has_role("partnership_admin")


def _require_admin():
    if not _is_admin():
        abort(404)


def _require_reader():
    """Definitions are read by people who give instruments and by partnership admins."""
    if current_institution_id() is None and not _is_admin():
        abort(404)


# --- definitions ---------------------------------------------------------------------------

@login_required
def index():
    _require_reader()
    return render_template(
        "instruments/index.html", instruments=service.instruments(), is_admin=_is_admin(),
        examples=service.examples() if _is_admin() else [],
    )


@login_required
def definition(instrument_id):
    _require_reader()
    instrument = service.instrument_or_404(instrument_id)
    number = request.args.get("version", type=int)
    version = (service.version_or_404(instrument, number) if number is not None
               else instrument.current)
    return render_template(
        "instruments/definition.html", instrument=instrument, version=version,
        spec=version.spec, is_admin=_is_admin(),
        used=service.usage_counts([v.id for v in instrument.versions]),
        names=user_names([v.created_by_id for v in instrument.versions]),
    )


@login_required
def new_definition():
    _require_admin()
    form = DefinitionForm()
    if not form.is_submitted():
        form.source.data = new_definition_source()
    return _save_definition(form, None)


@login_required
def edit_definition(instrument_id):
    _require_admin()
    instrument = service.instrument_or_404(instrument_id)
    form = DefinitionForm()
    if not form.is_submitted():
        form.source.data = instrument.current.source
    return _save_definition(form, instrument)


def _save_definition(form, instrument):
    faults, refusal = [], None
    if form.validate_on_submit():
        text, refusal = form.text()
        if text is not None:
            form.source.data = text
            try:
                version = service.save_definition(text, actor_id=current_user.id,
                                                  instrument=instrument)
            except InvalidDefinition as invalid:
                faults = [str(f) for f in invalid.faults]
            except InstrumentRefused as refused:
                refusal = str(refused)
            except IntegrityError:
                # Another admin saved the same instrument (or version number) a moment ago.
                refusal = gettext("Someone saved this instrument at the same time. Reload the "
                                  "page and try again.")
            else:
                db.session.commit()
                flash(gettext("Version %(number)d is saved.", number=version.number), "success")
                return redirect(url_for("instruments.definition",
                                        instrument_id=version.instrument_id))
        db.session.rollback()
    status = 422 if form.is_submitted() else 200
    return render_template("instruments/definition_form.html", form=form,
                           instrument=instrument, faults=faults, refusal=refusal), status


@login_required
def install_example():
    _require_admin()
    form = AnswersForm()
    if form.validate_on_submit():
        try:
            version = service.install_example(request.form.get("key", ""),
                                              actor_id=current_user.id)
        except (InstrumentRefused, IntegrityError) as refused:
            db.session.rollback()
            flash(str(refused) if isinstance(refused, InstrumentRefused) else gettext(
                "Someone saved this instrument at the same time. Reload the page and try "
                "again."), "error")
        else:
            db.session.commit()
            flash(gettext("The example \"%(title)s\" is installed. Adapt it to your "
                          "partnership: saving creates a new version.", title=version.title),
                  "success")
            return redirect(url_for("instruments.definition",
                                    instrument_id=version.instrument_id))
    return redirect(url_for("instruments.index"))


# --- administering -------------------------------------------------------------------------

@login_required
def new():
    institution_id = require_case_access()
    if request.args.get("family"):
        return _new_for_family(institution_id)
    if not request.args.get("participant"):
        flash(gettext("Open the participant's or family's page and start from there."), "info")
        return redirect(url_for("participants.index"))
    participant = visible_participant_or_404(id_arg("participant"), institution_id)
    form = StartForm(instruments=service.usable_instruments())
    del form.members
    refusal = None
    if form.validate_on_submit():
        instrument = _chosen(form)
        if instrument is not None:
            try:
                administration = service.start_administration(
                    participant, instrument, institution_id=institution_id,
                    actor_id=current_user.id)
            except InstrumentRefused as refused:
                db.session.rollback()
                refusal = str(refused)
            else:
                db.session.commit()
                return redirect(url_for("instruments.administration",
                                        administration_id=administration.id))
    html = render_template("instruments/start.html", form=form, participant=participant,
                           family=None, refusal=refusal,
                           back_url=participant_page_url(participant.id))
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "instrument"})
    db.session.commit()
    return html, (422 if form.is_submitted() else 200)


def _chosen(form):
    instrument_id = form.instrument.data
    if instrument_id is None:
        form.instrument.errors.append(gettext("Choose the instrument."))
        return None
    return next((i for i in service.usable_instruments() if i.id == instrument_id), None)


def _new_for_family(institution_id):
    family_id = id_arg("family")
    if family_id is None:
        abort(404)
    family = families.get_visible(family_id, institution_id)
    members = service.visible_members(family, institution_id)
    form = StartForm(instruments=service.usable_instruments(), members=members)
    if not form.is_submitted():
        form.members.data = [p.id for p in members]
    refusal = None
    if form.validate_on_submit():
        instrument = _chosen(form)
        chosen = [p for p in members if p.id in (form.members.data or [])]
        if instrument is not None:
            try:
                family_round = service.start_family_round(
                    family, instrument, chosen, institution_id=institution_id,
                    actor_id=current_user.id)
            except InstrumentRefused as refused:
                db.session.rollback()
                refusal = str(refused)
            else:
                db.session.commit()
                flash(gettext("The instrument is ready for each chosen member: fill it in "
                              "with each of them."), "success")
                return redirect(url_for("instruments.family_round", round_id=family_round.id))
    html = render_template("instruments/start.html", form=form, participant=None,
                           family=family, refusal=refusal,
                           back_url=url_for("families.detail", family_id=family.id))
    audit.record("read", family, detail={"member_ids": [p.id for p in members],
                                         "form": "instrument"})
    db.session.commit()
    return html, (422 if form.is_submitted() else 200)


@login_required
def administration(administration_id):
    institution_id = require_case_access()
    record = service.administration_or_404(administration_id, institution_id)
    if request.method == "GET":
        return _render(record, institution_id)
    form = AnswersForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action not in ("save", "finish"):
        abort(400)
    spec = record.version.spec
    answers, errors = read_answers(spec, request.form)
    if errors:
        # Nothing is saved; the form comes back with what was typed and the messages.
        return _render(record, institution_id, errors=errors, values=request.form, status=422)
    try:
        if action == "save":
            service.save_draft(record, answers, institution_id=institution_id,
                               actor_id=current_user.id)
            message = gettext("The draft is saved.")
        else:
            service.finish_administration(record, answers, institution_id=institution_id,
                                          actor_id=current_user.id)
            message = gettext("Finished: the scores are below.")
    except AnswersIncomplete as incomplete:
        # The answers given so far are kept as the draft.
        service.save_draft(record, answers, institution_id=institution_id,
                           actor_id=current_user.id)
        db.session.commit()
        return _render(record, institution_id, errors=incomplete.errors, values=request.form,
                       status=422, audited=True)
    except InstrumentRefused as refused:
        # Refused as a whole (the person's processing restricted meanwhile, the draft no
        # longer open): nothing is saved, and the page comes back with what was typed.
        db.session.rollback()
        flash(str(refused), "error")
        return _render(record, institution_id, values=request.form, status=422)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("instruments.administration", administration_id=record.id), 303)


def _form_values(record):
    return {field_name(k): str(v) for k, v in (record.answers or {}).items()}


def _render(record, institution_id, errors=None, values=None, status=200, audited=False):
    spec = record.version.spec
    can_fill = (record.is_draft and record.institution_id == institution_id
                and not record.participant.restricted
                and record.participant.anonymised_at is None)
    detail = {"participant_id": record.participant_id}
    if record.is_draft:
        template = "instruments/fill.html"
        context = {"form": AnswersForm(formdata=None), "errors": errors or {},
                   "values": values if values is not None else _form_values(record),
                   "can_fill": can_fill}
    else:
        points = service.history(record.participant_id, record.version.instrument_id,
                                 institution_id)
        chart = change_chart(points, lambda a: format_date(a.finished_at, "short"),
                             gettext("Total"))
        template = "instruments/result.html"
        context = {"chart": chart, "points": points}
        detail["history_ids"] = [a.id for a in points]
    html = render_template(
        template, record=record, spec=spec, instrument=record.version.instrument,
        participant_url=participant_page_url(record.participant_id),
        names=user_names([record.administered_by_id]), **context,
    )
    if not audited:
        audit.record("read", record, detail=detail)
    db.session.commit()
    return html, status


@login_required
def discard(administration_id):
    institution_id = require_case_access()
    record = service.administration_or_404(administration_id, institution_id)
    form = AnswersForm()
    if not form.validate_on_submit():
        abort(400)
    participant_id, round_id = record.participant_id, record.family_round_id
    try:
        service.discard_draft(record, institution_id=institution_id, actor_id=current_user.id)
    except InstrumentRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("instruments.administration", administration_id=record.id),
                        303)
    db.session.commit()
    flash(gettext("The draft is deleted."), "success")
    if round_id is not None:
        return redirect(url_for("instruments.family_round", round_id=round_id), 303)
    return redirect(participant_page_url(participant_id), 303)


@login_required
def family_round(round_id):
    institution_id = require_case_access()
    record = service.family_round_or_404(round_id, institution_id)
    administrations = service.round_administrations(record, institution_id)
    html = render_template(
        "instruments/round.html", round=record, administrations=administrations,
        spec=record.version.spec, instrument=record.version.instrument,
        institution_id=institution_id,
    )
    audit.record("read", record, detail={"family_id": record.family_id,
                                         "administration_ids": [a.id for a in administrations]})
    db.session.commit()
    return html
