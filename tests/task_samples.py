"""Test-only tasks: a partnership task whose effect is an audit entry, so counting entries
shows whether any effect was applied twice."""

from sqlalchemy import func, select

from mosty import audit
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.partnerships.models import Institution
from mosty.tasks import partnership_task


@partnership_task("tests.record_probe", autoretry_for=(RuntimeError,), retry_backoff=1,
                  retry_backoff_max=2, retry_jitter=False)
def record_probe(partnership_id, actor_id, probe, fail_until_retry=0):
    from celery import current_task

    retries = current_task.request.retries if current_task and current_task.request else 0
    if retries < fail_until_retry:
        raise RuntimeError("injected failure")
    audit.record("update", object_type="TaskProbe", object_id=probe, actor_id=actor_id)
    visible = db.session.scalar(select(func.count()).select_from(Institution))
    return {"probe": probe, "institutions_visible": visible}


def probe_entries():
    return select(AuditEntry).where(AuditEntry.object_type == "TaskProbe")
