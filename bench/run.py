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

This module reads the options, sets the environment (settings: iccar_portal.settings.bench) and
runs the steps in order; bench/database.py does step 1, bench/searches.py steps 2 and 3,
bench/load.py step 4, and bench/report.py writes results.md.
"""

import argparse
import json
import os
import secrets
import shlex
import shutil
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINT = ROOT / "var" / "bench-checkpoint.json"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search (≥ 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=45,
        help="seconds of timed runs per search at most: a search that slow stops earlier (≥ 5 "
        "runs), so that one slow search does not hold up the whole benchmark",
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
    args.runs = max(args.runs, 30)
    return args


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


def set_environment(default_database_url):
    """The environment of this process and of gunicorn's: the benchmark's settings and database.

    Returns whether DATABASE_URL was given, rather than the default."""
    database_given = bool(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DATABASE_URL", default_database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iccar_portal.settings.bench"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(32))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.pop("DEBUG", None)
    # Measured in this process: never a cached page. gunicorn gets 0 or PAGE_CACHE_ON.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["REDIS_URL"] = redis_url()
    # wrk asks from one address, far faster than any visitor: the API's rate limit would answer
    # most of its requests with 429.
    os.environ["API_RATE"] = "100000000/min"
    return database_given


def save_checkpoint(report):
    """Keep what is measured as it comes: --resume carries on after a failure."""
    CHECKPOINT.parent.mkdir(exist_ok=True)
    kept = {"generation": report["generation"], "search": report["search"]}
    CHECKPOINT.write_text(json.dumps(kept, default=str), encoding="utf-8")


def main():
    args = parse_arguments()
    levels = sorted(int(level) for level in args.levels.split(","))
    if shutil.which("wrk") is None:
        sys.exit(
            "The benchmark needs wrk: apt-get install wrk (Debian, Ubuntu) or brew install wrk."
        )
    os.chdir(ROOT)
    # Run as a file, Python puts bench/ first on the path: the project's root takes its place, so
    # that the benchmark's modules load as the package bench, beside the project's apps.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry).resolve() != here]
    from bench import database, load, say, searches
    from bench.report import render

    database_given = set_environment(database.DEFAULT_DATABASE_URL)
    command = "make bench" if os.environ.get("MAKELEVEL") else shlex.join(sys.argv)
    started = time.monotonic()
    report = {
        "command": command,
        "started": datetime.now(UTC),
        "load_before": os.getloadavg(),
        "database": "from DATABASE_URL" if database_given else database.DEFAULT_DATABASE_URL,
        "levels": levels,
        "args": args,
    }

    database.create_database()
    import django

    django.setup()
    from django.conf import settings

    database.prepare()
    report["machine"] = database.machine()
    report["has_page_cache"] = settings.HAS_PAGE_CACHE
    report["redis"] = os.environ["REDIS_URL"]
    done = json.loads(CHECKPOINT.read_text()) if args.resume and CHECKPOINT.exists() else {}
    report["generation"] = done.get("generation", [])
    report["search"] = {int(level): rows for level, rows in done.get("search", {}).items()}
    if not args.reuse and not done:
        say("deleting earlier synthetic practices")
        database.clear()
    for level in levels:
        if level in report["search"]:
            continue
        report["generation"].append(database.grow(level, args.seed))
        report["search"][level] = searches.search_latencies(args)
        save_checkpoint(report)
    report["queries"] = searches.page_queries()
    from bench.publication import pdf_seconds

    report["pdf"] = pdf_seconds()
    from bench.exports import csv_export

    say("timing the CSV export of every published practice")
    report["export"] = csv_export()
    report["http"] = load.http_benchmark(args, settings.HAS_PAGE_CACHE)
    report["load_after"] = os.getloadavg()
    report["minutes"] = (time.monotonic() - started) / 60
    Path(args.output).write_text(render(report), encoding="utf-8")
    say(f"done in {report['minutes']:.1f} min: {args.output}")


if __name__ == "__main__":
    main()
