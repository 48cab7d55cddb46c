"""Server time of the busy pages: Mosty (test client, whole request) vs a bare Flask +
SQLAlchemy route running the same essential SQL."""

import statistics
import time
import uuid
from types import SimpleNamespace

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

BARE_TEMPLATE = """<!doctype html><html><body><table>
{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}
</table></body></html>"""

# The essential SQL of each page: what a hand-written app would run to show the same rows.
BASELINE_SQL = {
    "participant list": [
        "SELECT p.id, p.first_name, p.last_name, p.birth_date, p.labour_status, i.short_name "
        "FROM participant p JOIN institution i ON i.id = p.institution_id "
        "WHERE p.partnership_id = :pid AND p.institution_id = :iid "
        "ORDER BY p.last_name, p.first_name, p.id LIMIT 25",
        "SELECT count(*) FROM participant WHERE partnership_id = :pid AND institution_id = :iid",
    ],
    "participant search": [
        "SELECT p.id, p.first_name, p.last_name, p.birth_date, p.labour_status "
        "FROM participant p WHERE p.partnership_id = :pid AND p.institution_id = :iid "
        "AND (lower(p.last_name) LIKE '%nowak%' OR lower(p.first_name) LIKE '%nowak%' "
        "OR lower(p.registered_locality) LIKE '%nowak%' "
        "OR lower(p.actual_locality) LIKE '%nowak%') "
        "ORDER BY p.last_name, p.first_name, p.id LIMIT 25",
    ],
    "participant page": [
        "SELECT * FROM participant WHERE id = :person AND partnership_id = :pid",
        "SELECT d.delivered_on, d.hours, s.name FROM service_delivery d JOIN service s "
        "ON s.id = d.service_id WHERE d.participant_id = :person AND d.partnership_id = :pid "
        "ORDER BY d.delivered_on DESC",
        "SELECT r.id, r.status, r.reason, r.sent_at FROM referral r "
        "WHERE r.participant_id = :person AND r.partnership_id = :pid ORDER BY r.sent_at DESC",
        "SELECT f.id, f.name FROM family f JOIN family_member m ON m.family_id = f.id "
        "WHERE m.participant_id = :person AND f.partnership_id = :pid",
    ],
    "family page": [
        "SELECT * FROM family WHERE id = :family AND partnership_id = :pid",
        "SELECT p.id, p.first_name, p.last_name, p.labour_status, m.relation FROM family_member m "
        "JOIN participant p ON p.id = m.participant_id WHERE m.family_id = :family "
        "AND m.partnership_id = :pid ORDER BY m.id",
    ],
    "referral inbox": [
        "SELECT r.id, r.status, r.reason, r.due_on, p.first_name, p.last_name, i.short_name "
        "FROM referral r JOIN participant p ON p.id = r.participant_id "
        "JOIN institution i ON i.id = r.from_institution_id WHERE r.partnership_id = :pid "
        "AND r.to_institution_id = :iid AND r.status IN ('sent', 'accepted') "
        "ORDER BY r.sent_at DESC LIMIT 25",
        "SELECT count(*) FROM referral WHERE partnership_id = :pid AND to_institution_id = :iid "
        "AND status IN ('sent', 'accepted')",
    ],
    "dashboard": [
        "SELECT count(*) FROM participant WHERE partnership_id = :pid AND institution_id = :iid",
        "SELECT status, count(*) FROM referral WHERE partnership_id = :pid "
        "AND to_institution_id = :iid GROUP BY status",
    ],
}


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def pick(owner_url):
    """The probe family planted in the largest partnership (``generate.plant_probe``), its
    first member, and the social-assistance centre that registered them: the same rows in
    every generated database."""
    from .generate import plant_probe

    pid, family, person = plant_probe(owner_url)
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        slug = conn.scalar(text("SELECT slug FROM partnership WHERE id = :p"), {"p": pid})
        iid = conn.scalar(text("SELECT institution_id FROM participant WHERE id = :i"),
                          {"i": person})
    engine.dispose()
    return SimpleNamespace(pid=pid, slug=slug, iid=iid, person=person, family=family)


def bare_app(url, target, replays=None):
    """Bare Flask + SQLAlchemy: ``/<page>`` runs the page's essential SQL (``BASELINE_SQL``);
    ``/replay/<page>`` runs every statement the Mosty page sent, captured with its parameters
    (same SQL, no ORM, no walls in Python, no Mosty template)."""
    app = Flask("bare")
    engine = create_engine(url, pool_size=2)
    replays = {} if replays is None else replays

    @app.route("/replay/<page>")
    def replay(page):
        rows = []
        with engine.begin() as conn:
            for statement, parameters in replays[page]:
                result = conn.exec_driver_sql(statement, parameters)
                if result.returns_rows:
                    rows.extend(result.all())
        return render_template_string(BARE_TEMPLATE, rows=rows)

    @app.route("/<page>")
    def page(page):
        rows = []
        with engine.connect() as conn:
            for sql in BASELINE_SQL[page.replace("_", " ")]:
                rows.extend(conn.execute(text(sql), vars(target)).all())
        return render_template_string(BARE_TEMPLATE, rows=rows)

    return app


def mosty_app(url, target, secret_key="bench", **config):
    """The platform on ``url`` and a client signed in as a new caseworker/coordinator of the
    target institution (a user created for the run)."""
    from mosty import create_app
    from mosty.testing.factories import RegistryFactory, login

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MOSTY_MIGRATION_DATABASE_URL": url,
                      "SECRET_KEY": secret_key, "MOSTY_REDIS_URL": None,
                      "MOSTY_TASKS_EAGER": True, "RATELIMIT_STORAGE_URI": "memory://",
                      **config})
    f = RegistryFactory(app)
    user = f.user(email=f"bench-{uuid.uuid4().hex[:12]}@example.test")
    f.membership(user, SimpleNamespace(id=target.iid, partnership_id=target.pid),
                 roles=("caseworker", "partnership_admin", "coordinator"))
    client = login(app.test_client(), user)
    return app, client, user


def page_urls(slug, target):
    return {
        "participant list": f"/{slug}/participants/",
        "participant search": f"/{slug}/participants/?q=nowak",
        "participant page": f"/{slug}/participants/{target.person}/",
        "family page": f"/{slug}/families/{target.family}/",
        "referral inbox": f"/{slug}/referrals/",
        "dashboard": f"/{slug}/",
    }


def measure_pages(runtime_url, owner_url, runs, log=print, with_bare=True):
    """{page: SimpleNamespace(med, p95, bare med/p95, replay med/p95, statements)} on the
    largest partnership."""
    from sqlalchemy import event

    from mosty.extensions import db

    target = pick(owner_url)
    app, client, _user = mosty_app(runtime_url, target)
    replays = {}
    bare = bare_app(owner_url, target, replays).test_client() if with_bare else None
    results = {}
    for name, url in page_urls(target.slug, target).items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        key = name.replace(" ", "_")
        captured = replays[key] = []
        with app.app_context():
            mosty_engine = db.engine

        def capture(conn, cursor, statement, parameters, context, executemany,
                    captured=captured):
            captured.append((statement, parameters))

        event.listen(mosty_engine, "before_cursor_execute", capture)
        client.get(url)
        event.remove(mosty_engine, "before_cursor_execute", capture)
        med, p95 = timed(lambda url=url: client.get(url), runs)
        r = SimpleNamespace(med=med, p95=p95, statements=len(captured),
                            essential=len(BASELINE_SQL[name]))
        if bare is not None:
            assert bare.get(f"/{key}").status_code == 200
            assert bare.get(f"/replay/{key}").status_code == 200
            r.bmed, r.bp95 = timed(lambda u=f"/{key}": bare.get(u), runs)
            r.rmed, r.rp95 = timed(lambda u=f"/replay/{key}": bare.get(u), runs)
        results[name] = r
        log(f"  {name:20} {med:8.1f} {p95:8.1f} ms ({r.statements} statements)" + (
            f"   bare {r.bmed:7.1f} ms (ratio {med / r.bmed:5.2f}), same SQL replayed "
            f"{r.rmed:7.1f} ms (ratio {med / r.rmed:5.2f})" if bare else ""))
    return target, results


