"""The administration at /admin/: who gets in, what each administrator sees and changes.

A partnership admin of A reaches nothing of partnership B through any admin view: not in a
list, a count, an export, a picker, a details/edit/delete URL (404) or a bulk action. Platform
admins see both. Every change is in the audit log with field names only.
"""

import csv
import io
import json
import re

import pytest
from flask_admin import BaseView, expose
from sqlalchemy import func, select

import sample_module
from mosty.audit.models import AuditEntry
from mosty.auth.models import Membership, SignIn, User
from mosty.extensions import db
from mosty.partnerships.models import Agreement, AgreementParty, Institution, Partnership
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships
from mosty.toolkit import Module, hookimpl

CSRF_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
DETAILS_ID = re.compile(r"details/\?id=(\d+)")
LIST_COUNT = re.compile(r'class="nav-link active">[^<(]*\((\d+)\)')
NEW_PASSWORD = "nowe-haslo-do-konta-1"


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


def build_world(app):
    """Partnerships A and B (``build_two_partnerships``), each with an agreement between its
    two institutions, the sample module switched on and a grant to a role of its own."""
    world = build_two_partnerships(app)
    world.app = app
    world.platform_admin = world.factory.user(platform_admin=True)
    for side in (world.a, world.b):
        slug = side.partnership.slug
        with app.app_context(), partnership_scope(side.partnership.id):
            agreement = Agreement(title=f"Porozumienie {slug}", purpose="Wspólny program")
            agreement.parties = [AgreementParty(institution_id=side.leader.id,
                                                contribution=f"koordynacja {slug}")]
            switch = PartnershipModule(module_key="sample", enabled=True)
            grant = ModuleGrant(module_key="sample", role=f"role_{slug}", access="read")
            db.session.add_all([agreement, switch, grant])
            db.session.commit()
            side.agreement_id = agreement.id
            side.switch_id = switch.id
            side.grant_id = grant.id
    return world


@pytest.fixture
def world(app):
    return build_world(app)


# Each admin view, how to find the record of one side in it, and a text only that record shows.
VIEWS = {
    "partnerships": (lambda s: s.partnership.id, lambda s: s.partnership.name),
    "institutions": (lambda s: s.leader.id, lambda s: f"Lider {s.partnership.slug[-1]}"),
    "agreements": (lambda s: s.agreement_id, lambda s: f"Porozumienie {s.partnership.slug}"),
    "users": (lambda s: s.caseworker.id, lambda s: s.caseworker.email),
    "memberships": (lambda s: s.caseworker.membership.id, lambda s: s.caseworker.email),
    "module-switches": (lambda s: s.switch_id, lambda s: s.partnership.name),
    "module-grants": (lambda s: s.grant_id, lambda s: f"role_{s.partnership.slug}"),
}
MODELS = {
    "partnerships": Partnership, "institutions": Institution, "agreements": Agreement,
    "users": User, "memberships": Membership, "module-switches": PartnershipModule,
    "module-grants": ModuleGrant,
}
# Form data an edit POST could carry (the view must answer 404 before looking at it).
EDIT_DATA = {
    "partnerships": {"slug": "zmiana", "name": "Zmiana"},
    "institutions": {"name": "Zmiana", "kind": "ngo", "role": "partner"},
    "agreements": {"title": "Zmiana"},
    "users": {"email": "zmiana@example.test", "name": "Zmiana", "new_password": NEW_PASSWORD},
    "memberships": {"roles": "partnership_admin"},
    "module-switches": {"module_key": "sample", "enabled": ""},
    "module-grants": {"module_key": "sample", "role": "caseworker", "access": "write"},
}


def exists(app, model, pk):
    with app.app_context(), system_scope("test: does the row still exist"):
        return db.session.get(model, pk) is not None


def snapshot(app, model, pk):
    with app.app_context(), system_scope("test: reading a row"):
        row = db.session.get(model, pk)
        return {c.key: getattr(row, c.key) for c in model.__table__.columns}


def listed_ids(client, view):
    response = client.get(f"/admin/{view}/")
    assert response.status_code == 200, view
    html = response.get_data(as_text=True)
    count = LIST_COUNT.search(html)
    return {int(pk) for pk in DETAILS_ID.findall(html)}, int(count.group(1)) if count else 0


def exported_rows(client, view):
    """The rows of the view's CSV export (UTF-8 with BOM and ";", as Mosty's other exports)."""
    response = client.get(f"/admin/{view}/export/csv/")
    assert response.status_code == 200, view
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def select_options(html, name):
    """Values of the options of the ``<select name=...>`` in ``html``."""
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return set(re.findall(r'<option[^>]*value="([^"]*)"', match.group(1))) - {"__None", ""}


def csrf_token(html):
    match = CSRF_TOKEN.search(html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def audit_entries(app, **filters):
    with app.app_context(), system_scope("test: reading the audit log"):
        return [
            {"action": e.action, "object_type": e.object_type, "object_id": e.object_id,
             "actor_id": e.actor_id, "detail": e.detail, "partnership_id": e.partnership_id}
            for e in db.session.scalars(select(AuditEntry).filter_by(**filters)
                                        .order_by(AuditEntry.id))
        ]


# --- who gets in ------------------------------------------------------------------------------


def admin_urls(app):
    """One URL for every rule of the admin (GET or POST), with dummy arguments."""
    values = {"key": "sample", "export_type": "csv", "filename": "admin/js/helpers.js"}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        built = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)
        for method in ("GET", "POST"):
            if method in rule.methods:
                urls.append((method, built[1]))
    return urls


def test_the_admin_has_a_url_for_every_screen(app):
    paths = {url for _method, url in admin_urls(app)}
    for view in (*VIEWS, "modules"):
        assert f"/admin/{view}/" in paths
    assert "/admin/" in paths and "/admin/modules/sample/switch" in paths


def test_caseworker_gets_403_on_every_admin_url(app, client, world):
    login(client, world.a.caseworker)
    answers = {(method, url): client.open(url, method=method).status_code
               for method, url in admin_urls(app)}
    assert set(answers.values()) == {403}, answers


def test_anonymous_user_is_sent_to_sign_in_from_every_admin_url(app, client, world):
    for method, url in admin_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_platform_admin_and_partnership_admin_get_in(client, world):
    login(client, world.a.admin)
    assert client.get("/admin/").status_code == 200
    login(client, world.platform_admin)
    assert client.get("/admin/").status_code == 200


def test_inactive_admin_membership_opens_nothing(app, client, world):
    with app.app_context(), partnership_scope(world.a.partnership.id):
        db.session.get(Membership, world.a.admin.membership.id).active = False
        db.session.commit()
    login(client, world.a.admin)
    assert client.get("/admin/").status_code == 403


# --- partnership admin of A against partnership B ---------------------------------------------


def check_nothing_of_b_reaches_the_admin_of_a(app, world):
    client = login(app.test_client(), world.a.admin)
    for view, (pk_of, marker_of) in VIEWS.items():
        model = MODELS[view]
        own, foreign, marker = pk_of(world.a), pk_of(world.b), marker_of(world.b)

        ids, count = listed_ids(client, view)
        assert own in ids and foreign not in ids, view
        assert count == len(ids), f"{view}: the pager counts rows that are not listed"
        assert marker not in client.get(f"/admin/{view}/").get_data(as_text=True), view

        rows = exported_rows(client, view)
        assert len(rows) == count, view
        assert not any(marker in cell for row in rows for cell in row), view

        assert client.get(f"/admin/{view}/details/?id={own}").status_code == 200, view
        assert client.get(f"/admin/{view}/details/?id={foreign}").status_code == 404, view
        assert client.get(f"/admin/{view}/edit/?id={foreign}").status_code == 404, view

        before = snapshot(app, model, foreign)
        response = client.post(f"/admin/{view}/edit/?id={foreign}", data=EDIT_DATA[view])
        assert response.status_code == 404, view
        response = client.post(f"/admin/{view}/delete/", data={"id": str(foreign)})
        assert response.status_code == 404, view
        client.post(f"/admin/{view}/action/", data={"action": "delete", "rowid": [str(foreign)]})
        assert snapshot(app, model, foreign) == before, view


def test_partnership_admin_of_a_reaches_nothing_of_b(world):
    check_nothing_of_b_reaches_the_admin_of_a(world.app, world)


@pytest.mark.postgres
def test_partnership_admin_of_a_reaches_nothing_of_b_on_postgresql(make_app):
    app = make_app(backend="postgresql", MOSTY_EXTRA_PLUGINS=[sample_module])
    check_nothing_of_b_reaches_the_admin_of_a(app, build_world(app))


def test_a_forged_id_that_does_not_exist_is_404_too(client, world):
    login(client, world.a.admin)
    for view in VIEWS:
        assert client.get(f"/admin/{view}/details/?id=999999").status_code == 404, view
        assert client.get(f"/admin/{view}/edit/?id=nonsense").status_code == 404, view
        # Were 500s: "²" is a digit to str.isdigit() but not to int(), and no row has an id
        # beyond an INTEGER column (the database refuses the comparison)
        for forged in ("²", str(2**31), "99999999999999999999"):
            assert client.get(f"/admin/{view}/details/?id={forged}").status_code == 404, view
            response = client.post(f"/admin/{view}/action/",
                                   data={"action": "delete", "rowid": [forged]})
            assert response.status_code < 500, view


def test_pickers_offer_only_partnership_a(client, world):
    login(client, world.a.admin)
    a, b = world.a, world.b
    membership_form = client.get("/admin/memberships/new/").get_data(as_text=True)
    assert select_options(membership_form, "institution") == {str(a.leader.id), str(a.other.id)}
    assert select_options(membership_form, "user") == {str(a.admin.id), str(a.caseworker.id)}
    edit_form = client.get(f"/admin/memberships/edit/?id={a.caseworker.membership.id}")
    assert select_options(edit_form.get_data(as_text=True), "institution") == {
        str(a.leader.id), str(a.other.id)}

    user_form = client.get("/admin/users/new/").get_data(as_text=True)
    assert select_options(user_form, "membership_institution") == {
        str(a.leader.id), str(a.other.id)}

    for view in ("institutions", "agreements", "module-switches", "module-grants"):
        form = client.get(f"/admin/{view}/new/").get_data(as_text=True)
        # A partnership admin's records are always theirs: no partnership picker at all.
        assert 'name="partnership_id"' not in form, view
        assert "Lider b" not in form and b.partnership.name not in form, view

    # The party picker of an agreement.
    agreement_form = client.get(f"/admin/agreements/edit/?id={a.agreement_id}")
    assert select_options(agreement_form.get_data(as_text=True), "parties-0-institution") == {
        str(a.leader.id), str(a.other.id)}


def count_rows(app, model, **filters):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_a_posted_id_of_b_in_a_picker_is_refused(app, client, world):
    login(client, world.a.admin)
    a, b = world.a, world.b
    memberships = count_rows(app, Membership)
    client.post("/admin/memberships/new/", data={
        "user": str(a.admin.id), "institution": str(b.leader.id), "roles": "caseworker",
        "active": "y"})
    client.post("/admin/memberships/new/", data={
        "user": str(b.caseworker.id), "institution": str(a.leader.id), "roles": "caseworker",
        "active": "y"})
    assert count_rows(app, Membership) == memberships

    users = count_rows(app, User)
    client.post("/admin/users/new/", data={
        "email": "nowy@example.test", "name": "Nowy", "new_password": NEW_PASSWORD,
        "active": "y", "membership_institution": str(b.leader.id),
        "membership_roles": "caseworker"})
    assert count_rows(app, User) == users

    parties = count_rows(app, AgreementParty)
    client.post(f"/admin/agreements/edit/?id={a.agreement_id}", data={
        "title": "Porozumienie part-a", "parties-0-institution": str(b.leader.id),
        "parties-0-contribution": "cudzy wkład"})
    assert count_rows(app, AgreementParty) == parties
    assert count_rows(app, AgreementParty, partnership_id=b.partnership.id) == 1


def test_platform_admin_sees_both_partnerships_everywhere(client, world):
    login(client, world.platform_admin)
    for view, (pk_of, marker_of) in VIEWS.items():
        ids, count = listed_ids(client, view)
        assert {pk_of(world.a), pk_of(world.b)} <= ids, view
        assert count == len(ids), view
        rows = exported_rows(client, view)
        for side in (world.a, world.b):
            assert any(marker_of(side) in cell for row in rows for cell in row), view
            pk = pk_of(side)
            assert client.get(f"/admin/{view}/details/?id={pk}").status_code == 200, view
            assert client.get(f"/admin/{view}/edit/?id={pk}").status_code == 200, view


def test_platform_admin_picks_the_partnership_of_new_records(app, client, world):
    login(client, world.platform_admin)
    form = client.get("/admin/institutions/new/").get_data(as_text=True)
    assert select_options(form, "partnership_id") == {
        str(world.a.partnership.id), str(world.b.partnership.id)}
    response = client.post("/admin/institutions/new/", data={
        "partnership_id": str(world.b.partnership.id), "name": "Nowa instytucja B",
        "kind": "ngo", "role": "partner"})
    assert response.status_code == 302
    with app.app_context(), system_scope("test"):
        created = db.session.scalar(select(Institution).filter_by(name="Nowa instytucja B"))
        assert created.partnership_id == world.b.partnership.id


def test_platform_admin_cannot_make_an_agreement_party_of_another_partnership(app, client,
                                                                           world):
    login(client, world.platform_admin)
    parties = count_rows(app, AgreementParty)
    client.post(f"/admin/agreements/edit/?id={world.a.agreement_id}", data={
        "title": "Porozumienie part-a", "parties-0-institution": str(world.b.leader.id),
        "parties-0-contribution": "cudzy wkład"})
    assert count_rows(app, AgreementParty) == parties


# --- what a partnership admin may change ------------------------------------------------------


def test_partnership_admin_only_views_their_own_partnership(app, client, world):
    login(client, world.a.admin)
    own = world.a.partnership.id
    assert client.get(f"/admin/partnerships/details/?id={own}").status_code == 200
    assert client.get(f"/admin/partnerships/edit/?id={own}").status_code == 403
    response = client.post(f"/admin/partnerships/edit/?id={own}",
                           data={"slug": "zmiana", "name": "Zmiana"})
    assert response.status_code == 403
    assert client.get("/admin/partnerships/new/").status_code == 403
    assert client.post("/admin/partnerships/new/",
                       data={"slug": "nowe", "name": "Nowe"}).status_code == 403
    assert count_rows(app, Partnership) == 2
    assert snapshot(app, Partnership, own)["slug"] == "part-a"


def test_partnership_admin_cannot_create_or_make_platform_admins(app, client, world):
    login(client, world.a.admin)
    assert 'name="is_platform_admin"' not in client.get("/admin/users/new/").get_data(
        as_text=True)
    response = client.post("/admin/users/new/", data={
        "email": "ambitny@example.test", "name": "Ambitny", "new_password": NEW_PASSWORD,
        "active": "y", "is_platform_admin": "y",
        "membership_institution": str(world.a.other.id), "membership_roles": "caseworker"})
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(select(User).filter_by(email="ambitny@example.test"))
        assert created is not None and not created.is_platform_admin

    pk = world.a.caseworker.id
    client.post(f"/admin/users/edit/?id={pk}", data={
        "email": world.a.caseworker.email, "name": "Doradca", "active": "y",
        "is_platform_admin": "y"})
    assert snapshot(app, User, pk)["is_platform_admin"] is False


def test_partnership_admin_cannot_change_an_account_that_also_works_elsewhere(app, client,
                                                                           world):
    shared = world.factory.staff(world.a.other)
    world.factory.membership(shared, world.b.other)
    login(client, world.a.admin)
    ids, _count = listed_ids(client, "users")
    assert shared.id in ids
    response = client.get(f"/admin/users/edit/?id={shared.id}")
    assert response.status_code == 302
    before = snapshot(app, User, shared.id)
    client.post(f"/admin/users/edit/?id={shared.id}", data={
        "email": shared.email, "name": "Przejęte", "new_password": NEW_PASSWORD, "active": "y"})
    client.post("/admin/users/delete/", data={"id": str(shared.id)})
    assert snapshot(app, User, shared.id) == before


def test_partnership_admin_of_two_partnerships_picks_which_one(app, client, world):
    world.factory.membership(world.a.admin, world.b.leader, roles=("partnership_admin",))
    login(client, world.a.admin)
    ids, _count = listed_ids(client, "institutions")
    assert ids == {world.a.leader.id, world.a.other.id}

    assert client.get("/admin/?partnership=part-b").status_code == 200
    ids, _count = listed_ids(client, "institutions")
    assert ids == {world.b.leader.id, world.b.other.id}
    assert client.get(f"/admin/institutions/details/?id={world.a.leader.id}").status_code == 404

    assert client.get("/admin/?partnership=no-such-partnership").status_code == 404


def test_a_partnership_where_the_user_is_no_admin_cannot_be_picked(client, world):
    world.factory.membership(world.a.admin, world.b.other, roles=("caseworker",))
    login(client, world.a.admin)
    assert client.get("/admin/?partnership=part-b").status_code == 404
    assert client.get("/admin/?partnership=part-a").status_code == 200


# --- users and passwords ----------------------------------------------------------------------


def test_new_user_gets_a_hashed_password_never_shown_and_can_sign_in(app, client, world):
    login(client, world.a.admin)
    response = client.post("/admin/users/new/", data={
        "email": " Nowa.Doradczyni@Example.test ", "name": "Nowa Doradczyni",
        "new_password": NEW_PASSWORD, "active": "y",
        "membership_institution": str(world.a.other.id), "membership_roles": "caseworker"})
    assert response.status_code == 302

    with app.app_context(), system_scope("test: reading the new account"):
        user = db.session.scalar(select(User).filter_by(email="nowa.doradczyni@example.test"))
        password_hash = user.password_hash
        membership = db.session.scalar(select(Membership).filter_by(user_id=user.id))
        user_id, membership_id = user.id, membership.id
        assert membership.partnership_id == world.a.partnership.id
        assert membership.institution_id == world.a.other.id
        assert membership.roles == ["caseworker"]
    assert password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in password_hash

    for url in ("/admin/users/", f"/admin/users/details/?id={user_id}",
                f"/admin/users/edit/?id={user_id}", "/admin/users/export/csv/"):
        page = client.get(url).get_data(as_text=True)
        assert password_hash not in page and "$argon2" not in page, url
        assert "password_hash" not in page and "session_version" not in page, url
        assert NEW_PASSWORD not in page, url

    entries = audit_entries(app, object_type="User", object_id=str(user_id))
    assert [e["action"] for e in entries] == ["create"]
    assert entries[0]["actor_id"] == world.a.admin.id
    assert entries[0]["partnership_id"] == world.a.partnership.id
    assert {"email", "name", "password", "active"} <= set(entries[0]["detail"]["fields"])
    membership_entries = audit_entries(app, object_type="Membership",
                                       object_id=str(membership_id))
    assert [e["action"] for e in membership_entries] == ["create"]
    logged = json.dumps([e["detail"] for e in entries + membership_entries])
    for value in ("nowa.doradczyni", "Nowa Doradczyni", NEW_PASSWORD, password_hash):
        assert value not in logged

    newcomer = app.test_client()
    response = newcomer.post("/login", data={"email": "nowa.doradczyni@example.test",
                                             "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/part-a/"
    assert newcomer.get("/part-a/").status_code == 200


def test_a_new_user_needs_a_password_and_an_institution(app, client, world):
    login(client, world.a.admin)
    users = count_rows(app, User)
    # Each with a role, so that only the missing password or institution refuses it.
    client.post("/admin/users/new/", data={
        "email": "bez@example.test", "name": "Bez hasła", "active": "y",
        "membership_institution": str(world.a.other.id), "membership_roles": "caseworker"})
    client.post("/admin/users/new/", data={
        "email": "bez@example.test", "name": "Bez instytucji", "active": "y",
        "new_password": NEW_PASSWORD, "membership_roles": "caseworker"})
    client.post("/admin/users/new/", data={
        "email": "bez@example.test", "name": "Krótkie hasło", "active": "y",
        "new_password": "krotkie", "membership_institution": str(world.a.other.id),
        "membership_roles": "caseworker"})
    assert count_rows(app, User) == users


def test_editing_a_user_without_a_password_keeps_it_and_with_one_replaces_it(app, client,
                                                                           world):
    login(client, world.a.admin)
    pk = world.a.caseworker.id
    before = snapshot(app, User, pk)
    response = client.post(f"/admin/users/edit/?id={pk}", data={
        "email": world.a.caseworker.email, "name": "Nowe imię", "active": "y",
        "new_password": ""})
    assert response.status_code == 302
    after = snapshot(app, User, pk)
    assert after["name"] == "Nowe imię"
    assert after["password_hash"] == before["password_hash"]
    assert after["session_version"] == before["session_version"]

    client.post(f"/admin/users/edit/?id={pk}", data={
        "email": world.a.caseworker.email, "name": "Nowe imię", "active": "y",
        "new_password": NEW_PASSWORD})
    after = snapshot(app, User, pk)
    assert after["password_hash"] != before["password_hash"]
    # The user's other sessions end.
    assert after["session_version"] == before["session_version"] + 1
    entries = audit_entries(app, object_type="User", object_id=str(pk))
    assert [(e["action"], e["detail"]["fields"]) for e in entries] == [
        ("update", ["name"]), ("update", ["password"])]
    assert all(e["actor_id"] == world.a.admin.id for e in entries)


def test_changes_and_deletions_are_audited_with_field_names_only(app, client, world):
    login(client, world.a.admin)
    pk = world.a.other.id
    client.post(f"/admin/institutions/edit/?id={pk}", data={
        "name": "OPS a (nowa nazwa)", "short_name": "OPS", "kind": "ops", "role": "partner",
        "teryt": "1261011", "locality": "Kraków", "phone": "12 345 67 89"})
    client.post("/admin/module-grants/delete/", data={"id": str(world.a.grant_id)})
    client.post("/admin/institutions/new/", data={"name": "Nowe NGO", "kind": "ngo",
                                                  "role": "partner"})

    entries = audit_entries(app, actor_id=world.a.admin.id)
    summary = [(e["action"], e["object_type"]) for e in entries]
    assert summary == [("update", "Institution"), ("revoke", "ModuleGrant"),
                       ("create", "Institution")]
    assert set(entries[0]["detail"]["fields"]) == {"name", "short_name", "phone"}
    assert all(e["partnership_id"] == world.a.partnership.id for e in entries)
    assert "nowa nazwa" not in json.dumps([e["detail"] for e in entries])
    assert not exists(app, ModuleGrant, world.a.grant_id)


def test_a_platform_admins_changes_are_audited_too(app, client, world):
    login(client, world.platform_admin)
    client.post("/admin/partnerships/new/", data={"slug": "nowe", "name": "Nowe partnerstwo",
                                                  "default_locale": "pl"})
    entries = audit_entries(app, actor_id=world.platform_admin.id, object_type="Partnership")
    assert [e["action"] for e in entries] == ["create"]
    assert {"slug", "name"} <= set(entries[0]["detail"]["fields"])


# --- the Modules page -------------------------------------------------------------------------


@pytest.fixture
def fresh(app):
    """Partnerships A and B with no module switched on."""
    return build_two_partnerships(app)


def test_modules_page_lists_every_installed_module_and_role(client, fresh):
    login(client, fresh.a.admin)
    page = client.get("/admin/modules/").get_data(as_text=True)
    assert 'id="module-sample"' in page
    for role in ("partnership_admin", "coordinator", "caseworker", "sample_worker"):
        assert f'name="access-{role}"' in page


def test_module_turned_on_and_granted_reaches_the_caseworker_and_off_is_404(app, client,
                                                                           fresh):
    admin = login(client, fresh.a.admin)
    caseworker = login(app.test_client(), fresh.a.caseworker)
    assert caseworker.get("/part-a/sample/").status_code == 404

    response = admin.post("/admin/modules/sample/switch", data={"enabled": "on"})
    assert response.status_code == 302
    with app.app_context(), partnership_scope(fresh.a.partnership.id):
        grants = {g.role: g.access for g in db.session.scalars(select(ModuleGrant))}
    assert grants == {"sample_worker": "write"}  # the module's default grants
    assert caseworker.get("/part-a/sample/").status_code == 404  # on, not granted

    admin.post("/admin/modules/sample/grants", data={"access-caseworker": "read"})
    page = caseworker.get("/part-a/")
    assert 'href="/part-a/sample/"' in page.get_data(as_text=True)
    response = caseworker.get("/part-a/sample/")
    assert response.status_code == 200
    assert '<p id="access">read</p>' in response.get_data(as_text=True)
    # Partnership B is untouched.
    assert login(app.test_client(), fresh.b.caseworker).get("/part-b/sample/").status_code == 404

    admin.post("/admin/modules/sample/switch", data={"enabled": "off"})
    assert caseworker.get("/part-a/sample/").status_code == 404
    assert 'href="/part-a/sample/"' not in caseworker.get("/part-a/").get_data(as_text=True)

    # On again: the grants made before are kept, the defaults are not forced back.
    admin.post("/admin/modules/sample/grants", data={"access-sample_worker": "none"})
    admin.post("/admin/modules/sample/switch", data={"enabled": "on"})
    assert caseworker.get("/part-a/sample/").status_code == 200
    with app.app_context(), partnership_scope(fresh.a.partnership.id):
        grants = {g.role: g.access for g in db.session.scalars(select(ModuleGrant))}
    assert grants == {"caseworker": "read"}

    actions = [(e["action"], e["object_type"], e["detail"]["fields"])
               for e in audit_entries(app, actor_id=fresh.a.admin.id)]
    assert actions == [
        ("create", "PartnershipModule", ["enabled"]),
        ("grant", "ModuleGrant", ["access"]),
        ("grant", "ModuleGrant", ["access"]),
        ("update", "PartnershipModule", ["enabled"]),
        ("revoke", "ModuleGrant", ["access"]),
        ("update", "PartnershipModule", ["enabled"]),
    ]


def test_modules_page_refuses_unknown_modules_roles_and_levels(app, client, fresh):
    login(client, fresh.a.admin)
    assert client.post("/admin/modules/nope/switch", data={"enabled": "on"}).status_code == 404
    assert client.post("/admin/modules/sample/switch", data={"enabled": "yes"}).status_code == 400
    assert client.post("/admin/modules/sample/grants",
                       data={"access-caseworker": "admin"}).status_code == 400
    # A role that does not exist is ignored, not stored.
    client.post("/admin/modules/sample/grants", data={"access-ghost": "write"})
    assert count_rows(app, ModuleGrant) == 0


def test_platform_admin_manages_the_modules_of_the_partnership_they_pick(app, client, fresh):
    platform_admin = fresh.factory.user(platform_admin=True)
    login(client, platform_admin)
    page = client.get("/admin/modules/").get_data(as_text=True)
    assert 'id="module-sample"' not in page and "?partnership=part-b" in page
    assert client.post("/admin/modules/sample/switch", data={"enabled": "on"}).status_code == 404

    client.get("/admin/modules/?partnership=part-b")
    client.post("/admin/modules/sample/switch", data={"enabled": "on"})
    with app.app_context(), system_scope("test"):
        switches = db.session.execute(
            select(PartnershipModule.partnership_id, PartnershipModule.enabled)).all()
    assert switches == [(fresh.b.partnership.id, True)]


# --- CSRF -------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True, MOSTY_EXTRA_PLUGINS=[sample_module])


def test_admin_posts_need_the_csrf_token_of_the_rendered_form(csrf_app):
    world = build_two_partnerships(csrf_app)
    client = login(csrf_app.test_client(), world.a.admin)
    data = {"name": "Fundacja z tokenem", "kind": "ngo", "role": "partner"}

    assert client.post("/admin/institutions/new/", data=data).status_code == 400
    assert count_rows(csrf_app, Institution) == 4

    form = client.get("/admin/institutions/new/").get_data(as_text=True)
    response = client.post("/admin/institutions/new/",
                           data={**data, "csrf_token": csrf_token(form)})
    assert response.status_code == 302
    assert count_rows(csrf_app, Institution) == 5

    # The list's row delete form and the Modules page carry the token as well.
    listing = client.get("/admin/institutions/").get_data(as_text=True)
    assert client.post("/admin/institutions/delete/",
                       data={"id": str(world.a.other.id)}).status_code == 400
    response = client.post("/admin/institutions/delete/",
                           data={"id": str(world.a.other.id), "csrf_token": csrf_token(listing)})
    assert response.status_code == 302
    assert not exists(csrf_app, Institution, world.a.other.id)

    modules = client.get("/admin/modules/").get_data(as_text=True)
    assert client.post("/admin/modules/sample/switch",
                       data={"enabled": "on"}).status_code == 400
    response = client.post("/admin/modules/sample/switch",
                           data={"enabled": "on", "csrf_token": csrf_token(modules)})
    assert response.status_code == 302
    assert count_rows(csrf_app, PartnershipModule, enabled=True) == 1


# --- Content-Security-Policy ------------------------------------------------------------------


def test_admin_pages_keep_the_content_security_policy(client, world):
    login(client, world.a.admin)
    for url in ("/admin/", "/admin/users/", "/admin/institutions/", "/admin/agreements/new/",
                f"/admin/agreements/edit/?id={world.a.agreement_id}", "/admin/modules/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not EVENT_HANDLER.search(html), f"inline event handler on {url}"
        policy = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
        scripts = SCRIPT_TAG.findall(html)
        assert scripts, url
        for attributes, body in scripts:
            has_src = "src=" in attributes and not body.strip()
            assert has_src or f'nonce="{nonce}"' in attributes, f"inline <script> on {url}"
            assert f'nonce="{nonce}"' in attributes, url
        assert "/static/js/admin.js" in html, url
    # Row actions and bulk actions are wired by admin.js through data attributes.
    listing = client.get("/admin/institutions/").get_data(as_text=True)
    assert "data-mosty-confirm=" in listing and 'data-mosty-action="delete"' in listing
    # Assets are local: no other origin anywhere.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', listing)


def test_each_request_gets_its_own_nonce(client, world):
    login(client, world.a.admin)
    first = client.get("/admin/").headers["Content-Security-Policy"]
    second = client.get("/admin/").headers["Content-Security-Policy"]
    assert first != second
    # Pages outside the admin keep the app's policy unchanged.
    assert "nonce" not in client.get("/part-a/").headers["Content-Security-Policy"]


def test_admin_js_is_served_from_our_static_folder(client):
    response = client.get("/static/js/admin.js")
    assert response.status_code == 200
    assert "data-mosty-action" in response.get_data(as_text=True)


# --- many apps, module admin views ------------------------------------------------------------


def test_many_apps_in_one_process_each_have_their_own_admin(make_app):
    first, second = make_app(), make_app()
    assert first.extensions["mosty.admin"] is not second.extensions["mosty.admin"]
    for app in (first, second):
        world = build_two_partnerships(app)
        client = login(app.test_client(), world.a.admin)
        ids, _count = listed_ids(client, "institutions")
        assert ids == {world.a.leader.id, world.a.other.id}


class NotesSettingsView(BaseView):
    module = "memos"

    @expose("/")
    def index(self):
        from mosty.tenancy import current_partnership_id

        return f"notes settings of partnership {current_partnership_id()}"


class NotesPlugin:
    """A module that brings its own admin view."""

    @hookimpl
    def mosty_modules(self):
        return Module(key="memos", name="Memos")

    @hookimpl
    def mosty_admin_views(self):
        return [NotesSettingsView(name="Notes settings", endpoint="admin_notes",
                                  url="notes-settings")]


def test_a_modules_admin_view_opens_only_where_the_module_is_on(make_app):
    app = make_app(MOSTY_EXTRA_PLUGINS=[NotesPlugin()])
    world = build_two_partnerships(app)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        db.session.add(PartnershipModule(module_key="memos", enabled=True))
        db.session.commit()

    admin_a = login(app.test_client(), world.a.admin)
    assert "/admin/notes-settings/" in admin_a.get("/admin/").get_data(as_text=True)
    response = admin_a.get("/admin/notes-settings/")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == (
        f"notes settings of partnership {world.a.partnership.id}")

    admin_b = login(app.test_client(), world.b.admin)
    assert "/admin/notes-settings/" not in admin_b.get("/admin/").get_data(as_text=True)
    assert admin_b.get("/admin/notes-settings/").status_code == 404
    assert login(app.test_client(), world.a.caseworker).get(
        "/admin/notes-settings/").status_code == 403

    platform = login(app.test_client(), world.factory.user(platform_admin=True))
    assert platform.get("/admin/notes-settings/").status_code == 404
    assert platform.get("/admin/notes-settings/?partnership=part-a").status_code == 200
    assert platform.get("/admin/notes-settings/?partnership=part-b").status_code == 404


def test_an_export_is_in_the_audit_log_with_the_column_names(app, client, world):
    login(client, world.a.admin)
    rows = exported_rows(client, "users")
    assert len(rows) == 2
    entries = audit_entries(app, action="export")
    assert [(e["object_type"], e["actor_id"], e["partnership_id"]) for e in entries] == [
        ("User", world.a.admin.id, world.a.partnership.id)]
    assert "email" in entries[0]["detail"]["fields"]
    assert world.a.caseworker.email not in json.dumps(entries[0]["detail"])


@pytest.mark.postgres
def test_admin_changes_pass_row_level_security_on_postgresql(make_app):
    app = make_app(backend="postgresql", MOSTY_EXTRA_PLUGINS=[sample_module])
    world = build_two_partnerships(app)
    client = login(app.test_client(), world.a.admin)
    response = client.post("/admin/users/new/", data={
        "email": "pg@example.test", "name": "Konto PG", "new_password": NEW_PASSWORD,
        "active": "y", "membership_institution": str(world.a.other.id),
        "membership_roles": "caseworker"})
    assert response.status_code == 302
    client.post("/admin/modules/sample/switch", data={"enabled": "on"})
    client.post("/admin/modules/sample/grants", data={"access-caseworker": "write"})
    assert login(app.test_client(), world.a.caseworker).get("/part-a/sample/new").status_code == 200

    platform = login(app.test_client(), world.factory.user(platform_admin=True))
    response = platform.post("/admin/institutions/new/", data={
        "partnership_id": str(world.b.partnership.id), "name": "Instytucja PG", "kind": "ngo",
        "role": "partner"})
    assert response.status_code == 302
    assert count_rows(app, Institution, partnership_id=world.b.partnership.id) == 3
    platform.get("/admin/modules/?partnership=part-b")
    platform.post("/admin/modules/sample/switch", data={"enabled": "on"})
    assert count_rows(app, PartnershipModule, partnership_id=world.b.partnership.id) == 1
    actions = sorted(e["action"] for e in audit_entries(app))
    assert actions == ["create", "create", "create", "create", "create", "grant", "grant",
                       "grant"]


def test_partnership_admin_creates_and_edits_the_records_of_their_partnership(app, client,
                                                                          fresh):
    a = fresh.a
    login(client, a.admin)
    posts = [
        ("/admin/agreements/new/", {
            "title": "Aneks", "signed_on": "2026-01-15", "purpose": "Rozszerzenie",
            "parties-0-institution": str(a.other.id), "parties-0-contribution": "szkolenia"}),
        ("/admin/module-switches/new/", {"module_key": "sample", "enabled": "y"}),
        ("/admin/module-grants/new/", {"module_key": "sample", "role": "caseworker",
                                       "access": "write"}),
        (f"/admin/memberships/edit/?id={a.caseworker.membership.id}", {
            "user": str(a.caseworker.id), "institution": str(a.leader.id),
            "roles": ["caseworker", "coordinator"], "active": "y"}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[-3000:])

    with app.app_context(), system_scope("test: reading what was saved"):
        agreement = db.session.scalar(select(Agreement).filter_by(title="Aneks"))
        assert agreement.partnership_id == a.partnership.id
        assert [(p.institution_id, p.partnership_id) for p in agreement.parties] == [
            (a.other.id, a.partnership.id)]
        grant = db.session.scalar(select(ModuleGrant).filter_by(role="caseworker"))
        assert (grant.partnership_id, grant.access) == (a.partnership.id, "write")
        membership = db.session.get(Membership, a.caseworker.membership.id)
        assert membership.roles == ["caseworker", "coordinator"]
        assert membership.institution_id == a.leader.id
    # The module records view made the switch; the grant opens the module's write routes.
    caseworker = login(app.test_client(), a.caseworker)
    assert caseworker.get("/part-a/sample/new").status_code == 200
    entries = audit_entries(app, actor_id=a.admin.id)
    assert [(e["action"], e["object_type"]) for e in entries] == [
        ("create", "Agreement"), ("create", "PartnershipModule"), ("grant", "ModuleGrant"),
        ("update", "Membership")]
    assert "parties" in entries[0]["detail"]["fields"]
    assert set(entries[3]["detail"]["fields"]) == {"institution", "roles"}


def sign_ins_of(app, user_id):
    with app.app_context():
        return count_rows(app, SignIn, user_id=user_id)


@pytest.mark.parametrize("change", [{"new_password": NEW_PASSWORD}, {"active": ""}],
                         ids=["new password", "switched off"])
def test_a_new_password_or_switching_an_account_off_ends_its_sign_ins(app, client, world,
                                                                      change):
    worker = world.a.caseworker
    elsewhere = login(app.test_client(), worker)
    assert elsewhere.get("/part-a/").status_code == 200
    login(client, world.a.admin)
    data = {"email": worker.email, "name": "Nowe imię", "active": "y", "new_password": ""}
    data.update(change)
    if not data["active"]:
        del data["active"]
    assert client.post(f"/admin/users/edit/?id={worker.id}", data=data).status_code == 302
    assert sign_ins_of(app, worker.id) == 0
    assert elsewhere.get("/part-a/").status_code == 302


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(app, client, world):
    admin = world.a.admin
    elsewhere = login(app.test_client(), admin)
    login(client, admin)
    response = client.post(f"/admin/users/edit/?id={admin.id}", data={
        "email": admin.email, "name": "Administratorka", "active": "y",
        "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert sign_ins_of(app, admin.id) == 1
    assert client.get("/part-a/").status_code == 200
    assert elsewhere.get("/part-a/").status_code == 302


def test_an_admin_cannot_switch_their_own_account_off(app, client, world):
    admin = world.a.admin
    login(client, admin)
    response = client.post(f"/admin/users/edit/?id={admin.id}", data={
        "email": admin.email, "name": "Administratorka", "new_password": ""})
    assert response.status_code == 200
    assert "Nie możesz wyłączyć własnego konta" in response.get_data(as_text=True)
    assert snapshot(app, User, admin.id)["active"] is True
    assert sign_ins_of(app, admin.id) == 1
    assert client.get("/part-a/").status_code == 200


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_bad_list_arguments_show_the_list_not_a_server_error(make_app, backend):
    """A search or filter with a NUL (PostgreSQL refuses it), a page below zero or beyond any
    offset the database takes: the first page, the bad value left out."""
    app = make_app(backend=backend, MOSTY_EXTRA_PLUGINS=[sample_module])
    world = build_world(app)
    client = login(app.test_client(), world.platform_admin)
    for view in VIEWS:
        for query in ({"search": "Porozumienie\x00"}, {"page": "-1"}, {"page": "9" * 30},
                      {"page": str(2**31)}, {"flt0_0": "\x00"}, {"search": "\x00", "page": "-5"}):
            response = client.get(f"/admin/{view}/", query_string=query)
            assert response.status_code == 200, (view, query, response.status_code)
    # The list still lists: the bad page falls back to the first.
    page = client.get("/admin/agreements/", query_string={"page": "-1"}).get_data(as_text=True)
    assert "Porozumienie part-a" in page and "Porozumienie part-b" in page
