"""The cycle collector is paused while an import runs and resumed afterwards, also when the
import fails and when imports overlap."""

import gc
import io
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from mosty.extensions import db
from mosty.imports.collector import cycle_collector_paused
from mosty.imports.models import ImportBatch
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope


@pytest.fixture(autouse=True)
def collector_running():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_resumed_after():
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_after_a_failure():
    with pytest.raises(RuntimeError), cycle_collector_paused():
        raise RuntimeError("the import broke")
    assert gc.isenabled()


def test_overlapping_imports_resume_it_when_the_last_ends():
    first_in, second_done, results = threading.Event(), threading.Event(), []

    def first():
        with cycle_collector_paused():
            first_in.set()
            second_done.wait(5)
            results.append(("first, after the second ended", gc.isenabled()))
        results.append(("after both", gc.isenabled()))

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with cycle_collector_paused():
        results.append(("second", gc.isenabled()))
    second_done.set()
    thread.join(5)
    assert results == [("second", False), ("first, after the second ended", False),
                       ("after both", True)]


def test_left_off_when_it_was_off_before():
    gc.disable()
    with cycle_collector_paused():
        pass
    assert not gc.isenabled()


def test_an_import_job_leaves_the_collector_running(app, factory, login_as):
    # The whole import (upload, dry run, commit) through the pages; tasks run in-process.
    from test_imports import csv_bytes, pesel, suggested

    p = factory.partnership(slug="gc")
    mops = factory.institution(p, name="MOPS", teryt="1261011")
    client = login_as(app.test_client(), factory.staff(mops))
    rows = [f"Anna;Kowalska;{pesel(date(1980, 1, 1), serial=1)};;1261011;;;",
            f"Jan;Nowak;{pesel(date(1975, 5, 5), female=False, serial=2)};;1261011;;;"]
    response = client.post("/gc/imports/", data={
        "format": "participants", "file": (io.BytesIO(csv_bytes(rows)), "a.csv")},
        content_type="multipart/form-data")
    batch_id = int(response.headers["Location"].split("/")[-2])
    form = suggested(client.get(f"/gc/imports/{batch_id}/mapping").get_data(as_text=True))
    assert client.post(f"/gc/imports/{batch_id}/mapping", data=form).status_code == 302
    assert client.post(f"/gc/imports/{batch_id}/commit").status_code == 302
    with app.app_context(), partnership_scope(p.id):
        assert db.session.get(ImportBatch, batch_id).state == "committed"
        assert db.session.scalar(select(func.count(Participant.id))) == 2
    assert gc.isenabled()
