# ruff: noqa: B023  (the row generators are consumed inside the loop iteration that makes them)
"""Volume generator: partnerships full of years of records, written in bulk.

``python -m bench.generate --database-url postgresql+psycopg://postgres@127.0.0.1/mosty_bench
--scale 1`` creates, at scale 1: 20 partnerships, 200,000 participants in 80,000 families,
2,000,000 service deliveries, 300,000 referrals and 1,000,000 audit entries. ``--scale 0.01``
makes a hundredth of it (development, tests).

Rows are built as plain tuples and written with PostgreSQL ``COPY`` (psycopg
``cursor.copy``) as the owner role, then ``ANALYZE``; on SQLite (tests) with
``executemany``. Ids are assigned here, so each row's partnership follows from its parent's
and the walls hold by construction (``tests/test_bench_generator.py`` checks it).

Distribution: partnership sizes skewed (Zipf-like weights), dates over five years ending
today, Polish first and last names in their male and female forms, valid PESELs.
"""

import argparse
import json
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, func, select, text
from stdnum.pl import pesel as stdnum_pesel

FULL = {"partnerships": 20, "participants": 200_000, "families": 80_000,
        "deliveries": 2_000_000, "referrals": 300_000, "audit": 1_000_000}
INSTITUTIONS = (("ops", "Ośrodek Pomocy Społecznej", "leader"),
                ("labour_office", "Powiatowy Urząd Pracy", "partner"),
                ("pcpr", "Powiatowe Centrum Pomocy Rodzinie", "partner"),
                ("ngo", "Fundacja Mosty", "partner"))
FEMALE = ("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
          "Krystyna", "Elżbieta", "Zofia", "Joanna", "Magdalena", "Monika", "Beata")
MALE = ("Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin",
        "Stanisław", "Józef", "Marek", "Grzegorz", "Adam", "Łukasz")
SURNAMES = (("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
            ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
            ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
            ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
            ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"),
            ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"))
LOCALITIES = ("Łobez", "Resko", "Świdwin", "Białogard", "Tychowo", "Połczyn-Zdrój",
              "Drawsko Pomorskie", "Kalisz Pomorski", "Igołomia", "Kocmyrzów")
LABOUR = ("registered_unemployed", "unregistered_unemployed", "inactive", "employed")
SERVICE_KINDS = ("advisory", "training", "psychological", "legal", "placement")
REFERRAL_STATUSES = ("sent", "accepted", "declined", "completed")
YEARS = 5


def pesel(birth, female, serial):
    """A valid PESEL for the birth date and sex (month offset for the 2000s)."""
    month = birth.month + (20 if birth.year >= 2000 else 0)
    digits = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial % 1000:03d}"
    digits += str((serial // 1000 % 5) * 2 + (0 if female else 1))
    return digits + stdnum_pesel.calc_check_digit(digits)


def counts_for(scale):
    counts = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    counts["partnerships"] = FULL["partnerships"] if scale >= 0.01 else 2
    return counts


def split(total, weights):
    """``total`` spread over the weights, every part at least 1."""
    s = sum(weights)
    parts = [max(1, int(total * w / s)) for w in weights]
    parts[0] += total - sum(parts)
    return parts


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine):
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"

    def write(self, table, columns, rows):
        rows = list(rows)
        if not rows:
            return 0
        if self.pg:
            raw = self.engine.raw_connection()
            try:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with raw.cursor() as cur, cur.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                raw.commit()
            finally:
                raw.close()
        else:
            marks = ", ".join("?" for _ in columns)
            raw = self.engine.raw_connection()
            try:
                raw.cursor().executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in row)
                     for row in rows])
                raw.commit()
            finally:
                raw.close()
        return len(rows)


def next_id(conn, table):
    return (conn.scalar(select(func.max(text("id"))).select_from(text(table))) or 0) + 1


def generate(database_url, scale=1.0, seed=2026, prefix="bench", partnerships=None, log=print,
             even=False):
    """Fill the database; returns {table: rows written} and the seconds taken."""
    rnd = random.Random(seed)
    counts = counts_for(scale)
    if partnerships:
        counts["partnerships"] = partnerships
    engine = create_engine(database_url)
    w = Writer(engine)
    now = datetime.now(UTC)
    today = now.date()
    start = today - timedelta(days=365 * YEARS)
    started = time.perf_counter()
    written = {}

    def when(rng=rnd):
        return start + timedelta(days=rng.randrange(365 * YEARS))

    def stamp(day):
        return datetime(day.year, day.month, day.day, 9 + rnd.randrange(8), tzinfo=UTC)

    with engine.connect() as conn:
        ids = {t: next_id(conn, t) for t in ("partnership", "institution", "participant",
                                              "family", "family_member", "service",
                                              "service_delivery", "referral", "audit_entry")}
    np = counts["partnerships"]
    # Skewed sizes: the largest partnership holds several times the smallest.
    weights = [1 if even else 1 / (k + 1) ** 0.8 for k in range(np)]
    people_per = split(counts["participants"], weights)
    families_per = split(counts["families"], weights)
    deliveries_per = split(counts["deliveries"], weights)
    referrals_per = split(counts["referrals"], weights)
    audit_per = split(counts["audit"], weights)

    p_rows, i_rows, s_rows = [], [], []
    layout = []  # per partnership: (pid, [institution ids], [service ids])
    for k in range(np):
        pid = ids["partnership"] + k
        p_rows.append((pid, f"{prefix}-{pid}", f"Partnerstwo {prefix} {k + 1}", "bench",
                       "zachodniopomorskie", "pl", now, now))
        inst = []
        for kind, name, role in INSTITUTIONS:
            iid = ids["institution"] + len(i_rows)
            i_rows.append((iid, pid, f"{name} ({prefix} {k + 1})", name[:20], kind, role,
                           "3218000", LOCALITIES[k % len(LOCALITIES)], "", "", "", "", now, now))
            inst.append(iid)
        svc = []
        for n, kind in enumerate(SERVICE_KINDS):
            sid = ids["service"] + len(s_rows)
            s_rows.append((sid, pid, inst[n % len(inst)], f"Usługa {kind}", kind, "", None, "",
                           True, True, now, now))
            svc.append(sid)
        layout.append((pid, inst, svc))
    written["partnership"] = w.write("partnership", (
        "id", "slug", "name", "programme", "region", "default_locale", "created_at",
        "updated_at"), p_rows)
    written["institution"] = w.write("institution", (
        "id", "partnership_id", "name", "short_name", "kind", "role", "teryt", "locality",
        "address", "email", "phone", "website", "created_at", "updated_at"), i_rows)
    written["service"] = w.write("service", (
        "id", "partnership_id", "institution_id", "name", "kind", "description", "capacity",
        "location", "own_resources", "active", "created_at", "updated_at"), s_rows)

    person_cols = ("id", "partnership_id", "institution_id", "first_name", "last_name", "sex",
                   "birth_date", "pesel", "phone", "email", "registered_teryt",
                   "registered_locality", "registered_area", "actual_teryt", "actual_locality",
                   "actual_area", "education", "labour_status", "long_term_unemployed",
                   "disability_level", "labour_office_case_no", "social_assistance_case_no",
                   "processing_restricted", "restriction_reason", "created_at", "updated_at")
    family_cols = ("id", "partnership_id", "institution_id", "name", "teryt", "locality",
                   "area", "created_at", "updated_at")
    member_cols = ("id", "partnership_id", "family_id", "participant_id", "relation")
    delivery_cols = ("id", "partnership_id", "service_id", "participant_id", "delivered_on",
                     "hours", "result", "created_at", "updated_at")
    referral_cols = ("id", "partnership_id", "participant_id", "from_institution_id",
                     "to_institution_id", "service_id", "reason", "shared_fields", "status",
                     "due_on", "sent_at", "decline_reason", "result", "created_at", "updated_at")
    audit_cols = ("id", "partnership_id", "at", "actor_id", "institution_id", "action",
                  "object_type", "object_id", "detail")
    json_list = (lambda v: json.dumps(v)) if not w.pg else (lambda v: json.dumps(v))
    serial = 0
    for k, (pid, inst, svc) in enumerate(layout):
        people, fams, members = [], [], []
        first_person = ids["participant"]
        for _n in range(people_per[k]):
            female = rnd.random() < 0.55
            birth = date(1960, 1, 1) + timedelta(days=rnd.randrange(365 * 45))
            surname = rnd.choice(SURNAMES)[1 if female else 0]
            serial += 1
            day = when()
            locality = rnd.choice(LOCALITIES)
            people.append((
                ids["participant"], pid, inst[0] if rnd.random() < 0.7 else inst[2],
                rnd.choice(FEMALE if female else MALE), surname, "female" if female else "male",
                birth, pesel(birth, female, serial), "", "", "3218011", locality, "rural",
                "3218011", locality, "rural", "secondary", rnd.choice(LABOUR),
                rnd.random() < 0.3, "none", "", "", False, "", stamp(day), stamp(day)))
            ids["participant"] += 1
        written["participant"] = written.get("participant", 0) + w.write(
            "participant", person_cols, people)
        # Families: consecutive people, 1 to 5 members each, until the people run out.
        cursor = 0
        for _ in range(families_per[k]):
            if cursor >= len(people):
                break
            size = min(rnd.choice((1, 2, 2, 2, 3, 3, 4)), len(people) - cursor)  # mean 2.43
            head = people[cursor]
            fid = ids["family"]
            ids["family"] += 1
            fams.append((fid, pid, head[2], f"Rodzina {head[4]}", "3218011", head[11], "rural",
                         head[24], head[24]))
            for m in range(size):
                members.append((ids["family_member"], pid, fid, people[cursor + m][0],
                                "head" if m == 0 else rnd.choice(("spouse", "child", "parent"))))
                ids["family_member"] += 1
            cursor += size
        written["family"] = written.get("family", 0) + w.write("family", family_cols, fams)
        written["family_member"] = written.get("family_member", 0) + w.write(
            "family_member", member_cols, members)
        last_person = ids["participant"]

        def someone():
            return first_person + rnd.randrange(last_person - first_person)

        def deliveries():
            for _ in range(deliveries_per[k]):
                day = when()
                ids["service_delivery"] += 1
                yield (ids["service_delivery"] - 1, pid, rnd.choice(svc), someone(), day,
                       rnd.choice((1, 1, 2, 3)), "", stamp(day), stamp(day))

        written["service_delivery"] = written.get("service_delivery", 0) + w.write(
            "service_delivery", delivery_cols, deliveries())

        def referrals():
            for _ in range(referrals_per[k]):
                day = when()
                frm, to = rnd.sample(inst, 2)
                ids["referral"] += 1
                status = rnd.choices(REFERRAL_STATUSES, (1, 2, 1, 4))[0]
                yield (ids["referral"] - 1, pid, someone(), frm, to, None,
                       "Wsparcie w powrocie na rynek pracy", json_list(["contact"]), status,
                       day + timedelta(days=14), stamp(day), "", "", stamp(day), stamp(day))

        written["referral"] = written.get("referral", 0) + w.write(
            "referral", referral_cols, referrals())

        def audit():
            for _ in range(audit_per[k]):
                day = when()
                ids["audit_entry"] += 1
                yield (ids["audit_entry"] - 1, pid, stamp(day), None, rnd.choice(inst), "read",
                       "Participant", str(someone()), json_list({}))

        written["audit_entry"] = written.get("audit_entry", 0) + w.write(
            "audit_entry", audit_cols, audit())
        log(f"partnership {k + 1}/{np}: {len(people)} people, {len(fams)} families "
            f"({time.perf_counter() - started:.0f} s)")
    plant_probe(database_url)
    if w.pg:
        with engine.begin() as conn:
            for t in ids:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                  f"(SELECT max(id) FROM {t}))"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # VACUUM too: a live database is kept vacuumed by autovacuum (visibility map for
            # index-only scans); right after a bulk load it is not yet.
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return written, time.perf_counter() - started


PROBE_CASE_NO = "SONDA-BENCH"  # marks the probe family's people (social-assistance case no.)


def plant_probe(database_url):
    """The same small family in the largest partnership of any generated database, so that
    detail pages are measured on identical rows whatever else the database holds (the 1 vs
    100 partnerships comparison). Three people registered by the social-assistance centre,
    each with 12 service deliveries, 4 referrals and 10 audit entries on fixed dates.
    Idempotent: returns (partnership id, family id, first member's id)."""
    engine = create_engine(database_url)
    w = Writer(engine)
    with engine.connect() as conn:
        found = conn.execute(text(
            "SELECT p.partnership_id, m.family_id, p.id FROM participant p JOIN family_member m "
            "ON m.participant_id = p.id WHERE p.social_assistance_case_no = :no ORDER BY p.id "
            "LIMIT 1"), {"no": PROBE_CASE_NO}).first()
        if found is not None:
            engine.dispose()
            return tuple(found)
        pid = conn.scalar(text(
            "SELECT partnership_id FROM participant GROUP BY partnership_id "
            "ORDER BY count(*) DESC, partnership_id LIMIT 1"))
        inst = list(conn.scalars(text(
            "SELECT id FROM institution WHERE partnership_id = :p ORDER BY id"), {"p": pid}))
        svc = list(conn.scalars(text(
            "SELECT id FROM service WHERE partnership_id = :p ORDER BY id"), {"p": pid}))
        ids = {t: next_id(conn, t) for t in ("participant", "family", "family_member",
                                              "service_delivery", "referral", "audit_entry")}
    at = datetime(2024, 3, 1, 10, tzinfo=UTC)
    members = (("Sonda", "Próbna", "female", date(1984, 5, 17), "head"),
               ("Sondak", "Próbny", "male", date(1982, 9, 2), "spouse"),
               ("Sondka", "Próbna", "female", date(2008, 1, 23), "child"))
    people = [(ids["participant"] + n, pid, inst[0], first, last, sex, birth,
               pesel(birth, sex == "female", 990 + n), "", "", "3218011", "Łobez", "rural",
               "3218011", "Łobez", "rural", "secondary", "registered_unemployed", True, "none",
               "", PROBE_CASE_NO, False, "", at, at)
              for n, (first, last, sex, birth, _relation) in enumerate(members)]
    fid = ids["family"]
    w.write("participant", ("id", "partnership_id", "institution_id", "first_name",
                            "last_name", "sex", "birth_date", "pesel", "phone", "email",
                            "registered_teryt", "registered_locality", "registered_area",
                            "actual_teryt", "actual_locality", "actual_area", "education",
                            "labour_status", "long_term_unemployed", "disability_level",
                            "labour_office_case_no", "social_assistance_case_no",
                            "processing_restricted", "restriction_reason", "created_at",
                            "updated_at"), people)
    w.write("family", ("id", "partnership_id", "institution_id", "name", "teryt", "locality",
                       "area", "created_at", "updated_at"),
            [(fid, pid, inst[0], "Rodzina Próbna", "3218011", "Łobez", "rural", at, at)])
    w.write("family_member", ("id", "partnership_id", "family_id", "participant_id",
                              "relation"),
            [(ids["family_member"] + n, pid, fid, person[0], members[n][4])
             for n, person in enumerate(people)])
    deliveries, referrals, audit = [], [], []
    for person in people:
        for k in range(12):
            day = date(2024, 3, 4) + timedelta(days=14 * k)
            deliveries.append((ids["service_delivery"] + len(deliveries), pid,
                               svc[k % len(svc)], person[0], day, 2, "", at, at))
        for k in range(4):
            status = REFERRAL_STATUSES[k]
            referrals.append((ids["referral"] + len(referrals), pid, person[0], inst[0],
                              inst[1 + k % 3], None, "Wsparcie w powrocie na rynek pracy",
                              json.dumps(["contact"]), status, date(2024, 4, 1 + k),
                              at + timedelta(days=k), "", "", at, at))
        for k in range(10):
            audit.append((ids["audit_entry"] + len(audit), pid, at + timedelta(days=k), None,
                          inst[0], "read", "Participant", str(person[0]), json.dumps({})))
    w.write("service_delivery", ("id", "partnership_id", "service_id", "participant_id",
                                 "delivered_on", "hours", "result", "created_at",
                                 "updated_at"), deliveries)
    w.write("referral", ("id", "partnership_id", "participant_id", "from_institution_id",
                         "to_institution_id", "service_id", "reason", "shared_fields",
                         "status", "due_on", "sent_at", "decline_reason", "result",
                         "created_at", "updated_at"), referrals)
    w.write("audit_entry", ("id", "partnership_id", "at", "actor_id", "institution_id",
                            "action", "object_type", "object_id", "detail"), audit)
    if w.pg:
        with engine.begin() as conn:
            for t in ids:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                  f"(SELECT max(id) FROM {t}))"))
    engine.dispose()
    return pid, fid, people[0][0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="the owner role's URL (COPY and ANALYZE need it)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--partnerships", type=int, default=None,
                        help="number of partnerships (default 20; the total volume is kept)")
    parser.add_argument("--prefix", default="bench", help="slug prefix of the partnerships")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--even", action="store_true", help="partnerships of equal size")
    args = parser.parse_args(argv)
    written, seconds = generate(args.database_url, args.scale, args.seed, args.prefix,
                                args.partnerships, even=args.even,
                                log=lambda line: print(line, flush=True))
    for table, n in written.items():
        print(f"{table:18} {n:>10,}")
    print(f"{sum(written.values()):,} rows in {seconds:.1f} s")


if __name__ == "__main__":
    main()
