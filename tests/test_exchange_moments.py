"""Moments sent to partner systems carry their UTC offset on every database: SQLite hands
``DateTime(timezone=True)`` columns back naive, and a partner system in Poland would read such a
string as local time. Dates (``due_on``) stay plain ``YYYY-MM-DD``."""

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from exchange_receiver import Receiver
from mosty.exchange import service as exchange_service
from mosty.exchange import tokens
from mosty.exchange.delivery import dispatch
from mosty.exchange.moments import iso_moment
from mosty.exchange.outbox import referral_payload
from mosty.extensions import db
from mosty.referrals.models import Referral
from mosty.referrals.transitions import accept_referral
from mosty.tenancy import partnership_scope

OFFSET = "+00:00"


def test_the_helper_keeps_none_and_dates_and_gives_moments_in_utc_with_the_offset():
    assert iso_moment(None) is None
    assert iso_moment(date(2026, 12, 7)) == "2026-12-07"
    # Naive, as SQLite returns it: it was written in UTC.
    assert iso_moment(datetime(2026, 11, 23, 9, 12)) == "2026-11-23T09:12:00+00:00"
    warsaw_winter = timezone(timedelta(hours=1))
    assert iso_moment(datetime(2026, 11, 23, 10, 12, tzinfo=warsaw_winter)) == \
        "2026-11-23T09:12:00+00:00"
    assert iso_moment(datetime(2026, 11, 23, 9, 12, 5, 270641, tzinfo=UTC)) == \
        "2026-11-23T09:12:05.270641+00:00"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug="chwile")
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Chwile", kind="ops")
    w.gup = factory.institution(p, name="GUP Chwile", kind="labour_office")
    w.gup_worker = factory.staff(w.gup)
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    factory.consent(w.anna, [w.gup])
    # Written by the factory and committed: read back below from the database, naive on SQLite.
    w.referral = factory.referral(w.anna, w.mops, w.gup)
    return w


def scoped(world):
    return world.app.app_context(), partnership_scope(world.p.id)


def test_the_api_summary_gives_moments_with_the_offset_and_dates_plain(world):
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        _, plaintext = tokens.create_token(institution_id=world.gup.id, name="System",
                                           actor_id=world.admin.id,
                                           partnership_id=world.p.id)
        db.session.commit()
    headers = {"Authorization": f"Bearer {plaintext}"}
    client = world.app.test_client()

    (item,) = client.get("/api/v1/referrals", headers=headers).get_json()["items"]
    assert item["sent_at"].endswith(OFFSET)
    assert datetime.fromisoformat(item["sent_at"]).utcoffset() == timedelta(0)
    assert item["due_on"] == date.fromisoformat(item["due_on"]).isoformat()
    assert item["answered_at"] is None and item["completed_at"] is None

    detail = client.get(f"/api/v1/referrals/{world.referral.id}", headers=headers).get_json()
    assert detail["sent_at"] == item["sent_at"]


def test_the_outbox_payload_and_the_webhook_body_give_moments_with_the_offset(world):
    with Receiver() as receiver:
        app_ctx, scope = scoped(world)
        with app_ctx, scope:
            endpoint = exchange_service.create_webhook(
                institution_id=world.mops.id, name="System partnera", url=receiver.url,
                event_kinds=["referral.answered"], active=True, actor_id=world.admin.id)
            db.session.commit()
            receiver.secret = endpoint.secret
            # A fresh read: sent_at comes from the database, answered_at from this answer.
            referral = db.session.get(Referral, world.referral.id)
            accept_referral(referral, institution_id=world.gup.id, actor_id=world.gup_worker.id)
            db.session.commit()
            db.session.expire_all()
            payload = referral_payload(db.session.get(Referral, world.referral.id))
        with world.app.app_context():
            dispatch.delay(world.p.id, world.admin.id).get()

    for key in ("sent_at", "answered_at"):
        assert payload[key].endswith(OFFSET), key
    assert payload["due_on"] == date.fromisoformat(payload["due_on"]).isoformat()
    assert payload["completed_at"] is None

    (event,) = receiver.events()
    assert event["event"] == "referral.answered"
    assert event["created_at"].endswith(OFFSET)
    assert event["data"]["sent_at"].endswith(OFFSET)
    assert event["data"]["answered_at"].endswith(OFFSET)
    assert event["data"]["due_on"] == payload["due_on"]
