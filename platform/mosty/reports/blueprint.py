"""URL rules of the report pages (mounted under /<partnership>/reports/)."""

from flask import Blueprint

from . import jobs, tasks, views  # noqa: F401 - jobs and tasks register the job handler and tasks

bp = Blueprint("reports", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/generate", "generate", views.generate, methods=("POST",))
bp.add_url_rule("/stored/", "stored", views.stored)
bp.add_url_rule("/stored/<int:report_id>/<variant>.<file_format>", "download", views.download)
bp.add_url_rule("/recipients", "recipients", views.recipients, methods=("GET", "POST"))
bp.add_url_rule("/recipients/<int:recipient_id>/remove", "remove_recipient",
                views.remove_recipient, methods=("POST",))
