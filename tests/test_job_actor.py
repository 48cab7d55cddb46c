"""Work a job does in a worker, outside any request, is its starter's: the audit entries and
the correction history it writes name them and their institution, as the same change made on
a page would. (They named no one: a Celery worker has no signed-in user, and an import that
filled a person's blank phone left a correction "by —".)"""

from sqlalchemy import select

from mosty import audit
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.jobs import JobResult, job_handler
from mosty.jobs.models import Job
from mosty.jobs.runner import run_job
from mosty.participants.models import Participant
from mosty.privacy.models import Rectification
from mosty.tenancy import partnership_scope
from test_jobs import build


@job_handler("test.rectify")
def rectify(job, params, report_progress):
    person = db.session.get(Participant, params["participant_id"])
    person.phone = "600 700 800"
    audit.record("update", person, detail={"fields": ["phone"]})
    return JobResult()


def test_outside_a_request_the_actor_is_whoever_the_work_is_done_for(app):
    with app.app_context():
        assert audit.current_actor() == (None, None)
        with audit.acting_as(7, 3):
            assert audit.current_actor() == (7, 3)
            with audit.acting_as(8, 4):
                assert audit.current_actor() == (8, 4)
            assert audit.current_actor() == (7, 3)
        assert audit.current_actor() == (None, None)


def test_a_job_run_by_a_worker_writes_history_and_audit_in_its_starters_name(app, factory):
    w = build(app)
    person = factory.participant(w.mops, phone="")
    with app.app_context(), partnership_scope(w.p.id):
        job = Job(institution_id=w.mops.id, actor_id=w.clerk.id, kind="test.rectify",
                  title="Poprawka", params={"participant_id": person.id})
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    # As the worker runs it: no request, no signed-in user.
    with app.app_context():
        assert run_job.apply(args=(w.p.id, w.clerk.id), kwargs={"job_id": job_id}).get() == {
            "job_id": job_id, "state": "done"}
    with app.app_context(), partnership_scope(w.p.id):
        correction = db.session.scalars(select(Rectification)).one()
        assert (correction.field, correction.old_value, correction.new_value) == (
            "phone", "", "600 700 800")
        assert (correction.changed_by_id, correction.institution_id) == (w.clerk.id, w.mops.id)
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.object_type == "Participant")).one()
        assert (entry.actor_id, entry.institution_id) == (w.clerk.id, w.mops.id)
