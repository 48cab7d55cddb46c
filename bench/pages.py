"""Server time of the busy pages: Mosty (test client, whole request) vs a bare Flask +
SQLAlchemy route running the same essential SQL."""

import statistics
import time
import uuid
from types import SimpleNamespace

from flask import Flask, render_template_string
from sqlalchemy import create_engine, select, text

BARE_TEMPLATE = """<!doctype html><html><body><table>
{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}
</table></body></html>"""

# The essential SQL of each page: what a hand-written app would run to show the same page,
# with the same rules: the institution-level access rule (its own records, a consent for
# "support" naming it, or a referral it accepted), totals counted up to the same cap as
# Mosty's lists, the same rows of the same tables on the detail pages, and the one audit
# entry that a read of personal data must leave. One statement per table, SQL by hand.
VISIBLE = (
    "(p.institution_id = :iid OR (NOT p.processing_restricted AND p.id IN ("
    "SELECT c.participant_id FROM consent c JOIN consent_institution ci "
    "ON ci.consent_id = c.id WHERE ci.institution_id = :iid AND c.partnership_id = :pid "
    "AND c.given_on <= current_date "
    "AND (c.withdrawn_on IS NULL OR c.withdrawn_on > current_date) "
    "AND c.purposes::text LIKE '%\"support\"%' "
    "UNION SELECT r.participant_id FROM referral r WHERE r.partnership_id = :pid "
    "AND r.to_institution_id = :iid AND r.status IN ('accepted', 'completed'))))")
# The names and localities joined, as Mosty searches them (one match costs about half of
# four), with or without Polish diacritics in any case (mosty.collation.search_pattern), as a
# Polish app would search.
SEARCH = ("(p.first_name || ' ' || p.last_name || ' ' || p.registered_locality || ' ' "
          "|| p.actual_locality) ~ '[nńNŃ][oóOÓ][wW][aąAĄ][kK]'")
LIST = ("SELECT p.id, p.first_name, p.last_name, p.birth_date, p.registered_locality, "
        "p.labour_status, p.created_at, i.name FROM participant p JOIN institution i "
        "ON i.id = p.institution_id WHERE p.partnership_id = :pid AND {where} "
        # A hand-written Polish app sorts names the Polish way too (mosty.collation).
        'ORDER BY p.last_name COLLATE "pl-x-icu", p.first_name COLLATE "pl-x-icu", p.id LIMIT 25')
CAPPED_COUNT = ("SELECT count(*) FROM (SELECT 1 FROM participant p WHERE p.partnership_id = :pid "
                "AND {where} LIMIT 1001) s")
AUDIT = ("INSERT INTO audit_entry (partnership_id, at, actor_id, institution_id, action, "
         "object_type, object_id, detail) VALUES (:pid, now(), NULL, :iid, 'read', '{kind}', "
         "{object}, '{{}}')")
BASELINE_SQL = {
    "participant list": [
        LIST.format(where=VISIBLE), CAPPED_COUNT.format(where=VISIBLE),
        AUDIT.format(kind="Participant", object="''"),
    ],
    "participant search": [
        LIST.format(where=f"{VISIBLE} AND {SEARCH}"),
        CAPPED_COUNT.format(where=f"{VISIBLE} AND {SEARCH}"),
        AUDIT.format(kind="Participant", object="''"),
    ],
    "participant page": [
        "SELECT p.*, i.name FROM participant p JOIN institution i ON i.id = p.institution_id "
        f"WHERE p.id = :person AND p.partnership_id = :pid AND {VISIBLE}",
        "SELECT c.*, ci.institution_id, i.name FROM consent c LEFT JOIN consent_institution ci "
        "ON ci.consent_id = c.id LEFT JOIN institution i ON i.id = ci.institution_id "
        "WHERE c.participant_id = :person AND c.partnership_id = :pid ORDER BY c.given_on DESC",
        "SELECT e.*, t.name FROM enrollment e LEFT JOIN target_group t ON t.id = e.target_group_id "
        "WHERE e.participant_id = :person AND e.partnership_id = :pid "
        "ORDER BY e.recruited_on DESC",
        "SELECT a.*, v.instrument_id FROM instrument_administration a JOIN instrument_version v "
        "ON v.id = a.version_id WHERE a.participant_id = :person AND a.partnership_id = :pid",
        "SELECT * FROM case_note WHERE participant_id = :person AND partnership_id = :pid",
        "SELECT * FROM outcome WHERE participant_id = :person AND partnership_id = :pid",
        "SELECT r.*, f.name, t.name FROM referral r JOIN institution f "
        "ON f.id = r.from_institution_id JOIN institution t ON t.id = r.to_institution_id "
        "WHERE r.participant_id = :person AND r.partnership_id = :pid "
        "AND (r.from_institution_id = :iid OR r.to_institution_id = :iid) ORDER BY r.sent_at DESC",
        "SELECT d.delivered_on, d.hours, s.name, i.name FROM service_delivery d JOIN service s "
        "ON s.id = d.service_id JOIN institution i ON i.id = s.institution_id "
        "WHERE d.participant_id = :person AND d.partnership_id = :pid "
        "ORDER BY d.delivered_on DESC",
        "SELECT f.id, f.name, m.relation FROM family f JOIN family_member m "
        "ON m.family_id = f.id WHERE m.participant_id = :person AND f.partnership_id = :pid",
        "SELECT * FROM care_relation WHERE (carer_id = :person OR dependant_id = :person) "
        "AND partnership_id = :pid",
        "SELECT r.*, x.* FROM labour_registration r LEFT JOIN labour_registration_period x "
        "ON x.registration_id = r.id WHERE r.participant_id = :person AND r.partnership_id = :pid",
        "SELECT e.*, i.title FROM labour_enrolment e JOIN labour_instrument i "
        "ON i.id = e.instrument_id WHERE e.participant_id = :person AND e.partnership_id = :pid",
        "SELECT * FROM labour_skill WHERE participant_id = :person AND partnership_id = :pid",
        "SELECT * FROM labour_candidate WHERE participant_id = :person AND partnership_id = :pid",
        "SELECT c.* FROM animator_case c JOIN family_member m ON m.family_id = c.family_id "
        "WHERE m.participant_id = :person AND c.institution_id = :iid AND c.partnership_id = :pid",
        "SELECT min(at) FROM audit_entry WHERE partnership_id = :pid "
        "AND object_type = 'Participant' AND object_id = CAST(:person AS varchar) "
        "AND action = 'create'",
        AUDIT.format(kind="Participant", object="CAST(:person AS varchar)"),
    ],
    "family page": [
        "SELECT * FROM family WHERE id = :family AND partnership_id = :pid",
        "SELECT p.id, p.first_name, p.last_name, p.birth_date, p.labour_status, m.relation, "
        f"i.name, {VISIBLE} AS visible FROM family_member m JOIN participant p "
        "ON p.id = m.participant_id JOIN institution i ON i.id = p.institution_id "
        "WHERE m.family_id = :family AND m.partnership_id = :pid ORDER BY m.id",
        "SELECT e.*, t.name FROM enrollment e LEFT JOIN target_group t ON t.id = e.target_group_id "
        "WHERE e.family_id = :family AND e.partnership_id = :pid",
        "SELECT r.*, v.instrument_id FROM instrument_family_round r JOIN instrument_version v "
        "ON v.id = r.version_id WHERE r.family_id = :family AND r.partnership_id = :pid",
        "SELECT r.*, f.name, t.name FROM referral r JOIN institution f "
        "ON f.id = r.from_institution_id JOIN institution t ON t.id = r.to_institution_id "
        "WHERE r.id IN (SELECT id FROM referral WHERE family_id = :family UNION "
        "SELECT x.id FROM referral x JOIN family_member m ON m.participant_id = x.participant_id "
        "WHERE m.family_id = :family) AND r.partnership_id = :pid "
        "AND (r.from_institution_id = :iid OR r.to_institution_id = :iid) ORDER BY r.sent_at DESC",
        "SELECT c.*, x.id FROM animator_case c LEFT JOIN animator_plan x ON x.case_id = c.id "
        "WHERE c.family_id = :family AND c.institution_id = :iid AND c.partnership_id = :pid",
        "SELECT min(at) FROM audit_entry WHERE partnership_id = :pid AND object_type = 'Family' "
        "AND object_id = CAST(:family AS varchar) AND action = 'create'",
        AUDIT.format(kind="Family", object="CAST(:family AS varchar)"),
    ],
    "referral inbox": [
        "SELECT r.id, r.status, r.reason, r.due_on, r.sent_at, p.first_name, p.last_name, "
        "f.name, t.name FROM referral r JOIN participant p ON p.id = r.participant_id "
        "JOIN institution f ON f.id = r.from_institution_id JOIN institution t "
        "ON t.id = r.to_institution_id WHERE r.partnership_id = :pid "
        "AND r.to_institution_id = :iid ORDER BY r.sent_at DESC LIMIT 25",
        "SELECT count(*) FROM (SELECT 1 FROM referral WHERE partnership_id = :pid "
        "AND to_institution_id = :iid LIMIT 1001) s",
        "SELECT (SELECT count(*) FROM referral WHERE partnership_id = :pid "
        "AND to_institution_id = :iid AND status = 'sent'), (SELECT count(*) FROM referral "
        "WHERE partnership_id = :pid AND from_institution_id = :iid "
        "AND status IN ('sent', 'accepted')), (SELECT count(*) FROM referral "
        "WHERE partnership_id = :pid AND to_institution_id = :iid "
        "AND status IN ('sent', 'accepted') AND due_on < current_date)",
        AUDIT.format(kind="Referral", object="''"),
    ],
    "dashboard": [
        "SELECT * FROM institution WHERE partnership_id = :pid "
        "ORDER BY role = 'leader' DESC, name COLLATE \"pl-x-icu\"",
        "SELECT * FROM territory_unit WHERE partnership_id = :pid ORDER BY teryt",
        "SELECT * FROM agreement WHERE partnership_id = :pid ORDER BY signed_on DESC",
    ],
}


def timed(runs, *fns):
    """(median, p95) in ms of each of ``fns``, called in turn ``runs`` times: interleaved, so
    that a slow spell of a shared machine weighs on every side of a comparison alike."""
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return [_median_p95(spent) for spent in times]


def _median_p95(times):
    times = sorted(times)
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
    engine = create_engine(url, pool_size=2, connect_args={"options": "-c jit=off -c plan_cache_mode=force_custom_plan"})
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
        with engine.begin() as conn:
            for sql in BASELINE_SQL[page.replace("_", " ")]:
                result = conn.execute(text(sql), vars(target))
                if result.returns_rows:
                    rows.extend(result.all())
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


def switch_modules_on(app):
    """Every installed module on in every partnership, as the administration switches it on
    (the first time with its default grants), so that the pages are measured with every
    module's menu entries and panels. Idempotent: a module already on stays as it is."""
    from mosty.admin.module_settings import switch_module
    from mosty.extensions import db
    from mosty.partnerships.models import Partnership
    from mosty.plugins.manager import get_registry
    from mosty.tenancy import partnership_scope

    with app.app_context():
        for pid in db.session.scalars(select(Partnership.id)).all():
            with partnership_scope(pid):
                for module in get_registry(app).modules.values():
                    switch_module(module, True)
                db.session.commit()


def page_urls(slug, target):
    return {
        "participant list": f"/{slug}/participants/",
        "participant search": f"/{slug}/participants/?q=nowak",
        "participant page": f"/{slug}/participants/{target.person}/",
        "family page": f"/{slug}/families/{target.family}/",
        "referral inbox": f"/{slug}/referrals/",
        "dashboard": f"/{slug}/",
    }


def prepare_pages(runtime_url, owner_url, with_bare=True):
    """The Mosty client on the probe family's partnership, the bare client (optional), and
    per page: its URL and the statements the Mosty page sends (captured for the replay)."""
    from sqlalchemy import event

    from mosty.extensions import db

    target = pick(owner_url)
    app, client, _user = mosty_app(runtime_url, target)
    switch_modules_on(app)
    replays = {}
    bare = bare_app(owner_url, target, replays).test_client() if with_bare else None
    with app.app_context():
        mosty_engine = db.engine
    pages = {}
    for name, url in page_urls(target.slug, target).items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        key = name.replace(" ", "_")
        captured = replays[key] = []

        def capture(conn, cursor, statement, parameters, context, executemany,
                    captured=captured):
            captured.append((statement, parameters))

        event.listen(mosty_engine, "before_cursor_execute", capture)
        client.get(url)
        event.remove(mosty_engine, "before_cursor_execute", capture)
        if bare is not None:
            assert bare.get(f"/{key}").status_code == 200
            assert bare.get(f"/replay/{key}").status_code == 200
        pages[name] = SimpleNamespace(url=url, key=key, statements=len(captured))
    return SimpleNamespace(target=target, client=client, bare=bare, pages=pages)


def measure_pages(runtime_url, owner_url, runs, log=print):
    """{page: SimpleNamespace(med, p95, bare med/p95, replay med/p95, statements)} of the
    probe family's partnership; Mosty, the essential SQL and the replay interleaved."""
    ready = prepare_pages(runtime_url, owner_url)
    client, bare = ready.client, ready.bare
    results = {}
    for name, page in ready.pages.items():
        (med, p95), (bmed, bp95), (rmed, rp95) = timed(
            runs, lambda u=page.url: client.get(u), lambda u=f"/{page.key}": bare.get(u),
            lambda u=f"/replay/{page.key}": bare.get(u))
        r = SimpleNamespace(med=med, p95=p95, bmed=bmed, bp95=bp95, rmed=rmed, rp95=rp95,
                            statements=page.statements, essential=len(BASELINE_SQL[name]))
        results[name] = r
        log(f"  {name:20} {med:8.1f} {p95:8.1f} ms ({r.statements} statements)   bare "
            f"{bmed:7.1f} ms (ratio {med / bmed:5.2f}), same SQL replayed {rmed:7.1f} ms "
            f"(ratio {med / rmed:5.2f})")
    return ready.target, results


def measure_page_pairs(first, second, runs, log=print):
    """The same pages of two prepared Mosty databases (``prepare_pages``), interleaved:
    {page: (first's SimpleNamespace(med, p95), second's)}."""
    results = {}
    for name, page in first.pages.items():
        other = second.pages[name]
        (a, a95), (b, b95) = timed(runs, lambda u=page.url: first.client.get(u),
                                   lambda u=other.url: second.client.get(u))
        results[name] = (SimpleNamespace(med=a, p95=a95), SimpleNamespace(med=b, p95=b95))
        log(f"  {name:20} {a:8.1f} ms / {b:8.1f} ms (ratio {b / a:5.2f})")
    return results
