"""Counting on PostgreSQL: the count, every facet's counts and one page's ids in one query over
the narrow search entries (practices.models.SearchEntry, kept by triggers, migration 0009)."""

from dataclasses import dataclass, replace

from django.contrib.postgres.search import SearchRank
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from core.page_cache import read_per_generation
from core.pagination import PAGE_SIZE
from practices.models import SearchEntry
from practices.models.matching import text_query

from .filters import (
    CONDITION_FILTERS,
    FACETS,
    FIELD_FACETS,
    OPTION_SET_FILTERS,
    PLACE_FILTERS,
    RELATION_FILTERS,
    PracticeFilter,
    field_facet_condition,
)


@dataclass
class Summary:
    total: int
    page_ids: list
    rows: dict  # facet name → [(key, count)]


UNFILTERED_ORDERINGS = {
    "newest": ["-published_at", "practice_id"],
    "title": [Lower("title"), "practice_id"],
    "city": ["city__name", Lower("title"), "practice_id"],
    "evidence": [F("evidence_level").desc(nulls_last=True), "-published_at", "practice_id"],
    "adapted": ["-adapted_in", "-published_at", "practice_id"],
}


# The arrays of a search entry that facets are counted from (migration 0009), by facet.
ENTRY_ARRAYS = {
    "theme": "theme_ids",
    "role": "role_ids",
    "target": "target_ids",
    "commitment": "commitment_ids",
    "language": "languages",
}


SORT_SQL = {
    "relevance": "m.rank DESC, m.published_at DESC, m.id",
    "newest": "m.published_at DESC, m.id",
    "title": "m.title_key, m.id",
    "city": "m.city_name, m.title_key, m.id",
    "evidence": "m.evidence_level DESC NULLS LAST, m.published_at DESC, m.id",
    "adapted": "m.adapted_in DESC, m.published_at DESC, m.id",
}


# The orders of SORT_SQL on the search entries themselves, for matching_entries().
ENTRY_ORDERINGS = {"relevance": ["-rank", "-published_at", "practice_id"], **UNFILTERED_ORDERINGS}


def entry_conditions(filterset):
    """Return {facet filter: the condition a search entry meets} for each facet filter in use."""
    conditions = {}
    for name in FACETS:
        value = filterset.form.cleaned_data.get(name)
        if not value:
            continue
        if name in RELATION_FILTERS:
            # The entry's own array of ids: no lookup in the link table for each row.
            conditions[name] = RawSQL(
                f'"practices_searchentry"."{ENTRY_ARRAYS[name]}" && %s::bigint[]',
                [filterset.selected_ids(name)],
                BooleanField(),
            )
        elif name == "language":
            conditions[name] = Q(available_languages__contains=f",{value},")
        elif name == "evidence":
            conditions[name] = Q(evidence_level__in=[int(level) for level in value])
        elif name == "promising":
            conditions[name] = Q(is_promising=True)
        elif name in FIELD_FACETS:
            conditions[name] = field_facet_condition(name, value)
        else:
            conditions[name] = Q(**{filterset.filters[name].field_name: value})
    return conditions


def summarise(filterset, text, sort, number):
    """Count, count each facet's options and find one page's ids, in one query (PostgreSQL).

    The practices that pass the filters without options (words, years) are gathered once,
    with a flag for each facet filter in use; each facet is then counted from them with the
    flags of the other filters, the way facet_counts() does with one query per facet.
    """
    conditions = entry_conditions(filterset)
    candidates = filterset.filtered_without(SearchEntry.objects.all(), {*FACETS, "sort"})
    data = filterset.form.cleaned_data
    only_filter = None
    if not text and not data.get("year_from") and not data.get("year_to") and len(conditions) == 1:
        # Browsing by one option (a theme, a city…): that filter's own counts are those of
        # everything published, so only the practices it keeps need reading.
        ((only_filter, condition),) = conditions.items()
        candidates, conditions = candidates.filter(condition), {}
    elif len(conditions) > 1:
        # A practice left out by two filters or more counts for no option: leave it out.
        failures = sum(
            Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())
            for condition in conditions.values()
        )
        candidates = candidates.alias(failures=failures).filter(failures__lte=1)
    columns = [
        "practice_id",
        "city_id",
        "available_languages",
        "published_at",
        "evidence_level",
        "is_promising",
        "adapted_in",
        *CONDITION_FILTERS.values(),
        *OPTION_SET_FILTERS.values(),
    ]
    annotations = {}
    if sort == "relevance":
        annotations["rank"] = SearchRank(F("rank_vector"), text_query(text))
    if sort in ("title", "city"):
        annotations["title_key"] = Lower("title")
    if sort == "city":
        annotations["city_name"] = F("city__name")
    for column in ENTRY_ARRAYS.values():
        annotations[column] = RawSQL(f'"practices_searchentry"."{column}"', [])
    for name, condition in conditions.items():
        annotations[f"in_{name}"] = ExpressionWrapper(condition, output_field=BooleanField())
    candidates = candidates.annotate(**annotations).values(*columns, *annotations).order_by()
    candidates_sql, params = candidates.query.sql_with_params()
    quote = connection.ops.quote_name

    def flags_except(names):
        flags = [f"m.{quote('in_' + name)}" for name in conditions if name not in names]
        return " AND ".join(flags) or "TRUE"

    parts = []
    for name, column in ENTRY_ARRAYS.items():
        parts.append(
            f"SELECT '{name}', key::text, count(*) FROM (SELECT unnest(m.{quote(column)}) AS key "
            f"FROM m WHERE {flags_except({name})}) AS linked GROUP BY key"
        )
    parts.append(
        f"SELECT 'city', m.city_id::text, count(*) FROM m "
        f"WHERE {flags_except(set(PLACE_FILTERS))} GROUP BY m.city_id"
    )
    parts.append(
        f"SELECT 'evidence', m.evidence_level::text, count(*) FROM m "
        f"WHERE m.evidence_level IS NOT NULL AND {flags_except({'evidence'})} "
        f"GROUP BY m.evidence_level"
    )
    parts.append(
        f"SELECT 'promising', '1', count(*) FROM m "
        f"WHERE m.is_promising AND {flags_except({'promising'})}"
    )
    parts.append(
        f"SELECT 'adapted', '1', count(*) FROM m "
        f"WHERE m.adapted_in > 0 AND {flags_except({'adapted'})}"
    )
    for name, column in CONDITION_FILTERS.items():
        parts.append(
            f"SELECT '{name}', m.{column}, count(*) FROM m "
            f"WHERE m.{column} <> '' AND {flags_except({name})} GROUP BY m.{column}"
        )
    for name, column in OPTION_SET_FILTERS.items():
        parts.append(
            f"SELECT '{name}', key, count(*) FROM (SELECT unnest(string_to_array("
            f"btrim(m.{column}, ','), ',')) AS key FROM m "
            f"WHERE m.{column} <> '' AND {flags_except({name})}) AS chosen GROUP BY key"
        )
    parts.append(f"SELECT 'total', NULL, count(*) FROM m WHERE {flags_except(set())}")
    parts.append(
        f"(SELECT 'page', m.id::text, 0 FROM m WHERE {flags_except(set())} "
        f"ORDER BY {SORT_SQL[sort]} LIMIT %s OFFSET %s)"
    )
    column_list = ", ".join(quote(name) for name in ["id", *columns[1:], *annotations])
    sql = f"WITH m ({column_list}) AS MATERIALIZED ({candidates_sql}) " + " UNION ALL ".join(parts)
    with transaction.atomic(), connection.cursor() as cursor:
        if text:
            # When a word is in most practices, PostgreSQL prices a sequential scan of the
            # entries just below the GIN index, and would then de-TOAST every search vector
            # to test it: for this query, leave it the index.
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute(sql, [*params, PAGE_SIZE, (number - 1) * PAGE_SIZE])
        fetched = cursor.fetchall()
        if text:
            cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")
    summary = Summary(total=0, page_ids=[], rows={})
    for kind, key, count in fetched:
        if kind == "total":
            summary.total = count
        elif kind == "page":
            summary.page_ids.append(int(key))
        else:
            summary.rows.setdefault(kind, []).append((key, count))
    if only_filter:
        everything = everything_published().rows
        own_rows = "city" if only_filter in PLACE_FILTERS else only_filter
        summary.rows[own_rows] = everything.get(own_rows, [])
    return summary


def matching_entries(filterset, text, sort):
    """Return the ids of every practice summarise() counts, in its order, as a query (not
    paginated: for exports and feeds, which read it in chunks or sliced)."""
    entries = filterset.filtered_without(SearchEntry.objects.all(), {*FACETS, "sort"})
    for condition in entry_conditions(filterset).values():
        entries = entries.filter(condition)
    if sort == "relevance":
        entries = entries.annotate(rank=SearchRank(F("rank_vector"), text_query(text)))
    return entries.order_by(*ENTRY_ORDERINGS[sort]).values_list("practice_id", flat=True)


def everything_published():
    """Return the Summary of all published practices (no page), read once per change of
    what the public sees (the page cache's generation)."""
    return read_per_generation("everything-published", _summarise_everything)


def _summarise_everything():
    filterset = PracticeFilter({}, queryset=SearchEntry.objects.none())
    filterset.is_valid()
    return replace(summarise(filterset, "", "newest", 1), page_ids=[])


def newest_ids(sort, number):
    """Return the ids of one page of all published practices, in the given order."""
    entries = SearchEntry.objects.order_by(*UNFILTERED_ORDERINGS[sort])
    start = (number - 1) * PAGE_SIZE
    return list(entries.values_list("practice_id", flat=True)[start : start + PAGE_SIZE])
