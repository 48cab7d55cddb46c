# ruff: noqa: F811 - the imported fixtures `app` and `world` are named as test parameters
"""An account has no partnership of its own, but the partnerships it works in answer for who
reaches their records: a platform administrator's change of an account is in the log of each
partnership the account works in, with the administrator as its author, as a partnership
administrator's own change is in theirs."""

from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.auth.models import User
from mosty.extensions import db
from mosty.tenancy import system_scope
from mosty.testing.factories import login
from test_admin import NEW_PASSWORD
from test_admin_review_fixes import app, world  # noqa: F401 - the admin world with a module


def user_entries(app, user_id):
    with app.app_context(), system_scope("test reads the audit log"):
        return [(e.action, e.partnership_id, e.actor_id, e.institution_id) for e in
                db.session.scalars(select(AuditEntry).where(
                    AuditEntry.object_type == "User", AuditEntry.object_id == str(user_id))
                    .order_by(AuditEntry.id))]


def test_a_platform_administrators_change_is_in_each_partnership_of_the_account(
        app, client, world):
    shared = world.factory.staff(world.a.other)
    world.factory.membership(shared, world.b.other)
    login(client, world.platform_admin)
    response = client.post(f"/admin/users/edit/?id={shared.id}", data={
        "email": shared.email, "name": "Nowe Nazwisko", "new_password": NEW_PASSWORD,
        "active": "y"})
    assert response.status_code == 302
    updates = [e for e in user_entries(app, shared.id) if e[0] == "update"]
    assert sorted(e[1] for e in updates) == sorted([world.a.partnership.id,
                                                    world.b.partnership.id])
    assert {e[2] for e in updates} == {world.platform_admin.id}
    assert {e[3] for e in updates} == {None}  # the platform administrator works nowhere

    # Partnership B's administrator reads it in B's log, with its author.
    with app.app_context():
        author = db.session.get(User, world.platform_admin.id).name
    page = login(app.test_client(), world.b.admin).get(
        f"/part-b/audit/?actor={world.platform_admin.id}").get_data(as_text=True)
    assert author in page and "Żaden wpis" not in page and "No entries" not in page


def test_a_partnership_administrators_change_stays_in_their_partnership(app, client, world):
    login(client, world.a.admin)
    pk = world.a.caseworker.id
    response = client.post(f"/admin/users/edit/?id={pk}", data={
        "email": world.a.caseworker.email, "name": "Doradca Zmieniony", "active": "y"})
    assert response.status_code == 302
    updates = [e for e in user_entries(app, pk) if e[0] == "update"]
    assert [(e[1], e[2], e[3]) for e in updates] == [
        (world.a.partnership.id, world.a.admin.id, world.a.leader.id)]
