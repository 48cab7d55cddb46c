"""Employment after activation instruments, aggregated in SQL.

A completion is an enrolment on an instrument with status ``completed``; its date is the
enrolment's ``ended_on``. The person counts as employed within N months when the registry has
a "job started" or "own business started" outcome dated from the completion day up to N whole
months after it (a hire from a job offer records such an outcome). Completions are chosen by
their date within the period.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..activation.models import ActivationInstrument, InstrumentEnrolment
from ..activation.service import KIND_LABELS
from .sql import months_after, whole_years

WINDOWS = (3, 6)
EMPLOYMENT_KINDS = ("job_started", "self_employment")
# (lower bound inclusive, label); the first band whose bound the age reaches, from the top.
AGE_BANDS = ((55, "55+"), (45, "45–54"), (35, "35–44"), (25, "25–34"), (0, "18–24"))
DIMENSIONS = {
    "instrument": _l("By instrument"),
    "sex": _l("By sex"),
    "age_band": _l("By age band"),
    "county": _l("By county"),
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    completed: int
    employed_3: int
    employed_6: int

    def rate(self, months):
        employed = self.employed_3 if months == 3 else self.employed_6
        return round(100 * employed / self.completed) if self.completed else 0


def _employed_within(months):
    outcome = toolkit.Outcome
    ended = InstrumentEnrolment.ended_on
    return exists(select(outcome.id).where(
        outcome.participant_id == InstrumentEnrolment.participant_id,
        outcome.kind.in_(EMPLOYMENT_KINDS),
        outcome.occurred_on >= ended,
        outcome.occurred_on <= months_after(ended, months),
    ))


def _dimension(name):
    p = toolkit.Participant
    if name == "instrument":
        return ActivationInstrument.kind
    if name == "sex":
        return p.sex
    if name == "county":
        return func.substr(p.registered_teryt, 1, 4)
    if name == "age_band":
        age = whole_years(p.birth_date, InstrumentEnrolment.ended_on)
        return case(*[(age >= bound, label) for bound, label in AGE_BANDS[:-1]],
                    else_=AGE_BANDS[-1][1])
    raise ValueError(name)


def counts(dimension, period_start, period_end):
    """``[(key, completed, employed within 3 months, within 6 months)]`` for one dimension."""
    key = _dimension(dimension).label("key")
    flags = [func.sum(case((_employed_within(m), 1), else_=0)) for m in WINDOWS]
    query = (select(key, func.count(InstrumentEnrolment.id), *flags)
             .join(ActivationInstrument,
                   ActivationInstrument.id == InstrumentEnrolment.instrument_id)
             .join(toolkit.Participant, toolkit.Participant.id == InstrumentEnrolment.participant_id)
             .where(InstrumentEnrolment.status == "completed",
                    and_(InstrumentEnrolment.ended_on >= period_start,
                         InstrumentEnrolment.ended_on <= period_end))
             .group_by(key).order_by(key))
    return [(k, n, int(e3 or 0), int(e6 or 0))
            for k, n, e3, e6 in toolkit.db.session.execute(query)]


def _labels(dimension):
    if dimension == "instrument":
        return {k: str(v) for k, v in KIND_LABELS.items()}
    if dimension == "sex":
        return {k: str(v) for k, v in toolkit.SEX_LABELS.items()}
    if dimension == "county":
        return {u.teryt: u.name for u in toolkit.db.session.scalars(
            select(toolkit.TerritoryUnit).where(func.length(toolkit.TerritoryUnit.teryt) == 4))}
    return {}


def table(dimension, period_start, period_end):
    labels = _labels(dimension)
    rows = [Row(key=k or "", label=labels.get(k, k or str(_l("not known"))), completed=n,
                employed_3=e3, employed_6=e6)
            for k, n, e3, e6 in counts(dimension, period_start, period_end)]
    if dimension == "age_band":
        order = [label for _bound, label in reversed(AGE_BANDS)]
        rows.sort(key=lambda r: order.index(r.key) if r.key in order else len(order))
    return rows


def total(rows):
    return Row(key="", label=str(_l("Total")), completed=sum(r.completed for r in rows),
               employed_3=sum(r.employed_3 for r in rows),
               employed_6=sum(r.employed_6 for r in rows))


def report(period_start, period_end):
    """``{dimension: (rows, total)}`` for the page."""
    found = {}
    for dimension in DIMENSIONS:
        rows = table(dimension, period_start, period_end)
        found[dimension] = (rows, total(rows))
    return found


# --- the chart --------------------------------------------------------------------------------

BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 14, 10, 230, 640


def chart(rows):
    """Bars for the SVG chart: per row, the rates within 3 and 6 months (server-side geometry,
    so the page needs no script and no inline style)."""
    bars = []
    y = 0
    scale = (CHART_WIDTH - LABEL_WIDTH - 50) / 100
    for row in rows:
        group = {"label": row.label, "y": y, "bars": []}
        for n, months in enumerate(WINDOWS):
            rate = row.rate(months)
            group["bars"].append({"months": months, "rate": rate,
                                  "y": y + n * BAR_HEIGHT, "width": max(rate * scale, 1)})
        bars.append(group)
        y += len(WINDOWS) * BAR_HEIGHT + GAP
    return {"groups": bars, "height": max(y, 1) + 20, "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT - 2}
