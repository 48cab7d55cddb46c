"""Importing participants from CSV through ``mosty.imports`` vs PostgreSQL ``COPY``.

Mosty: the real import job (``imports.service.run_import`` in commit mode: reading the file,
validating every cell, the duplicate check against the partnership's registry and the file's
earlier lines, families, one audit entry per person, one transaction), into a fresh
partnership with its own territory. Baseline: ``COPY`` of the same people into the
participant table itself, as the owner, rolled back: the same indexes, foreign keys and
write-ahead log as the import's writes, no checks. (A temporary table, used at first, skips the
write-ahead log and the foreign keys, so it measured a cheaper write than the one asked for.)
Figure: rows per second of each.
"""

import io
import random
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import psycopg
from sqlalchemy.engine import make_url

from .generate import FEMALE, MALE, SURNAMES, pesel

HEADERS = ("Imię", "Nazwisko", "PESEL", "Data urodzenia", "Płeć", "Gmina", "Miejscowość",
           "Rodzina", "Pokrewieństwo")


def people(n, seed=7):
    rnd = random.Random(seed)
    for k in range(n):
        female = rnd.random() < 0.55
        birth = date(1960, 1, 1) + timedelta(days=rnd.randrange(365 * 45))
        surname = rnd.choice(SURNAMES)[1 if female else 0]
        family = f"Rodzina {surname} {k // 3}" if k % 2 else ""
        yield (rnd.choice(FEMALE if female else MALE), surname,
               pesel(birth, female, 500_000 + k), birth, "K" if female else "M", "3218011",
               "Łobez", family, ("głowa", "żona", "syn")[k % 3] if family else "")


def csv_bytes(rows):
    out = io.StringIO()
    out.write(";".join(HEADERS) + "\n")
    for row in rows:
        out.write(";".join(v.strftime("%d.%m.%Y") if isinstance(v, date) else str(v)
                           for v in row) + "\n")
    return out.getvalue().encode("utf-8")


def measure_import(runtime_url, owner_url, n, log=print):
    from flask import g

    from mosty import create_app
    from mosty.extensions import db
    from mosty.imports.formats import format_by_key
    from mosty.imports.models import ImportBatch
    from mosty.imports.service import create_batch, run_import
    from mosty.tenancy import partnership_scope
    from mosty.testing.factories import RegistryFactory

    rows = list(people(n))
    data = csv_bytes(rows)
    app = create_app({"SQLALCHEMY_DATABASE_URI": runtime_url,
                      "MOSTY_MIGRATION_DATABASE_URL": runtime_url, "SECRET_KEY": "bench",
                      "MOSTY_REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://",
                      "MOSTY_IMPORT_MAX_ROWS": n + 10,
                      "MOSTY_IMPORT_MAX_BYTES": len(data) + 1024})
    f = RegistryFactory(app)
    stamp = int(time.time())
    p = f.partnership(slug=f"import-{stamp}", territory=(("3218", "powiat łobeski"),
                                                          ("3218011", "Łobez")))
    ops = f.institution(p, name=f"OPS Łobez {stamp}", kind="ops", role="leader",
                        teryt="3218011")
    user = f.staff(ops, roles=("caseworker",), email=f"import-{stamp}@example.test")
    copy_seconds = copy_rows(owner_url, rows, p.id, ops.id)
    with app.test_request_context(), partnership_scope(p.id):
        g.membership = SimpleNamespace(roles=["caseworker"], institution_id=ops.id)
        fmt = format_by_key("participants")
        batch = create_batch(institution_id=ops.id, actor_id=user.id, fmt=fmt,
                             filename="uczestnicy.csv", data=data)
        db.session.commit()
        job = SimpleNamespace(id=None, institution_id=ops.id, actor_id=user.id)
        start = time.perf_counter()
        result = run_import(job, {"mode": "commit", "batch_id": batch.id}, lambda *a: None)
        db.session.commit()
        seconds = time.perf_counter() - start
        state = db.session.get(ImportBatch, batch.id).state
    assert state == "committed", (state, result)
    remove_partnership(owner_url, p.id, user.id)
    log(f"  import of {n:,} people: {seconds:.1f} s ({n / seconds:,.0f} rows/s); "
        f"COPY {copy_seconds:.2f} s ({n / copy_seconds:,.0f} rows/s)")
    return SimpleNamespace(n=n, seconds=seconds, copy_seconds=copy_seconds,
                           rate=n / seconds, copy_rate=n / copy_seconds)


def remove_partnership(owner_url, partnership_id, user_id):
    """Take the import's partnership out again (as the owner), so that runs do not pile up
    imported people in the benchmark database: its volume stays the generator's."""
    owner = make_url(owner_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(owner) as conn:
        # The audit log is append-only (a trigger) and keeps its partnership (no cascade):
        # for this throwaway partnership only, its entries go first with the trigger off,
        # inside the one transaction, so no other writer ever sees the log without it.
        conn.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        conn.execute("DELETE FROM audit_entry WHERE partnership_id = %s", (partnership_id,))
        conn.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
        conn.execute("DELETE FROM partnership WHERE id = %s", (partnership_id,))
        conn.execute("DELETE FROM user_account WHERE id = %s", (user_id,))


def copy_rows(owner_url, rows, partnership_id, institution_id):
    """Seconds taken by ``COPY`` of the people into the participant table itself (its
    indexes, foreign keys and write-ahead log, as the import has them), rolled back."""
    owner = make_url(owner_url).set(drivername="postgresql").render_as_string(False)
    columns = ("partnership_id", "institution_id", "first_name", "last_name", "sex",
               "birth_date", "pesel", "phone", "email", "registered_teryt",
               "registered_locality", "registered_area", "actual_teryt", "actual_locality",
               "actual_area", "education", "labour_status", "long_term_unemployed",
               "disability_level", "labour_office_case_no", "social_assistance_case_no",
               "processing_restricted", "restriction_reason", "created_at", "updated_at")
    now = datetime.now(UTC)
    with psycopg.connect(owner) as conn, conn.cursor() as cur:
        start = time.perf_counter()
        with cur.copy(f"COPY participant ({', '.join(columns)}) FROM STDIN") as copy:
            for first, last, number, birth, sex, teryt, locality, _f, _r in rows:
                copy.write_row((partnership_id, institution_id, first, last,
                                "female" if sex == "K" else "male", birth, number, "", "",
                                teryt, locality, "urban", teryt, locality, "urban",
                                "secondary", "inactive", False, "none", "", "", False, "",
                                now, now))
        seconds = time.perf_counter() - start
        conn.rollback()
    return seconds
