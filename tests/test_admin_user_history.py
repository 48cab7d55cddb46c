"""An account the audit log names cannot be deleted in the administration, only switched off.

Deleting it left its entries pointing at no one: the log showed "system" for every read and
change the person made, the person vanished from the log's filter, and consents and the
history of corrections lost their author. An account created by mistake and never used may
still be deleted. Entries in a partnership the administrator does not see count too (checked
on PostgreSQL as well, under row-level security)."""

import pytest
from sqlalchemy import select

from mosty import audit
from mosty.audit.models import AuditEntry
from mosty.auth.models import User
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships

REFUSED = "To konto ma historię w dzienniku zdarzeń"


@pytest.fixture
def world(any_app):
    world = build_two_partnerships(any_app)
    world.app = any_app
    world.worker = world.factory.staff(world.a.other, name="Halina Pracowita")
    world.worker.name = "Halina Pracowita"
    return world


def _acted(world, user, side):
    """``user`` read a record in ``side``'s partnership: one audit entry naming them."""
    with world.app.app_context(), partnership_scope(side.partnership.id):
        audit.record("read", object_type="Participant", object_id="1", actor_id=user.id,
                     institution_id=side.other.id)
        db.session.commit()


def _exists(world, user_id):
    with world.app.app_context():
        return db.session.get(User, user_id) is not None


def _delete(client, user_id, bulk=False):
    data = ({"action": "delete", "rowid": [str(user_id)]} if bulk else {"id": str(user_id)})
    url = "/admin/users/action/" if bulk else "/admin/users/delete/"
    return client.post(url, data=data, follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("bulk", [False, True], ids=["row", "bulk"])
def test_an_account_with_a_history_is_kept_and_still_named_in_the_log(world, bulk):
    worker = world.worker
    _acted(world, worker, world.a)
    client = login(world.app.test_client(), world.a.admin)
    html = _delete(client, worker.id, bulk)
    assert REFUSED in html
    assert _exists(world, worker.id)
    log = client.get(f"/{world.a.partnership.slug}/audit/").get_data(as_text=True)
    assert worker.name in log


def test_switching_it_off_is_what_the_refusal_offers_and_it_works(world):
    worker = world.worker
    _acted(world, worker, world.a)
    client = login(world.app.test_client(), world.a.admin)
    assert "odznacz „Aktywny”" in _delete(client, worker.id)
    client.post(f"/admin/users/edit/?id={worker.id}",
                data={"email": worker.email, "name": worker.name})
    with world.app.app_context():
        assert db.session.get(User, worker.id).active is False


def test_an_account_never_used_may_be_deleted(world):
    unused = world.factory.staff(world.a.other, roles=("caseworker",))
    client = login(world.app.test_client(), world.a.admin)
    html = _delete(client, unused.id)
    assert REFUSED not in html
    assert not _exists(world, unused.id)


def test_a_history_in_another_partnership_counts_too(world):
    """The person once worked in partnership B (their membership there is gone); A's
    administrator does not see B's log, but deleting would erase the name there."""
    worker = world.worker
    _acted(world, worker, world.b)
    client = login(world.app.test_client(), world.a.admin)
    assert REFUSED in _delete(client, worker.id)
    assert _exists(world, worker.id)
    with world.app.app_context(), partnership_scope(world.b.partnership.id):
        assert db.session.scalars(select(AuditEntry.actor_id).where(
            AuditEntry.actor_id == worker.id)).all() == [worker.id]
