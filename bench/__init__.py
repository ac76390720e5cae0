"""`make bench`: search latency, page throughput and memory on PostgreSQL (see bench/README.md).

The entry point is bench/run.py; the modules beside it do one job each: database.py (the
database and the synthetic practices), searches.py (search latency, queries per page), load.py
(gunicorn and wrk), report.py (results.md).
"""

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def say(message):
    """Tell the person waiting what the benchmark is doing now (stderr, with the time)."""
    sys.stderr.write(f"[bench {datetime.now():%H:%M:%S}] {message}\n")
    sys.stderr.flush()
