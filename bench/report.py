"""The partnership report for one year vs the same SQL run bare.

Mosty: ``reports.service.make_report`` for the last complete year, in a request context of
the partnership (ORM walls, row-level security as the runtime role, every section including
the modules'). Baseline: the SQL statements that call sent to the database, captured once with
their parameters and replayed on a raw psycopg connection as the owner (no ORM, no walls, no
Python arranging rows). The aggregation is in the database on both sides: the ratio is the
cost of the platform's layers around the same GROUP BY queries.
"""

from datetime import date
from types import SimpleNamespace

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from .pages import timed


def measure_report(runtime_url, owner_url, target, runs, log=print):
    from flask import g

    from mosty import create_app
    from mosty.extensions import db
    from mosty.partnerships.models import Partnership
    from mosty.reports.periods import preset
    from mosty.reports.service import make_report
    from mosty.tenancy import partnership_scope

    app = create_app({"SQLALCHEMY_DATABASE_URI": runtime_url,
                      "MOSTY_MIGRATION_DATABASE_URL": runtime_url, "SECRET_KEY": "bench",
                      "MOSTY_REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://"})
    period = preset("year", date.today())
    captured = []
    with app.test_request_context(), partnership_scope(target.pid):
        partnership = db.session.get(Partnership, target.pid)
        g.partnership = partnership
        g.membership = SimpleNamespace(roles=["coordinator", "partnership_admin"],
                                       has_role=lambda *roles: True)

        def run():
            report = make_report(partnership, period)
            db.session.rollback()
            return report

        report = run()

        def capture(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        run()
        event.remove(db.engine, "before_cursor_execute", capture)
        owner = make_url(owner_url).set(drivername="postgresql").render_as_string(False)
        # The same session settings as Mosty's connections (mosty.db.tune_postgresql).
        with psycopg.connect(owner, options="-c jit=off -c plan_cache_mode=force_custom_plan"
                             ) as conn:
            def bare():
                with conn.cursor() as cur:
                    for statement, parameters in captured:
                        cur.execute(statement, parameters)
                        cur.fetchall()

            bare()
            (med, p95), (bmed, bp95) = timed(runs, run, bare)  # interleaved
        cells = sum(len(row) for section in report.sections for table in section.tables
                    for row in table.cells)
    log(f"  report {period.start}–{period.end}: {med:.1f} / {p95:.1f} ms, same SQL bare "
        f"{bmed:.1f} / {bp95:.1f} ms ({len(captured)} statements, {cells} cells)")
    return SimpleNamespace(period=period, med=med, p95=p95, bmed=bmed, bp95=bp95,
                           statements=len(captured), cells=cells)
