"""The CSV export of every published practice (/exports/practices.csv with no parameter), at the
last level: seconds to stream it whole, and the memory it takes (Python's peak allocations,
from tracemalloc, and the growth of the process's resident memory)."""

import time
import tracemalloc
from pathlib import Path


def resident_bytes():
    """The resident memory of this process now (Linux /proc), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _stream(view, request):
    """Call the view and read its whole response: (rows, bytes)."""
    response = view(request)
    rows = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += 1
    response.close()
    return rows - 2, size  # less the byte-order mark and the header (a cut file: plus its note)


def csv_export():
    """Time the CSV export of all published practices (cut at EXPORT_MAX_ROWS), then stream it
    again under tracemalloc for its peak memory."""
    from django.test import RequestFactory
    from django.utils import translation

    from exports.rows import max_rows
    from exports.views import practices_csv

    request = RequestFactory().get("/exports/practices.csv")
    with translation.override("en"):
        _stream(practices_csv, request)  # warm up: the names, the query plans
        before = resident_bytes()
        started = time.perf_counter()
        rows, size = _stream(practices_csv, request)
        seconds = time.perf_counter() - started
        after = resident_bytes()
        tracemalloc.start()
        _stream(practices_csv, request)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    limit = max_rows()
    return {
        "rows": min(rows, limit),
        "cut": rows > limit,
        "limit": limit,
        "seconds": seconds,
        "bytes": size,
        "peak": peak,
        "resident_growth": None if before is None else after - before,
    }
