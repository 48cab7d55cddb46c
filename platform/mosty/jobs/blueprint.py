"""URL rules of the job pages (mounted under /<partnership>/jobs/)."""

from flask import Blueprint

from . import runner, views  # noqa: F401 - runner registers the task mosty.jobs.run

bp = Blueprint("jobs", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<int:job_id>", "detail", views.detail)
bp.add_url_rule("/<int:job_id>/progress", "progress", views.progress)
bp.add_url_rule("/<int:job_id>/result", "result", views.result)


@bp.app_template_global("job_state_label")
def job_state_label(state):
    return views.state_label(state)
