"""Operators' commands: ``mosty privacy anonymise-due`` runs the retention anonymisation now
(or only counts with --dry-run), ``mosty reports monthly`` stores and mails the monthly report
now; both for every partnership or one, both safe to repeat."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.reports.models import ReportRecipient, StoredReport
from mosty.reports.periods import previous_month
from mosty.tenancy import partnership_scope
from report_data import build_partnership
from test_reports_schedule import smtp_inbox  # noqa: F401 - the fixture

LONG_AGO = date(2015, 6, 30)


def people_past_retention(app, factory, slug, due=1):
    p = factory.partnership(slug=slug)
    gops = factory.institution(p, name=f"GOPS {slug}")
    people = [factory.participant(gops, first_name=f"Osoba{i}", last_name="Dawna")
              for i in range(due)]
    kept = factory.participant(gops, first_name="Ewa", last_name="Trwa")
    with app.app_context(), partnership_scope(p.id):
        for who in people:
            db.session.add(Enrollment(participant_id=who.id, institution_id=gops.id,
                                      status="completed", recruited_on=date(2014, 1, 1),
                                      ended_on=LONG_AGO, retention_until=LONG_AGO))
        db.session.add(Enrollment(participant_id=kept.id, institution_id=gops.id,
                                  status="active", recruited_on=dates.today()))
        db.session.commit()
    return p, people, kept


def anonymised(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        return sorted(db.session.scalars(select(Participant.id).where(
            Participant.anonymised_at.isnot(None))))


def test_anonymise_due_counts_on_a_dry_run_then_anonymises_and_repeats_safely(app, factory):
    a, a_people, a_kept = people_past_retention(app, factory, "alfa-cli", due=2)
    b, b_people, _ = people_past_retention(app, factory, "beta-cli", due=1)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["privacy", "anonymise-due", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "alfa-cli: 2 due for anonymisation" in dry.output
    assert "beta-cli: 1 due for anonymisation" in dry.output
    assert "Total: 3 due (dry run, nothing changed)" in dry.output
    assert anonymised(app, a.id) == [] and anonymised(app, b.id) == []

    one = runner.invoke(args=["privacy", "anonymise-due", "--partnership", "beta-cli"])
    assert one.exit_code == 0, one.output
    assert one.output.splitlines() == ["beta-cli: 1 anonymised", "Total: 1 anonymised"]
    assert anonymised(app, a.id) == [] and anonymised(app, b.id) == [b_people[0].id]

    run = runner.invoke(args=["privacy", "anonymise-due"])
    assert "alfa-cli: 2 anonymised" in run.output and "beta-cli: 0 anonymised" in run.output
    assert anonymised(app, a.id) == sorted(p.id for p in a_people)
    again = runner.invoke(args=["privacy", "anonymise-due"])
    assert "Total: 0 anonymised" in again.output
    assert a_kept.id not in anonymised(app, a.id)


def test_an_unknown_partnership_is_an_error_and_changes_nothing(app, factory):
    a, _, _ = people_past_retention(app, factory, "gamma-cli")
    result = app.test_cli_runner().invoke(
        args=["privacy", "anonymise-due", "--partnership", "nie-ma"])
    assert result.exit_code == 2 and "no partnership 'nie-ma'" in result.output
    assert anonymised(app, a.id) == []


def stored_reports(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        return [(r.period_start, r.mailed_count, r.mail_note)
                for r in db.session.scalars(select(StoredReport))]


def test_the_monthly_report_is_stored_then_mailed_once_smtp_is_set(app, factory, smtp_inbox):  # noqa: F811
    inbox, url = smtp_inbox
    alfa = build_partnership(factory, "alfa-raport")
    beta = build_partnership(factory, "beta-raport")
    with app.app_context(), partnership_scope(alfa.partnership.id):
        db.session.add(ReportRecipient(email="zarzad@alfa.example", name="", variant="external"))
        db.session.commit()
    runner = app.test_cli_runner()
    month = previous_month()
    app.config["MOSTY_SMTP_URL"] = None

    first = runner.invoke(args=["reports", "monthly", "--partnership", "alfa-raport"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (f"alfa-raport {month.key}: stored; "
                                    "not mailed: MOSTY_SMTP_URL is not set")
    assert stored_reports(app, alfa.partnership.id) == [(month.start, 0, "no_smtp")]
    assert stored_reports(app, beta.partnership.id) == []

    app.config.update(MOSTY_SMTP_URL=url, MOSTY_MAIL_FROM="raporty@mosty.example")
    second = runner.invoke(args=["reports", "monthly", "--month", month.key])
    assert second.exit_code == 0, second.output
    assert f"alfa-raport {month.key}: already stored; mailed to 1 recipient(s)" in second.output
    assert (f"beta-raport {month.key}: stored; not mailed: no active recipients"
            in second.output)
    assert [rcpt for rcpt, _ in inbox.messages] == [["zarzad@alfa.example"]]

    third = runner.invoke(args=["reports", "monthly"])
    assert f"alfa-raport {month.key}: already stored; already mailed" in third.output
    assert len(inbox.messages) == 1
    assert stored_reports(app, alfa.partnership.id) == [(month.start, 1, "")]


@pytest.mark.parametrize("month", ["2026-13", "październik", "26-10", "2026-1",
                                   (dates.today() + timedelta(days=40)).strftime("%Y-%m"),
                                   dates.today().strftime("%Y-%m")])
def test_a_bad_or_unfinished_month_is_refused(app, factory, month):
    p = factory.partnership(slug="delta-raport")
    result = app.test_cli_runner().invoke(args=["reports", "monthly", "--month", month])
    assert result.exit_code == 2
    assert "--month" in result.output
    assert stored_reports(app, p.id) == []


@pytest.mark.postgres
def test_anonymise_due_works_behind_row_level_security(pg_app):
    from mosty.testing.factories import RegistryFactory

    factory = RegistryFactory(pg_app)
    a, a_people, kept = people_past_retention(pg_app, factory, "alfa-pg", due=2)
    runner = pg_app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "anonymise-due", "--dry-run"])
    assert "alfa-pg: 2 due for anonymisation" in dry.output, dry.output
    run = runner.invoke(args=["privacy", "anonymise-due", "--partnership", "alfa-pg"])
    assert run.output.splitlines() == ["alfa-pg: 2 anonymised", "Total: 2 anonymised"]
    assert anonymised(pg_app, a.id) == sorted(p.id for p in a_people)


def test_a_path_ended_without_a_retention_date_has_the_default_one(app, factory):
    """The privacy page says such a person is due (retention_status uses the default date);
    the run must agree, else they would be kept for ever."""
    from mosty.privacy.retention import retention_status

    p = factory.partnership(slug="bez-daty")
    gops = factory.institution(p, name="GOPS bez daty")
    old = factory.participant(gops, first_name="Stary", last_name="Wpis")
    recent = factory.participant(gops, first_name="Nowy", last_name="Wpis")
    with app.app_context(), partnership_scope(p.id):
        for who, ended in ((old, LONG_AGO), (recent, dates.today() - timedelta(days=400))):
            db.session.add(Enrollment(participant_id=who.id, institution_id=gops.id,
                                      status="completed", recruited_on=date(2010, 1, 1),
                                      ended_on=ended, retention_until=None))
        db.session.commit()
        assert not retention_status(db.session.get(Participant, old.id)).applies
        assert retention_status(db.session.get(Participant, recent.id)).applies
    result = app.test_cli_runner().invoke(args=["privacy", "anonymise-due"])
    assert "bez-daty: 1 anonymised" in result.output, result.output
    assert anonymised(app, p.id) == [old.id]
