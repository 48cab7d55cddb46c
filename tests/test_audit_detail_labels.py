"""The audit log page names an entry's details in the reader's language: keys, statuses,
participant fields and the pages a reading came from (QA: it showed "participant_id: 56
family_id: None form: follow_up" and "from: sent to: declined" on a Polish page)."""

from mosty.audit import labels
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships


def test_details_are_shown_with_labels_in_polish(app):
    world = build_two_partnerships(app)
    pid = world.a.partnership.id
    with app.app_context(), partnership_scope(pid):
        db.session.add_all([
            AuditEntry(partnership_id=pid, action="read", object_type="Participant",
                       object_id=56, detail={"participant_id": 56, "family_id": None,
                                             "form": "follow_up"}),
            AuditEntry(partnership_id=pid, action="transition", object_type="Referral",
                       object_id=7, detail={"from": "sent", "to": "declined"}),
            AuditEntry(partnership_id=pid, action="update", object_type="Participant",
                       object_id=56, detail={"fields": ["last_name", "phone"],
                                             "labour_skill_removed": 12}),
        ])
        db.session.commit()
    client = login(app.test_client(), world.a.admin)
    page = client.get("/part-a/audit/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in ("osoba (numer):</span> 56", "rodzina (numer):</span> —",
                  "formularz:</span> monitoring po zakończeniu",
                  "z:</span> oczekuje na odpowiedź", "do:</span> odrzucone",
                  "pola:</span> Nazwisko, Telefon", "usunięta umiejętność (numer):</span> 12"):
        assert shown in html, shown
    for raw in ("participant_id", "family_id", "follow_up", ">sent<", "last_name"):
        assert raw not in html, raw


def test_unknown_keys_and_values_are_shown_as_recorded():
    assert labels.detail_key_label("some_module_key") == "some module key"
    assert labels.detail_text("NoSuchModel", "colour", "teal") == "teal"
    assert labels.detail_text("Case", "ids", [3, 4]) == "3, 4"
    assert labels.detail_text("Case", "nested", {"a": None}) == "a: —"


def test_an_edit_conflict_and_shared_data_are_named_by_their_labels(app):
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            assert labels.detail_text("Participant", "edit_conflict", ["last_name"]) == (
                "Last name")
            assert str(labels.detail_key_label("edit_conflict")) == (
                "fields changed meanwhile by someone else")
            assert labels.detail_text("Referral", "shared_fields", ["contact"]) != "contact"
