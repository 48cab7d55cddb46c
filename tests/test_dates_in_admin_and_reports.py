"""Moments and periods as the rest of Mosty shows them (QA): the administration's lists and
details showed a user's last sign-in as a raw UTC timestamp with microseconds, and the report
page named its period in ISO dates, while every other page says "7 gru 2026, 21:11"."""

from datetime import UTC, datetime

from mosty.auth.models import User
from mosty.extensions import db
from mosty.testing.factories import RegistryFactory
from report_data import build_partnership


def test_the_admin_users_list_and_details_show_the_last_sign_in_in_warsaw_time(app, client,
                                                                             login_as):
    f = RegistryFactory(app)
    admin = f.user(platform_admin=True)
    other = f.user(email="halina@example.test")
    with app.app_context():
        db.session.get(User, other.id).last_login_at = datetime(2026, 12, 7, 20, 11, 35, 558209,
                                                                tzinfo=UTC)
        db.session.commit()
    login_as(client, admin)
    for url in ("/admin/users/", f"/admin/users/details/?id={other.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "7 gru 2026, 21:11:35" in html, url
        assert "2026-12-07 20:11" not in html and "558209" not in html, url


def test_the_admin_export_keeps_its_sortable_local_moments_for_spreadsheets(app, client, login_as):
    f = RegistryFactory(app)
    admin = f.user(platform_admin=True)
    other = f.user(email="halina@example.test")
    with app.app_context():
        db.session.get(User, other.id).last_login_at = datetime(2026, 12, 7, 20, 11, 35,
                                                                tzinfo=UTC)
        db.session.commit()
    login_as(client, admin)
    csv = client.get("/admin/users/export/csv/").get_data(as_text=True)
    assert ";2026-12-07 21:11;" in csv  # Warsaw time, year first: spreadsheets sort it


def test_the_report_page_names_its_period_in_the_reader_s_format(app, client, login_as):
    a = build_partnership(RegistryFactory(app), "alfa")
    login_as(client, a.coordinator)
    html = client.get("/alfa/reports/?preset=custom&start=2026-10-01&end=2026-10-31") \
        .get_data(as_text=True)
    assert "Raport za okres 1 paź 2026 – 31 paź 2026" in html
    assert "2026-10-01 – 2026-10-31" not in html
