"""Every model that can appear in the audit log has a translated name in the viewer; plugins
name theirs with ``__audit_label__``."""

from datetime import UTC, datetime

from mosty.audit.labels import OBJECT_TYPE_LABELS, object_type_label
from mosty.audit.models import AuditEntry
from mosty.db import Base
from mosty.extensions import db
from mosty.tenancy import partnership_scope


def test_every_core_model_has_a_label(app):
    core = {m.class_.__name__ for m in Base.registry.mappers
            if m.class_.__module__.startswith("mosty.")}
    assert core - set(OBJECT_TYPE_LABELS) == set()
    # Object types recorded by name rather than by a model.
    assert {"PartnershipReport", "DemoData"} <= set(OBJECT_TYPE_LABELS)


def test_a_plugin_model_is_named_by_its_audit_label(app, monkeypatch):
    plugin_model = next(m.class_ for m in Base.registry.mappers
                        if not m.class_.__module__.startswith("mosty.")
                        and m.class_.__name__ not in OBJECT_TYPE_LABELS)
    name = plugin_model.__name__
    monkeypatch.setattr(plugin_model, "__audit_label__", "Etykieta wtyczki", raising=False)
    assert object_type_label(name) == "Etykieta wtyczki"
    assert object_type_label("NoSuchModel") == "NoSuchModel"  # nothing declared: as recorded


def test_every_installed_plugin_model_has_a_label(app):
    unnamed = {m.class_.__name__ for m in Base.registry.mappers
               if not m.class_.__module__.startswith("mosty.")
               and m.class_.__name__ not in OBJECT_TYPE_LABELS
               and getattr(m.class_, "__audit_label__", None) is None}
    assert unnamed == set()


def test_the_viewer_shows_api_tokens_and_webhooks_in_polish(app, client, two_partnerships,
                                                            login_as):
    a = two_partnerships.a
    with app.app_context(), partnership_scope(a.partnership.id):
        for object_id, object_type in ((901, "ApiToken"), (902, "WebhookEndpoint"),
                                       (903, "Job"), (904, "ImportBatch")):
            db.session.add(AuditEntry(at=datetime(2026, 1, 5, tzinfo=UTC), action="create",
                                      object_type=object_type, object_id=str(object_id),
                                      detail={}))
        db.session.commit()
    login_as(client, a.admin)
    html = client.get("/part-a/audit/").get_data(as_text=True)
    rows = {object_id: next(r for r in html.split("<tr>") if f"#{object_id}</small>" in r)
            for object_id in (901, 902, 903, 904)}
    assert "Token API" in rows[901] and "ApiToken" not in rows[901]
    assert "Webhook" in rows[902] and "WebhookEndpoint" not in rows[902]
    assert "Zadanie" in rows[903]
    assert "Import" in rows[904] and "ImportBatch" not in rows[904]


def test_entries_recorded_by_table_name_are_named_by_the_models_label(app):
    """The animator module records its objects by table name (``animator_agreement``): the
    viewer names them with the model's label, in Polish, never the raw table name, and the
    core's partnership ``Agreement`` keeps its own label."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("pl"):
        assert str(object_type_label("animator_agreement")) == "Porozumienie z instytucją (animator)"
        assert str(object_type_label("animator_case")) == "Rodzina w naborze"
        assert str(object_type_label("Agreement")) == "Porozumienie"
