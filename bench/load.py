"""The public pages under load: gunicorn on 127.0.0.1 with the benchmark's settings, wrk against
each page and against the ceiling (a view that does nothing), with the page cache off and on;
then the resident memory of each worker.

Between two pages the workers and the database are left to go idle, so that requests wrk gave
up on do not slow the next page down.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from bench import ROOT, say
from bench.database import connect, cpu_seconds
from bench.searches import public_pages

CEILING = "ceiling (trivial view)"
CEILING_PATH = "/bench/ceiling/"
PAGE_CACHE_ON = 600  # PAGE_CACHE_SECONDS of the "cached" mode
WARM_UP_SECONDS = 2
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, port, page_cache):
    """Start gunicorn (gthread workers) and wait until it answers; exit if it does not."""
    env = dict(os.environ, PAGE_CACHE_SECONDS=str(PAGE_CACHE_ON if page_cache else 0))
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "iccar_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.worker_threads),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}{CEILING_PATH}", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            break
    stop(process)
    sys.exit("gunicorn did not start")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers(master_pid):
    """The process ids of a gunicorn master's workers (from /proc)."""
    return Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()


def drain(process, limit=300):
    """Wait until the workers and the database are idle (requests wrk abandoned still run)."""
    watcher = connect()

    def worker_cpu():
        return sum(cpu_seconds(pid) or 0 for pid in workers(process.pid))

    deadline, quiet = time.monotonic() + limit, 0
    try:
        before = worker_cpu()
        while quiet < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND pid <> pg_backend_pid()"
                )
                active = cursor.fetchone()[0]
            now = worker_cpu()
            quiet = quiet + 1 if not active and now - before < 0.05 else 0
            before = now
    finally:
        watcher.close()


def resident_mb(pid):
    """The resident size of a process, in MB (VmRSS, from /proc); None if it has none."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def worker_memory(master_pid):
    """Return the resident size, in MB, of each worker of a gunicorn master and of the master."""
    sizes = [resident_mb(pid) for pid in workers(master_pid)]
    return {
        "workers": [size for size in sizes if size is not None],
        "master": resident_mb(master_pid) or 0.0,
    }


def wrk(args, url, duration):
    """Run wrk against url for `duration` seconds; return its rate, latencies (ms) and errors."""
    result = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def latency(p):
        found = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(found.group(1)) * UNITS[found.group(2)] if found else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def page_cache_header(url):
    """The X-Page-Cache header of one request to url: what the page cache did with it."""
    try:
        with urlopen(url, timeout=120) as response:
            return response.headers.get("X-Page-Cache", "") or "none"
    except OSError as error:
        return f"({error.__class__.__name__})"


def http_benchmark(args, has_page_cache):
    """wrk against the ceiling and the public pages, for each mode of the page cache."""
    modes = [("uncached", False)] + ([("cached", True)] if has_page_cache else [])
    pages = [(CEILING, CEILING_PATH)] + [
        item for item in public_pages() if item[0] not in ("city", "coalition")
    ]
    results = {"modes": [name for name, _c in modes], "pages": pages, "rows": {}, "memory": {}}
    for mode, page_cache in modes:
        port = free_port()
        say(f"gunicorn, {mode}: {args.workers} workers × {args.worker_threads} threads")
        process = start_gunicorn(args, port, page_cache)
        try:
            for label, path in pages:
                url = f"http://127.0.0.1:{port}{path}"
                say(f"wrk {mode}: {label}")
                # Warm-up: every worker has loaded its code, filled its caches, planned its queries.
                wrk(args, url, WARM_UP_SECONDS)
                drain(process)
                cache_header = page_cache_header(url) if page_cache else "—"
                results["rows"][mode, label] = wrk(args, url, args.duration)
                results["rows"][mode, label]["x_page_cache"] = cache_header
                # Requests wrk gave up on still run in the workers: let them end first.
                drain(process)
            results["memory"][mode] = worker_memory(process.pid)
        finally:
            stop(process)
    return results
