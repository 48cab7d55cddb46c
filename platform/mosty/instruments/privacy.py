"""Instrument administrations of a person, for the access export and anonymisation (see
mosty.privacy.sources).

Each administration is the person's own answers and scores; a family round only groups them,
so the other members' answers never appear in this person's export.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from ..extensions import db
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .models import Administration

TABLES = ("instrument_administration",)
MODULE = "instruments"
STATUS_LABELS = {"draft": _l("draft"), "finished": _l("finished")}


def _of(participant):
    return db.session.scalars(
        select(Administration).where(Administration.participant_id == participant.id)
        .options(joinedload(Administration.version), joinedload(Administration.institution))
        .order_by(Administration.started_at, Administration.id)).all()


def answer_label(item, value):
    """An answer as the form showed it (the option's label, not its code)."""
    if value is None or value == "":
        return None
    if item["type"] == "choice":
        return next((o["label"] for o in item["options"] if o["value"] == str(value)), value)
    if item["type"] == "yes_no":
        return gettext("yes") if value == "yes" else gettext("no")
    if item["type"] == "scale" and item.get("labels", {}).get(str(value)):
        return f"{value} – {item['labels'][str(value)]}"
    return value


def _scores(scores):
    results = list((scores or {}).get("domains", []))
    if (scores or {}).get("total"):
        results.insert(0, {**scores["total"], "title": scores["total"]["title"] or
                           gettext("Total")})
    return [
        f"{r['title']}: {gettext('not scored') if r['score'] is None else r['score']}"
        + (f" ({r['band']['label']})" if r.get("band") else "")
        for r in results
    ]


def personal_data(participant):
    records = []
    for a in _of(participant):
        spec = a.version.spec
        records.append({
            _l("Standardized instrument"): a.version.title,
            _l("Version"): a.version.number,
            _l("Institution"): a.institution.name,
            _l("Status"): STATUS_LABELS.get(a.status, a.status),
            _l("Started"): a.started_at,
            _l("Finished"): a.finished_at,
            _l("Scores"): _scores(a.scores),
            _l("Answers"): [f"{spec['items'][item_id]['text']}: "
                            f"{answer_label(spec['items'][item_id], value)}"
                            for item_id, value in (a.answers or {}).items()
                            if item_id in spec["items"]],
        })
    return [PersonalDataSection(module=MODULE, title=_l("Instruments"), records=tuple(records))]


def anonymise_participant(participant):
    """Free-text answers go; the scored answers and the scores stay for the statistics."""
    for a in _of(participant):
        items = a.version.spec["items"]
        answers = dict(a.answers or {})
        for item_id in list(answers):
            if items.get(item_id, {}).get("type") == "text":
                answers[item_id] = ""
        a.answers = answers
        flag_modified(a, "answers")


def audit_objects(participant):
    return [("Administration", administration_id) for administration_id in db.session.scalars(
        select(Administration.id).where(Administration.participant_id == participant.id))]
