"""The exchange pages: the partnership admin creates tokens (shown once, stored hashed) and
webhooks (secret shown once), revokes and switches them off, each change audited; coordinators
see their own institution's only and cannot change them; others do not find the pages."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.exchange.models import ApiToken, WebhookEndpoint
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "wymiana-admin"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Strony", kind="ops")
    w.gup = factory.institution(p, name="GUP Strony", kind="labour_office")
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.gup_coordinator = factory.staff(w.gup, roles=("coordinator",))
    w.worker = factory.staff(w.mops)
    return w


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def stored(world, model):
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.scalars(select(model).order_by(model.id)).all()


def audits(world, object_type):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [(e.action, e.actor_id) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == object_type)
            .order_by(AuditEntry.id))]


def test_a_token_is_shown_once_works_in_the_api_and_can_be_revoked(world):
    admin = client_of(world, world.admin)
    page = admin.post(f"/{SLUG}/exchange/tokens/new",
                      data={"institution": world.gup.id, "name": "System PUP"})
    assert page.status_code == 200
    plaintext = re.search(r'id="token-plaintext"[^>]*>([^<]+)<', page.get_data(as_text=True)).group(1)
    (token,) = stored(world, ApiToken)
    assert token.institution_id == world.gup.id and plaintext.startswith(token.prefix)
    # Only the prefix is shown afterwards.
    listing = admin.get(f"/{SLUG}/exchange/").get_data(as_text=True)
    assert token.prefix in listing and plaintext not in listing
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert world.app.test_client().get("/api/v1/referrals", headers=headers).status_code == 200
    response = admin.post(f"/{SLUG}/exchange/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert world.app.test_client().get("/api/v1/referrals", headers=headers).status_code == 401
    assert audits(world, "ApiToken") == [("create", world.admin.id), ("revoke", world.admin.id)]


def test_a_webhook_is_saved_with_its_secret_shown_once_and_can_be_switched_off(world):
    admin = client_of(world, world.admin)
    page = admin.post(f"/{SLUG}/exchange/webhooks/new", data={
        "institution": world.gup.id, "name": "System PUP", "url": "https://pup.example/hook",
        "event_kinds": ["referral.sent", "status.changed"], "active": "y"})
    assert page.status_code == 200
    (endpoint,) = stored(world, WebhookEndpoint)
    assert endpoint.secret in page.get_data(as_text=True)
    assert endpoint.event_kinds == ["referral.sent", "status.changed"] and endpoint.active
    detail = admin.get(f"/{SLUG}/exchange/webhooks/{endpoint.id}/").get_data(as_text=True)
    assert endpoint.secret not in detail and "https://pup.example/hook" in detail
    admin.post(f"/{SLUG}/exchange/webhooks/{endpoint.id}/active", data={"active": "0"})
    assert not stored(world, WebhookEndpoint)[0].active
    assert audits(world, "WebhookEndpoint") == [("create", world.admin.id),
                                                ("update", world.admin.id)]


@pytest.mark.parametrize("data, message", [
    ({"name": "X", "url": "ftp://pup.example/", "event_kinds": ["referral.sent"]},
     "Give a full address starting with https://."),
    ({"name": "X", "url": "https://pup.example/"}, "Choose at least one kind of event."),
    ({"name": "", "url": "https://pup.example/", "event_kinds": ["referral.sent"]},
     "Name the receiving system."),
    ({"name": "X", "url": "https://pup.example/", "event_kinds": ["referral.lost"]},
     None),
])
def test_a_bad_webhook_form_is_explained_and_saves_nothing(world, data, message):
    admin = client_of(world, world.admin)
    response = admin.post(f"/{SLUG}/exchange/webhooks/new",
                          data={"institution": world.gup.id, **data})
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert stored(world, WebhookEndpoint) == []


def test_a_token_for_an_unknown_institution_is_refused(world):
    admin = client_of(world, world.admin)
    response = admin.post(f"/{SLUG}/exchange/tokens/new", data={"institution": 999_999,
                                                                "name": "x"})
    assert response.status_code == 422
    assert stored(world, ApiToken) == []


def test_a_coordinator_sees_their_institutions_exchange_but_changes_nothing(world):
    admin = client_of(world, world.admin)
    admin.post(f"/{SLUG}/exchange/webhooks/new", data={
        "institution": world.mops.id, "name": "System MOPS", "url": "https://mops.example/",
        "event_kinds": ["referral.sent"], "active": "y"})
    admin.post(f"/{SLUG}/exchange/webhooks/new", data={
        "institution": world.gup.id, "name": "System PUP", "url": "https://pup.example/",
        "event_kinds": ["referral.sent"], "active": "y"})
    mops_hook, gup_hook = stored(world, WebhookEndpoint)
    coordinator = client_of(world, world.gup_coordinator)
    listing = coordinator.get(f"/{SLUG}/exchange/").get_data(as_text=True)
    assert "System PUP" in listing and "System MOPS" not in listing
    assert "Add a webhook" not in listing
    assert coordinator.get(f"/{SLUG}/exchange/webhooks/{gup_hook.id}/").status_code == 200
    assert coordinator.get(f"/{SLUG}/exchange/webhooks/{mops_hook.id}/").status_code == 404
    assert coordinator.get(f"/{SLUG}/exchange/webhooks/{10**30}/").status_code == 404
    assert coordinator.get(f"/{SLUG}/exchange/tokens/new").status_code == 403
    assert coordinator.post(f"/{SLUG}/exchange/webhooks/{gup_hook.id}/active",
                            data={"active": "0"}).status_code == 403
    assert stored(world, WebhookEndpoint)[1].active


def test_caseworkers_do_not_find_the_exchange_pages(world):
    worker = client_of(world, world.worker)
    assert worker.get(f"/{SLUG}/exchange/").status_code == 404
    assert worker.get(f"/{SLUG}/exchange/tokens/new").status_code == 404
    assert "Data exchange" not in worker.get(f"/{SLUG}/").get_data(as_text=True)
    assert "Data exchange" in client_of(world, world.admin).get(f"/{SLUG}/").get_data(
        as_text=True)
