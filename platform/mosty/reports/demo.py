"""Demo reports: in each demo partnership one report recipient (the external copy) and the
stored monthly report for the previous month, so the stored-reports page has something in it
right after ``mosty demo``.

Loading again adds nothing: the recipient is found by address and the report by period (the
same rule beat follows). The demo is audited once per partnership by the registry demo; this
adds no audit entry of its own (the report holds aggregates, no person's data).
"""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..tenancy import partnership_scope
from .models import ReportRecipient
from .periods import previous_month
from .service import store_monthly_report


def demo_recipient_email(partnership):
    return f"raporty.gmina@{partnership.slug}.mosty.test"


def load_reports_demo(partnerships, today=None):
    period = previous_month(today)
    for partnership in partnerships.values():
        with partnership_scope(partnership.id):
            email = demo_recipient_email(partnership)
            if db.session.scalar(select(ReportRecipient.id).where(
                    ReportRecipient.email == email)) is None:
                db.session.add(ReportRecipient(
                    email=email, name="Urząd gminy (przykładowy adres)", variant="external",
                    active=True))
            locale = partnership.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            with force_locale(locale):
                store_monthly_report(partnership, period)
            db.session.flush()
