"""Task rules, run in process (eager): explicit partnership and actor, walls, idempotency."""

from datetime import timedelta

import pytest
from sqlalchemy import select

import task_samples
from mosty.auth.models import User
from mosty.auth.tasks import deactivate_dormant_accounts
from mosty.db import utcnow
from mosty.extensions import db
from mosty.tasks import TaskRefused
from mosty.tenancy import system_scope


def test_a_task_without_partnership_id_refuses(app, two_partnerships):
    with app.app_context(), pytest.raises(TaskRefused, match="partnership_id"):
        task_samples.record_probe.delay(actor_id=two_partnerships.a.admin.id, probe="x")


def test_a_task_without_actor_id_refuses(app, two_partnerships):
    with app.app_context(), pytest.raises(TaskRefused, match="actor_id"):
        task_samples.record_probe.delay(two_partnerships.a.partnership.id, None, probe="x")


def test_a_task_for_a_sees_only_as_rows(app, two_partnerships):
    w = two_partnerships
    with app.app_context():
        result = task_samples.record_probe.delay(w.a.partnership.id, w.a.admin.id,
                                                 probe="p1").get()
    # Each partnership has two institutions; the task of A counts only A's.
    assert result["institutions_visible"] == 2
    with app.app_context(), system_scope("test inspection"):
        entries = db.session.scalars(task_samples.probe_entries()).all()
    assert [(e.partnership_id, e.actor_id) for e in entries] == [(w.a.partnership.id, w.a.admin.id)]


def test_the_same_idempotency_key_applies_the_effect_once(app, two_partnerships):
    w = two_partnerships
    with app.app_context():
        for _ in range(3):
            task_samples.record_probe.delay(w.a.partnership.id, w.a.admin.id, probe="p2",
                                            idempotency_key="probe-p2").get()
        task_samples.record_probe.delay(w.a.partnership.id, w.a.admin.id, probe="p3",
                                        idempotency_key="probe-p3").get()
    with app.app_context(), system_scope("test inspection"):
        probes = sorted(e.object_id for e in db.session.scalars(task_samples.probe_entries()))
    assert probes == ["p2", "p3"]


def test_dormant_accounts_are_deactivated_and_audited(app, factory):
    recent, dormant = factory.user(), factory.user()
    admin = factory.user(platform_admin=True)
    with app.app_context(), system_scope("test setup"):
        long_ago = utcnow() - timedelta(days=400)
        db.session.get(User, dormant.id).last_login_at = long_ago
        db.session.get(User, admin.id).last_login_at = long_ago
        db.session.get(User, recent.id).last_login_at = utcnow()
        db.session.commit()
    with app.app_context():
        assert deactivate_dormant_accounts.delay().get() == {"deactivated": 1}
    with app.app_context(), system_scope("test inspection"):
        active = dict(db.session.execute(select(User.id, User.active)).all())
    assert active == {recent.id: True, dormant.id: False, admin.id: True}
