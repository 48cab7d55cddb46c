"""The administration after an exploratory test: nobody locks the administrators out, every
refusal is said at the field or at the top in the user's language, exports are safe to open in
a spreadsheet, and only installed modules, known roles and possible dates are accepted.
"""

import re

import pytest
from sqlalchemy import select

import sample_module
from mosty.auth.models import Membership, User
from mosty.extensions import db
from mosty.partnerships.models import Agreement, Institution
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from test_admin import NEW_PASSWORD, build_world, count_rows, exists, exported_rows, snapshot

OWN_ADMIN_RIGHTS = "Nie możesz odebrać sobie uprawnień administratora partnerstwa"
LAST_ADMIN = "nie zostałby żaden aktywny administrator partnerstwa"
FIELD_ERRORS = re.compile(r'<div class="invalid-feedback">\s*<ul[^>]*>(.*?)</ul>', re.S)


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


@pytest.fixture
def world(app):
    return build_world(app)


def page(response):
    assert response.status_code < 500
    return response.get_data(as_text=True)


def field_errors(html):
    """Every message shown at a field of the form in ``html``."""
    return [re.sub(r"\s+", " ", item).strip()
            for block in FIELD_ERRORS.findall(html)
            for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def update_row(app, model, pk, **values):
    with app.app_context(), system_scope("test: changing a row behind the admin's back"):
        row = db.session.get(model, pk)
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()


def in_english(client):
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def membership_data(membership_of, **changes):
    data = {"user": str(membership_of.id), "institution": str(membership_of.institution.id),
            "roles": ["partnership_admin", "coordinator"], "active": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def user_data(user, **changes):
    data = {"email": user.email, "name": "Imię Nazwisko", "active": "y", "new_password": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- nobody locks the administrators out ------------------------------------------------------


def test_partnership_admin_cannot_delete_their_own_admin_membership(app, client, world):
    admin = world.a.admin
    login(client, admin)
    html = page(client.post("/admin/memberships/delete/",
                            data={"id": str(admin.membership.id)}, follow_redirects=True))
    assert OWN_ADMIN_RIGHTS in html
    assert exists(app, Membership, admin.membership.id)

    # Their name, password and workplace stay theirs to change.
    response = client.post(f"/admin/users/edit/?id={admin.id}",
                           data=user_data(admin, name="Nowe Imię", new_password=NEW_PASSWORD))
    assert response.status_code == 302
    assert snapshot(app, User, admin.id)["name"] == "Nowe Imię"
    response = client.post(f"/admin/memberships/edit/?id={admin.membership.id}",
                           data=membership_data(admin, institution=str(world.a.other.id)))
    assert response.status_code == 302
    assert snapshot(app, Membership, admin.membership.id)["institution_id"] == world.a.other.id


def test_a_bulk_delete_keeps_the_own_admin_membership_and_deletes_the_rest(app, client, world):
    admin, worker = world.a.admin, world.a.caseworker
    login(client, admin)
    html = page(client.post("/admin/memberships/action/", data={
        "action": "delete", "rowid": [str(admin.membership.id), str(worker.membership.id)]},
        follow_redirects=True))
    assert OWN_ADMIN_RIGHTS in html
    assert "Rekord został pomyślnie usunięty." in html
    assert exists(app, Membership, admin.membership.id)
    assert not exists(app, Membership, worker.membership.id)

    # Nothing deleted: the refusal, and no "0 records were deleted".
    html = page(client.post("/admin/memberships/action/", data={
        "action": "delete", "rowid": [str(admin.membership.id)]}, follow_redirects=True))
    assert OWN_ADMIN_RIGHTS in html
    assert "pomyślnie usunięt" not in html


@pytest.mark.parametrize("change", [
    {"roles": ["coordinator"]},
    {"active": None},
], ids=["role removed", "switched off"])
def test_partnership_admin_cannot_take_away_their_own_admin_membership(app, client, world,
                                                                      change):
    admin = world.a.admin
    login(client, admin)
    before = snapshot(app, Membership, admin.membership.id)
    response = client.post(f"/admin/memberships/edit/?id={admin.membership.id}",
                           data=membership_data(admin, **change))
    assert response.status_code == 200
    assert OWN_ADMIN_RIGHTS in page(response)
    assert snapshot(app, Membership, admin.membership.id) == before


def test_the_last_partnership_admin_cannot_be_removed_by_a_platform_admin(app, client, world):
    admin = world.a.admin
    login(client, world.platform_admin)
    membership_before = snapshot(app, Membership, admin.membership.id)
    user_before = snapshot(app, User, admin.id)
    attempts = [
        ("/admin/memberships/delete/", {"id": str(admin.membership.id)}),
        ("/admin/memberships/action/", {"action": "delete",
                                        "rowid": [str(admin.membership.id)]}),
        (f"/admin/memberships/edit/?id={admin.membership.id}",
         membership_data(admin, roles=["coordinator"])),
        (f"/admin/memberships/edit/?id={admin.membership.id}", membership_data(admin, active=None)),
        # Moved to an institution of the other partnership.
        (f"/admin/memberships/edit/?id={admin.membership.id}",
         membership_data(admin, institution=str(world.b.other.id))),
        (f"/admin/users/edit/?id={admin.id}", user_data(admin, active=None)),
        ("/admin/users/delete/", {"id": str(admin.id)}),
        ("/admin/users/action/", {"action": "delete", "rowid": [str(admin.id)]}),
        # Deleting the institution deletes the memberships of its people.
        ("/admin/institutions/delete/", {"id": str(admin.institution.id)}),
    ]
    for url, data in attempts:
        html = page(client.post(url, data=data, follow_redirects=True))
        assert LAST_ADMIN in html and world.a.partnership.name in html, url
        assert snapshot(app, Membership, admin.membership.id) == membership_before, url
        assert snapshot(app, User, admin.id) == user_before, url
    assert exists(app, Institution, admin.institution.id)

    # With a second administrator in the partnership the first one may go.
    update_row(app, Membership, world.a.caseworker.membership.id,
               roles=["caseworker", "partnership_admin"])
    client.post("/admin/memberships/delete/", data={"id": str(admin.membership.id)})
    assert not exists(app, Membership, admin.membership.id)


def test_an_inactive_admin_does_not_count_as_the_partnership_s_administrator(app, client, world):
    second = world.factory.staff(world.a.leader, roles=("partnership_admin",), active=False)
    login(client, world.platform_admin)
    html = page(client.post("/admin/memberships/delete/", data={
        "id": str(world.a.admin.membership.id)}, follow_redirects=True))
    assert LAST_ADMIN in html
    # The inactive one's own membership is no administrator seat: it may go.
    client.post("/admin/memberships/delete/", data={"id": str(second.membership.id)})
    assert not exists(app, Membership, second.membership.id)


def test_a_platform_admin_cannot_delete_switch_off_or_demote_their_own_account(app, client,
                                                                            world):
    me = world.platform_admin
    other = world.factory.user(platform_admin=True)
    login(client, me)
    before = snapshot(app, User, me.id)

    html = page(client.post("/admin/users/delete/", data={"id": str(me.id)},
                            follow_redirects=True))
    assert "Nie możesz usunąć własnego konta" in html
    html = page(client.post(f"/admin/users/edit/?id={me.id}",
                            data=user_data(me, is_platform_admin="y", active=None)))
    assert "Nie możesz wyłączyć własnego konta" in html
    html = page(client.post(f"/admin/users/edit/?id={me.id}", data=user_data(me)))
    assert "Nie możesz odebrać sobie uprawnień administratora platformy" in html
    assert snapshot(app, User, me.id) == before

    # In bulk, their own account stays and the rest goes.
    html = page(client.post("/admin/users/action/", data={
        "action": "delete", "rowid": [str(me.id), str(other.id)]}, follow_redirects=True))
    assert "Nie możesz usunąć własnego konta" in html
    assert exists(app, User, me.id) and not exists(app, User, other.id)


# --- every refusal is shown, in the user's language -------------------------------------------


def test_every_field_error_is_shown_with_what_was_typed(client, world):
    login(client, world.a.admin)
    html = page(client.post("/admin/institutions/new/", data={
        "name": "Nowe NGO", "kind": "ngo", "role": "partner", "teryt": "12345"}))
    assert field_errors(html) == ["Kod TERYT ma 2, 4 lub 7 cyfr."]
    assert 'value="12345"' in html and 'value="Nowe NGO"' in html

    html = page(client.post("/admin/users/new/", data={
        "email": "not-an-email", "name": "Nowa osoba", "new_password": NEW_PASSWORD,
        "active": "y", "membership_institution": str(world.a.other.id),
        "membership_roles": "caseworker"}))
    assert field_errors(html) == ["Wpisz prawidłowy adres e-mail."]
    assert 'value="not-an-email"' in html

    # An agreement's party (an inline form) picked from the other partnership.
    html = page(client.post(f"/admin/agreements/edit/?id={world.a.agreement_id}", data={
        "title": "Porozumienie part-a", "parties-0-institution": str(world.b.leader.id),
        "parties-0-contribution": "cudzy wkład"}))
    assert "<li>Ta instytucja nie istnieje albo nie zarządzasz nią.</li>" in html


def test_flask_admins_own_messages_follow_the_users_language(client, world):
    login(client, world.a.admin)
    bad_institution = {"name": "Nowe NGO", "kind": "ngo", "role": "partner", "teryt": "12345"}
    foreign_member = {"user": str(world.b.caseworker.id), "institution": str(world.a.other.id),
                      "roles": "caseworker", "active": "y"}

    html = page(client.post("/admin/institutions/new/", data=bad_institution))
    assert "Nie udało się utworzyć rekordu." in html and "Failed to create" not in html
    html = page(client.post("/admin/memberships/new/", data=foreign_member))
    assert field_errors(html) == ["Nieprawidłowy wybór"]

    in_english(client)
    html = page(client.post("/admin/institutions/new/", data=bad_institution))
    assert "Failed to create record." in html
    assert field_errors(html) == ["A TERYT code has 2, 4 or 7 digits."]
    html = page(client.post("/admin/memberships/new/", data=foreign_member))
    assert field_errors(html) == ["Not a valid choice"]


def cells_of_details(html):
    return [re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", html, re.S)]


def test_yes_and_no_are_words_of_the_users_language(client, world):
    login(client, world.a.admin)
    worker = world.a.caseworker
    cells = cells_of_details(page(client.get(f"/admin/users/details/?id={worker.id}")))
    labels = dict(zip(cells[::2], cells[1::2], strict=True))
    assert labels["<b>Aktywny</b>"] == "tak"
    assert labels["<b>Administrator platformy</b>"] == "nie"
    # A language not chosen is empty, not "None".
    assert labels["<b>Język</b>"] == ""
    listing = page(client.get("/admin/users/"))
    assert 'title="tak"' in listing and ': true"' not in listing

    row = next(row for row in exported_rows(client, "users") if row[0] == worker.email)
    assert row[2:5] == ["tak", "nie", ""]

    in_english(client)
    cells = cells_of_details(page(client.get(f"/admin/users/details/?id={worker.id}")))
    assert "yes" in cells and "no" in cells
    assert "True" not in cells and "False" not in cells


# --- exports ----------------------------------------------------------------------------------


def test_exports_keep_formulas_as_text_in_a_csv_polish_excel_reads(app, client, world):
    hostile = '=HYPERLINK("http://evil","x")'
    world.factory.staff(world.a.other, name=hostile)
    update_row(app, Institution, world.a.other.id, name="=1+2", short_name="+cmd",
               locality="-Łódź", address="@SUM(A1)")
    login(client, world.a.admin)

    users = client.get("/admin/users/export/csv/")
    body = users.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Użytkownik".encode() in body
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("E-mail;Imię i nazwisko;Aktywny;")
    assert any(row[1] == "'" + hostile for row in exported_rows(client, "users"))

    row = next(row for row in exported_rows(client, "institutions") if "=1+2" in row[0])
    assert row[:2] == ["'=1+2", "'+cmd"]
    assert "'-Łódź" in row and "'@SUM(A1)" in row


# --- only installed modules, known roles and possible dates -----------------------------------


def test_made_up_modules_and_roles_are_refused(app, client, world):
    login(client, world.a.admin)
    grants, switches = count_rows(app, ModuleGrant), count_rows(app, PartnershipModule)
    html = page(client.post("/admin/module-grants/new/", data={
        "module_key": "nonexistent_module", "role": "made_up_role", "access": "read"}))
    assert len(field_errors(html)) == 2
    html = page(client.post("/admin/module-switches/new/", data={"module_key": "ghost",
                                                                "enabled": "y"}))
    assert len(field_errors(html)) == 1
    assert (count_rows(app, ModuleGrant), count_rows(app, PartnershipModule)) == (grants,
                                                                                  switches)

    memberships = count_rows(app, Membership)
    page(client.post("/admin/memberships/new/", data={
        "user": str(world.a.caseworker.id), "institution": str(world.a.leader.id),
        "roles": ["caseworker", "made_up_role"], "active": "y"}))
    assert count_rows(app, Membership) == memberships
    worker = world.a.caseworker
    html = page(client.post(f"/admin/memberships/edit/?id={worker.membership.id}", data={
        "user": str(worker.id), "institution": str(worker.institution.id),
        "roles": ["caseworker", "made_up_role"], "active": "y"}))
    assert field_errors(html)
    assert snapshot(app, Membership, worker.membership.id)["roles"] == ["caseworker"]


def test_records_of_a_module_no_longer_installed_stay_editable_but_not_creatable(app, client,
                                                                               world):
    a = world.a
    with app.app_context(), partnership_scope(a.partnership.id):
        grant = ModuleGrant(module_key="gone", role="gone_role", access="read")
        db.session.add(grant)
        db.session.commit()
        grant_id = grant.id
    update_row(app, Membership, a.caseworker.membership.id, roles=["caseworker", "gone_role"])
    login(client, a.admin)

    response = client.post(f"/admin/module-grants/edit/?id={grant_id}", data={
        "module_key": "gone", "role": "gone_role", "access": "write"})
    assert response.status_code == 302
    assert snapshot(app, ModuleGrant, grant_id)["access"] == "write"
    response = client.post(f"/admin/memberships/edit/?id={a.caseworker.membership.id}", data={
        "user": str(a.caseworker.id), "institution": str(a.leader.id),
        "roles": ["caseworker", "gone_role"], "active": "y"})
    assert response.status_code == 302
    assert snapshot(app, Membership, a.caseworker.membership.id)["roles"] == [
        "caseworker", "gone_role"]

    grants = count_rows(app, ModuleGrant)
    page(client.post("/admin/module-grants/new/", data={
        "module_key": "gone", "role": "caseworker", "access": "read"}))
    page(client.post(f"/admin/module-grants/edit/?id={world.a.grant_id}", data={
        "module_key": "gone", "role": "gone_role", "access": "read"}))
    assert count_rows(app, ModuleGrant) == grants
    assert snapshot(app, ModuleGrant, world.a.grant_id)["module_key"] == "sample"


def test_an_agreement_needs_possible_dates_in_order(app, client, world):
    login(client, world.a.admin)
    agreements = count_rows(app, Agreement)
    html = page(client.post("/admin/agreements/new/", data={
        "title": "Aneks", "valid_from": "9999-12-31", "valid_to": "0001-01-01"}))
    errors = field_errors(html)
    assert len(errors) == 2
    assert errors[0].startswith("Podaj datę nie późniejszą niż")
    assert errors[1].startswith("Podaj datę nie wcześniejszą niż")
    assert 'value="9999-12-31"' in html

    html = page(client.post("/admin/agreements/new/", data={
        "title": "Aneks", "valid_from": "2024-05-01", "valid_to": "2024-04-30"}))
    assert field_errors(html) == ["Data końca nie może być wcześniejsza niż data początku."]
    assert count_rows(app, Agreement) == agreements

    response = client.post("/admin/agreements/new/", data={
        "title": "Aneks", "signed_on": "2024-04-20", "valid_from": "2024-05-01",
        "valid_to": "2026-12-31"})
    assert response.status_code == 302
    with app.app_context(), system_scope("test: reading the agreement"):
        agreement = db.session.scalar(select(Agreement).filter_by(title="Aneks"))
        assert (agreement.valid_from.isoformat(), agreement.valid_to.isoformat()) == (
            "2024-05-01", "2026-12-31")
