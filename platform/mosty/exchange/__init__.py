"""Exchange between institutions and outside systems: the outbox of events, webhooks with
signed deliveries and a delivery log, the JSON API with per-institution tokens, and exports of
an institution's own records."""


def init_app(app):
    """Wire the outbox to delivery, mount the JSON API and schedule the beat sweep."""
    from . import delivery, exports, outbox  # noqa: F401 - exports registers its job handler
    from .api import bp as api_bp

    outbox.init_session_events(delivery.on_events_committed)
    app.after_request(delivery.dispatch_at_request_end)
    app.register_blueprint(api_bp)
    celery = app.extensions.get("celery")
    if celery is not None:
        celery.conf.beat_schedule = {
            **(celery.conf.beat_schedule or {}),
            "exchange-sweep-outbox": {"task": "mosty.exchange.sweep", "schedule": 60.0},
        }
