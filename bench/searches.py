"""Search latency and the queries of each public page, measured in this process.

The searches are a fixed set that covers the search's paths: one common word, two words, a
phrase, an accented city name, a misspelling (the suggestion), a theme alone, words with two
filters, the evidence levels (a filter with its sort, and with words), the adaptations (a
filter with its sort), the conditions of transfer (two facets, and "what fits my city" with
words). Django is imported
inside the functions: they run after bench/run.py has set it up.
"""

import statistics
import time
from urllib.parse import urlencode

from bench import say
from bench.database import synthetic_count

THEME = "housing"


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
    """The searches timed, as (label, parameters of the search page)."""
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
        (
            "evidence level 3 or more, best proven first",
            {"evidence": ["3", "4", "5"], "sort": "evidence"},
        ),
        ("words + evidence level", {"q": "discrimination", "evidence": ["4", "5"]}),
        ("adapted elsewhere, most adapted first", {"adapted": "1", "sort": "adapted"}),
        ("cost + powers needed", {"cost": ["none", "low"], "needs": ["schools"]}),
        (
            "words + what fits my city",
            {
                "q": "discrimination",
                "size": "medium",
                "budget": "low",
                "powers": ["schools", "culture", "housing"],
            },
        ),
    ]


def search_latencies(args):
    """Time practices.search.run() for each search: --warmup runs, then --runs timed ones, or
    fewer (at least 5) once a search has used its --budget seconds."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from practices import search
    from practices.search.options import forget_filter_options as forget

    forget()
    level = synthetic_count()
    rows = []
    for label, params in search_queries():
        # doseq: a list is several values of one parameter, as the search form sends them.
        query = QueryDict(urlencode(params, doseq=True))
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
                "params": urlencode(params, doseq=True),
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
    """The p-th percentile of values, interpolated between the two nearest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def public_pages():
    """The public pages measured, as (label, path): one of each kind, on synthetic data."""
    from bench.publication import prepare_publication
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
        ("insights", "/insights/"),
        ("publication, 40 practices", prepare_publication()),
        ("api list", "/api/v1/practices/?q=discrimination"),
        ("api detail", f"/api/v1/practices/{practice.first().slug}/"),
    ]


def page_queries():
    """Count the database queries of each public page: cold (the filter options just forgotten),
    then warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from practices.search.options import forget_filter_options as forget

    client = Client()
    rows = []
    for label, url in public_pages():
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
