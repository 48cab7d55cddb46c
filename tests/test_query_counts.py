"""Query-count guards: each busy page issues the same number of SQL statements whether it shows
a couple of rows or twenty (no N+1), and stays under a fixed ceiling.

The world is the demo (both partnerships, every module's demo data), loaded once per module
into a SQLite file and copied for each test. A test opens a page, counts the statements of a
second, warm request with a ``before_cursor_execute`` listener, then multiplies the rows the
page shows by copying existing rows at the database level (same partnership, same institution,
so the walls and the access rule see them exactly as the originals), and counts again.

Deterministic and untimed: the speed itself is measured by ``python -m bench``.
"""

import difflib
import itertools
import os
import shutil
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError

from mosty import create_app
from mosty.auth.models import User
from mosty.demo import load_demo
from mosty.extensions import db
from mosty.plugins import demo_loaders
from mosty.testing.factories import login
from mosty.testing.plugin import BASE_CONFIG
from test_demo import cheap_passwords

FULL = int(os.environ.get("QC_FULL", 160))
_serial = itertools.count(1)
MORE = 20  # rows a page shows in the "many" measurement (at least)


def _config(path):
    return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}"}


@pytest.fixture(scope="module")
def demo_file(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("qc") / "demo.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app(_config(path))
    with app.app_context(), cheap_passwords():
        load_demo(password="qc", extra_loaders=demo_loaders(app))
        db.engine.dispose()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    app = create_app(_config(path))
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *a: statements.append(statement))
        users = {u.email: u for u in db.session.scalars(select(User))}
    yield SimpleNamespace(app=app, statements=statements, users=users)
    with app.app_context():
        db.engine.dispose()


def queries(demo, email, url):
    """(statement count, statements, page text) of a warm GET of ``url`` as ``email``."""
    client = login(demo.app.test_client(), demo.users[email])
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    demo.statements.clear()
    response = client.get(url)
    assert response.status_code == 200
    return len(demo.statements), list(demo.statements), response.get_data(as_text=True)


@contextmanager
def raw(demo):
    """A plain connection below the ORM: copies keep the originals' partnership columns."""
    with demo.app.app_context(), db.engine.begin() as conn:
        yield conn


def table(name):
    return db.metadata.tables[name]


def copy_rows(conn, table_name, where, times=1, **overrides):
    """Insert ``times`` copies of the rows of ``table_name`` matching ``where``; new ids."""
    t = table(table_name)
    rows = conn.execute(select(t).where(where)).mappings().all()
    new_ids = []
    for _ in range(times):
        for row in rows:
            values = {k: v for k, v in row.items() if k != "id"}
            values.update({k: (v() if callable(v) else v) for k, v in overrides.items()})
            new_ids.append(conn.execute(insert(t).values(**values)).inserted_primary_key[0])
    return new_ids


def count_rows(conn, name, where):
    return conn.scalar(select(func.count()).select_from(table(name)).where(where))


def one_id(conn, sql_select):
    value = conn.scalar(sql_select)
    assert value is not None, "the demo no longer has the row this guard starts from"
    return value


def assert_flat(demo, email, url, grow, ceiling, fewer_ok=False):
    """The page's statement count is the same before and after ``grow(conn)`` and under
    ``ceiling``; ``grow`` returns a marker that must appear more often on the grown page."""
    few, before, page_few = queries(demo, email, url)
    with raw(demo) as conn:
        marker = grow(conn)
    many, statements, page_many = queries(demo, email, url)
    if marker:
        assert page_many.count(marker) > page_few.count(marker), "the copies are not shown"
    assert many == few or (fewer_ok and many < few), (f"{url}: {few} statements with few rows, {many} with many:\n"
                         + "\n".join(difflib.unified_diff([s[:FULL] for s in before],
                                                           [s[:FULL] for s in statements],
                                                           lineterm="", n=1)))
    assert many <= ceiling, f"{url}: {many} statements (ceiling {ceiling})"
    return many


# --- the demo rows each page starts from ---------------------------------------------------------

def institution_id(conn, partnership_slug, name_part):
    p, i = table("partnership"), table("institution")
    return one_id(conn, select(i.c.id).join(p, p.c.id == i.c.partnership_id)
                  .where(p.c.slug == partnership_slug, i.c.name.contains(name_part)))


def busiest_participant(conn, institution):
    """The participant of ``institution`` with the most service deliveries."""
    part, d = table("participant"), table("service_delivery")
    return one_id(conn, select(part.c.id).outerjoin(d, d.c.participant_id == part.c.id)
                  .where(part.c.institution_id == institution).group_by(part.c.id)
                  .order_by(func.count().desc(), part.c.id).limit(1))


def copy_participants(conn, participant_id, times, last_name="Zzzkopia"):
    return copy_rows(conn, "participant", table("participant").c.id == participant_id, times,
                     pesel=None, last_name=last_name)


# --- the guards --------------------------------------------------------------------------------

KRAKOW_CASEWORKER = "doradca@krakow.mosty.test"
KRAKOW_ADMIN = "admin@krakow.mosty.test"
KRAKOW_CLERK = "urzad@krakow.mosty.test"
POMORZE_ANIMATOR = "animator@pomorze.mosty.test"


def test_participant_search_and_list(demo):
    with raw(demo) as conn:
        mops = institution_id(conn, "krakow", "Miejski Ośrodek Pomocy")
        someone = busiest_participant(conn, mops)
        copy_participants(conn, someone, 2)

    def grow(conn):
        copy_participants(conn, someone, MORE - 2)
        return "Zzzkopia"

    assert_flat(demo, KRAKOW_CASEWORKER, "/krakow/participants/?q=Zzzkopia", grow, ceiling=20)
    with raw(demo) as conn:
        copy_participants(conn, someone, 30, last_name="Aaakopia")
    few, _, _ = queries(demo, KRAKOW_CASEWORKER, "/krakow/participants/")
    assert few <= 20


PERSON_TABLES = ("service_delivery", "referral", "consent", "case_note", "outcome",
                 "instrument_administration", "labour_registration", "labour_skill",
                 "labour_enrolment", "labour_candidate", "enrollment")


def grow_person(conn, participant_id, upto, tables=PERSON_TABLES):
    """Copies of every row hanging off the participant, up to ``upto`` of each kind."""
    grown = {}
    for name in tables:
        t = table(name)
        where = t.c.participant_id == participant_id
        have = count_rows(conn, name, where)
        if name in ("labour_registration", "enrollment"):
            grown[name] = have  # one per person (unique): nothing to multiply
            continue
        first = conn.scalar(select(func.min(t.c.id)).where(where))
        if first is None:  # none yet: borrow a row of another person of the partnership
            partnership = conn.scalar(select(table("participant").c.partnership_id)
                                      .where(table("participant").c.id == participant_id))
            first = conn.scalar(select(func.min(t.c.id))
                                .where(t.c.partnership_id == partnership))
            if first is None:
                grown[name] = 0
                continue
        extra = {"name": lambda: f"kopia {next(_serial)}"} if name == "labour_skill" else {}
        try:
            with conn.begin_nested():
                copy_rows(conn, name, t.c.id == first, max(upto - have, 0),
                          participant_id=participant_id, **extra)
        except IntegrityError:  # one row per person and instrument/offer: stays as it is
            pass
        grown[name] = count_rows(conn, name, where)
    return grown


def grow_care(conn, carer, upto):
    """Care relations of ``carer`` up to ``upto``, each with a dependant of its own (copies
    of the partnership's first relation and its dependant); returns the dependants' name."""
    relation, dependant = table("care_relation"), table("dependant")
    partnership = conn.scalar(select(table("participant").c.partnership_id)
                              .where(table("participant").c.id == carer))
    first = conn.execute(select(relation).where(relation.c.partnership_id == partnership)
                         .order_by(relation.c.id).limit(1)).mappings().one()
    have = count_rows(conn, "care_relation", relation.c.carer_id == carer)
    for _ in range(max(upto - have, 0)):
        (copy,) = copy_rows(conn, "dependant", dependant.c.id == first["dependant_id"],
                            first_name="Zzzpodopieczny")
        copy_rows(conn, "care_relation", relation.c.id == first["id"], carer_id=carer,
                  dependant_id=copy)
    return "Zzzpodopieczny"


def registered_at_labour_office(conn, office):
    """The person on the office's register with the most service deliveries."""
    r, d = table("labour_registration"), table("service_delivery")
    return one_id(conn, select(r.c.participant_id)
                  .outerjoin(d, d.c.participant_id == r.c.participant_id)
                  .where(r.c.institution_id == office).group_by(r.c.participant_id)
                  .order_by(func.count(d.c.id).desc(), r.c.participant_id).limit(1))


def test_participant_page_with_every_module_panel(demo):
    with raw(demo) as conn:
        gup = institution_id(conn, "krakow", "Grodzki Urząd Pracy")
        someone = registered_at_labour_office(conn, gup)
        grow_person(conn, someone, 2)
        grow_care(conn, someone, 1)

    def grow(conn):
        grown = grow_person(conn, someone, MORE)
        assert grown["service_delivery"] >= MORE and grown["referral"] >= MORE
        return grow_care(conn, someone, MORE)  # each dependant shown by name

    assert_flat(demo, KRAKOW_CLERK, f"/krakow/participants/{someone}/", grow, ceiling=60)


def family_with_most_members(conn, owner):
    f, m = table("family"), table("family_member")
    return one_id(conn, select(f.c.id).join(m, m.c.family_id == f.c.id)
                  .where(f.c.institution_id == owner)
                  .group_by(f.c.id).order_by(func.count().desc(), f.c.id).limit(1))


def grow_family(conn, family_id, upto):
    """New members (copies of a member) until the family has ``upto``, each with a copy of the
    first member's deliveries and referrals so every per-member column has something."""
    m = table("family_member")
    first = conn.execute(select(m).where(m.c.family_id == family_id).order_by(m.c.id)
                         .limit(1)).mappings().one()
    have = count_rows(conn, "family_member", m.c.family_id == family_id)
    for _ in range(max(upto - have, 0)):
        (person,) = copy_participants(conn, first["participant_id"], 1, last_name="Zzzczłonek")
        copy_rows(conn, "family_member", m.c.id == first["id"], participant_id=person,
                  relation="child")
        for name in ("service_delivery", "referral"):
            t = table(name)
            source = conn.scalar(select(func.min(t.c.id))
                                 .where(t.c.participant_id == first["participant_id"]))
            if source is not None:
                copy_rows(conn, name, t.c.id == source, participant_id=person)


def test_family_page(demo):
    with raw(demo) as conn:
        family = family_with_most_members(conn, institution_id(conn, "pomorze",
                                                               "Pomorskie Mosty"))
        grow_family(conn, family, 2)
    assert_flat(demo, POMORZE_ANIMATOR, f"/pomorze/families/{family}/",
                lambda conn: grow_family(conn, family, MORE) or "Zzzczłonek", ceiling=70)


def grow_referrals_to(conn, office, upto, status="sent"):
    r = table("referral")
    where = (r.c.to_institution_id == office) & (r.c.status == status)
    have = count_rows(conn, "referral", where)
    i = table("institution")
    partnership = conn.scalar(select(i.c.partnership_id).where(i.c.id == office))
    first = one_id(conn, select(func.min(r.c.id)).where(r.c.partnership_id == partnership,
                                                        r.c.from_institution_id != office))
    copy_rows(conn, "referral", r.c.id == first, max(upto - have, 0), status=status,
              reason="Zzzskierowanie", to_institution_id=office)
    return "Zzzskierowanie"


def test_referral_inbox(demo):
    with raw(demo) as conn:
        mops = institution_id(conn, "krakow", "Miejski Ośrodek Pomocy")
        grow_referrals_to(conn, mops, 2)
    assert_flat(demo, KRAKOW_CASEWORKER, "/krakow/referrals/",
                lambda conn: grow_referrals_to(conn, mops, MORE), ceiling=25)


def test_labour_inbox(demo):
    with raw(demo) as conn:
        gup = institution_id(conn, "krakow", "Grodzki Urząd Pracy")
        grow_referrals_to(conn, gup, 2)
    # The inbox reads the office's instruments once per distinct instrument offered, so the
    # count may drop when the copies share one; it must never grow with the rows.
    assert_flat(demo, KRAKOW_CLERK, "/krakow/labour/inbox/",
                lambda conn: grow_referrals_to(conn, gup, MORE), ceiling=25, fewer_ok=True)


def test_dashboard(demo):
    with raw(demo) as conn:
        mops = institution_id(conn, "krakow", "Miejski Ośrodek Pomocy")
        someone = busiest_participant(conn, mops)

    def grow(conn):
        copy_participants(conn, someone, MORE)
        grow_referrals_to(conn, mops, MORE)
        grow_person(conn, someone, MORE, tables=("service_delivery", "outcome"))

    assert_flat(demo, KRAKOW_CASEWORKER, "/krakow/", grow, ceiling=30)
    assert_flat(demo, KRAKOW_ADMIN, "/krakow/", grow, ceiling=30)


def grow_animator_cases(conn, upto):
    """Families copied with a copy of an animator case each, until the board has ``upto``."""
    c, f = table("animator_case"), table("family")
    first = conn.execute(select(c).order_by(c.c.id).limit(1)).mappings().one()
    have = count_rows(conn, "animator_case", c.c.partnership_id == first["partnership_id"])
    for _ in range(max(upto - have, 0)):
        (family,) = copy_rows(conn, "family", f.c.id == first["family_id"],
                              name=f"Zzzrodzina {next(_serial)}")
        copy_rows(conn, "animator_case", c.c.id == first["id"], family_id=family)
    return "Zzzrodzina"


@pytest.mark.parametrize("page", ["", "dashboard"])
def test_animator_board_and_dashboard(demo, page):
    with raw(demo) as conn:
        grow_animator_cases(conn, 2)
    assert_flat(demo, POMORZE_ANIMATOR, f"/pomorze/animator/{page}",
                lambda conn: grow_animator_cases(conn, MORE) if not page
                else grow_animator_cases(conn, MORE) and None, ceiling=40)


def test_report_page(demo):
    with raw(demo) as conn:
        mops = institution_id(conn, "krakow", "Miejski Ośrodek Pomocy")
        someone = busiest_participant(conn, mops)

    def grow(conn):
        copy_participants(conn, someone, MORE)
        grow_person(conn, someone, MORE, tables=("service_delivery", "outcome", "referral"))

    assert_flat(demo, KRAKOW_ADMIN, "/krakow/reports/", grow, ceiling=60)
