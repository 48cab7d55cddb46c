"""Report periods at the ends of the calendar get a message, never a 500."""

import pytest
from sqlalchemy import func, select

from mosty.extensions import db
from mosty.jobs.models import Job
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from report_data import build_partnership


@pytest.mark.parametrize("dates", ["start=9999-12-01&end=9999-12-31",
                                   "start=0001-01-01&end=0001-01-31"])
def test_a_period_at_the_end_of_the_calendar_gets_a_message(app, client, login_as, dates):
    a = build_partnership(RegistryFactory(app), "kalendarz")
    login_as(client, a.coordinator)
    response = client.get(f"/kalendarz/reports/?preset=custom&{dates}")
    assert response.status_code == 422
    assert "Podaj daty od 1900-01-01 do 2199-12-31." in response.get_data(as_text=True)
    start, end = (part.split("=")[1] for part in dates.split("&"))
    generate = client.post("/kalendarz/reports/generate", data={
        "start": start, "end": end, "variant": "internal", "format": "xlsx"})
    assert generate.status_code == 302 and "/jobs/" not in generate.headers["Location"]
    with app.app_context(), partnership_scope(a.partnership.id):
        assert db.session.scalar(select(func.count(Job.id))) == 0
