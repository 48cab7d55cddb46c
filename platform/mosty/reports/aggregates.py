"""The partnership report for a period, counted by the database.

Every number comes from a GROUP BY query; Python only arranges the grouped rows into tables.
Queries run inside the current partnership's walls (the ORM filter and, on PostgreSQL,
row-level security), so a report can only ever count its own partnership's rows.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, union_all

from ..db import utcnow
from ..enrollment.models import Enrollment, TargetGroup
from ..enrollment.service import ENDED_STATUSES, EXIT_REASON_LABELS, STATUS_LABELS
from ..extensions import db
from ..families.models import FamilyMember
from ..i18n import gettext
from ..outcomes.models import FOLLOW_UP_MONTHS, FOLLOW_UP_STATUSES, OUTCOME_KINDS, FollowUp, Outcome
from ..outcomes.service import FOLLOW_UP_STATUS_LABELS, OUTCOME_KIND_LABELS
from ..participants.labels import EDUCATION_LABELS, LABOUR_STATUS_LABELS, NOT_GIVEN, SEX_LABELS
from ..participants.models import EDUCATION_LEVELS, LABOUR_STATUSES, SEXES, Participant
from ..partnerships.models import Institution, TerritoryUnit
from ..referrals.models import STATUSES as REFERRAL_STATUSES
from ..referrals.models import Referral
from ..services.models import SERVICE_KINDS, Service, ServiceDelivery
from ..services.service import SERVICE_KIND_LABELS
from .tables import Chart, Report, Section, Table

LOCAL_TZ = ZoneInfo("Europe/Warsaw")
# Lower bounds of the age bands, in years at the last day of the period.
AGE_BANDS = (0, 25, 35, 45, 55)


def referral_status_labels():
    return {"sent": gettext("waiting for an answer"), "accepted": gettext("accepted"),
            "declined": gettext("declined"), "completed": gettext("completed")}


def age_band_labels():
    labels = []
    for low, high in zip(AGE_BANDS, AGE_BANDS[1:] + (None,), strict=True):
        if low == 0:
            labels.append(gettext("under %(age)d", age=high))
        elif high is None:
            labels.append(gettext("%(age)d and over", age=low))
        else:
            labels.append(f"{low}–{high - 1}")
    return labels


def build_report(partnership, period):
    """The internal report of ``partnership`` (the current one) for ``period``."""
    sections = [
        participants_section(period),
        services_section(period),
        referrals_section(period),
        outcomes_section(period),
    ]
    return Report(partnership_name=partnership.name, period=period, sections=sections,
                  generated_at=utcnow())


def add_module_sections(report, contributions):
    """The report with the modules' ``ReportSection``s appended, in their order."""
    for contribution in sorted(contributions, key=lambda s: (s.order, str(s.title))):
        n = len(report.sections)
        report.sections.append(Section(
            key=f"module-{contribution.module}-{n}", title=str(contribution.title),
            module=contribution.module,
            tables=[Table(key=f"module-{n}", title=str(contribution.title), row_headers=[],
                          columns=[str(c) for c in contribution.columns],
                          rows=[()] * len(contribution.rows),
                          cells=[list(row) for row in contribution.rows], counts=False)],
        ))
    return report


# --- participants ----------------------------------------------------------------------------

def _overlaps(period):
    return and_(Enrollment.recruited_on <= period.end,
                or_(Enrollment.ended_on.is_(None), Enrollment.ended_on >= period.start))


def _enrolled_people(condition, *extra):
    """(participant_id, *extra) of people enrolled alone or as members of an enrolled family."""
    alone = select(Enrollment.participant_id.label("participant_id"), *extra).where(
        Enrollment.participant_id.is_not(None), condition)
    in_family = select(FamilyMember.participant_id.label("participant_id"), *extra).join(
        Enrollment, Enrollment.family_id == FamilyMember.family_id).where(condition)
    return union_all(alone, in_family).subquery()


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_band(birth_date, on):
    """SQL CASE: the index of the age band of a birth date, with the age taken on ``on``."""
    whens = [(birth_date > _years_before(on, high), index)
             for index, high in enumerate(AGE_BANDS[1:])]
    return case(*whens, else_=len(AGE_BANDS) - 1)


def _county_names():
    return dict(db.session.execute(
        select(TerritoryUnit.teryt, TerritoryUnit.name).where(func.length(TerritoryUnit.teryt) == 4)
    ).all())


def participants_section(period):
    people = _enrolled_people(_overlaps(period), Enrollment.target_group_id.label("group_id"))
    pairs = select(people.c.participant_id, people.c.group_id).distinct().subquery()
    county = func.substr(Participant.registered_teryt, 1, 4)
    band = _age_band(Participant.birth_date, period.end)
    grouped = db.session.execute(
        select(TargetGroup.code, TargetGroup.name, county.label("county"), band.label("band"),
               Participant.sex, func.count().label("people"))
        .select_from(pairs)
        .join(Participant, Participant.id == pairs.c.participant_id)
        .outerjoin(TargetGroup, TargetGroup.id == pairs.c.group_id)
        .group_by(TargetGroup.code, TargetGroup.name, county, band, Participant.sex)
    ).all()
    counties = _county_names()
    bands = age_band_labels()
    no_group = gettext("no target group")
    counts = defaultdict(lambda: [0] * len(SEXES))
    for code, name, county_code, band_index, sex, n in grouped:
        group = f"{code}: {name}" if code else no_group
        county_label = (f"{counties[county_code]} ({county_code})" if county_code in counties
                        else county_code or gettext("not given"))
        counts[(group, county_label, int(band_index))][SEXES.index(sex)] += n
    keys = sorted(counts)
    table = Table(
        key="participants", title=gettext("Participants by target group, county, age and sex"),
        row_headers=[gettext("Target group"), gettext("County"), gettext("Age")],
        columns=[str(SEX_LABELS[s]) for s in SEXES],
        rows=[(group, county_label, bands[band]) for group, county_label, band in keys],
        cells=[counts[k] for k in keys],
        note=gettext("People in the programme at any time in the period (from recruitment to "
                     "the end of their participation), alone or with their family. County of "
                     "registered residence; age on the last day of the period. A person in two "
                     "target groups is counted in each."),
    )
    return Section(
        key="participants", title=gettext("Participants"),
        tables=[table, *_participant_facts_tables(pairs)],
        charts=_participant_charts(table, bands),
    )


# A fact nobody gave (NULL: a person imported without it) is its own row, never a guess.
_NOT_GIVEN = "not_given"


def _participant_facts_tables(pairs):
    """People in the period (each once) by labour-market status × sex and by education × sex,
    with "not given" as a row of its own."""
    people = select(pairs.c.participant_id).distinct().subquery()
    tables = []
    for key, column, values, labels, title, heading in (
        ("participants_labour_status", Participant.labour_status, LABOUR_STATUSES,
         LABOUR_STATUS_LABELS, gettext("Participants by labour-market status and sex"),
         gettext("Labour-market status")),
        ("participants_education", Participant.education, EDUCATION_LEVELS, EDUCATION_LABELS,
         gettext("Participants by education and sex"), gettext("Education")),
    ):
        fact = func.coalesce(column, _NOT_GIVEN)
        grouped = db.session.execute(
            select(fact.label("fact"), Participant.sex, func.count().label("people"))
            .select_from(people)
            .join(Participant, Participant.id == people.c.participant_id)
            .group_by(fact, Participant.sex)
        ).all()
        counts = defaultdict(lambda: [0] * len(SEXES))
        for value, sex, n in grouped:
            counts[value][SEXES.index(sex)] += n
        order = [*values, *sorted(set(counts) - {*values, _NOT_GIVEN}), _NOT_GIVEN]
        keys = [v for v in order if v in counts]
        tables.append(Table(
            key=key, title=title, row_headers=[heading],
            columns=[str(SEX_LABELS[s]) for s in SEXES],
            rows=[(str(NOT_GIVEN if v == _NOT_GIVEN else labels.get(v, v)),) for v in keys],
            cells=[counts[v] for v in keys],
            note=gettext("Each person in the programme in the period once, by what their "
                         "record says now; “not given” counts people whose record does "
                         "not say (imported without it)."),
        ))
    return tables


def _participant_charts(table, bands):
    """Charts from the row and column totals (the external copy keeps only the chart by sex,
    redrawn from the totals it publishes)."""
    charts = []
    if table.row_totals is not None:
        by_group, by_band = defaultdict(int), defaultdict(int)
        for (group, _county, band), total in zip(table.rows, table.row_totals, strict=True):
            by_group[group] += total
            by_band[band] += total
        charts.append(Chart(gettext("Participants by target group"), sorted(by_group.items())))
        charts.append(Chart(gettext("Participants by age"),
                            [(b, by_band[b]) for b in bands if b in by_band]))
    if table.column_totals is not None:
        charts.append(Chart(gettext("Participants by sex"),
                            list(zip(table.columns, table.column_totals, strict=True)),
                            source=(table.key, "columns")))
    return charts


# --- services --------------------------------------------------------------------------------

def services_section(period):
    grouped = db.session.execute(
        select(Institution.name, Service.kind,
               func.count(func.distinct(ServiceDelivery.participant_id)),
               func.count(ServiceDelivery.id), func.sum(ServiceDelivery.hours))
        .select_from(ServiceDelivery)
        .join(Service, Service.id == ServiceDelivery.service_id)
        .join(Institution, Institution.id == Service.institution_id)
        .where(ServiceDelivery.delivered_on.between(period.start, period.end))
        .group_by(Institution.name, Service.kind)
    ).all()
    kinds = [k for k in SERVICE_KINDS if any(row[1] == k for row in grouped)]
    institutions = sorted({row[0] for row in grouped})
    people = {(name, kind): n for name, kind, n, _d, _h in grouped}
    table = Table(
        key="services", title=gettext("People served by institution and kind of service"),
        row_headers=[gettext("Institution")],
        columns=[str(SERVICE_KIND_LABELS.get(k, k)) for k in kinds],
        rows=[(name,) for name in institutions],
        cells=[[people.get((name, k), 0) for k in kinds] for name in institutions],
        note=gettext("People who received at least one delivery of the kind in the period. "
                     "Totals add the cells up: a person served in two kinds counts twice."),
    )
    deliveries = defaultdict(lambda: [0, 0.0])
    for _name, kind, _n, count, hours in grouped:
        deliveries[kind][0] += count
        deliveries[kind][1] += float(hours or 0)
    volume = Table(
        key="deliveries", title=gettext("Deliveries and hours by kind of service"),
        row_headers=[gettext("Kind of service")],
        columns=[gettext("Deliveries"), gettext("Hours")],
        rows=[(str(SERVICE_KIND_LABELS.get(k, k)),) for k in kinds],
        cells=[[deliveries[k][0], round(deliveries[k][1], 1)] for k in kinds], counts=False,
        support=[sum(people.get((name, k), 0) for name in institutions) for k in kinds],
    )
    charts = []
    if table.column_totals is not None:
        charts.append(Chart(gettext("People served by kind of service"),
                            list(zip(table.columns, table.column_totals, strict=True)),
                            source=(table.key, "columns")))
    if table.row_totals is not None:
        charts.append(Chart(gettext("People served by institution"),
                            [(r[0], t) for r, t in zip(table.rows, table.row_totals,
                                                       strict=True)],
                            source=(table.key, "rows")))
    return Section(key="services", title=gettext("Services"), tables=[table, volume],
                   charts=charts)


# --- referrals -------------------------------------------------------------------------------

def _day_bounds(period):
    start = datetime.combine(period.start, time.min, tzinfo=LOCAL_TZ)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    return start, end


def _whole_days(later, earlier):
    """SQL: whole days between two timestamps, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - earlier) / 86400)
    return func.cast(func.julianday(later) - func.julianday(earlier), db.Integer)


def _median(histogram):
    """Median of values given as {value: how many}; the histogram comes from a GROUP BY."""
    n = sum(histogram.values())
    if n == 0:
        return None
    ordered = sorted(histogram.items())

    def nth(k):
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > k:
                return value
        raise IndexError(k)

    return (nth((n - 1) // 2) + nth(n // 2)) / 2


def referrals_section(period):
    start, end = _day_bounds(period)
    in_period = and_(Referral.sent_at >= start, Referral.sent_at < end)
    by_status = db.session.execute(
        select(Institution.name, Referral.status, func.count(Referral.id))
        .join(Institution, Institution.id == Referral.to_institution_id)
        .where(in_period).group_by(Institution.name, Referral.status)
    ).all()
    institutions = sorted({row[0] for row in by_status})
    counts = {(name, status): n for name, status, n in by_status}
    labels = referral_status_labels()
    table = Table(
        key="referrals", title=gettext("Referrals by receiving institution and status"),
        row_headers=[gettext("Receiving institution")],
        columns=[labels[s] for s in REFERRAL_STATUSES],
        rows=[(name,) for name in institutions],
        cells=[[counts.get((name, s), 0) for s in REFERRAL_STATUSES] for name in institutions],
        note=gettext("Referrals sent in the period, by their status today."),
    )
    days = _whole_days(Referral.answered_at, Referral.sent_at)
    lead = db.session.execute(
        select(Institution.name, days.label("days"), func.count(Referral.id))
        .join(Institution, Institution.id == Referral.to_institution_id)
        .where(in_period, Referral.answered_at.is_not(None))
        .group_by(Institution.name, days)
    ).all()
    histograms = defaultdict(lambda: defaultdict(int))
    overall = defaultdict(int)
    for name, d, n in lead:
        histograms[name][int(d)] += n
        overall[int(d)] += n
    answered = sorted(histograms)
    lead_table = Table(
        key="lead_time", title=gettext("Time to answer a referral"),
        row_headers=[gettext("Receiving institution")],
        columns=[gettext("Median days from sending to answer")],
        rows=[(name,) for name in answered] + [(gettext("All institutions"),)],
        cells=[[_median(histograms[name])] for name in answered] + [[_median(overall)]],
        counts=False,
        support=[sum(histograms[name].values()) for name in answered] + [sum(overall.values())],
        note=gettext("Referrals sent in the period and answered (accepted or declined)."),
    )
    charts = []
    if table.column_totals is not None:
        charts.append(Chart(gettext("Referrals by status"),
                            list(zip(table.columns, table.column_totals, strict=True)),
                            source=(table.key, "columns")))
    return Section(key="referrals", title=gettext("Referrals"), tables=[table, lead_table],
                   charts=charts)


# --- outcomes --------------------------------------------------------------------------------

def outcomes_section(period):
    recorded = db.session.execute(
        select(Outcome.kind, Participant.sex, func.count(func.distinct(Outcome.participant_id)))
        .join(Participant, Participant.id == Outcome.participant_id)
        .where(Outcome.occurred_on.between(period.start, period.end))
        .group_by(Outcome.kind, Participant.sex)
    ).all()
    by_kind = {(kind, sex): n for kind, sex, n in recorded}
    kinds = [k for k in OUTCOME_KINDS if any(row[0] == k for row in recorded)]
    outcomes = Table(
        key="outcomes", title=gettext("Outcomes in the period"),
        row_headers=[gettext("Outcome")], columns=[str(SEX_LABELS[s]) for s in SEXES],
        rows=[(str(OUTCOME_KIND_LABELS[k]),) for k in kinds],
        cells=[[by_kind.get((k, s), 0) for s in SEXES] for k in kinds],
        note=gettext("People with an outcome recorded with a date in the period."),
    )

    ended = and_(Enrollment.status.in_(ENDED_STATUSES),
                 Enrollment.ended_on.between(period.start, period.end))
    reason = func.coalesce(Enrollment.exit_reason, Enrollment.status)
    people = _enrolled_people(ended, reason.label("reason"))
    exits_grouped = db.session.execute(
        select(people.c.reason, Participant.sex, func.count(func.distinct(people.c.participant_id)))
        .join(Participant, Participant.id == people.c.participant_id)
        .group_by(people.c.reason, Participant.sex)
    ).all()
    exit_counts = {(r, sex): n for r, sex, n in exits_grouped}
    reasons = sorted({r for r, _s, _n in exits_grouped},
                     key=lambda r: (r != "completed", str(_reason_label(r))))
    exits = Table(
        key="exits", title=gettext("Leaving the programme in the period"),
        row_headers=[gettext("Reason")], columns=[str(SEX_LABELS[s]) for s in SEXES],
        rows=[(str(_reason_label(r)),) for r in reasons],
        cells=[[exit_counts.get((r, s), 0) for s in SEXES] for r in reasons],
        note=gettext("People whose participation ended in the period, alone or with their "
                     "family, by the reason recorded at exit."),
    )

    follow = db.session.execute(
        select(FollowUp.status, FollowUp.months, func.count(FollowUp.id))
        .where(FollowUp.checked_on.between(period.start, period.end))
        .group_by(FollowUp.status, FollowUp.months)
    ).all()
    follow_counts = {(status, months): n for status, months, n in follow}
    statuses = [s for s in FOLLOW_UP_STATUSES if any(row[0] == s for row in follow)]
    follow_ups = Table(
        key="follow_ups", title=gettext("Situation 3 and 6 months after leaving"),
        row_headers=[gettext("Situation")],
        columns=[gettext("after %(months)d months", months=m) for m in FOLLOW_UP_MONTHS],
        rows=[(str(FOLLOW_UP_STATUS_LABELS[s]),) for s in statuses],
        cells=[[follow_counts.get((s, m), 0) for m in FOLLOW_UP_MONTHS] for s in statuses],
        note=gettext("Follow-ups checked in the period; a family enrolled together counts "
                     "once."),
    )
    charts = []
    if outcomes.row_totals is not None:
        charts.append(Chart(gettext("Outcomes in the period"),
                            [(r[0], t) for r, t in zip(outcomes.rows, outcomes.row_totals,
                                                       strict=True)],
                            source=(outcomes.key, "rows")))
    return Section(key="outcomes", title=gettext("Outcomes"),
                   tables=[outcomes, exits, follow_ups], charts=charts)


def _reason_label(reason):
    if reason in EXIT_REASON_LABELS:
        return EXIT_REASON_LABELS[reason]
    return STATUS_LABELS.get(reason, reason)

