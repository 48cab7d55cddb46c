"""Nobody deletes, switches off or gives away their own membership, whatever its roles, nor
the institution they work in; the platform is never left without an active platform
administrator, whichever path would get there."""

import pytest

import sample_module
from mosty.admin import guards
from mosty.admin.guards import AdminRefusal
from mosty.auth.models import Membership, User
from mosty.extensions import db
from mosty.partnerships.models import Institution
from mosty.tenancy import system_scope
from mosty.testing.factories import login
from test_admin import build_world, exists, snapshot

OWN_MEMBERSHIP_DELETE = "Nie możesz usunąć własnego członkostwa"
OWN_MEMBERSHIP_OFF = "Nie możesz wyłączyć własnego członkostwa ani przekazać go komuś innemu"
OWN_INSTITUTION = "Pracujesz w tej instytucji"
LAST_PLATFORM_ADMIN = "W Mostach nie zostałby żaden aktywny administrator platformy"


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


@pytest.fixture
def world(app):
    world = build_world(app)
    # The platform administrator also works, as a caseworker, in a new institution of A.
    world.workplace = world.factory.institution(world.a.partnership, name="Miejsce pracy")
    world.own = world.factory.membership(world.platform_admin, world.workplace)
    return world


def page(response):
    assert response.status_code < 500
    return response.get_data(as_text=True)


def own_membership_data(world, **changes):
    data = {"user": str(world.platform_admin.id), "institution": str(world.workplace.id),
            "roles": ["caseworker"], "active": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_own_membership_without_admin_rights_is_not_deleted_switched_off_or_given_away(
        app, client, world):
    login(client, world.platform_admin)
    before = snapshot(app, Membership, world.own.id)

    html = page(client.post("/admin/memberships/delete/", data={"id": str(world.own.id)},
                            follow_redirects=True))
    assert OWN_MEMBERSHIP_DELETE in html
    html = page(client.post("/admin/memberships/action/", data={
        "action": "delete", "rowid": [str(world.own.id)]}, follow_redirects=True))
    assert OWN_MEMBERSHIP_DELETE in html and "pomyślnie usunięt" not in html
    newcomer = world.factory.user()
    for change in ({"active": None}, {"user": str(newcomer.id)}):
        response = client.post(f"/admin/memberships/edit/?id={world.own.id}",
                               data=own_membership_data(world, **change))
        assert response.status_code == 200, change
        assert OWN_MEMBERSHIP_OFF in page(response), change
    assert snapshot(app, Membership, world.own.id) == before

    # Its roles stay the holder's to change.
    response = client.post(f"/admin/memberships/edit/?id={world.own.id}",
                           data=own_membership_data(world, roles=["coordinator"]))
    assert response.status_code == 302
    assert snapshot(app, Membership, world.own.id)["roles"] == ["coordinator"]


def test_a_bulk_delete_keeps_the_own_membership_and_deletes_the_others(app, client, world):
    other = world.factory.membership(world.a.admin, world.b.other)
    login(client, world.platform_admin)
    html = page(client.post("/admin/memberships/action/", data={
        "action": "delete", "rowid": [str(world.own.id), str(other.id)]}, follow_redirects=True))
    assert OWN_MEMBERSHIP_DELETE in html
    assert exists(app, Membership, world.own.id) and not exists(app, Membership, other.id)


def test_the_institution_one_works_in_is_not_deleted(app, client, world):
    login(client, world.platform_admin)
    html = page(client.post("/admin/institutions/delete/", data={"id": str(world.workplace.id)},
                            follow_redirects=True))
    assert OWN_INSTITUTION in html
    assert exists(app, Institution, world.workplace.id)
    assert exists(app, Membership, world.own.id)


def test_the_last_active_platform_admin_stays_whatever_the_path(app, world, monkeypatch):
    """The administration's pages never get here (only platform administrators change platform
    administrators, and not themselves); the guard holds on its own all the same."""
    with app.test_request_context(), system_scope("test: the guard on its own"):
        monkeypatch.setattr(guards, "current_user", db.session.get(User, world.a.admin.id))
        only = db.session.get(User, world.platform_admin.id)
        with pytest.raises(AdminRefusal, match=LAST_PLATFORM_ADMIN):
            guards.check_account_deletion(only)
        for change in ({"active": False}, {"is_platform_admin": False}):
            standing = guards.account_standing(only)
            for key, value in change.items():
                setattr(only, key, value)
            db.session.flush()
            with pytest.raises(AdminRefusal, match=LAST_PLATFORM_ADMIN):
                guards.check_account_change(standing, only)
            db.session.rollback()
            only = db.session.get(User, world.platform_admin.id)

        # An inactive second one does not count; an active one does.
        second = User(email="druga@example.test", name="Druga", is_platform_admin=True,
                      active=False, password_hash="x")
        db.session.add(second)
        db.session.flush()
        with pytest.raises(AdminRefusal, match=LAST_PLATFORM_ADMIN):
            guards.check_account_deletion(only)
        second.active = True
        db.session.flush()
        guards.check_account_deletion(only)
        db.session.rollback()
