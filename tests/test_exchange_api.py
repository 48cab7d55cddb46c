"""The JSON API: a token of one institution reads the referrals addressed to it and answers
them through the registry's transitions; other institutions' and partnerships' referrals are
404; bad input gets JSON errors with fitting codes; every read and answer is audited with the
token's technical user as the actor."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.auth.models import User
from mosty.exchange import tokens
from mosty.exchange.models import ApiToken
from mosty.extensions import db
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope


@pytest.fixture
def world(app, factory):
    """Partnership A: MOPS registered Anna and refers her to GUP and to an NGO. Partnership B
    has its own referral."""
    w = SimpleNamespace(app=app, f=factory)
    w.p = factory.partnership(slug="api-a")
    w.mops = factory.institution(w.p, name="MOPS API", kind="ops")
    w.gup = factory.institution(w.p, name="GUP API", kind="labour_office")
    w.ngo = factory.institution(w.p, name="Fundacja API", kind="ngo")
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak", phone="600100200")
    factory.consent(w.anna, [w.gup, w.ngo])
    w.to_gup = factory.referral(w.anna, w.mops, w.gup)
    w.to_ngo = factory.referral(w.anna, w.mops, w.ngo)
    w.gup_service = factory.service(w.gup, name="Poradnictwo")
    w.b = factory.partnership(slug="api-b")
    w.b_ops = factory.institution(w.b, name="OPS B", kind="ops")
    w.b_pup = factory.institution(w.b, name="PUP B", kind="labour_office")
    w.b_admin = factory.staff(w.b_ops, roles=("partnership_admin",))
    w.b_person = factory.participant(w.b_ops, first_name="Bożena", last_name="Obca")
    w.b_referral = factory.referral(w.b_person, w.b_ops, w.b_pup)
    w.gup_token = make_token(w, w.p, w.gup)
    w.ngo_token = make_token(w, w.p, w.ngo)
    w.mops_token = make_token(w, w.p, w.mops)
    w.b_token = make_token(w, w.b, w.b_pup)
    return w


def make_token(world, partnership, institution, name="System"):
    with world.app.app_context(), partnership_scope(partnership.id):
        token, plaintext = tokens.create_token(institution_id=institution.id, name=name,
                                               actor_id=world.admin.id,
                                               partnership_id=partnership.id)
        db.session.commit()
        return SimpleNamespace(id=token.id, user_id=token.user_id, plaintext=plaintext)


def api(world, token, method="GET", path="/api/v1/referrals", **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {getattr(token, 'plaintext', token)}"
    return world.app.test_client().open(path, method=method, headers=headers, **kwargs)


def referral_row(world, referral_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        r = db.session.get(Referral, referral_id)
        return SimpleNamespace(status=r.status, answered_by_id=r.answered_by_id,
                               decline_reason=r.decline_reason, result=r.result,
                               service_id=r.service_id)


def audit_entries(world, partnership=None):
    with world.app.app_context(), partnership_scope((partnership or world.p).id):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, actor_id=e.actor_id,
                                institution_id=e.institution_id, detail=e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_token_lists_only_the_referrals_addressed_to_its_institution(world):
    before = audit_entries(world)
    response = api(world, world.gup_token)
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [world.to_gup.id]
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    item = body["items"][0]
    assert item["status"] == "sent" and item["from_institution"]["id"] == world.mops.id
    (entry,) = audit_entries(world)[len(before):]
    assert (entry.action, entry.object_type, entry.actor_id, entry.institution_id) == (
        "read", "Referral", world.gup_token.user_id, world.gup.id)
    assert entry.detail["ids"] == [world.to_gup.id]
    # The sender's token sees nothing here: the API serves the inbox only.
    assert api(world, world.mops_token).get_json()["items"] == []


def test_a_token_of_institution_x_cannot_read_referrals_of_y(world):
    # Addressed to the NGO, sent by MOPS, of another partnership: all the same 404.
    for referral_id in (world.to_ngo.id, world.b_referral.id, 999_999, 10**30):
        response = api(world, world.gup_token, path=f"/api/v1/referrals/{referral_id}")
        assert response.status_code == 404, referral_id
        assert "error" in response.get_json()
        assert "Nowak" not in response.get_data(as_text=True)
    assert api(world, world.mops_token,
               path=f"/api/v1/referrals/{world.to_gup.id}").status_code == 404


def test_a_token_of_another_partnership_sees_only_its_own(world):
    response = api(world, world.b_token)
    assert [item["id"] for item in response.get_json()["items"]] == [world.b_referral.id]
    assert api(world, world.b_token,
               path=f"/api/v1/referrals/{world.to_gup.id}").status_code == 404
    # Naming partnership A in B's token does not open A: the secret is only found in B.
    forged = world.b_token.plaintext.replace(f"mosty_{world.b.id}_", f"mosty_{world.p.id}_", 1)
    assert api(world, forged).status_code == 401


def test_one_referral_shows_what_the_receiving_institution_sees_and_is_audited(world):
    before = audit_entries(world)
    response = api(world, world.gup_token, path=f"/api/v1/referrals/{world.to_gup.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["participant"] == {"id": world.anna.id, "first_name": "Anna",
                                   "last_name": "Nowak"}
    assert body["reason"] == "Doradztwo zawodowe"
    # The sender shared no fields: the phone number is not there.
    assert body["shared"] == [] and "600100200" not in response.get_data(as_text=True)
    (entry,) = audit_entries(world)[len(before):]
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "read", str(world.to_gup.id), world.gup_token.user_id)
    assert entry.detail["api_token"] == world.gup_token.id


def test_missing_wrong_and_revoked_tokens_get_401(world):
    assert api(world, None).status_code == 401
    assert api(world, "mosty_1_not-a-token").status_code == 401
    assert api(world, "garbage").status_code == 401
    basic = {"Authorization": f"Basic {world.gup_token.plaintext}"}
    assert api(world, None, headers=basic).status_code == 401
    with world.app.app_context(), partnership_scope(world.p.id):
        tokens.revoke_token(db.session.get(ApiToken, world.gup_token.id), actor_id=world.admin.id)
        db.session.commit()
    response = api(world, world.gup_token)
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_tokens_are_stored_hashed_with_an_inactive_technical_user(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        token = db.session.get(ApiToken, world.gup_token.id)
        assert token.token_hash == tokens.hash_token(world.gup_token.plaintext)
        assert world.gup_token.plaintext not in (token.token_hash, token.prefix)
        user = db.session.get(User, token.user_id)
        assert not user.active and user.password_hash == "" and user.memberships == []
        assert token.last_used_at is None
    api(world, world.gup_token)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(ApiToken, world.gup_token.id).last_used_at is not None


def test_pagination_and_bad_query_arguments(world):
    for _ in range(4):
        world.f.referral(world.anna, world.mops, world.gup)
    body = api(world, world.gup_token, query_string={"per_page": 2, "page": 3}).get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (5, 3, 1)
    assert api(world, world.gup_token, query_string={"status": "declined"}).get_json()[
        "items"] == []
    for bad in ({"page": "abc"}, {"page": "0"}, {"per_page": "500"}, {"status": "lost"}):
        response = api(world, world.gup_token, query_string=bad)
        assert response.status_code == 400, bad
        assert response.get_json()["error"]


def answer(world, token, referral_id, **kwargs):
    return api(world, token, "POST", f"/api/v1/referrals/{referral_id}/answer", **kwargs)


def test_accept_then_complete_through_the_registry_transitions(world):
    before = audit_entries(world)
    response = answer(world, world.gup_token, world.to_gup.id,
                      json={"action": "accept", "service_id": world.gup_service.id})
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    row = referral_row(world, world.to_gup.id)
    assert (row.status, row.answered_by_id, row.service_id) == (
        "accepted", world.gup_token.user_id, world.gup_service.id)
    response = answer(world, world.gup_token, world.to_gup.id,
                      json={"action": "complete", "result": "Podjęła staż"})
    assert response.status_code == 200
    assert referral_row(world, world.to_gup.id).result == "Podjęła staż"
    transitions = [e for e in audit_entries(world)[len(before):] if e.action == "transition"]
    assert [(e.detail["from"], e.detail["to"], e.actor_id, e.institution_id)
            for e in transitions] == [
        ("sent", "accepted", world.gup_token.user_id, world.gup.id),
        ("accepted", "completed", world.gup_token.user_id, world.gup.id)]
    assert len(audit_entries(world)) - len(before) == 2


def test_decline_needs_a_reason(world):
    response = answer(world, world.gup_token, world.to_gup.id, json={"action": "decline"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "reason"
    assert referral_row(world, world.to_gup.id).status == "sent"
    response = answer(world, world.gup_token, world.to_gup.id,
                      json={"action": "decline", "reason": "Brak miejsc"})
    assert response.status_code == 200
    assert referral_row(world, world.to_gup.id).decline_reason == "Brak miejsc"


def test_bad_answers_get_json_errors_and_change_nothing(world):
    url_id = world.to_gup.id
    cases = [
        (dict(data="not json", content_type="text/plain"), 400),
        (dict(data="{broken", content_type="application/json"), 400),
        (dict(json=["accept"]), 400),
        (dict(json={"action": "approve"}), 422),
        (dict(json={}), 422),
        (dict(json={"action": "accept", "service_id": "7"}), 422),
        (dict(json={"action": "accept", "service_id": 999_999}), 422),
        (dict(json={"action": "accept", "service_id": 10**30}), 422),
        (dict(json={"action": "decline", "reason": 5}), 422),
        (dict(json={"action": "decline", "reason": "x" * 6000}), 422),
        # a NUL (PostgreSQL refuses it: a 500; SQLite stored it) and a lone surrogate (no
        # database stores it: a 500 on both) are refused
        (dict(json={"action": "decline", "reason": "Brak\x00miejsc"}), 422),
        (dict(json={"action": "decline", "reason": "\udcff"}), 422),
        (dict(json={"action": "complete"}), 409),
    ]
    before = audit_entries(world)
    for kwargs, status in cases:
        response = answer(world, world.gup_token, url_id, **kwargs)
        assert response.status_code == status, (kwargs, response.get_json())
        assert response.is_json and response.get_json()["error"]
    assert referral_row(world, url_id).status == "sent"
    assert audit_entries(world) == before
    # Answering twice: the second is a conflict.
    assert answer(world, world.gup_token, url_id, json={"action": "accept"}).status_code == 200
    response = answer(world, world.gup_token, url_id, json={"action": "decline", "reason": "x"})
    assert response.status_code == 409 and response.get_json()["referral_status"] == "accepted"
    # Not addressed to the token's institution: 404, whatever the body.
    assert answer(world, world.gup_token, world.to_ngo.id,
                  json={"action": "accept"}).status_code == 404
    assert answer(world, world.gup_token, world.b_referral.id,
                  json={"action": "accept"}).status_code == 404
    assert api(world, world.gup_token, "DELETE",
               f"/api/v1/referrals/{url_id}").status_code == 405


def test_json_nested_deeper_than_the_decoder_goes_is_a_400_like_any_bad_json(world):
    # 4 KB of brackets: the decoder gives up with RecursionError, not ValueError.
    body = '{"a":' + "[" * 2000 + "]" * 2000 + "}"
    before = audit_entries(world)
    response = answer(world, world.gup_token, world.to_gup.id, data=body,
                      content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Treść żądania nie jest poprawnym obiektem JSON.",
                                   "status": 400}
    assert referral_row(world, world.to_gup.id).status == "sent"
    assert audit_entries(world) == before


def test_a_conflict_names_the_referrals_status_in_words(world):
    assert answer(world, world.gup_token, world.to_gup.id,
                  json={"action": "accept"}).status_code == 200
    response = answer(world, world.gup_token, world.to_gup.id,
                      json={"action": "decline", "reason": "Brak miejsc"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["referral_status"] == "accepted"  # the code, for programs
    assert body["error"] == ("Skierowanie ma status „przyjęte”; nie można teraz odpowiedzieć "
                             "na nie akcją decline.")


def test_the_api_needs_no_csrf_token_but_the_pages_still_do(make_app, factory):
    app = make_app(WTF_CSRF_ENABLED=True)
    f = type(factory)(app)
    p = f.partnership(slug="api-csrf")
    mops, gup = f.institution(p, name="MOPS"), f.institution(p, name="GUP")
    anna = f.participant(mops)
    f.consent(anna, [gup], purposes=("referral",))  # what the referral was sent on
    referral = f.referral(anna, mops, gup)
    world = SimpleNamespace(app=app, p=p, admin=f.staff(mops, roles=("partnership_admin",)))
    token = make_token(world, p, gup)
    response = answer(world, token, referral.id, json={"action": "accept"})
    assert response.status_code == 200
    # The exchange pages keep CSRF: a form post without the token is refused.
    from mosty.testing.factories import login

    client = login(app.test_client(), world.admin)
    assert client.post("/api-csrf/exchange/tokens/new",
                       data={"institution": gup.id, "name": "x"}).status_code == 400


def test_errors_are_in_polish_by_default(world):
    response = api(world, None)
    assert response.get_json()["error"] == "Wymagany jest ważny token API."


@pytest.mark.postgres
def test_on_postgresql_behind_row_level_security_a_token_stays_in_its_partnership(pg_app):
    """The token lookup and the reads run as the RLS-bound runtime role."""
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(pg_app)
    world = SimpleNamespace(app=pg_app, f=f)
    sides = []
    for slug in ("rls-a", "rls-b"):
        p = f.partnership(slug=slug)
        ops, pup = f.institution(p, name=f"OPS {slug}"), f.institution(p, name=f"PUP {slug}")
        world.admin = f.staff(ops, roles=("partnership_admin",))
        person = f.participant(ops)
        f.consent(person, [pup])
        sides.append(SimpleNamespace(p=p, referral=f.referral(person, ops, pup),
                                     token=make_token(world, p, pup)))
    a, b = sides
    world.p = a.p
    assert [i["id"] for i in api(world, a.token).get_json()["items"]] == [a.referral.id]
    assert api(world, a.token, path=f"/api/v1/referrals/{b.referral.id}").status_code == 404
    assert answer(world, a.token, b.referral.id, json={"action": "accept"}).status_code == 404
    assert api(world, a.token, path=f"/api/v1/referrals/{10**30}").status_code == 404
    assert answer(world, a.token, a.referral.id,
                  json={"action": "accept", "service_id": 10**30}).status_code == 422
    assert answer(world, a.token, a.referral.id, json={"action": "accept"}).status_code == 200
    forged = b.token.plaintext.replace(f"mosty_{b.p.id}_", f"mosty_{a.p.id}_", 1)
    assert api(world, forged).status_code == 401


def test_a_restricted_persons_referral_shows_numbers_and_statuses_only(world):
    from mosty.participants.models import Participant

    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Referral, world.to_gup.id).shared_fields = ["contact"]
        db.session.get(Participant, world.anna.id).processing_restricted = True
        db.session.commit()
    response = api(world, world.gup_token, path=f"/api/v1/referrals/{world.to_gup.id}")
    body = response.get_json()
    assert response.status_code == 200 and body["processing_restricted"] is True
    assert body["participant"] == {"id": world.anna.id}
    assert body["reason"] is None and body["shared"] == []
    text = response.get_data(as_text=True)
    assert "Nowak" not in text and "600100200" not in text and "Doradztwo" not in text
