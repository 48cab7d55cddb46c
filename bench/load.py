"""Requests per second and errors under ``wrk`` against gunicorn (2 workers), Mosty's
participant page vs a bare Flask app serving the same query; then a soak of the Mosty page
with each worker's resident memory (RSS) sampled from ``/proc``."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _gunicorn(app_spec, port, env):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(
        [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if len(_children(process.pid)) >= 2:
            time.sleep(3)  # the workers import the app
            return process
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn {app_spec} did not start")


def _stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


CONNECTIONS = 4  # two per sync worker: one served, one waiting (no queue beyond that)


def _wrk(url, seconds, cookie=None, connections=CONNECTIONS):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "--latency"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in socket.groups()) if socket else 0)
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    return SimpleNamespace(rps=rps, requests=requests, errors=errors,
                           p50=f"{p50.group(1)} {p50.group(2)}" if p50 else "?")


def measure_load(runtime_url, owner_url, target, cookie, secret_key, seconds, soak_seconds,
                 log=print):
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    env = {"BENCH_RUNTIME_URL": runtime_url, "BENCH_OWNER_URL": owner_url,
           "BENCH_SECRET_KEY": secret_key, "BENCH_PID": str(target.pid),
           "BENCH_IID": str(target.iid), "BENCH_PERSON": str(target.person),
           "BENCH_FAMILY": str(target.family)}
    page = f"/{target.slug}/participants/{target.person}/"
    mosty = _gunicorn("bench.wsgi:mosty_app()", 8765, env)
    try:
        warm = _wrk(f"http://127.0.0.1:8765{page}", 10, cookie)
        m = _wrk(f"http://127.0.0.1:8765{page}", seconds, cookie)
        log(f"  gunicorn Mosty: {m.rps:.1f} req/s, {m.errors} errors (warm-up {warm.rps:.1f})")
        workers = _children(mosty.pid)
        samples = []
        soak = subprocess.Popen(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{soak_seconds}s", "--timeout", "30s", "-H", f"Cookie: session={cookie}",
             f"http://127.0.0.1:8765{page}"], stdout=subprocess.PIPE, text=True)
        started = time.time()
        while soak.poll() is None:
            samples.append((round(time.time() - started),
                            [_rss_mb(pid) for pid in workers]))
            time.sleep(max(1, soak_seconds // 20))
        out = soak.stdout.read()
        soak_rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        soak_errors = int(non2xx.group(1)) if non2xx else 0
    finally:
        _stop(mosty)
    bare = _gunicorn("bench.wsgi:bare_app()", 8766, env)
    try:
        _wrk("http://127.0.0.1:8766/participant_page", 10)
        b = _wrk("http://127.0.0.1:8766/participant_page", seconds)
        log(f"  gunicorn bare: {b.rps:.1f} req/s, {b.errors} errors")
    finally:
        _stop(bare)
    log(f"  soak {soak_seconds} s: {soak_rps:.1f} req/s, {soak_errors} errors, RSS "
        f"{samples[0][1]} -> {samples[-1][1]} MB")
    return SimpleNamespace(mosty=m, bare=b, samples=samples, soak_seconds=soak_seconds,
                           soak_rps=soak_rps, soak_errors=soak_errors)
