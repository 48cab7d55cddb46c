"""Today is the Polish calendar date, not the server's (UTC) one: between local midnight and
01:00 (winter) or 02:00 (summer) UTC the two differ, and today's Polish date must not be
refused as "in the future" (``mosty.dates``)."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import DateField

from mosty import dates, toolkit
from mosty.consents.forms import WithdrawConsentForm
from mosty.forms import Form, date_within

WINTER_EVENING_UTC = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)  # 00:30 on 8 December in Poland
SUMMER_EVENING_UTC = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 July in Poland


@pytest.fixture
def clock(monkeypatch):
    """Pin the moment ``mosty.dates`` reads: ``clock(moment)``."""

    def pin(moment):
        monkeypatch.setattr(dates, "_utc_now", lambda: moment)

    return pin


class DayForm(Form):
    day = DateField(validators=[date_within()])


def day_errors(app, value):
    with app.test_request_context(method="POST"), force_locale("en"):
        form = DayForm(formdata=MultiDict({"day": value}), meta={"csrf": False})
        form.validate()
        return [str(e) for e in form.errors.get("day", ())]


def test_after_polish_midnight_in_winter_today_is_the_polish_date(app, clock):
    clock(WINTER_EVENING_UTC)
    with app.app_context():
        assert dates.today() == date(2026, 12, 8)
        assert toolkit.today() == date(2026, 12, 8)


def test_after_polish_midnight_in_summer_today_is_the_polish_date(app, clock):
    clock(SUMMER_EVENING_UTC)
    with app.app_context():
        assert dates.today() == date(2026, 7, 2)
    clock(datetime(2026, 7, 1, 21, 30, tzinfo=UTC))  # 23:30 in Poland: still 1 July
    with app.app_context():
        assert dates.today() == date(2026, 7, 1)


def test_outside_an_app_the_day_is_polish_all_the_same(clock):
    clock(WINTER_EVENING_UTC)
    assert dates.today() == date(2026, 12, 8)


def test_the_zone_is_the_apps(app, clock):
    clock(WINTER_EVENING_UTC)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    with app.app_context():
        assert dates.today() == date(2026, 12, 7)


def test_todays_polish_date_is_not_in_the_future(app, clock):
    clock(WINTER_EVENING_UTC)
    assert day_errors(app, "2026-12-08") == []
    assert day_errors(app, "2026-12-09") == ["The date cannot be in the future."]


def test_a_form_defaults_to_todays_polish_date(app, clock):
    clock(WINTER_EVENING_UTC)
    with app.test_request_context():
        form = WithdrawConsentForm(meta={"csrf": False})
        assert form.withdrawn_on.data == date(2026, 12, 8)


def test_a_stored_moment_falls_on_its_polish_day(app):
    with app.app_context():
        assert dates.day_of(WINTER_EVENING_UTC) == date(2026, 12, 8)
        # SQLite hands moments back without their zone: they are UTC.
        assert dates.day_of(datetime(2026, 12, 7, 23, 30)) == date(2026, 12, 8)
        assert dates.day_of(datetime(2026, 12, 7, 22, 30, tzinfo=UTC)) == date(2026, 12, 7)


def test_the_timeline_places_a_moment_on_its_polish_day(app):
    """Registered at 00:10 on 8 December in Poland (23:10 UTC on the 7th), then enrolled on the
    8th (a date): the enrolment is the newer entry, and a step of the 7th is older than both.
    Stored moments come back naive from SQLite and aware from PostgreSQL; both count as UTC."""
    from mosty.participants.service import merge_timeline
    from mosty.plugins.contributions import TimelineEntry

    registered = TimelineEntry(module="core", at=datetime(2026, 12, 7, 23, 10), title="reg")
    enrolled = TimelineEntry(module="core", at=date(2026, 12, 8), title="enrolled")
    earlier = TimelineEntry(module="core", at=date(2026, 12, 7), title="earlier")
    sent = TimelineEntry(module="core", at=datetime(2026, 12, 7, 22, 50, tzinfo=UTC),
                         title="sent")
    with app.app_context():
        order = [e.title for e in merge_timeline([earlier, registered], [sent, enrolled])]
    assert order == ["enrolled", "reg", "earlier", "sent"]
