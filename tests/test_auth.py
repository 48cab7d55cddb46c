"""Signing in and out, changing the password, and what protects those forms.

The client goes through the real /login form here; ``login_as`` is used only where the test is
about something other than signing in.
"""

import re

import pytest
from argon2 import PasswordHasher
from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.auth import passwords
from mosty.auth.models import User
from mosty.extensions import db
from mosty.tenancy import system_scope
from mosty.testing.factories import Factory

PASSWORD = "the right passphrase"
CHEAP_HASHING = {"time_cost": 1, "memory_cost": 256, "parallelism": 1}
NEW_PASSWORD = "a much longer new passphrase"
ERROR_PARAGRAPH = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def localised(app, message, locale="pl"):
    """``message`` as the page shows it in ``locale`` (whether or not a catalog is compiled)."""
    with app.test_request_context(), force_locale(locale):
        return str(escape(gettext(message)))


def sign_in(client, email, password, next=None, **kwargs):
    query = {"next": next} if next is not None else None
    return client.post("/login", query_string=query,
                       data={"email": email, "password": password}, **kwargs)


def session_user(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def session_version(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).session_version


def error_messages(response):
    return ERROR_PARAGRAPH.findall(response.get_data(as_text=True))


def csrf_token(client, path="/login"):
    page = client.get(path)
    assert page.status_code == 200
    match = CSRF_TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def audit_entries(app, action=None):
    with app.app_context(), system_scope("test reads the audit log"):
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return [
            {"action": e.action, "actor_id": e.actor_id, "object_type": e.object_type,
             "object_id": e.object_id, "detail": e.detail, "partnership_id": e.partnership_id,
             "institution_id": e.institution_id}
            for e in db.session.scalars(query)
        ]


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2id at its real cost takes a tenth of a second per check; these tests are about
    the sign-in flow, not the strength of the hash."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(**CHEAP_HASHING))


@pytest.fixture
def member(two_partnerships):
    """A caseworker who works in partnership A only."""
    return two_partnerships.factory.staff(two_partnerships.a.other, password=PASSWORD)


@pytest.fixture
def member_of_both(two_partnerships):
    user = two_partnerships.factory.staff(two_partnerships.a.other, password=PASSWORD)
    two_partnerships.factory.membership(user, two_partnerships.b.other)
    return user


# --- signing in -------------------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'type="password"' in response.get_data(as_text=True)


def test_wrong_password_shows_the_form_again_with_a_message(app, client, member):
    response = sign_in(client, member.email, "not the password")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    assert localised(app, "Wrong e-mail or password.") in page
    assert 'type="password"' in page
    assert session_user(client) is None


def test_wrong_password_message_is_polish_by_default(app, client, member):
    polish = localised(app, "Wrong e-mail or password.", "pl")
    if polish == "Wrong e-mail or password.":
        pytest.skip("the Polish catalog is not compiled")
    page = sign_in(client, member.email, "not the password").get_data(as_text=True)
    assert polish in page
    assert "Wrong e-mail or password." not in page


def test_typed_password_is_not_echoed_back(client, member):
    page = sign_in(client, member.email, "not-the-password-xyz").get_data(as_text=True)
    assert "not-the-password-xyz" not in page


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, member):
    wrong = sign_in(client, member.email, "not the password")
    unknown = sign_in(client, "nobody@example.test", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert (unknown.get_data(as_text=True).replace("nobody@example.test", "EMAIL")
            == wrong.get_data(as_text=True).replace(member.email, "EMAIL"))
    assert session_user(client) is None


def test_unknown_email_costs_a_password_check_like_a_known_one(client, member, monkeypatch):
    """No timing difference tells which e-mail addresses have an account."""
    verified = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash, password):
            verified.append(password)
            return super().verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher(**CHEAP_HASHING))
    sign_in(client, member.email, "not the password")
    assert len(verified) == 1
    sign_in(client, "nobody@example.test", "not the password")
    assert len(verified) == 2


def test_inactive_user_cannot_sign_in(app, client, two_partnerships):
    user = two_partnerships.factory.staff(two_partnerships.a.other, password=PASSWORD,
                                          active=False)
    response = sign_in(client, user.email, user.password)
    assert response.status_code == 200
    assert localised(app, "Wrong e-mail or password.") in response.get_data(as_text=True)
    assert session_user(client) is None
    assert client.get("/part-a/").status_code == 302


def test_email_is_matched_regardless_of_case_and_spaces(client, member):
    response = sign_in(client, f"  {member.email.upper()} ", member.password)
    assert response.status_code == 302
    assert session_user(client) is not None


def test_member_of_one_partnership_lands_on_its_dashboard(client, member):
    response = sign_in(client, member.email, member.password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/part-a/"
    assert session_user(client) is not None
    assert client.get("/part-a/").status_code == 200


def test_member_of_several_partnerships_lands_on_the_chooser(client, member_of_both):
    response = sign_in(client, member_of_both.email, member_of_both.password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "/part-a/" in page and "/part-b/" in page


def test_signed_in_user_visiting_login_goes_to_their_landing_page(client, member):
    sign_in(client, member.email, member.password)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/part-a/"


def test_protected_page_sends_to_login_and_back(client, member):
    response = client.get("/part-a/")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    response = client.post(login_url, data={"email": member.email, "password": member.password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/part-a/"


def test_next_is_honoured_for_a_local_path(client, member_of_both):
    response = sign_in(client, member_of_both.email, member_of_both.password,
                       next="/part-b/?tab=institutions")
    assert response.status_code == 302
    assert response.headers["Location"] == "/part-b/?tab=institutions"


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example",
    "//evil.example/part-a/",
    "http:/evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "part-a/",
])
def test_next_pointing_elsewhere_is_ignored(client, member, target):
    response = sign_in(client, member.email, member.password, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/part-a/"


def test_next_with_a_backslash_never_reaches_the_browser_as_one(client, member):
    """Browsers read ``/\\host`` as ``//host``; the redirect must stay on this site."""
    response = sign_in(client, member.email, member.password, next="/\\evil.example")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))


def test_session_is_renewed_on_sign_in_keeping_the_chosen_language(client, member):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "en"
    sign_in(client, member.email, member.password)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "en"
        assert session["_user_id"].startswith(f"{member.id}:1:")


def test_sign_in_as_another_user_replaces_the_first(client, member, member_of_both):
    sign_in(client, member.email, member.password)
    sign_in(client, member_of_both.email, member_of_both.password)
    assert session_user(client).startswith(f"{member_of_both.id}:1:")


# --- signing out ------------------------------------------------------------------------------


def test_logout_by_get_does_not_sign_out(client, member):
    sign_in(client, member.email, member.password)
    client.get("/logout", follow_redirects=True)
    assert client.get("/part-a/").status_code == 200
    assert session_user(client) is not None


@pytest.mark.parametrize("path", ["/logout", "/language"])
def test_get_on_a_post_only_address_is_405(client, member, path):
    sign_in(client, member.email, member.password)
    assert client.get(path).status_code == 405


def test_logout_ends_the_session(client, member):
    sign_in(client, member.email, member.password)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert session_user(client) is None
    response = client.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_when_not_signed_in_just_goes_to_login(client):
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


# --- changing the password --------------------------------------------------------------------


def change_password(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm": new if confirm is None else confirm,
    })


def test_password_page_needs_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions_but_keeps_this_one(app, member):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, member.email, member.password)
    sign_in(elsewhere, member.email, member.password)
    assert elsewhere.get("/part-a/").status_code == 200

    response = change_password(here, member.password, NEW_PASSWORD)
    assert response.status_code == 302

    assert here.get("/part-a/").status_code == 200
    response = elsewhere.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_new_password_works_and_old_one_does_not(app, client, member):
    sign_in(client, member.email, member.password)
    change_password(client, member.password, NEW_PASSWORD)
    fresh = app.test_client()
    assert sign_in(fresh, member.email, member.password).status_code == 200
    assert sign_in(fresh, member.email, NEW_PASSWORD).status_code == 302


def test_wrong_current_password_is_rejected(app, client, member):
    other_device = app.test_client()
    sign_in(client, member.email, member.password)
    sign_in(other_device, member.email, member.password)
    response = change_password(client, "not the password", NEW_PASSWORD)
    assert response.status_code == 200
    assert localised(app, "The current password is not correct.") in error_messages(response)
    assert session_version(app, member.id) == 1
    assert other_device.get("/part-a/").status_code == 200
    assert sign_in(app.test_client(), member.email, member.password).status_code == 302


def test_too_short_new_password_is_rejected_with_a_message(app, client, member):
    sign_in(client, member.email, member.password)
    short = "x" * (passwords.MIN_PASSWORD_LENGTH - 1)
    response = change_password(client, member.password, short)
    assert response.status_code == 200
    errors = error_messages(response)
    assert errors and str(passwords.MIN_PASSWORD_LENGTH) in errors[0]
    assert session_version(app, member.id) == 1
    assert sign_in(app.test_client(), member.email, short).status_code == 200


def test_the_current_password_again_is_not_a_new_one(app, client, member):
    sign_in(client, member.email, member.password)
    response = change_password(client, member.password, member.password)
    assert response.status_code == 200
    assert localised(app, "The new password must differ from the current one.") in (
        error_messages(response))
    assert session_version(app, member.id) == 1


def test_differing_confirmation_is_rejected(app, client, member):
    sign_in(client, member.email, member.password)
    response = change_password(client, member.password, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert response.status_code == 200
    assert localised(app, "The passwords differ.") in error_messages(response)
    assert session_version(app, member.id) == 1


# --- rate limiting ----------------------------------------------------------------------------


@pytest.fixture
def limited_app(make_app):
    return make_app(MOSTY_LOGIN_LIMIT="3 per minute")


@pytest.fixture
def limited_users(limited_app):
    f = Factory(limited_app)
    institution = f.institution(f.partnership(slug="limited"))
    return [f.staff(institution, password=PASSWORD) for _ in range(5)]


def assert_too_many_attempts(app, response):
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    # "3 per minute": the wait is said in words (one minute at most) and in Retry-After.
    with app.test_request_context(), force_locale("pl"):
        wait = str(escape(ngettext("Too many attempts. Please wait %(num)d minute and try again.",
                                   "Too many attempts. Please wait %(num)d minutes and try "
                                   "again.", 1)))
    assert wait in page
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "<html" in page


def test_fourth_failure_for_one_account_is_refused_even_from_other_addresses(limited_app,
                                                                            limited_users):
    client = limited_app.test_client()
    user = limited_users[0]
    for n in range(3):
        response = sign_in(client, user.email, "wrong", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 200
    response = sign_in(client, user.email.upper(), "wrong",
                       environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert_too_many_attempts(limited_app, response)
    # Even the right password waits until the window has passed.
    response = sign_in(client, user.email, user.password, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429
    assert session_user(client) is None
    # Another account from a fresh address is not affected.
    other = limited_users[1]
    response = sign_in(client, other.email, other.password,
                       environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert response.status_code == 302


def test_one_address_is_refused_across_accounts_at_five_times_the_account_limit(limited_app,
                                                                              limited_users):
    # An office shares one address: it may fail ADDRESS_LIMIT_FACTOR times the account limit.
    client = limited_app.test_client()
    address = {"REMOTE_ADDR": "192.0.2.7"}
    for user in limited_users:
        for _ in range(3):
            assert sign_in(client, user.email, "wrong", environ_base=address).status_code == 200
    response = sign_in(client, "someone.else@example.test", "wrong", environ_base=address)
    assert_too_many_attempts(limited_app, response)
    # Another address may still try.
    response = sign_in(client, "someone.else@example.test", "wrong",
                       environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert response.status_code == 200


def test_successful_sign_ins_do_not_count_towards_the_limit(limited_app, limited_users):
    client = limited_app.test_client()
    user = limited_users[0]
    for _ in range(4):
        assert sign_in(client, user.email, user.password).status_code == 302
        client.post("/logout")
    for _ in range(3):
        assert sign_in(client, user.email, "wrong").status_code == 200
    assert sign_in(client, user.email, "wrong").status_code == 429


def test_login_page_itself_is_not_limited(limited_app, limited_users):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200


# --- CSRF -------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def csrf_user(csrf_app):
    f = Factory(csrf_app)
    return f.staff(f.institution(f.partnership(slug="csrf")), password=PASSWORD)


def assert_form_expired(app, response):
    assert response.status_code == 400
    expected = "The form has expired or was sent from another page. Please try again."
    assert localised(app, expected) in response.get_data(as_text=True)


def csrf_sign_in(client, user):
    token = csrf_token(client)
    response = client.post("/login", data={"email": user.email, "password": user.password,
                                           "csrf_token": token})
    assert response.status_code == 302
    return token


def test_login_without_csrf_token_is_refused(csrf_app, csrf_user):
    client = csrf_app.test_client()
    client.get("/login")
    response = sign_in(client, csrf_user.email, csrf_user.password)
    assert_form_expired(csrf_app, response)
    assert session_user(client) is None
    assert audit_entries(csrf_app, "login") == []


def test_login_with_a_forged_csrf_token_is_refused(csrf_app, csrf_user):
    client = csrf_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": csrf_user.email,
                                           "password": csrf_user.password,
                                           "csrf_token": "forged"})
    assert_form_expired(csrf_app, response)
    assert session_user(client) is None


def test_login_with_the_token_from_the_form_works(csrf_app, csrf_user):
    client = csrf_app.test_client()
    csrf_sign_in(client, csrf_user)
    assert session_user(client) is not None
    assert client.get("/csrf/").status_code == 200


def test_logout_needs_the_csrf_token(csrf_app, csrf_user):
    client = csrf_app.test_client()
    csrf_sign_in(client, csrf_user)
    assert_form_expired(csrf_app, client.post("/logout"))
    assert client.get("/csrf/").status_code == 200

    token = csrf_token(client, "/csrf/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/csrf/").status_code == 302


def test_language_switch_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    client.get("/login")
    assert_form_expired(csrf_app, client.post("/language", data={"locale": "en"}))
    with client.session_transaction() as session:
        assert "locale" not in session

    token = csrf_token(client)
    response = client.post("/language", data={"locale": "en", "next": "/login",
                                              "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session["locale"] == "en"


def test_password_change_needs_the_csrf_token(csrf_app, csrf_user):
    client = csrf_app.test_client()
    csrf_sign_in(client, csrf_user)
    data = {"current_password": csrf_user.password, "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    assert_form_expired(csrf_app, client.post("/account/password", data=data))
    assert session_version(csrf_app, csrf_user.id) == 1

    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert session_version(csrf_app, csrf_user.id) == 2
    assert client.get("/csrf/").status_code == 200


# --- audit ------------------------------------------------------------------------------------


def test_audit_log_records_sign_in_password_change_and_sign_out(app, client, member,
                                                                two_partnerships):
    sign_in(client, member.email, "wrong password attempt")
    sign_in(client, member.email, member.password)
    change_password(client, member.password, NEW_PASSWORD)
    client.post("/logout")

    entries = audit_entries(app)
    assert [e["action"] for e in entries] == ["login", "password", "logout"]
    for entry in entries:
        assert entry["actor_id"] == member.id
        assert entry["object_type"] == "User"
        assert entry["object_id"] == str(member.id)
        # In the log of the partnership the account works in, with its institution there.
        assert entry["partnership_id"] == two_partnerships.a.partnership.id
        assert entry["institution_id"] == two_partnerships.a.other.id
        stored = repr(entry).lower()
        for secret in (member.email, member.password, NEW_PASSWORD, "wrong password attempt"):
            assert secret.lower() not in stored


def test_an_account_of_two_partnerships_signs_in_in_both_logs(app, client, member_of_both,
                                                              two_partnerships):
    sign_in(client, member_of_both.email, PASSWORD)
    entries = audit_entries(app, "login")
    assert sorted((e["partnership_id"], e["institution_id"]) for e in entries) == sorted([
        (two_partnerships.a.partnership.id, two_partnerships.a.other.id),
        (two_partnerships.b.partnership.id, two_partnerships.b.other.id)])


def test_the_partnership_log_shows_its_members_sign_ins(app, client, member, two_partnerships):
    from mosty.testing.factories import login

    sign_in(client, member.email, member.password)
    client.post("/logout")
    with app.app_context():
        name = db.session.get(User, member.id).name
    body = login(app.test_client(), two_partnerships.a.admin).get(
        "/part-a/audit/?action=login").get_data(as_text=True)
    assert name in body
    body_b = login(app.test_client(), two_partnerships.b.admin).get(
        "/part-b/audit/?action=login").get_data(as_text=True)
    assert name not in body_b


def test_a_platform_administrators_sign_in_stays_at_the_platform_level(app, client):
    user = Factory(app).user(password=PASSWORD, platform_admin=True)
    sign_in(client, user.email, PASSWORD)
    [entry] = audit_entries(app, "login")
    assert entry["partnership_id"] is None and entry["actor_id"] == user.id


def test_failed_sign_in_writes_no_audit_entry_with_the_typed_values(app, client, member):
    sign_in(client, member.email, "wrong password attempt")
    sign_in(client, "nobody@example.test", "wrong password attempt")
    for entry in audit_entries(app):
        stored = repr(entry)
        assert member.email not in stored
        assert "nobody@example.test" not in stored
        assert "wrong password attempt" not in stored
