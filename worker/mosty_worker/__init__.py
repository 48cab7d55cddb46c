"""The Celery worker and beat of Mosty: ``celery -A mosty_worker:celery_app worker`` / ``beat``.

Only the Celery app and its schedule are built here; tasks live beside the code they serve
and are imported with the Flask app.
"""

from mosty import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

__all__ = ["celery_app", "flask_app"]
