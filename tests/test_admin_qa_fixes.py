# ruff: noqa: F811 - the imported fixtures `app` and `world` are named as test parameters
"""The administration after a QA round: a partnership's address is one its pages can be opened
under, the audit log names the administration's fields in the reader's language, an agreement's
parties are named, an institution's TERYT code is one that exists, a person's name is their
full name, and a short password is refused in plain words.
"""

import re

import pytest
from sqlalchemy import select

from mosty.auth.models import User
from mosty.extensions import db
from mosty.field_labels import COLUMN_LABELS
from mosty.partnerships.models import Institution, Partnership
from mosty.partnerships.wall import RESERVED_SLUGS
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_admin import NEW_PASSWORD, count_rows, snapshot
from test_admin_review_fixes import app, world  # noqa: F401 - the admin world with a module

RESERVED = "Ten adres jest zarezerwowany dla stron platformy albo jest nieprawidłowy."
SHORT_PASSWORD = "Hasło musi mieć od 10 do 200 znaków."
# Every admin field key the log could show raw (a label of its own is never one of these).
RAW_KEYS = sorted({key for key in COLUMN_LABELS if "." not in key} | {"password"})


def page(response):
    assert response.status_code < 500
    return response.get_data(as_text=True)


def new_partnership(client, slug):
    return client.post("/admin/partnerships/new/", data={
        "slug": slug, "name": f"Partnerstwo {slug}", "default_locale": "pl"})


def institution_data(**changes):
    return {"name": "Fundacja Nowa", "kind": "ngo", "role": "partner", **changes}


# --- a partnership's address ------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_reserved_address_is_refused_with_what_is_allowed(app, client, world, slug):
    login(client, world.platform_admin)
    partnerships = count_rows(app, Partnership)
    html = page(new_partnership(client, slug))
    assert RESERVED in html
    assert "małe litery, cyfry i łączniki" in html
    assert count_rows(app, Partnership) == partnerships


def test_a_valid_address_is_accepted_and_a_reserved_one_refused_on_edit(app, client, world):
    login(client, world.platform_admin)
    assert new_partnership(client, "powiat-nowy").status_code == 302
    with app.app_context():
        pk = db.session.scalar(select(Partnership.id).filter_by(slug="powiat-nowy"))

    html = page(client.post(f"/admin/partnerships/edit/?id={pk}", data={
        "slug": "admin", "name": "Partnerstwo", "default_locale": "pl"}))
    assert RESERVED in html
    assert snapshot(app, Partnership, pk)["slug"] == "powiat-nowy"


def test_an_address_of_the_wrong_shape_gets_one_message(client, world):
    login(client, world.platform_admin)
    html = page(new_partnership(client, "Duże-Litery"))
    assert html.count("Użyj małych liter, cyfr i łączników.") == 1
    assert RESERVED not in html


# --- the audit log ----------------------------------------------------------------------------


def test_the_log_names_the_administrations_fields_in_polish(app, client, world):
    login(client, world.a.admin)
    response = client.post("/admin/users/new/", data={
        "email": "nowa@example.test", "name": "Nowa Osoba", "new_password": NEW_PASSWORD,
        "active": "y", "locale": "pl", "membership_institution": str(world.a.other.id),
        "membership_roles": "caseworker"})
    assert response.status_code == 302
    response = client.post("/admin/institutions/new/",
                           data=institution_data(teryt="1261011", locality="Kraków"))
    assert response.status_code == 302
    response = client.post(f"/admin/module-grants/edit/?id={world.a.grant_id}", data={
        "module_key": "sample", "role": "caseworker", "access": "write"})
    assert response.status_code == 302

    html = page(client.get(f"/{world.a.partnership.slug}/audit/"))
    rows = [row for row in html.split("<tr") if "pola" in row]
    assert rows, "no entry names its fields"
    text = " ".join(re.sub(r"<[^>]+>", " ", row) for row in rows)
    for label in ("Imię i nazwisko", "Hasło", "Aktywny", "Język", "Instytucja", "Role",
                  "Rodzaj", "Kod TERYT", "Miejscowość", "Rola", "Dostęp"):
        assert label in text, label
    words = set(re.findall(r"[\w.]+", text))
    assert not words & set(RAW_KEYS), words & set(RAW_KEYS)


def test_every_administered_model_labels_the_fields_it_records():
    from mosty.admin.views import AUDIT_FIELD_NAMES, AUDIT_SKIPPED
    from mosty.auth.models import Membership
    from mosty.partnerships.models import Agreement, AgreementParty
    from mosty.plugins.models import ModuleGrant, PartnershipModule

    for model in (User, Membership, Partnership, Institution, Agreement, AgreementParty,
                  PartnershipModule, ModuleGrant):
        recorded = {AUDIT_FIELD_NAMES.get(attr.key, attr.key).removesuffix("_id")
                    for attr in model.__mapper__.attrs} - AUDIT_SKIPPED - {"session_version"}
        assert recorded <= set(model.__audit_field_labels__), (model, recorded)


# --- an agreement's parties -------------------------------------------------------------------


def test_agreement_details_name_the_parties(client, world):
    login(client, world.a.admin)
    html = page(client.get(f"/admin/agreements/details/?id={world.a.agreement_id}"))
    assert "object at 0x" not in html
    assert "Lider a (Lider)" in html


def test_an_institution_twice_in_one_agreement_is_refused_by_name(app, client, world):
    from mosty.partnerships.models import AgreementParty

    login(client, world.a.admin)
    parties = count_rows(app, AgreementParty)
    html = page(client.post(f"/admin/agreements/edit/?id={world.a.agreement_id}", data={
        "title": "Porozumienie part-a",
        "parties-0-institution": str(world.a.leader.id), "parties-0-contribution": "koordynacja",
        "parties-1-institution": str(world.a.leader.id), "parties-1-contribution": "lokal"},
        follow_redirects=True))
    assert "Lider a występuje jako strona dwa razy" in html
    assert count_rows(app, AgreementParty) == parties


# --- an institution's TERYT code --------------------------------------------------------------


@pytest.mark.parametrize(("code", "message"), [
    ("9999999", "99 nie jest kodem"),
    ("1200011", "powiaty i gminy są numerowane od 01"),
    ("1261017", "ostatnia cyfra, rodzaj gminy"),
    ("99", "Nie ma województwa o kodzie 99"),
    ("9900", "Nie ma województwa o kodzie 99"),
    ("1200", "Nie ma powiatu o kodzie 1200"),
])
def test_an_impossible_teryt_code_is_refused(app, client, world, code, message):
    login(client, world.a.admin)
    institutions = count_rows(app, Institution)
    html = page(client.post("/admin/institutions/new/", data=institution_data(teryt=code)))
    assert message in html
    assert count_rows(app, Institution) == institutions


@pytest.mark.parametrize("code", ["1261011", "1261", "12", "1465018"])
def test_a_real_teryt_code_is_accepted(app, client, world, code):
    login(client, world.a.admin)
    response = client.post("/admin/institutions/new/",
                           data=institution_data(name=f"Fundacja {code}", teryt=code))
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.a.partnership.id):
        assert db.session.scalar(select(Institution.teryt).filter_by(
            name=f"Fundacja {code}")) == code


# --- a person's name --------------------------------------------------------------------------


def test_a_users_name_is_their_full_name(client, world):
    login(client, world.a.admin)
    for url in ("/admin/users/", f"/admin/users/details/?id={world.a.caseworker.id}",
                f"/admin/users/edit/?id={world.a.caseworker.id}"):
        assert "Imię i nazwisko" in page(client.get(url)), url
    # An institution keeps its "Nazwa".
    assert "Nazwa" in page(client.get("/admin/institutions/"))


# --- a short password -------------------------------------------------------------------------


def test_a_short_password_is_refused_in_plain_words(app, client, world):
    user = world.factory.staff(world.a.other, password="stare-haslo-konta")
    login(client, user)
    html = page(client.post("/account/password", data={
        "current_password": "stare-haslo-konta", "new_password": "krotkie",
        "confirm": "krotkie"}))
    assert SHORT_PASSWORD in html
    assert "Wartość musi być" not in html


def test_the_admin_says_the_same_of_a_short_password(app, client, world):
    login(client, world.a.admin)
    html = page(client.post("/admin/users/new/", data={
        "email": "krotkie@example.test", "name": "Krótkie Hasło", "new_password": "krotkie",
        "active": "y", "membership_institution": str(world.a.other.id),
        "membership_roles": "caseworker"}))
    assert SHORT_PASSWORD in html
