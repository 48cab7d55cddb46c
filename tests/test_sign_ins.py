"""Sign-ins kept on the server (``mosty.auth.sign_ins``): signing out ends the session for
good, a password change ends the others, old sign-ins expire, and the table holds digests."""

import hashlib
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from mosty.auth import passwords
from mosty.auth.models import SignIn, User
from mosty.auth.tasks import deactivate_dormant_accounts, purge_expired_sign_ins
from mosty.db import utcnow
from mosty.extensions import db
from mosty.tasks import beat_schedule
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships

PASSWORD = "the right passphrase"
NEW_PASSWORD = "a much longer new passphrase"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))


def member_of(app):
    world = build_two_partnerships(app)
    return world.factory.staff(world.a.other, password=PASSWORD)


@pytest.fixture
def member(app):
    return member_of(app)


@pytest.fixture
def two_members(app):
    world = build_two_partnerships(app)
    return [world.factory.staff(world.a.other, password=PASSWORD) for _ in range(2)]


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client):
    """Whether the client's session opens a page of partnership A."""
    return client.get("/part-a/").status_code == 200


def copy_of_the_cookie(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def sign_ins_of(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SignIn)
                                 .where(SignIn.user_id == user_id))


def session_id(client):
    with client.session_transaction() as session:
        return session["_user_id"]


def test_a_copy_of_the_cookie_stops_working_when_its_owner_signs_out(any_app):
    member = member_of(any_app)
    owner = sign_in(any_app.test_client(), member)
    copy = copy_of_the_cookie(any_app, owner)
    assert signed_in(copy)

    assert owner.post("/logout").status_code == 302
    assert not signed_in(owner)
    response = copy.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert sign_ins_of(any_app, member.id) == 0


def test_signing_out_ends_this_session_only(app, member):
    office, home = sign_in(app.test_client(), member), sign_in(app.test_client(), member)
    assert sign_ins_of(app, member.id) == 2
    office.post("/logout")
    assert not signed_in(office)
    assert signed_in(home)
    assert sign_ins_of(app, member.id) == 1


def test_a_password_change_ends_the_other_sign_ins_and_keeps_this_one(app, member):
    here, elsewhere = sign_in(app.test_client(), member), sign_in(app.test_client(), member)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert sign_ins_of(app, member.id) == 1


def test_the_table_holds_the_digest_of_the_secret_never_the_secret(app, member):
    client = sign_in(app.test_client(), member)
    user_id, version, secret = session_id(client).split(":")
    assert (int(user_id), version) == (member.id, "1")
    assert len(secret) >= 40
    with app.app_context():
        digests = db.session.scalars(select(SignIn.token_digest)).all()
    assert digests == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in digests


def test_a_sign_in_past_its_maximum_age_is_refused_even_while_in_use(make_app):
    app = make_app(MOSTY_SIGN_IN_MAX_HOURS=12)
    member = member_of(app)
    client = sign_in(app.test_client(), member)
    assert signed_in(client)
    with app.app_context():
        db.session.execute(update(SignIn).values(started_at=utcnow() - timedelta(hours=13)))
        db.session.commit()
    response = client.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_nightly_task_deletes_expired_sign_ins_and_keeps_live_ones(app, member):
    old, fresh = sign_in(app.test_client(), member), sign_in(app.test_client(), member)
    old_digest = hashlib.sha256(session_id(old).split(":")[2].encode()).hexdigest()
    with app.app_context():
        db.session.execute(update(SignIn).where(SignIn.token_digest == old_digest)
                           .values(started_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        assert purge_expired_sign_ins.delay().get() == {"deleted": 1}
    assert sign_ins_of(app, member.id) == 1
    assert signed_in(fresh)
    assert not signed_in(old)


def test_the_nightly_task_is_scheduled():
    entry = beat_schedule()["purge-expired-sign-ins"]
    assert entry["task"] == "mosty.auth.purge_expired_sign_ins"


@pytest.mark.parametrize("planted", [
    "{id}:1",  # a session from before sign-ins were kept (no secret): sign in again
    "{id}:1:",
    "{id}:1:not-a-secret-of-any-sign-in",
    "{id}:2:{secret}",  # a stale session version
    "{id}:x:{secret}",
    "{id}:1:{secret}:extra",
    "::",
    "\x00",
    "²:1:{secret}",  # a digit to str.isdigit, not to int()
    "9" * 5000 + ":1:{secret}",  # beyond Python's and the database's integers
    "99999999999:1:{secret}",
    "{id}:1:\ud800" + "a" * 40,  # a lone surrogate cannot even be encoded
])
def test_a_session_id_naming_no_live_sign_in_is_signed_out_not_an_error(app, member, planted):
    secret = session_id(sign_in(app.test_client(), member)).split(":")[2]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = planted.format(id=member.id, secret=secret)
    response = client.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_test_helper_signs_in_the_way_the_form_does(app, member):
    client = login(app.test_client(), member)
    assert signed_in(client)
    assert sign_ins_of(app, member.id) == 1


def test_signing_in_over_a_live_session_ends_the_one_it_replaces(app, two_members):
    first, second = two_members
    shared = sign_in(app.test_client(), first)
    copy = copy_of_the_cookie(app, shared)
    sign_in(shared, second)
    assert not signed_in(copy)
    assert signed_in(shared)
    assert (sign_ins_of(app, first.id), sign_ins_of(app, second.id)) == (0, 1)


def test_signing_in_again_as_the_same_user_keeps_the_new_sign_in(app, member):
    client = sign_in(app.test_client(), member)
    sign_in(client, member)
    assert signed_in(client)
    assert sign_ins_of(app, member.id) == 1


def test_a_new_sign_in_clears_the_users_expired_ones(app, member):
    sign_in(app.test_client(), member)
    with app.app_context():
        db.session.execute(update(SignIn).values(started_at=utcnow() - timedelta(days=3)))
        db.session.commit()
    sign_in(app.test_client(), member)
    assert sign_ins_of(app, member.id) == 1


def test_switching_off_dormant_accounts_ends_their_sign_ins(app, member):
    client = sign_in(app.test_client(), member)
    with app.app_context():
        db.session.execute(update(User).values(last_login_at=utcnow() - timedelta(days=400)))
        db.session.commit()
        assert deactivate_dormant_accounts.delay().get()["deactivated"] >= 1
    assert sign_ins_of(app, member.id) == 0
    assert not signed_in(client)


def test_a_session_id_is_never_written_without_a_sign_in(app, member):
    with app.app_context():
        user = db.session.get(User, member.id)
        with pytest.raises(RuntimeError, match="sign_ins.start"):
            user.get_id()
