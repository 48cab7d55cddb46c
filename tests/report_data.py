"""A small constructed partnership whose October 2026 report has known numbers."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.extensions import db
from mosty.outcomes.models import FollowUp, Outcome
from mosty.referrals.models import Referral
from mosty.reports.periods import Period
from mosty.services.models import ServiceDelivery

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
TERRITORY = (("1261", "Kraków"), ("1206", "Powiat krakowski"))


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_partnership(f, slug):
    """Two institutions, a coordinator, and the data the expected numbers below describe."""
    p = f.partnership(slug=slug, territory=TERRITORY)
    leader = f.institution(p, name=f"Stowarzyszenie {slug}", kind="ngo", role="leader")
    ops = f.institution(p, name=f"MOPS {slug}", kind="ops")
    coordinator = f.staff(leader, roles=("coordinator", "partnership_admin"))
    caseworker = f.staff(ops, roles=("caseworker",))

    person = f.participant
    p1 = person(leader, sex="female", birth_date=date(1990, 5, 1), registered_teryt="1261011")
    p2 = person(leader, sex="male", birth_date=date(2005, 1, 1), registered_teryt="1206032")
    p3 = person(ops, sex="female", birth_date=date(1960, 2, 2), registered_teryt="1261011")
    p4 = person(ops, sex="female", birth_date=date(1991, 11, 1), registered_teryt="1261011")
    p5 = person(ops, sex="male", birth_date=date(1980, 6, 6), registered_teryt="1261011")
    p6 = person(ops, sex="female", birth_date=date(1982, 7, 7), registered_teryt="1261011")
    family = f.family(ops, members=((p5, "head"), (p6, "spouse")))
    advisory = f.service(leader, name="Doradztwo", kind="advisory")
    training = f.service(ops, name="Szkolenie", kind="training")

    with f._in(p.id):
        g1 = TargetGroup(code="G1", name="Opiekunowie bez pracy")
        g2 = TargetGroup(code="G2", name="Opiekunowie pracujący")
        db.session.add_all([g1, g2])
        db.session.flush()

        def enrol(subject=None, fam=None, group=g1, recruited=date(2026, 9, 1), **fields):
            e = Enrollment(participant_id=subject.id if subject else None,
                           family_id=fam.id if fam else None, institution_id=leader.id,
                           target_group_id=group.id, recruited_on=recruited, **fields)
            db.session.add(e)
            db.session.flush()
            return e

        enrol(p1, group=g1)
        enrol(p1, group=g2, recruited=date(2026, 10, 3))         # two groups: counted in each
        enrol(p2, group=g1, recruited=date(2026, 10, 10))
        left_before = enrol(p3, group=g2, recruited=date(2026, 3, 1), status="exited",
                            ended_on=date(2026, 9, 15), exit_reason="found_work")
        enrol(p4, group=g2, recruited=date(2026, 11, 5))          # after the period
        enrol(fam=family, group=g2, recruited=date(2026, 10, 2), status="exited",
              ended_on=date(2026, 10, 20), exit_reason="found_work")

        def deliver(service, who, day):
            db.session.add(ServiceDelivery(service_id=service.id, participant_id=who.id,
                                           delivered_on=day))

        deliver(advisory, p1, date(2026, 10, 2))
        deliver(advisory, p1, date(2026, 10, 9))                 # same person twice
        deliver(advisory, p2, date(2026, 10, 9))
        deliver(training, p1, date(2026, 10, 12))
        deliver(advisory, p3, date(2026, 9, 30))                  # before the period

        def refer(who, sent, status, answered=None):
            db.session.add(Referral(participant_id=who.id, from_institution_id=leader.id,
                                    to_institution_id=ops.id, reason="Wsparcie", status=status,
                                    sent_at=at(sent), answered_at=at(answered) if answered else None))

        refer(p1, date(2026, 10, 5), "accepted", date(2026, 10, 8))     # 3 days
        refer(p2, date(2026, 10, 6), "declined", date(2026, 10, 16))    # 10 days
        refer(p5, date(2026, 10, 7), "sent")
        refer(p6, date(2026, 9, 20), "completed", date(2026, 9, 21))    # before the period

        def outcome(who, kind, day):
            db.session.add(Outcome(participant_id=who.id, institution_id=ops.id, kind=kind,
                                   occurred_on=day))

        outcome(p1, "job_started", date(2026, 10, 15))
        outcome(p5, "job_started", date(2026, 10, 18))
        outcome(p2, "training_completed", date(2026, 10, 20))
        outcome(p3, "job_started", date(2026, 8, 1))                    # before the period

        db.session.add(FollowUp(enrollment_id=left_before.id, months=3, status="employed",
                                checked_on=date(2026, 10, 20)))
        db.session.commit()

    return SimpleNamespace(partnership=p, leader=leader, ops=ops, coordinator=coordinator,
                           caseworker=caseworker)


# What the October report of such a partnership says.
EXPECTED_PARTICIPANTS = {
    # (target group, county, age band): [women, men]
    ("G1: Opiekunowie bez pracy", "Kraków (1261)", "35–44"): [1, 0],
    ("G1: Opiekunowie bez pracy", "Powiat krakowski (1206)", "under 25"): [0, 1],
    ("G2: Opiekunowie pracujący", "Kraków (1261)", "35–44"): [2, 0],
    ("G2: Opiekunowie pracujący", "Kraków (1261)", "45–54"): [0, 1],
}
