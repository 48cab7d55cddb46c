"""``python -m bench``: every benchmark of issue #9, one run, figures to ``bench/RESULTS.md``.

Needs a PostgreSQL database filled by ``python -m bench.generate`` (``--owner-url``). The
platform is measured as it is served: as a runtime role bound by row-level security
(created and granted here); baselines run as the owner. See ``bench/README.md``.
"""

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .pages import measure_pages

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
PARTIAL_RESULTS = Path(__file__).with_name("out") / "RESULTS-partial.md"
ALL_PARTS = ("pages", "tenants", "report", "import", "load")
DEFAULT_OWNER_URL = "postgresql+psycopg://postgres@127.0.0.1/mosty_bench"
RUNTIME_ROLE = "mosty_bench_app"
GOALS = {"pages": 1.5, "tenants": 1.1, "report": 1.5, "import": 0.1}


def runtime_url_for(owner_url):
    return make_url(owner_url).set(username=RUNTIME_ROLE, password=None).render_as_string(False)


def grant(owner_url):
    from mosty.tenancy.roles import grant_runtime_role

    engine = create_engine(owner_url)
    with engine.begin() as conn:
        grant_runtime_role(conn, RUNTIME_ROLE)
    engine.dispose()


def volume(owner_url):
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        counts = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in (
            "partnership", "participant", "family", "service_delivery", "referral",
            "audit_entry")}
    engine.dispose()
    return counts


def vacuum(owner_url):
    """``VACUUM ANALYZE`` the database, as autovacuum keeps a live one. A rolled-back
    ``COPY`` (the import's baseline) or a removed partnership leaves dead rows at the end of
    the participant index, just where the probe family's ids are; until they are vacuumed,
    PostgreSQL's planner walks them to find the index's real end for every join on those ids
    (the family visibility rule: 0.9 ms of planning after a vacuum, 6 ms before)."""
    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def fresh_database(owner_url, name):
    """A new database ``name`` next to ``owner_url``'s, migrated; its owner URL."""
    admin = create_engine(make_url(owner_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(owner_url).set(database=name).render_as_string(False)
    env = {**os.environ, "MOSTY_DATABASE_URL": url, "MOSTY_MIGRATION_DATABASE_URL": url}
    done = subprocess.run([str(Path(sys.executable).with_name("mosty")), "db", "upgrade"],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"migrating {name} failed:\n{done.stderr[-3000:]}")
    return url


def measure_tenants(owner_url, scale, runs, log):
    """The pages of one partnership when it is alone vs among 100 of equal size, the same
    total volume in both databases; both served by one process, their requests interleaved."""
    from .generate import generate
    from .pages import measure_page_pairs, prepare_pages

    ready = {}
    for count in (1, 100):
        url = fresh_database(owner_url, f"{make_url(owner_url).database}_t{count}")
        generate(url, scale=scale, partnerships=count, prefix=f"t{count}", even=True,
                 log=lambda *a: None)
        grant(url)
        ready[count] = prepare_pages(runtime_url_for(url), url, with_bare=False)
    log(f" 1 vs 100 partnerships, scale {scale} (median ms):")
    pairs = measure_page_pairs(ready[1], ready[100], runs, log)
    return {1: {name: one for name, (one, _many) in pairs.items()},
            100: {name: many for name, (_one, many) in pairs.items()}}


def session_cookie(owner_url, target, secret_key):
    from .pages import mosty_app

    _app, client, _user = mosty_app(runtime_url_for(owner_url), target, secret_key)
    client.get(f"/{target.slug}/")
    return client.get_cookie("session").value


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mosty benchmarks (see bench/README.md)")
    parser.add_argument("--owner-url", default=DEFAULT_OWNER_URL,
                        help="owner role URL of the database filled by bench.generate")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--tenants-scale", type=float, default=0.05,
                        help="scale of the 1- and 100-partnership databases")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--soak-seconds", type=int, default=600)
    parser.add_argument("--only", default=",".join(ALL_PARTS),
                        help="comma-separated subset to run")
    parser.add_argument("--note", default="", help="a line for RESULTS.md")
    parser.add_argument("--output", default=None,
                        help="where to write the figures (default: bench/RESULTS.md for a "
                             "full run, bench/out/RESULTS-partial.md for a subset)")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(ALL_PARTS):
        parser.error(f"--only: unknown {', '.join(sorted(only - set(ALL_PARTS)))} "
                     f"(choose from {', '.join(ALL_PARTS)})")
    started = time.time()
    grant(args.owner_url)
    vacuum(args.owner_url)
    runtime = runtime_url_for(args.owner_url)
    run = {"volume": volume(args.owner_url), "args": args}
    print("pages (Mosty vs bare):")
    target, run["pages"] = measure_pages(runtime, args.owner_url, args.runs)
    if "tenants" in only:
        print("1 vs 100 partnerships:")
        run["tenants"] = measure_tenants(args.owner_url, args.tenants_scale, args.runs, print)
    if "report" in only:
        from .report import measure_report

        print("report:")
        run["report"] = measure_report(runtime, args.owner_url, target, max(5, args.runs // 3))
    if "import" in only:
        from .imports import measure_import

        print("import:")
        run["import"] = measure_import(runtime, args.owner_url, args.import_rows)
        vacuum(args.owner_url)  # the import's rolled-back COPY and removed partnership
    if "load" in only:
        from .load import measure_load

        print("load:")
        secret = os.urandom(16).hex()
        cookie = session_cookie(args.owner_url, target, secret)
        run["load"] = measure_load(runtime, args.owner_url, target, cookie, secret,
                                   args.load_seconds, args.soak_seconds)
    run["minutes"] = (time.time() - started) / 60
    # A subset run (a spot check) must not replace the record of the last full run.
    output = Path(args.output) if args.output else (
        RESULTS if only >= set(ALL_PARTS) else PARTIAL_RESULTS)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(run))
    print(f"written {output} ({run['minutes']:.1f} min)")


def _verdict(ok):
    return "met" if ok else "**NOT met**"


def render(run):
    args = run["args"]
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    lines = [
        "# Benchmark results", "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the run took "
        f"{run['minutes']:.1f} min",
        f"- Machine: {cpu}, {os.cpu_count()} cores shared with other sessions running at "
        f"the same time (figures are noisy); Python {platform.python_version()}; PostgreSQL on "
        "the same machine",
        f"- Database: `{make_url(args.owner_url).database}`; volume: "
        + ", ".join(f"{k} {v:,}" for k, v in run["volume"].items()),
        f"- Mosty runs as the runtime role `{RUNTIME_ROLE}` (row-level security on); "
        "baselines run as the owner",
    ]
    if args.note:
        lines.append(f"- {args.note}")
    lines += ["", f"## Server time of the pages (goal: ratio ≤ {GOALS['pages']})", "",
              f"{args.runs} warm requests each, interleaved with the baselines' (one Mosty "
              "request, one of each baseline, and again), on the probe family's partnership "
              "(the largest), through the Flask test "
              "client (routing, login, walls, module access, audit entry, template). Two "
              "baselines in a bare Flask app of the same process: **essential SQL** is what a "
              "hand-written app would run for the same rows (`BASELINE_SQL` in "
              "`bench/pages.py`, SQLAlchemy Core, one-line template); **same SQL** replays "
              "every statement the Mosty page sent, with its parameters, on a bare connection "
              "(so its ratio is the cost of Mosty's Python: ORM, walls, hooks, templates).", "",
              "| Page | median ms | p95 ms | statements | essential SQL median ms (statements) "
              "| ratio | same SQL replayed median ms | ratio | goal (essential) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in run["pages"].items():
        ratio = r.med / r.bmed
        lines.append(f"| {name} | {r.med:.1f} | {r.p95:.1f} | {r.statements} | "
                     f"{r.bmed:.1f} ({r.essential}) | {ratio:.2f} | {r.rmed:.1f} | "
                     f"{r.med / r.rmed:.2f} | {_verdict(ratio <= GOALS['pages'])} |")
    if "tenants" in run:
        one, many = run["tenants"][1], run["tenants"][100]
        lines += ["", f"## 1 vs 100 partnerships, equal total volume (goal: ratio ≤ "
                  f"{GOALS['tenants']})", "",
                  f"Two databases generated at scale {args.tenants_scale} (same rows in "
                  "total): one partnership holding everything, and 100 partnerships of equal "
                  "size, each with the same probe family. Both served by one process, their "
                  "requests interleaved; median ms of the same pages; ratio = 100 / 1.", "",
                  "| Page | 1 partnership | 100 partnerships | ratio | goal |",
                  "|---|---:|---:|---:|---|"]
        for name in one:
            ratio = many[name].med / one[name].med
            lines.append(f"| {name} | {one[name].med:.1f} | {many[name].med:.1f} | "
                         f"{ratio:.2f} | {_verdict(ratio <= GOALS['tenants'])} |")
    if "report" in run:
        r = run["report"]
        ratio = r.med / r.bmed
        lines += ["", f"## Partnership report, one year (goal: ≤ {GOALS['report']}×)", "",
                  f"Period {r.period.start} – {r.period.end}. Mosty: `make_report` (every "
                  f"section, modules included; {r.cells} cells). Baseline: the same "
                  f"{r.statements} SQL statements replayed on a raw psycopg connection. "
                  "Aggregation is in the database on both sides (GROUP BY).", "",
                  "| | median ms | p95 ms |", "|---|---:|---:|",
                  f"| Mosty | {r.med:.1f} | {r.p95:.1f} |",
                  f"| same SQL, bare | {r.bmed:.1f} | {r.bp95:.1f} |",
                  "", f"Ratio {ratio:.2f}: {_verdict(ratio <= GOALS['report'])}."]
    if "import" in run:
        i = run["import"]
        share = i.rate / i.copy_rate
        lines += ["", "## Import of participants from CSV (goal: ≥ 1/10 of COPY's rows/s)", "",
                  f"{i.n:,} people (half in families) through the import job in commit mode "
                  "(validation, duplicate check, families, an audit entry per person) vs "
                  "`COPY` of the same rows into the participant table itself (its indexes, "
                  "foreign keys and write-ahead log; as the owner, rolled back).", "",
                  "| | seconds | rows/s |", "|---|---:|---:|",
                  f"| Mosty import | {i.seconds:.1f} | {i.rate:,.0f} |",
                  f"| COPY | {i.copy_seconds:.2f} | {i.copy_rate:,.0f} |",
                  "", f"Share of COPY's rate: {share:.3f} (1/{1 / share:.0f}): "
                  f"{_verdict(share >= GOALS['import'])}."]
    if "load" in run:
        load = run["load"]
        m, b = load.mosty, load.bare
        lines += ["", "## Load: gunicorn, 2 workers, participant page", "",
                  f"`wrk -t2 -c4 --timeout 30s -d{args.load_seconds}s` against the participant page (signed "
                  "in) vs a bare Flask app under the same gunicorn serving the same query.",
                  "", "| | requests/s | requests | errors | median latency |",
                  "|---|---:|---:|---:|---:|",
                  f"| Mosty | {m.rps:.1f} | {m.requests} | {m.errors} | {m.p50} |",
                  f"| bare | {b.rps:.1f} | {b.requests} | {b.errors} | {b.p50} |",
                  "", f"Mosty serves {m.rps / b.rps:.2f} of the bare app's requests per second.",
                  "", f"### Worker memory over a {load.soak_seconds}-second soak", "",
                  f"{load.soak_rps:.1f} requests/s, {load.soak_errors} errors. RSS of the two "
                  "workers (MB):", "", "| second | worker 1 | worker 2 |", "|---:|---:|---:|"]
        for second, rss in load.samples:
            lines.append(f"| {second} | " + " | ".join(
                f"{v:.1f}" if v else "?" for v in rss) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
