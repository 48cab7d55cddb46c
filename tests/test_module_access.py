"""Modules per partnership and per role: off or not granted is 404, read-only cannot write."""

import pytest

import sample_module
from mosty.extensions import db
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


def switch(app, partnership, enabled=True, grants=None):
    with app.app_context(), partnership_scope(partnership.id):
        db.session.add(PartnershipModule(module_key="sample", enabled=enabled))
        for role, access in (grants or {}).items():
            db.session.add(ModuleGrant(module_key="sample", role=role, access=access))
        db.session.commit()


@pytest.fixture
def member(factory):
    p = factory.partnership(slug="alfa")
    inst = factory.institution(p)
    return factory.staff(inst, roles=("caseworker",)), p


def test_module_off_has_no_menu_entry_and_routes_404(app, client, member, login_as):
    user, p = member
    switch(app, p, enabled=False, grants={"caseworker": "write"})
    login_as(client, user)
    assert "/alfa/sample/" not in client.get("/alfa/").get_data(as_text=True)
    assert client.get("/alfa/sample/").status_code == 404
    assert client.post("/alfa/sample/notes", data={"text": "x"}).status_code == 404


def test_module_on_but_not_granted_is_the_same_as_off(app, client, member, login_as):
    user, p = member
    switch(app, p, grants={"sample_worker": "write"})
    login_as(client, user)
    assert "/alfa/sample/" not in client.get("/alfa/").get_data(as_text=True)
    assert client.get("/alfa/sample/").status_code == 404


def test_read_grant_opens_read_routes_and_refuses_write_routes(app, client, member, login_as):
    user, p = member
    switch(app, p, grants={"caseworker": "read"})
    login_as(client, user)
    assert 'href="/alfa/sample/"' in client.get("/alfa/").get_data(as_text=True)
    page = client.get("/alfa/sample/")
    assert page.status_code == 200 and '<p id="access">read</p>' in page.get_data(as_text=True)
    assert client.get("/alfa/sample/new").status_code == 403
    assert client.post("/alfa/sample/notes", data={"text": "x"}).status_code == 403


def test_write_grant_opens_both(app, client, member, login_as):
    user, p = member
    switch(app, p, grants={"caseworker": "write"})
    login_as(client, user)
    assert client.get("/alfa/sample/new").status_code == 200
    assert client.post("/alfa/sample/notes", data={"text": "x"}).status_code == 201


def test_grant_in_one_partnership_opens_nothing_in_another(app, client, factory, member,
                                                          login_as):
    user, p = member
    other = factory.partnership(slug="beta")
    switch(app, other, grants={"caseworker": "write"})
    login_as(client, user)
    assert client.get("/alfa/sample/").status_code == 404
    assert client.get("/beta/sample/").status_code == 404


@pytest.mark.parametrize(("enabled", "grants", "asked"), [
    (False, {"caseworker": "write"}, False),  # off
    (True, {"sample_worker": "write"}, False),  # on, not granted to the member's role
    (True, {"caseworker": "read"}, True),
])
def test_a_module_the_member_cannot_use_is_not_asked_for_a_panel(app, client, factory, member,
                                                                 login_as, enabled, grants,
                                                                 asked):
    # Data minimisation: a module the member may not use does not read the person's rows
    # for a panel that would then be thrown away.
    user, p = member
    person = factory.participant(user.institution)
    switch(app, p, enabled=enabled, grants=grants)
    login_as(client, user)
    sample_module.ASKED_FOR_PANELS.clear()
    assert client.get(f"/alfa/participants/{person.id}/").status_code == 200
    expected = [person.id] if asked else []
    assert expected == sample_module.ASKED_FOR_PANELS
