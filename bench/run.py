"""The benchmark behind `make bench`: search latency, page throughput and memory, on PostgreSQL.

    .venv/bin/python bench/run.py [--levels 1000,10000,100000] [--runs 30] [--duration 10]

Steps, each reported in bench/results.md:

1. the database (DATABASE_URL, or postgres://postgres@127.0.0.1:5432/iccar_bench): created if
   missing, migrated, demo data loaded; synthetic practices (generate_practices) grown level by
   level, then VACUUM ANALYZE, as a settled production database would be;
2. at each level, practices.search.run() in this process for a fixed set of searches: warmed up,
   then timed --runs times each (the whole search: results page, count, facets or suggestion);
3. at the last level, the queries each public page makes (Django's test client);
4. gunicorn (DEBUG off, quiet) on 127.0.0.1 and wrk against the public pages and a trivial view
   (the ceiling): requests per second and latency, with and without the page cache when the
   project has one; then the resident memory of each worker, from /proc.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iccar_bench"
TARGETS = {"search_p95_10k": 30.0, "search_p95_100k": 100.0}
THEME = "housing"
CEILING = "ceiling (trivial view)"
PAGE_CACHE_ON = 600


def say(message):
    sys.stderr.write(f"[bench {datetime.now():%H:%M:%S}] {message}\n")
    sys.stderr.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search (≥ 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=45,
        help="seconds of timed runs per search at most: a search that slow stops earlier (≥ 5 "
        "runs), so that the whole benchmark stays within about 25 minutes",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=4, help="gunicorn gthread threads")
    parser.add_argument(
        "--reuse", action="store_true", help="keep synthetic practices already generated"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the levels already measured by an interrupted run (var/bench-checkpoint.json)",
    )
    args = parser.parse_args()
    levels = sorted(int(level) for level in args.levels.split(","))
    args.runs = max(args.runs, 30)

    if shutil.which("wrk") is None:
        sys.exit(
            "The benchmark needs wrk: apt-get install wrk (Debian, Ubuntu) or brew install wrk."
        )
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    database_given = bool(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(32))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.pop("DEBUG", None)
    # Measured in this process: never a cached page. gunicorn gets 0 or PAGE_CACHE_ON.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["REDIS_URL"] = redis_url()
    command = "make bench" if os.environ.get("MAKELEVEL") else shlex.join(sys.argv)
    started = time.monotonic()
    report = {
        "command": command,
        "started": datetime.now(UTC),
        "load_before": os.getloadavg(),
        "database": "from DATABASE_URL" if database_given else DEFAULT_DATABASE_URL,
        "levels": levels,
        "args": args,
    }

    create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    say("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("compile_catalogues", verbosity=0)
    call_command("seed_demo", verbosity=0)
    report["machine"] = machine(connection)
    report["has_page_cache"] = settings.HAS_PAGE_CACHE
    report["redis"] = os.environ["REDIS_URL"]
    # What is measured is kept as it comes: --resume carries on after a failure.
    checkpoint = ROOT / "var" / "bench-checkpoint.json"
    done = json.loads(checkpoint.read_text()) if args.resume and checkpoint.exists() else {}
    report["generation"] = done.get("generation", [])
    report["search"] = {int(level): rows for level, rows in done.get("search", {}).items()}
    if not args.reuse and not done:
        say("deleting earlier synthetic practices")
        clear(call_command, connection)
    for level in levels:
        if level in report["search"]:
            continue
        report["generation"].append(grow(level, args.seed, call_command, connection))
        report["search"][level] = search_latencies(args, connection)
        save_checkpoint(checkpoint, report)
    report["queries"] = page_queries()
    report["http"] = http_benchmark(args, settings.HAS_PAGE_CACHE)
    report["load_after"] = os.getloadavg()
    report["minutes"] = (time.monotonic() - started) / 60
    Path(args.output).write_text(render(report), encoding="utf-8")
    say(f"done in {report['minutes']:.1f} min: {args.output}")


# ---------------------------------------------------------------- database


def redis_url():
    """The shared cache the workers use, as in production: REDIS_URL, or a local Redis (its
    database 9), or none (each worker then caches for itself)."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/9"
    except OSError:
        return ""


def save_checkpoint(path, report):
    path.parent.mkdir(exist_ok=True)
    kept = {"generation": report["generation"], "search": report["search"]}
    path.write_text(json.dumps(kept, default=str), encoding="utf-8")


def create_database(url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    if "postgres" not in config["ENGINE"]:
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    server = psycopg2.connect(dbname="postgres", **params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            say(f"creating database {config['NAME']}")
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    server.close()


def machine(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / 1024 / 1024
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    import django
    import gunicorn

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "postgres": postgres.split(" on ")[0],
        "postgres_config": f"shared_buffers {shared_buffers}, work_mem {work_mem}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].split(" [")[0].strip(),
        "kernel": platform.release(),
    }


def synthetic_count():
    from practices.models import Practice

    return Practice.objects.filter(slug__startswith="synthetic-").count()


def pg_connect(database=None):
    """A connection of its own (autocommit) to the benchmark's database, or another one."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname=database or config["NAME"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )
    connection.autocommit = True
    return connection


class BackendCPU:
    """CPU time that the PostgreSQL server processes of this database use meanwhile (/proc)."""

    def __init__(self):
        import threading

        self.connection = pg_connect()
        self.first, self.last, self.done = {}, {}, threading.Event()
        self.sample()
        self.first = dict(self.last)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        tick = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # not on this machine, or gone
            self.last[pid] = (int(fields[11]) + int(fields[12])) / tick

    def run(self):
        while not self.done.wait(0.5):
            self.sample()

    def stop(self):
        self.done.set()
        self.thread.join()
        self.sample()
        self.connection.close()
        used = sum(value - self.first.get(pid, 0) for pid, value in self.last.items())
        return used if self.last else None


TABLES = [
    "practices_practice",
    "practices_practicetranslation",
    "practices_practice_themes",
    "practices_practice_city_roles",
    "practices_practice_target_groups",
    "practices_practice_commitments",
    "cities_city",
]


def clear(call_command, connection):
    """Delete the synthetic practices, and give their space back: a table that once held
    100,000 practices would otherwise make every later scan read its empty pages."""
    call_command("generate_practices", clear=True, verbosity=0)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM FULL {table}")


def grow(level, seed, call_command, connection):
    """Bring the synthetic practices to `level`, timing the generation and the vacuum."""
    import resource

    have = synthetic_count()
    step = {"level": level, "added": 0, "seconds": 0.0, "vacuum": 0.0, "cpu": None}
    if have > level:
        clear(call_command, connection)
        have = 0
    if have < level:
        say(f"generating {level - have:,} practices ({have:,} → {level:,})")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        backends = BackendCPU()
        load = os.getloadavg()[0]
        started = time.monotonic()
        call_command("generate_practices", count=level - have, seed=seed)
        step["added"], step["seconds"] = level - have, time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        python = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        step["cpu"] = {"python": python, "postgres": backends.stop()}
        step["load"] = (load + os.getloadavg()[0]) / 2
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    step["vacuum"] = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('practices_practice'))")
        step["table_size"] = cursor.fetchone()[0]
    step["published"] = published_count()
    return step


def published_count():
    from practices.models import Practice

    return Practice.objects.published().count()


# ---------------------------------------------------------------- search latency


def accented_city():
    """The accented city name searched for: the synthetic one with the most practices."""
    from django.db.models import Count

    from cities.models import City

    cities = (
        City.objects.filter(slug__startswith="synthetic-")
        .annotate(n=Count("practices"))
        .order_by("-n", "slug")
        .values_list("name", flat=True)
    )
    for name in cities:
        if not name.isascii():
            return name
    return "Zürich"


def search_queries():
    return [
        ("one word", {"q": "discrimination"}),
        ("two words", {"q": "roma housing"}),
        ("quoted phrase", {"q": '"equal treatment"'}),
        ("accented city name", {"q": accented_city()}),
        ("misspelling (suggestion)", {"q": "discrimnation"}),
        ("theme filter alone", {"theme": THEME}),
        (
            "words + two filters",
            {"q": "discrimination", "theme": "education", "coalition": "eccar"},
        ),
    ]


def search_latencies(args, connection):
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from practices import search
    from practices.search.options import forget_filter_options as forget

    forget()
    level = synthetic_count()
    rows = []
    for label, params in search_queries():
        query = QueryDict(urlencode(params))
        say(f"search at {level:,}: {label}")
        with translation.override("en"):
            warm_until = time.monotonic() + args.budget / 3
            for _ in range(args.warmup):
                search.run(query)
                if time.monotonic() > warm_until:
                    break  # one run is warm-up enough for a search this slow
            with CaptureQueriesContext(connection) as captured:
                outcome = search.run(query)
            times, budget_ends = [], time.monotonic() + args.budget
            for _ in range(args.runs):
                started = time.perf_counter()
                search.run(query)
                times.append((time.perf_counter() - started) * 1000)
                if len(times) >= 5 and time.monotonic() > budget_ends:
                    break
        rows.append(
            {
                "label": label,
                "params": urlencode(params),
                "total": outcome.total,
                "suggestion": outcome.suggestion,
                "queries": len(captured.captured_queries),
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "p99": percentile(times, 99),
                "mean": statistics.fmean(times),
                "runs": len(times),
            }
        )
    return rows


def percentile(values, p):
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ---------------------------------------------------------------- pages


def public_pages():
    from cities.models import City, Coalition
    from practices.models import Practice

    practice = Practice.objects.published().filter(slug__startswith="synthetic-").order_by("slug")
    city = City.objects.filter(slug__startswith="synthetic-").order_by("slug").first()
    return [
        ("home", "/"),
        ("search, no words", "/practices/"),
        ("search, word + theme", f"/practices/?q=discrimination&theme={THEME}"),
        ("practice", f"/practices/{practice.first().slug}/"),
        ("theme", f"/themes/{THEME}/"),
        ("city", f"/cities/{city.slug}/"),
        ("coalition", f"/coalitions/{Coalition.objects.order_by('slug').first().slug}/"),
    ]


def page_queries():
    """Count the database queries of each public page, and of the search page for each search."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from practices.search.options import forget_filter_options as forget

    client = Client()
    pages = public_pages()
    rows = []
    for label, url in pages:
        for cold in (True, False):
            if cold:
                forget()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if cold:
                first = len(captured.captured_queries)
        rows.append(
            {
                "label": label,
                "url": url,
                "status": response.status_code,
                "cold": first,
                "warm": len(captured.captured_queries),
            }
        )
    return rows


# ---------------------------------------------------------------- gunicorn and wrk


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, port, page_cache):
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
            with urlopen(f"http://127.0.0.1:{port}/bench/ceiling/", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            break
    stop(process)
    sys.exit("gunicorn did not start")


def drain(process, limit=300):
    """Wait until the workers and the database are idle (requests wrk abandoned still run)."""
    watcher = pg_connect()
    tick = os.sysconf("SC_CLK_TCK")

    def worker_cpu():
        total = 0
        for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / tick

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


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_memory(master_pid):
    """Return the resident size, in MB, of each worker of a gunicorn master (from /proc)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    master = 0.0
    for line in Path(f"/proc/{master_pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            master = int(line.split()[1]) / 1024
    return {"workers": sizes, "master": master}


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(args, url, duration):
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


def http_benchmark(args, has_page_cache):
    modes = [("uncached", False)] + ([("cached", True)] if has_page_cache else [])
    pages = [(CEILING, "/bench/ceiling/")] + [
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
                wrk(args, url, 2)  # warm-up: every worker has loaded code, caches and plans
                drain(process)
                cache_header = "—"
                if page_cache:
                    try:
                        with urlopen(url, timeout=120) as response:
                            cache_header = response.headers.get("X-Page-Cache", "") or "none"
                    except OSError as error:
                        cache_header = f"({error.__class__.__name__})"
                results["rows"][mode, label] = wrk(args, url, args.duration)
                results["rows"][mode, label]["x_page_cache"] = cache_header
                # Requests wrk gave up on still run in the workers: let them end first.
                drain(process)
            results["memory"][mode] = worker_memory(process.pid)
        finally:
            stop(process)
    return results


# ---------------------------------------------------------------- the report


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def render(report):
    m, args = report["machine"], report["args"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py` on {report['started']:%Y-%m-%d %H:%M} UTC, "
        f"in {report['minutes']:.1f} minutes. Command: `{report['command']}`; database "
        f"`{report['database']}`, created and migrated if needed.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPUs (`nproc`) | {m['nproc']} × {m['cpu']} |",
        f"| memory | {m['memory_gb']:.1f} GB |",
        f"| PostgreSQL | {m['postgres']} ({m['postgres_config']}, same machine) |",
        f"| Python, Django | {m['python']}, Django {m['django']} |",
        f"| gunicorn, wrk | gunicorn {m['gunicorn']}; {m['wrk']} |",
        f"| kernel | Linux {m['kernel']} |",
        "| load average (1, 5, 15 min) | before: "
        + ", ".join(f"{x:.2f}" for x in report["load_before"])
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in report["load_after"])
        + " |",
        "",
        "The machine is shared: other work running at the same time (see the load average) "
        "slows every figure below; PostgreSQL, gunicorn and wrk also share its cores.",
        "",
        "## Data",
        "",
        "`generate_practices --seed " + str(args.seed) + "`, grown level by level, then "
        "`VACUUM ANALYZE` of the practice, link and city tables. About 70 % of the practices use "
        "the word “discrimination” (or its translation) in their text; coalition and theme names "
        "add it to more.",
        "",
        "| synthetic practices | added | generation | rate | CPU: Python + PostgreSQL | "
        "load avg | VACUUM ANALYZE | published (with demo) | practice table |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step in report["generation"]:
        rate = step["added"] / step["seconds"] if step["seconds"] else None
        cpu = step["cpu"] or {}
        used = (
            f"{cpu['python']:.0f} s + {cpu['postgres']:.0f} s"
            if cpu.get("postgres") is not None
            else (f"{cpu['python']:.0f} s + ?" if cpu else "—")
        )
        lines.append(
            f"| {step['level']:,} | {step['added']:,} | {fmt(step['seconds'])} s | "
            f"{fmt(rate, 0)}/s | {used} | {fmt(step.get('load'))} | {fmt(step['vacuum'])} s | "
            f"{step['published']:,} | {step['table_size']} |"
        )
    lines += [
        "",
        "CPU is the time the generating process and the PostgreSQL server processes of this "
        "database used (from /proc): on an otherwise idle machine with "
        f"{m['nproc']} cores the generation needs at least (Python + PostgreSQL) / "
        f"{m['nproc']} seconds; the wall time above is longer when other work (the load "
        "average) takes cores away.",
    ]
    lines += [
        "",
        "## Search latency",
        "",
        f"`practices.search.run(QueryDict)` in one process: {args.warmup} warm-up runs, then "
        f"{args.runs} timed runs of each search. Each run is the whole search: the page of "
        "results with headlines, the count, and the facet counts (or, with no result, the "
        "suggestion). Milliseconds.",
        "",
    ]
    for level, rows in report["search"].items():
        lines += [
            f"### {level:,} synthetic practices",
            "",
            "| search | parameters | results | queries | runs | p50 | p95 | p99 | mean |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in rows:
            total = f"{row['total']:,}"
            if row["suggestion"]:
                total += f" (suggests “{row['suggestion']}”)"
            lines.append(
                f"| {row['label']} | `{row['params']}` | {total} | {row['queries']} | "
                f"{row['runs']}{'' if row['runs'] >= args.runs else ' (time-capped)'} | "
                f"{fmt(row['p50'])} | {fmt(row['p95'])} | {fmt(row['p99'])} | "
                f"{fmt(row['mean'])} |"
            )
        lines.append("")
    http = report["http"]
    cache_note = (
        f"The page cache (`core/page_cache.py`) is switched with `PAGE_CACHE_SECONDS`: "
        f"0 for “uncached”, {PAGE_CACHE_ON} for “cached”; the shared cache is "
        + (f"Redis (`{report['redis']}`)" if report["redis"] else "each worker's own memory")
        + " in both. The last column is the `X-Page-Cache` header of a request made after the "
        "warm-up."
        if report["has_page_cache"]
        else "Cached: *pending* — the project has no page cache yet (no `PAGE_CACHE_SECONDS` in "
        "`iccar_portal/settings/base.py`); once it has one, `make bench` measures both modes."
    )
    lines += [
        "## Pages under load",
        "",
        f"gunicorn with `bench.settings` (the project's settings, `DEBUG` off, logs at WARNING) "
        f"on 127.0.0.1: {args.workers} gthread workers × {args.worker_threads} threads. "
        f"wrk `-t{args.threads} -c{args.connections} -d{args.duration}s --timeout 30s` per page "
        f"after a 2 s warm-up, at {report['levels'][-1]:,} synthetic practices. The ceiling is a "
        "trivial view (`bench/urls.py`) behind the same middleware. Latencies in milliseconds.",
        "",
        cache_note,
        "",
    ]
    header, rule = "| page |", "| --- |"
    for mode in http["modes"]:
        header += f" {mode} req/s | p50 | p99 | % of ceiling |"
        rule += " ---: | ---: | ---: | ---: |"
    header += " X-Page-Cache |" if "cached" in http["modes"] else " cached |"
    rule += " --- |"
    lines += [header, rule]
    for label, path in http["pages"]:
        line = f"| {label} `{path}` |"
        for mode in http["modes"]:
            row = http["rows"][mode, label]
            ceiling = http["rows"][mode, CEILING]["rps"]
            share = 100 * row["rps"] / ceiling if ceiling else 0
            errors = f" ({row['non_2xx']:,} non-2xx)" if row["non_2xx"] else ""
            errors += f" (socket errors: {row['socket_errors']})" if row["socket_errors"] else ""
            line += (
                f" {fmt(row['rps'])}{errors} | {fmt(row['p50'])} | {fmt(row['p99'])} | "
                f"{share:.0f} % |"
            )
        if "cached" in http["modes"]:
            line += f" {http['rows']['cached', label]['x_page_cache'] or '—'} |"
        else:
            line += " pending |"
        lines.append(line)
    lines += ["", "### Memory after the load (resident size, from /proc)", ""]
    for mode, memory in http["memory"].items():
        workers = ", ".join(f"{size:.0f}" for size in memory["workers"])
        lines.append(f"- {mode}: workers {workers} MB; master {memory['master']:.0f} MB")
    lines += [
        "",
        "## Queries per public page",
        "",
        f"Django's test client at {report['levels'][-1]:,} synthetic practices; “cold” is the "
        "first request after the cache is cleared (the names the filters use are read once), "
        "“warm” the next one.",
        "",
        "| page | status | cold | warm |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in report["queries"]:
        lines.append(
            f"| {row['label']} `{row['url']}` | {row['status']} | {row['cold']} | {row['warm']} |"
        )
    lines += ["", "## Targets", ""] + targets(report)
    return "\n".join(lines) + "\n"


def targets(report):
    lines = []
    levels = report["search"]
    for level, limit in [(10000, TARGETS["search_p95_10k"]), (100000, TARGETS["search_p95_100k"])]:
        if level not in levels:
            lines.append(f"- Search p95 ≤ {limit:.0f} ms at {level:,}: not measured.")
            continue
        worst = max(levels[level], key=lambda row: row["p95"])
        ok = worst["p95"] <= limit
        over = [row["label"] for row in levels[level] if row["p95"] > limit]
        detail = f" (over: {', '.join(over)})" if over else ""
        lines.append(
            f"- Search p95 ≤ {limit:.0f} ms at {level:,} practices (uncached, with count and "
            f"facets): {verdict(ok)} — worst {worst['p95']:.1f} ms, {worst['label']}{detail}."
        )
    http = report["http"]
    for mode, limit in [("cached", 80), ("uncached", 40)]:
        if mode not in http["modes"]:
            lines.append(
                f"- Every cached public page ≥ {limit} % of the ceiling: **pending** — the "
                "project has no page cache yet."
            )
            continue
        ceiling = http["rows"][mode, CEILING]["rps"]
        shares = [
            (100 * http["rows"][mode, label]["rps"] / ceiling, label)
            for label, _path in http["pages"]
            if not label.startswith("ceiling")
        ]
        worst_share, worst_label = min(shares)
        below = [label for share, label in shares if share < limit]
        detail = f" (below: {', '.join(below)})" if below else ""
        lines.append(
            f"- Every {mode} public page ≥ {limit} % of the ceiling's throughput "
            f"({ceiling:,.0f} req/s): {verdict(worst_share >= limit)} — lowest "
            f"{worst_share:.0f} %, {worst_label}{detail}."
        )
    most = max(report["queries"], key=lambda row: max(row["cold"], row["warm"]))
    count = max(most["cold"], most["warm"])
    lines.append(
        f"- At most 12 queries on any public page: {verdict(count <= 12)} — most {count}, "
        f"{most['label']}."
    )
    sizes = [size for memory in http["memory"].values() for size in memory["workers"]]
    largest = max(sizes) if sizes else 0
    lines.append(
        f"- ≤ 200 MB resident per worker: {verdict(largest <= 200)} — largest {largest:.0f} MB."
    )
    return lines


if __name__ == "__main__":
    main()
