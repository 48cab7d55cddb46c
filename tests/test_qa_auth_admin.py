"""QA findings on signing in (rate limits) and the admin forms (users, memberships, agreements)."""

import re

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import func, select

import sample_module
from mosty.auth.models import Membership, User
from mosty.auth.views import ADDRESS_LIMIT_FACTOR
from mosty.extensions import db
from mosty.partnerships.models import Institution
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import Factory, login
from mosty.testing.plugin import build_two_partnerships

PASSWORD = "the right passphrase"
NEW_PASSWORD = "nowe-haslo-do-konta-1"
OFFICE = {"REMOTE_ADDR": "192.0.2.50"}


def sign_in(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def wait_message(app, minutes, locale="pl"):
    with app.test_request_context(), force_locale(locale):
        return ngettext("Too many attempts. Please wait %(num)d minute and try again.",
                        "Too many attempts. Please wait %(num)d minutes and try again.", minutes)


# --- sign-in limits ---------------------------------------------------------------------------


@pytest.fixture
def office(make_app):
    """The default limit (10 per 15 minutes), two colleagues behind one office address."""
    app = make_app()
    f = Factory(app)
    institution = f.institution(f.partnership(slug="pomorze"))
    return app, f.staff(institution, password=PASSWORD), f.staff(institution, password=PASSWORD)


def test_a_colleagues_typos_do_not_lock_out_the_office(office):
    app, klub, admin = office
    client = app.test_client()
    for _ in range(10):
        assert sign_in(client, klub.email, "wrong", environ_base=OFFICE).status_code == 200
    assert sign_in(client, klub.email, "wrong", environ_base=OFFICE).status_code == 429
    # The account itself stays held, even with the right password.
    assert sign_in(client, klub.email, PASSWORD, environ_base=OFFICE).status_code == 429
    colleague = app.test_client()
    assert sign_in(colleague, admin.email, PASSWORD, environ_base=OFFICE).status_code == 302


def test_the_429_says_how_long_to_wait_in_words_and_in_retry_after(office):
    app, klub, _admin = office
    client = app.test_client()
    for _ in range(10):
        sign_in(client, klub.email, "wrong", environ_base=OFFICE)
    response = sign_in(client, klub.email, "wrong", environ_base=OFFICE)
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 14 * 60 < seconds <= 15 * 60
    page = response.get_data(as_text=True)
    assert "Odczekaj 15 minut i spróbuj ponownie." in page
    assert wait_message(app, 15) in page
    assert "kilka minut" not in page


def test_the_wait_is_said_in_the_users_language_and_number(make_app):
    app = make_app(MOSTY_LOGIN_LIMIT="1 per minute")
    f = Factory(app)
    user = f.staff(f.institution(f.partnership(slug="jezyk")), password=PASSWORD)
    client = app.test_client()
    client.post("/language", data={"locale": "en"})
    sign_in(client, user.email, "wrong")
    response = sign_in(client, user.email, "wrong")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Please wait 1 minute and try again." in response.get_data(as_text=True)
    assert "Odczekaj 1 minutę" in wait_message(app, 1)
    assert "Odczekaj 3 minuty" in wait_message(app, 3)


@pytest.fixture
def limited_app(make_app):
    return make_app(MOSTY_LOGIN_LIMIT="3 per minute")


def test_one_address_is_held_at_five_times_the_account_limit(limited_app):
    client = limited_app.test_client()
    allowed = 3 * ADDRESS_LIMIT_FACTOR
    for n in range(allowed):
        response = sign_in(client, f"nikt{n}@example.test", "wrong", environ_base=OFFICE)
        assert response.status_code == 200, n
    response = sign_in(client, "jeszcze.ktos@example.test", "wrong", environ_base=OFFICE)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_attempts_refused_for_one_account_do_not_use_up_the_address(limited_app):
    f = Factory(limited_app)
    user = f.staff(f.institution(f.partnership(slug="uparty")), password=PASSWORD)
    client = limited_app.test_client()
    for _ in range(3):
        assert sign_in(client, user.email, "wrong", environ_base=OFFICE).status_code == 200
    # Someone keeps trying on the held account: refused, and not counted against the office.
    for _ in range(3 * ADDRESS_LIMIT_FACTOR):
        assert sign_in(client, user.email, "wrong", environ_base=OFFICE).status_code == 429
    response = sign_in(client, "kolega@example.test", "wrong", environ_base=OFFICE)
    assert response.status_code == 200


# --- admin: the user and membership forms -----------------------------------------------------


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


@pytest.fixture
def world(app):
    return build_two_partnerships(app)


@pytest.fixture
def admin_client(app, world):
    client = app.test_client()
    login(client, world.a.admin)
    return client


def error_items(html):
    return [item.strip() for item in re.findall(r"<li>([^<]*)</li>", html) if item.strip()]


def count_rows(app, model):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(model))


def new_user(**fields):
    data = {"email": "nowy@example.test", "name": "Nowy", "active": "y",
            "new_password": NEW_PASSWORD, "membership_roles": "caseworker"}
    data.update(fields)
    return data


def test_the_password_help_fits_creating_and_editing(admin_client, world):
    create = admin_client.get("/admin/users/new/").get_data(as_text=True)
    assert "Pozostaw puste, aby zachować obecne hasło" not in create
    assert "Wymagane dla nowego konta" in create
    edit = admin_client.get(f"/admin/users/edit/?id={world.a.caseworker.id}").get_data(
        as_text=True)
    assert "Pozostaw puste, aby zachować obecne hasło" in edit
    assert "Wymagane dla nowego konta" not in edit


def test_a_length_error_is_shown_once(admin_client, world):
    response = admin_client.post(f"/admin/users/edit/?id={world.a.caseworker.id}", data={
        "email": world.a.caseworker.email, "name": "N" * 300, "active": "y"})
    assert response.status_code == 200
    errors = error_items(response.get_data(as_text=True))
    too_long = [error for error in errors if "200" in error]
    assert len(too_long) == 1, errors


@pytest.mark.parametrize("institution", ["b_leader", "999999", "nie-liczba"])
def test_an_institution_outside_the_admins_is_named_so(app, admin_client, world, institution):
    value = str(world.b.leader.id) if institution == "b_leader" else institution
    users = count_rows(app, User)
    response = admin_client.post("/admin/users/new/",
                                 data=new_user(membership_institution=value))
    page = response.get_data(as_text=True)
    assert "Ta instytucja nie istnieje albo nie zarządzasz nią." in page
    assert "To pole jest wymagane" not in page
    assert count_rows(app, User) == users

    memberships = count_rows(app, Membership)
    response = admin_client.post("/admin/memberships/new/", data={
        "user": str(world.a.caseworker.id), "institution": value, "roles": "caseworker",
        "active": "y"})
    assert "Ta instytucja nie istnieje albo nie zarządzasz nią." in response.get_data(as_text=True)
    assert count_rows(app, Membership) == memberships

    # An agreement's party (an inline form) too.
    response = admin_client.post("/admin/agreements/new/", data={
        "title": "Porozumienie", "parties-0-institution": value,
        "parties-0-contribution": "wkład"})
    assert error_items(response.get_data(as_text=True)) == [
        "Ta instytucja nie istnieje albo nie zarządzasz nią."]


NO_ROLES = "Wybierz co najmniej jedną rolę: członkostwo bez ról nie daje żadnych uprawnień."


def test_a_new_user_with_an_institution_needs_a_role(app, admin_client, world):
    users = count_rows(app, User)
    data = new_user(membership_institution=str(world.a.other.id))
    del data["membership_roles"]
    response = admin_client.post("/admin/users/new/", data=data)
    assert NO_ROLES in response.get_data(as_text=True)
    assert count_rows(app, User) == users


def test_a_membership_without_roles_is_refused(app, admin_client, world):
    memberships = count_rows(app, Membership)
    response = admin_client.post("/admin/memberships/new/", data={
        "user": str(world.a.admin.id), "institution": str(world.a.other.id), "active": "y"})
    assert NO_ROLES in response.get_data(as_text=True)
    assert count_rows(app, Membership) == memberships

    membership_id = world.a.caseworker.membership.id
    response = admin_client.post(f"/admin/memberships/edit/?id={membership_id}", data={
        "user": str(world.a.caseworker.id), "institution": str(world.a.other.id),
        "active": "y"})
    assert NO_ROLES in response.get_data(as_text=True)
    with app.app_context(), system_scope("test: reading the membership"):
        assert db.session.get(Membership, membership_id).roles == ["caseworker"]


def option_labels(html, name):
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return [label.strip() for value, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))
            if value not in ("__None", "")]


def test_institutions_are_listed_in_polish_order_of_the_name_shown(app, admin_client, world):
    # Full names in the opposite order to the short names the pickers show.
    with app.app_context(), partnership_scope(world.a.partnership.id):
        for name, short in (("Akademia", "Żak"), ("Biuro", "Łąka"), ("Centrum", "Lipa")):
            db.session.add(Institution(name=name, short_name=short, kind="ngo", role="partner",
                                       teryt="1261011", locality="Kraków"))
        db.session.commit()
    for url, field in (("/admin/users/new/", "membership_institution"),
                       ("/admin/memberships/new/", "institution")):
        labels = option_labels(admin_client.get(url).get_data(as_text=True), field)
        ours = [label for label in labels if label in ("Żak", "Łąka", "Lipa")]
        assert ours == ["Lipa", "Łąka", "Żak"], (url, labels)


# --- admin: headings that inflect ----------------------------------------------------------------


def test_the_agreement_party_headings_agree_in_gender(admin_client):
    page = admin_client.get("/admin/agreements/new/").get_data(as_text=True)
    assert "Dodaj stronę" in page
    assert "Nowa strona" in page
    assert "Dodaj Strona" not in page and "Nowy Strona" not in page

