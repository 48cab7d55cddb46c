"""Jobs: a handler runs in the job's partnership with one all-or-nothing transaction, its
progress is visible to the job page while it runs (PostgreSQL and SQLite), failures end as
failed jobs with a readable message, and results are reached only by the member who started
the job and their institution's coordinators (404 for everyone else); downloads are audited."""

import threading
from datetime import date
from types import SimpleNamespace

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.auth import sign_ins
from mosty.auth.models import User
from mosty.extensions import db
from mosty.jobs import JobFailed, JobResult, job_handler, start_job
from mosty.jobs.models import Job
from mosty.participants.models import Participant
from mosty.partnerships.wall import enter_partnership
from mosty.tenancy import partnership_scope
from mosty.tenancy.context import clear_request_partnership
from mosty.testing.factories import login

OBSERVED = []


@job_handler("test.echo")
def echo(job, params, report_progress):
    report_progress(1, 2)
    report_progress(2, 2)
    return JobResult("echo.csv", "text/csv", ("hello;" + params["word"]).encode(),
                     {"lines": ["Wrote one line."], "count": 1})


def _add_person(job, last_name):
    db.session.add(Participant(institution_id=job.institution_id, first_name="Ewa",
                               last_name=last_name, sex="female", birth_date=date(1980, 1, 2)))
    db.session.flush()


@job_handler("test.watched")
def watched(job, params, report_progress):
    """Writes a person, reports progress, then asks the progress page (another thread, as a
    browser would) what it sees while this transaction is still open."""
    _add_person(job, "Obserwowana")
    report_progress(3, 4)
    app, client = params_app[job.id]
    seen = {}

    def look():
        seen["progress"] = client.get(f"/{params['slug']}/jobs/{job.id}/progress").get_json()
        with app.app_context(), partnership_scope(params["partnership_id"]):
            seen["people"] = db.session.scalar(select(func.count(Participant.id)).where(
                Participant.last_name == "Obserwowana"))

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(timeout=20)
    OBSERVED.append(seen)


@job_handler("test.broken")
def broken(job, params, report_progress):
    _add_person(job, "Niezapisana")
    report_progress(1, 3)
    raise RuntimeError("disk on fire")


@job_handler("test.refused")
def refused(job, params, report_progress):
    _add_person(job, "Niezapisana")
    raise JobFailed("Plik jest pusty.", errors=[{"line": 3, "column": "PESEL",
                                                 "message": "Zła cyfra kontrolna."}])


params_app = {}


def start_as(app, member, kind, params=None, title="Zadanie testowe", slug=None):
    """Start a job as ``member`` inside a request, as a view would."""
    with app.test_request_context():
        user = db.session.get(User, member.id)
        sign_ins.start(user)
        login_user(user)
        enter_partnership(slug)
        job = start_job(kind, title, params or {})
        job_id = job.id
        clear_request_partnership()
    return job_id


def job_row(app, partnership_id, job_id):
    with app.app_context(), partnership_scope(partnership_id):
        job = db.session.get(Job, job_id)
        return SimpleNamespace(state=job.state, message=job.message, errors=job.errors,
                               done=job.progress_done, total=job.progress_total,
                               summary=job.summary, filename=job.result_filename,
                               institution_id=job.institution_id, actor_id=job.actor_id)


def count(app, partnership_id, model, *where):
    with app.app_context(), partnership_scope(partnership_id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def build(app):
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(app)
    w = SimpleNamespace(app=app)
    w.p = f.partnership(slug="zadania")
    w.mops = f.institution(w.p, name="MOPS Zadania")
    w.gup = f.institution(w.p, name="GUP Zadania", kind="labour_office")
    w.clerk = f.staff(w.mops)
    w.colleague = f.staff(w.mops)
    w.coordinator = f.staff(w.mops, roles=("coordinator",))
    w.other = f.staff(w.gup, roles=("caseworker", "coordinator"))
    w.q = f.partnership(slug="obce")
    w.foreign = f.staff(f.institution(w.q, name="OPS Obce"), roles=("caseworker", "coordinator"))
    return w


@pytest.fixture
def world(app):
    return build(app)


def client_of(app, user):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def test_a_job_runs_its_handler_and_keeps_its_result_for_download(world):
    job_id = start_as(world.app, world.clerk, "test.echo", {"word": "świat"}, slug="zadania")
    job = job_row(world.app, world.p.id, job_id)
    assert (job.state, job.done, job.total, job.filename) == ("done", 2, 2, "echo.csv")
    assert (job.institution_id, job.actor_id) == (world.mops.id, world.clerk.id)
    client = client_of(world.app, world.clerk)
    page = client.get(f"/zadania/jobs/{job_id}").get_data(as_text=True)
    assert "Wrote one line." in page and 'id="job-result"' in page
    assert 'value="100"' in page
    before = count(world.app, world.p.id, AuditEntry)
    response = client.get(f"/zadania/jobs/{job_id}/result")
    assert response.status_code == 200
    assert response.data == "hello;świat".encode()
    assert "echo.csv" in response.headers["Content-Disposition"]
    assert count(world.app, world.p.id, AuditEntry) - before == 1
    assert count(world.app, world.p.id, AuditEntry, AuditEntry.action == "export",
                 AuditEntry.object_type == "Job", AuditEntry.object_id == str(job_id)) == 1
    progress = client.get(f"/zadania/jobs/{job_id}/progress").get_json()
    assert progress["state"] == "done" and progress["percent"] == 100
    assert progress["result_url"] == f"/zadania/jobs/{job_id}/result"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_progress_is_visible_while_the_job_runs_but_its_effect_only_when_done(make_app,
                                                                              backend):
    app = make_app(backend=backend)
    world = build(app)
    OBSERVED.clear()
    client = client_of(app, world.clerk)
    # The handler finds the app and a signed-in browser through this registry (next job id).
    with app.app_context(), partnership_scope(world.p.id):
        next_id = (db.session.scalar(select(func.max(Job.id))) or 0) + 1
    params_app[next_id] = (app, client)
    job_id = start_as(app, world.clerk, "test.watched",
                      {"slug": "zadania", "partnership_id": world.p.id}, slug="zadania")
    assert job_id == next_id
    (seen,) = OBSERVED
    assert seen["progress"]["state"] == "running"
    assert (seen["progress"]["done"], seen["progress"]["total"]) == (3, 4)
    assert seen["progress"]["percent"] == 75
    assert seen["people"] == 0  # the job's own writes wait for its commit
    assert job_row(app, world.p.id, job_id).state == "done"
    assert count(app, world.p.id, Participant, Participant.last_name == "Obserwowana") == 1


def test_a_failing_handler_leaves_a_failed_job_with_a_readable_message_and_saves_nothing(world):
    job_id = start_as(world.app, world.clerk, "test.broken", slug="zadania")
    job = job_row(world.app, world.p.id, job_id)
    assert job.state == "failed"
    assert "unexpected error" in job.message or "nieoczekiwanego" in job.message
    assert str(job_id) in job.message and "disk on fire" not in job.message
    assert count(world.app, world.p.id, Participant) == 0
    page = client_of(world.app, world.clerk).get(f"/zadania/jobs/{job_id}")
    assert page.status_code == 200
    assert 'id="job-message"' in page.get_data(as_text=True)


def test_an_expected_failure_shows_its_message_and_errors_by_line_and_column(world):
    job_id = start_as(world.app, world.clerk, "test.refused", slug="zadania")
    job = job_row(world.app, world.p.id, job_id)
    assert (job.state, job.message) == ("failed", "Plik jest pusty.")
    assert job.errors == [{"line": 3, "column": "PESEL", "message": "Zła cyfra kontrolna."}]
    assert count(world.app, world.p.id, Participant) == 0
    page = client_of(world.app, world.clerk).get(f"/zadania/jobs/{job_id}").get_data(
        as_text=True)
    assert "Plik jest pusty." in page and "Zła cyfra kontrolna." in page
    client = client_of(world.app, world.clerk)
    assert client.get(f"/zadania/jobs/{job_id}/result").status_code == 404


def test_the_failure_message_is_in_the_language_of_the_member_who_started_the_job(world):
    with world.app.app_context():
        db.session.get(User, world.clerk.id).locale = "pl"
        db.session.commit()
    job_id = start_as(world.app, world.clerk, "test.broken", slug="zadania")
    assert "Zadanie zostało przerwane" in job_row(world.app, world.p.id, job_id).message


def test_a_job_is_seen_by_its_starter_and_their_institutions_coordinators_only(world):
    job_id = start_as(world.app, world.clerk, "test.echo", {"word": "x"}, slug="zadania")
    urls = [f"/zadania/jobs/{job_id}", f"/zadania/jobs/{job_id}/progress",
            f"/zadania/jobs/{job_id}/result"]
    expected = {"clerk": 200, "coordinator": 200, "colleague": 404, "other": 404}
    for who, status in expected.items():
        client = client_of(world.app, getattr(world, who))
        assert [client.get(url).status_code for url in urls] == [status] * 3, who
    # Another partnership: its own slug with our job id, or our slug, is a 404 as well.
    foreign = client_of(world.app, world.foreign)
    assert foreign.get(f"/obce/jobs/{job_id}").status_code == 404
    assert foreign.get(f"/obce/jobs/{job_id}/result").status_code == 404
    assert foreign.get(f"/zadania/jobs/{job_id}").status_code == 404
    # The refused downloads wrote no audit entries: only the two allowed ones did.
    assert count(world.app, world.p.id, AuditEntry, AuditEntry.action == "export") == 2


def test_the_jobs_list_shows_my_jobs_and_coordinators_see_the_institutions(world):
    mine = start_as(world.app, world.clerk, "test.echo", {"word": "a"}, "Mój eksport",
                    slug="zadania")
    theirs = start_as(world.app, world.colleague, "test.echo", {"word": "b"},
                      "Eksport kolegi", slug="zadania")
    page = client_of(world.app, world.clerk).get("/zadania/jobs/").get_data(as_text=True)
    assert f"/zadania/jobs/{mine}" in page and f"/zadania/jobs/{theirs}" not in page
    assert "scope=institution" not in page
    coordinator = client_of(world.app, world.coordinator)
    assert f"/zadania/jobs/{mine}\"" not in coordinator.get("/zadania/jobs/").get_data(
        as_text=True)
    overview = coordinator.get("/zadania/jobs/?scope=institution").get_data(as_text=True)
    assert f"/zadania/jobs/{mine}" in overview and f"/zadania/jobs/{theirs}" in overview
    other = client_of(world.app, world.other).get("/zadania/jobs/?scope=institution")
    assert "Mój eksport" not in other.get_data(as_text=True)


def test_the_job_page_follows_a_running_job_with_a_static_script(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        job = Job(institution_id=world.mops.id, actor_id=world.clerk.id, kind="test.echo",
                  title="W kolejce", progress_done=5, progress_total=20)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    client = client_of(world.app, world.clerk)
    response = client.get(f"/zadania/jobs/{job_id}")
    page = response.get_data(as_text=True)
    assert 'src="/static/js/jobs.js"' in page and "<script>" not in page
    assert f'data-progress-url="/zadania/jobs/{job_id}/progress"' in page
    assert 'value="25"' in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/js/jobs.js").status_code == 200


def test_starting_a_job_of_an_unknown_kind_is_a_programming_error(world):
    with pytest.raises(ValueError):
        start_as(world.app, world.clerk, "test.nothing", slug="zadania")


def test_a_job_started_without_a_membership_is_refused(world, app):
    from mosty.jobs import JobRefused

    with app.test_request_context():
        g.membership = None
        with pytest.raises(JobRefused):
            start_job("test.echo", "x", {})


def test_result_files_are_deleted_a_month_after_the_job_and_the_page_says_so(world):
    from datetime import timedelta

    from mosty.db import utcnow

    old = start_as(world.app, world.clerk, "test.echo", {"word": "stary"}, slug="zadania")
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Job, old).finished_at = utcnow() - timedelta(days=31)
        db.session.commit()
    new = start_as(world.app, world.clerk, "test.echo", {"word": "nowy"}, slug="zadania")
    client = client_of(world.app, world.clerk)
    assert client.get(f"/zadania/jobs/{old}/result").status_code == 404
    assert 'id="job-result-deleted"' in client.get(f"/zadania/jobs/{old}").get_data(
        as_text=True)
    assert client.get(f"/zadania/jobs/{new}/result").data == b"hello;nowy"
