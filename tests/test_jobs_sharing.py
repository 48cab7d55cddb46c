"""One rule for job pages: the member who started a job, the institution's overseers, and the
institution's members holding a role the job's kind is shared with. Imports are shared with
the institution's caseworkers (they all see the import's page, so they see its job too);
exports are not (the file is the starter's)."""

from types import SimpleNamespace

import pytest

from mosty.extensions import db
from mosty.jobs.models import Job
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_imports import SLUG, batch_id_of, csv_bytes, dry_run, good_rows, upload


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG, territory=(
        ("1261", "Kraków (miasto na prawach powiatu)"), ("1206", "powiat krakowski"),
        ("1206032", "Igołomia-Wawrzeńczyce")))
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków", teryt="1261011")
    w.gup = factory.institution(p, name="GUP Kraków", kind="labour_office", teryt="1261011")
    w.clerk = factory.staff(w.mops)
    w.colleague = factory.staff(w.mops)
    w.coordinator = factory.staff(w.mops, roles=("coordinator",))
    w.gup_clerk = factory.staff(w.gup)
    return w


def status(world, user, url):
    return login(world.app.test_client(), user).get(url).status_code


def test_a_colleague_who_sees_the_import_sees_its_job_and_others_do_not(world):
    client = login(world.app.test_client(), world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(good_rows())))
    job_page = dry_run(client, batch_id)
    assert job_page.status_code == 200
    with world.app.app_context(), partnership_scope(world.p.id):
        job_id = db.session.get(Job, max(j.id for j in db.session.query(Job).all())).id
    import_url, job_url = f"/{SLUG}/imports/{batch_id}/", f"/{SLUG}/jobs/{job_id}"
    for user, expected in ((world.colleague, 200), (world.coordinator, 200),
                           (world.gup_clerk, 404)):
        if user is not world.coordinator:  # coordinators do not work on cases
            assert status(world, user, import_url) == expected
        assert status(world, user, job_url) == expected
        assert status(world, user, f"{job_url}/progress") == expected


def test_an_export_job_stays_with_the_member_who_started_it(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        job = Job(kind="exchange.export", title="Eksport", params={},
                  institution_id=world.mops.id, actor_id=world.clerk.id, state="done")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    url = f"/{SLUG}/jobs/{job_id}"
    assert status(world, world.clerk, url) == 200
    assert status(world, world.coordinator, url) == 200
    assert status(world, world.colleague, url) == 404
    assert status(world, world.gup_clerk, url) == 404
    assert status(world, world.clerk, f"/{SLUG}/jobs/{2**40}") == 404


def test_a_page_number_that_is_no_whole_number_is_a_404_not_a_500(world):
    client = login(world.app.test_client(), world.clerk)
    assert client.get(f"/{SLUG}/jobs/?page=1").status_code == 200
    assert client.get(f"/{SLUG}/jobs/?page=\u00b2").status_code == 404
