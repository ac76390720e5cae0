"""bench/results.md: the figures a run measured, in Markdown, and the targets they meet or miss.

render() takes the report bench/run.py assembles: the machine, the generation steps, the search
latencies per level, the queries per page, and the pages under load with worker memory.
"""

from bench.load import CEILING, PAGE_CACHE_ON, WARM_UP_SECONDS

TARGETS = {"search_p95_10k": 30.0, "search_p95_100k": 100.0}


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def render(report):
    """The whole of results.md."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py` on {report['started']:%Y-%m-%d %H:%M} UTC, "
        f"in {report['minutes']:.1f} minutes. Command: `{report['command']}`; database "
        f"`{report['database']}`, created and migrated if needed.",
        "",
    ]
    lines += machine_section(report) + data_section(report) + search_section(report)
    lines += load_section(report) + queries_section(report) + pdf_section(report)
    lines += export_section(report)
    lines += ["", "## Targets", ""] + targets(report)
    return "\n".join(lines) + "\n"


def machine_section(report):
    m = report["machine"]
    return [
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
    ]


def data_section(report):
    """The generation of each level: time, rate, CPU used, vacuum, sizes."""
    nproc = report["machine"]["nproc"]
    lines = [
        "## Data",
        "",
        "`generate_practices --seed " + str(report["args"].seed) + "`, grown level by level, then "
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
    return lines + [
        "",
        "CPU is the time the generating process and the PostgreSQL server processes of this "
        "database used (from /proc): on an otherwise idle machine with "
        f"{nproc} cores the generation needs at least (Python + PostgreSQL) / "
        f"{nproc} seconds; the wall time above is longer when other work (the load "
        "average) takes cores away.",
    ]


def search_section(report):
    """A table of search latencies per level."""
    args = report["args"]
    lines = [
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
    return lines


def load_section(report):
    """The pages under load, each mode beside the other, and the workers' memory."""
    args, http = report["args"], report["http"]
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
    lines = [
        "## Pages under load",
        "",
        f"gunicorn with `iccar_portal.settings.bench` (the project's settings, `DEBUG` off, logs "
        f"at WARNING) on 127.0.0.1: {args.workers} gthread workers × {args.worker_threads} "
        f"threads. wrk `-t{args.threads} -c{args.connections} -d{args.duration}s --timeout 30s` "
        f"per page after a {WARM_UP_SECONDS} s warm-up, at {report['levels'][-1]:,} synthetic "
        "practices. The ceiling is a trivial view (`bench/urls.py`) behind the same middleware. "
        "Latencies in milliseconds.",
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
    return lines


def pdf_section(report):
    pdf = report.get("pdf")
    if not pdf:
        return []
    return [
        "",
        "## PDF of a publication",
        "",
        f"The benchmark's publication of 40 practices in four chapters, made in English with "
        f"WeasyPrint from scratch: median {pdf['median']:.2f} s of {pdf['runs']} runs, "
        f"{pdf['bytes'] / 1024:,.0f} KiB. Made once per version and language, then served from "
        "storage.",
    ]


def export_section(report):
    export = report.get("export")
    if not export:
        return []
    growth = export["resident_growth"]
    resident = f", resident memory {growth / 2**20:+,.1f} MiB" if growth is not None else ""
    return [
        "",
        "## CSV export",
        "",
        f"/exports/practices.csv of every published practice, streamed whole in this process: "
        f"{export['rows']:,} rows ({'cut at' if export['cut'] else 'at most'} "
        f"{export['limit']:,}), {export['bytes'] / 2**20:,.1f} "
        f"MiB in {export['seconds']:.1f} s ({export['rows'] / export['seconds']:,.0f} rows/s); "
        f"peak Python memory {export['peak'] / 2**20:,.1f} MiB (tracemalloc){resident}.",
    ]


def queries_section(report):
    lines = [
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
    return lines


def targets(report):
    """Each target, met or missed, with the figure that decides it."""
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
