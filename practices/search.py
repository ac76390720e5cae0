"""Finding practices: the one module that knows how, used by every public view.

On PostgreSQL, each published practice has a search entry (models.SearchEntry, kept by a
trigger, migration 0009): ``search_vector`` holds every text field, weighted title > summary and
names > body > the rest, and is GIN-indexed for matching; ``rank_vector`` holds only the title
and the opening of the summary, so ranking a common word's many matches reads small values.
The count, every facet's counts and the page's ids come from one query over those narrow rows
(summarise()).
Text search configurations strip accents before stemming, and a query is parsed with each
language's configuration, so "montreal" finds "Montréal" and "logements" finds "logement".

On SQLite (the demo default) the same functions match every word, accent- and case-insensitively,
in the same fields — an honest fallback without stemming or ranking by weight.
"""

import difflib
import functools
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import TRANSLATED_FIELDS, Practice, SearchEntry, Theme

PAGE_SIZE = 20
# Every configuration a practice may be indexed with; a query is parsed with each of them.
SEARCH_CONFIGS = [
    "iccar_english",
    "iccar_french",
    "iccar_spanish",
    "iccar_german",
    "iccar_portuguese",
    "iccar_russian",
    "iccar_simple",
]
TEXT_FIELDS = [
    "title",
    "summary",
    "search_extra",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "partners",
    "resources",
]
# How long what is read once per generation of the public content is kept at most.
PER_GENERATION_SECONDS = 24 * 3600
# Private-use characters mark highlights inside PostgreSQL's output, which is then escaped.
MARK_START, MARK_END = "\ue000", "\ue001"


def is_postgres():
    return connection.vendor == "postgresql"


# ---------------------------------------------------------------- folding and parsing


def fold(text):
    """Return text lower-cased and without accents: "Zürich" → "zurich"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@receiver(connection_created)
def _register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "iccar_fold", 1, lambda value: fold(value) if value else value, deterministic=True
        )


WORD = re.compile(r"\w+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def has_words(text):
    return bool(WORD.search(text or ""))


def parse(text):
    """Split a web-search string into OR-groups of (folded words, excluded) terms.

    Follows PostgreSQL's websearch syntax: "quoted phrases", `or`, and -excluded words.
    """
    groups, terms = [], []
    for negation, phrase, bare in TOKEN.findall(text):
        if bare and bare.lower() == "or":
            if terms:
                groups.append(terms)
            terms = []
            continue
        excluded = bool(negation) or (bare.startswith("-") if bare else False)
        words = tuple(WORD.findall(fold(phrase if not bare else bare)))
        if words:
            terms.append((words, excluded))
    if terms:
        groups.append(terms)
    # A group of exclusions only would match almost everything: drop it.
    return [group for group in groups if any(not excluded for _w, excluded in group)]


# ---------------------------------------------------------------- the stored search text


def search_extra_for(practice):
    """Return the names a practice should be found by besides its own text, in every language."""
    from django.conf import settings
    from django.utils import translation

    city = practice.city
    coalition = city.coalition
    parts = [city.name]
    themes = list(practice.themes.all())
    for code, _name in settings.LANGUAGES:
        suffix = code.replace("-", "_")
        with translation.override(code):
            parts.append(str(city.country.name))
        parts += [getattr(coalition, f"name_{suffix}"), getattr(coalition, f"short_name_{suffix}")]
        parts += [getattr(theme, f"title_{suffix}") for theme in themes]
    unique = dict.fromkeys(part for part in parts if part)  # keeps the order, drops repeats
    return " ".join(unique)


def refresh_search_extra(queryset):
    """Recompute the stored search text of the given practices."""
    practices = queryset.select_related("city__coalition").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("title"))
    )
    for practice in practices.distinct():
        text = search_extra_for(practice)
        if text != practice.search_extra:
            Practice.objects.filter(pk=practice.pk).update(search_extra=text)


# ---------------------------------------------------------------- matching and ranking


def split_exclusions(text):
    """Return (the text without its -excluded terms, [the excluded terms])."""
    kept, excluded = [], []
    for match_ in TOKEN.finditer(text):
        negation, phrase, bare = match_.groups()
        if negation or (bare and bare.startswith("-") and len(bare) > 1):
            excluded.append(f'"{phrase}"' if phrase is not None and not bare else bare[1:])
        else:
            kept.append(match_.group(0))
    return " ".join(kept), excluded


class ParsedQuery(SearchQuery):
    """A tsquery PostgreSQL has already parsed, passed back as its text."""

    def __init__(self, parsed):
        super().__init__(parsed)
        self.parsed = parsed

    def as_sql(self, compiler, connection):
        return "%s::tsquery", [self.parsed]


def text_query(text):
    """Return the query text parsed by every language's configuration, OR-ed together.

    Excluded terms are excluded in every configuration, so a word stemmed differently in
    another language cannot slip back in.
    """
    return ParsedQuery(parsed_query(text))


@functools.lru_cache(maxsize=512)
def parsed_query(text):
    """Return the text of the tsquery for a web-search string, each distinct part once.

    Most words stem alike in several languages; repeating them would make PostgreSQL test
    and rank the same lexeme up to seven times per practice.
    """
    positive, excluded = split_exclusions(text)
    # All the excluded terms as one "a or b or …" query per configuration, negated: the query
    # stays small however many words are excluded.
    texts = [positive, " or ".join(excluded)]
    columns = ", ".join(
        f"websearch_to_tsquery('{config}', %s)::text"
        for _text in texts
        for config in SEARCH_CONFIGS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}", [value for value in texts for _config in SEARCH_CONFIGS]
        )
        row = cursor.fetchone()
    count = len(SEARCH_CONFIGS)
    found = [part for part in dict.fromkeys(row[:count]) if part]
    excluded_parts = [part for part in dict.fromkeys(row[count:]) if part]
    query = " | ".join(f"( {part} )" for part in found)
    if query and excluded_parts:
        query = f"( {query} ) & !( {' | '.join(f'( {part} )' for part in excluded_parts)} )"
    return query


class FoldedText(Func):
    """The given text columns joined by spaces, lower-cased and without accents (SQLite)."""

    function = "iccar_fold"
    arg_joiner = " || ' ' || "
    output_field = TextField()


def match(queryset, text):
    """Return the practices of queryset that match a web-search string."""
    if not has_words(text):
        return queryset
    if is_postgres():
        if queryset.model is SearchEntry:
            return queryset.filter(search_vector=text_query(text))
        entries = SearchEntry.objects.filter(search_vector=text_query(text))
        return queryset.filter(pk__in=entries.values("practice_id"))
    groups = parse(text)
    if not groups:
        return queryset
    condition = Q()
    for group in groups:
        group_condition = Q()
        for words, excluded in group:
            term = Q(folded_text__contains=" ".join(words))
            group_condition &= ~term if excluded else term
        condition |= group_condition
    return queryset.alias(folded_text=_folded_with_translations()).filter(condition)


def _folded_with_translations():
    # SQLite only, on the outer query: the practice's text followed by its translations'.
    translated = " || ' ' || ".join(f"t.{name}" for name in TRANSLATED_FIELDS)
    translations = RawSQL(
        "COALESCE((SELECT group_concat(iccar_fold("
        + translated
        + "), ' ') FROM practices_practicetranslation AS t "
        'WHERE t.practice_id = "practices_practice"."id"), \'\')',
        [],
        output_field=TextField(),
    )
    return Func(
        FoldedText(*TEXT_FIELDS),
        translations,
        function="",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )


def rank(queryset, text):
    """Annotate each practice with `rank`, how well it answers the text (SQLite; PostgreSQL
    ranks the search entries in summarise())."""
    words = {w for group in parse(text) for words, excluded in group if not excluded for w in words}
    score = Value(0)
    for word in words:
        score = score + Case(
            When(folded_title__contains=word, then=Value(3)),
            When(folded_summary__contains=word, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.alias(
        folded_title=FoldedText("title"), folded_summary=FoldedText("summary", "search_extra")
    ).annotate(rank=score)


def with_headline(queryset, text):
    """Annotate each practice with its summary, words matched marked (PostgreSQL only)."""
    if not is_postgres():
        return queryset
    return queryset.annotate(
        headline=SearchHeadline(
            "summary",
            text_query(text),
            config=Func(F("language"), function="iccar_search_config"),
            start_sel=MARK_START,
            stop_sel=MARK_END,
            highlight_all=True,
        )
    )


def highlight(text, query_text):
    """Return text as safe HTML with the searched words in <mark>."""
    if not query_text or not has_words(query_text):
        return text
    words = {
        w for group in parse(query_text) for words, excluded in group if not excluded for w in words
    }
    if not words:
        return text
    # Fold character by character so positions in the folded text map back to the original.
    folded_chars, origin = [], []
    for index, char in enumerate(text):
        for folded_char in fold(char):
            folded_chars.append(folded_char)
            origin.append(index)
    folded = "".join(folded_chars)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\w*"
    )
    spans = []
    for found in pattern.finditer(folded):
        spans.append((origin[found.start()], origin[found.end() - 1] + 1))
    return _marked_html(text, spans)


def _marked_html(text, spans):
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of text was escaped above


def headline_html(headline):
    """Turn PostgreSQL's marked headline into safe HTML."""
    clean = html.escape(headline)
    return mark_safe(clean.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


# ---------------------------------------------------------------- did you mean


def suggest(text):
    """Return a corrected search text from the words of city names and titles, or None."""
    words = WORD.findall(text)
    if not words:
        return None
    vocabulary = suggestion_words()
    changed, corrected = False, []
    for word in words:
        folded = fold(word)
        if folded in vocabulary:
            corrected.append(word)
            continue
        close = difflib.get_close_matches(folded, vocabulary.keys(), n=1, cutoff=0.75)
        if close:
            corrected.append(vocabulary[close[0]])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


def read_per_generation(name, compute):
    """Return compute()'s value, computed once per change of what the public sees (the page
    cache's generation) and shared through the cache."""
    from iccar_portal.page_cache import generation

    key = f"practices:{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PER_GENERATION_SECONDS)
    return value


def suggestion_words():
    """Return {folded word: word as written} from city names and published titles.

    Read once per change of what the public sees (the page cache's generation): a trigram
    search of the titles took hundreds of milliseconds at 100,000 practices, because so many
    titles share words, where the distinct words are a few thousand at most.
    """
    return read_per_generation("suggestion-words", _read_suggestion_words)


def _read_suggestion_words():
    from cities.models import City

    words = {}
    names = City.objects.values_list("name", flat=True).iterator()
    titles = Practice.objects.published().values_list("title", flat=True).iterator()
    for name in itertools.chain(names, titles):
        for word in WORD.findall(name):
            if len(word) > 2:
                words.setdefault(fold(word), word)
    return words


# ---------------------------------------------------------------- the search page


@dataclass
class Facet:
    name: str
    label: str
    options: list  # of dicts: slug, label, count, selected
    multiple: bool


@dataclass
class SearchOutcome:
    filterset: object
    page: object
    total: int
    text: str
    sort: str
    typed_text: str = ""
    facets: list = field(default_factory=list)
    suggestion: str | None = None
    notes: list = field(default_factory=list)


# Facets counted through a relation, one query each.
RELATION_FACETS = {"theme": "themes", "role": "city_roles", "target": "target_groups"}
# Facets that depend only on a practice's city: counted together in one query.
PLACE_FACETS = ("coalition", "country", "city")
FACET_ORDER = ["theme", "coalition", "country", "city", "role", "target", "language"]
ORDERINGS = {
    "relevance": ["-rank", "-published_at", "pk"],
    "newest": ["-published_at", "pk"],
    "title": [Lower("title"), "pk"],
    "city": ["city__name", Lower("title"), "pk"],
}


def public_practices():
    """Return published practices with what a result card shows."""
    return (
        Practice.objects.published()
        .select_related("city", "city__coalition")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.only("slug", "title", "order")))
    )


def facet_counts(filterset, base):
    """Return {filter: {option: count}}, each counted with the other active filters kept."""
    terms = filterset.terms
    counts = {}
    for name, relation in RELATION_FACETS.items():
        slug_of = {item["id"]: item["slug"] for item in terms[name]}
        rows = (
            filterset.filtered_without(base, {name})
            .order_by()
            .values_list(relation)
            .annotate(n=Count("pk"))
        )
        counts[name] = {slug_of[key]: n for key, n in rows if key in slug_of}
    counts.update(_place_facet_counts(filterset, base, terms))
    counts["language"] = _language_facet_counts(filterset, base)
    return {name: counts[name] for name in FACET_ORDER}


def _language_facet_counts(filterset, base):
    # A practice counts once for each language it can be read in: one query, one count each.
    queryset = filterset.filtered_without(base, {"language"}).order_by()
    totals = queryset.aggregate(
        **{
            code: Count("pk", filter=Q(available_languages__contains=f",{code},"))
            for code in Practice.Language.values
        }
    )
    return {code: n for code, n in totals.items() if n}


def _place_facet_counts(filterset, base, terms):
    # Count per city once, without any of the three place filters, then apply the other two
    # filters to the rows for each facet: exact, and one query instead of three.
    rows = (
        filterset.filtered_without(base, set(PLACE_FACETS))
        .order_by()
        .values_list("city_id")
        .annotate(n=Count("pk"))
    )
    return _count_places(filterset, rows, terms)


def _count_places(filterset, rows, terms):
    """Count the coalition, country and city options from (city id, practices) rows."""
    cities = {item["id"]: item for item in terms["city"]}
    coalition_slug = {item["id"]: item["slug"] for item in terms["coalition"]}
    chosen = {name: filterset.form.cleaned_data.get(name) for name in PLACE_FACETS}
    counts = {name: {} for name in PLACE_FACETS}
    for city_id, n in rows:
        city = cities.get(city_id)
        if city is None:
            continue
        values = {
            "coalition": coalition_slug.get(city["coalition_id"]),
            "country": city["country"],
            "city": city["slug"],
        }
        for name in PLACE_FACETS:
            others_match = all(
                not chosen[other] or values[other] == chosen[other]
                for other in PLACE_FACETS
                if other != name
            )
            if others_match:
                counts[name][values[name]] = counts[name].get(values[name], 0) + n
    return counts


def build_facets(filterset, counts):
    terms = filterset.terms
    data = filterset.form.cleaned_data
    facets = []
    for name in counts:
        if name == "language":
            items = [{"slug": code, "label": label} for code, label in Practice.Language.choices]
        else:
            items = terms[name]
        selected = data.get(name) or []
        selected = set(selected if isinstance(selected, list) else [selected])
        options = [
            {
                "slug": item["slug"],
                "label": item["label"],
                "count": counts[name].get(item["slug"], 0),
                "selected": item["slug"] in selected,
            }
            for item in items
        ]
        options = [option for option in options if option["count"] or option["selected"]]
        field_ = filterset.form.fields[name]
        facets.append(
            Facet(
                name=name,
                label=field_.label,
                options=options,
                multiple=name in ("theme", "role", "target"),
            )
        )
    return facets


def requested_page_number(requested):
    """Return (page number, note): a bad number means the first page, with a note why."""
    try:
        number = int(requested) if requested not in (None, "") else 1
    except (TypeError, ValueError):
        return 1, _("That page number was not understood; showing the first page.")
    if number < 1:
        return 1, _("Pages start at 1; showing the first page.")
    return number, None


def last_page_note(num_pages):
    return _("There are only %(count)s pages; showing the last one.") % {"count": num_pages}


def page_of(queryset, requested, count=None):
    """Return (page, note): a bad or out-of-range page number shows the nearest page.

    `count`, when known (published_counts()), saves counting the queryset.
    """
    paginator = Paginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    number, note = requested_page_number(requested)
    if number > paginator.num_pages:
        number, note = paginator.num_pages, last_page_note(paginator.num_pages)
    return _page(paginator, number), note


def _page(paginator, number):
    page = paginator.page(number)
    page.elided_range = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page


class CountedResults:
    """A result list whose length and one page are already known (Paginator's object_list)."""

    def __init__(self, total, page_items):
        self.total, self.page_items = total, page_items

    def __len__(self):
        return self.total

    def __getitem__(self, _slice):
        return self.page_items  # Paginator only asks for the page that was fetched


# ---------------------------------------------------------------- counting on PostgreSQL


@dataclass
class Summary:
    total: int
    page_ids: list
    rows: dict  # facet name → [(key, count)]


UNFILTERED_ORDERINGS = {
    "newest": ["-published_at", "practice_id"],
    "title": [Lower("title"), "practice_id"],
    "city": ["city__name", Lower("title"), "practice_id"],
}
# The arrays of a search entry that facets are counted from (migration 0009), by facet.
ENTRY_ARRAYS = {
    "theme": "theme_ids",
    "role": "role_ids",
    "target": "target_ids",
    "language": "languages",
}
SORT_SQL = {
    "relevance": "m.rank DESC, m.published_at DESC, m.id",
    "newest": "m.published_at DESC, m.id",
    "title": "m.title_key, m.id",
    "city": "m.city_name, m.title_key, m.id",
}


def entry_conditions(filterset):
    """Return {facet filter: the condition a search entry meets} for each facet filter in use."""
    from .filters import FACETS

    conditions = {}
    for name in FACETS:
        value = filterset.form.cleaned_data.get(name)
        if not value:
            continue
        if name in RELATION_FACETS:
            # The entry's own array of ids: no lookup in the link table for each row.
            conditions[name] = RawSQL(
                f'"practices_searchentry"."{ENTRY_ARRAYS[name]}" && %s::bigint[]',
                [filterset.selected_ids(name)],
                BooleanField(),
            )
        elif name == "language":
            conditions[name] = Q(available_languages__contains=f",{value},")
        else:
            conditions[name] = Q(**{filterset.filters[name].field_name: value})
    return conditions


def summarise(filterset, text, sort, number):
    """Count, count each facet's options and find one page's ids, in one query (PostgreSQL).

    The practices that pass the filters without options (words, years) are gathered once,
    with a flag for each facet filter in use; each facet is then counted from them with the
    flags of the other filters, the way facet_counts() does with one query per facet.
    """
    from .filters import FACETS

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
    columns = ["practice_id", "city_id", "available_languages", "published_at"]
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
        f"WHERE {flags_except(set(PLACE_FACETS))} GROUP BY m.city_id"
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
            # entries just below the GIN index, then de-TOASTs every search vector to test it
            # (ten times slower): for this query, leave it the index.
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
        own_rows = "city" if only_filter in PLACE_FACETS else only_filter
        summary.rows[own_rows] = everything.get(own_rows, [])
    return summary


def everything_published():
    """Return the Summary of all published practices (no page), read once per change of
    what the public sees (the page cache's generation)."""
    return read_per_generation("everything-published", _summarise_everything)


def _summarise_everything():
    from .filters import PracticeFilter

    filterset = PracticeFilter({}, queryset=SearchEntry.objects.none())
    filterset.is_valid()
    return replace(summarise(filterset, "", "newest", 1), page_ids=[])


def newest_ids(sort, number):
    """Return the ids of one page of all published practices, in the given order."""
    entries = SearchEntry.objects.order_by(*UNFILTERED_ORDERINGS[sort])
    start = (number - 1) * PAGE_SIZE
    return list(entries.values_list("practice_id", flat=True)[start : start + PAGE_SIZE])


def related_practices(practice, theme_ids, limit=4):
    """Return published practices of other cities on the same themes: those sharing all of
    them first, then any of them, newest first."""
    if not theme_ids:
        return []
    if not is_postgres():
        return list(
            Practice.objects.published()
            .exclude(city=practice.city_id)
            .filter(themes__in=theme_ids)
            .annotate(shared=Count("themes"))
            .select_related("city")
            .order_by("-shared", "-published_at", "pk")[:limit]
        )
    # The entries' theme arrays, read newest first: a few rows each, whatever the total.
    others = SearchEntry.objects.exclude(city_id=practice.city_id).order_by(
        "-published_at", "practice_id"
    )
    ids = []
    for operator in ("@>", "&&"):
        shares = RawSQL(f"theme_ids {operator} %s::bigint[]", [theme_ids], BooleanField())
        found = others.filter(shares).exclude(practice_id__in=ids).values_list("practice_id")
        ids += [pk for (pk,) in found[: limit - len(ids)]]
        if len(ids) == limit:
            break
    by_id = Practice.objects.published().select_related("city").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def with_published_counts(items, kind):
    """Return items (themes or cities) as a list, each with `num_practices` published."""
    counts = published_counts()[kind]
    items = list(items)
    for item in items:
        item.num_practices = counts.get(item.pk, 0)
    return items


def published_counts():
    """Return {"total": n, "theme": {id: n}, "city": {id: n}} for the published practices."""
    if is_postgres():
        summary = everything_published()
        return {
            "total": summary.total,
            "theme": {int(key): n for key, n in summary.rows.get("theme", [])},
            "city": {int(key): n for key, n in summary.rows.get("city", [])},
        }
    return read_per_generation("published-counts", _count_published)


def _count_published():
    published = Practice.objects.published().order_by()
    links = Practice.themes.through.objects.filter(practice__status=Practice.Status.PUBLISHED)
    return {
        "total": published.count(),
        "theme": dict(links.order_by().values_list("theme_id").annotate(n=Count("pk"))),
        "city": dict(published.values_list("city_id").annotate(n=Count("pk"))),
    }


def counts_from_summary(filterset, summary):
    """Turn the summary's facet rows into {filter: {option: count}}, like facet_counts()."""
    terms = filterset.terms
    counts = {}
    for name in RELATION_FACETS:
        slug_of = {item["id"]: item["slug"] for item in terms[name]}
        rows = summary.rows.get(name, [])
        counts[name] = {slug_of[int(key)]: n for key, n in rows if int(key) in slug_of}
    city_rows = [(int(key), n) for key, n in summary.rows.get("city", [])]
    counts.update(_count_places(filterset, city_rows, terms))
    counts["language"] = {code: n for code, n in summary.rows.get("language", []) if n}
    return {name: counts[name] for name in FACET_ORDER}


def _run_postgres(filterset, text, sort, requested_page):
    """Return (page, note, counts) for the search page, in two queries and the page's own."""
    number, note = requested_page_number(requested_page)
    data = filterset.form.cleaned_data
    unfiltered = not text and not any(value for name, value in data.items() if name != "sort")
    if unfiltered:
        # The most visited listing: its counts are those of everything published.
        summary = replace(everything_published(), page_ids=newest_ids(sort, number))
    else:
        summary = summarise(filterset, text, sort, number)
    num_pages = max(1, -(-summary.total // PAGE_SIZE))
    if number > num_pages:
        number, note = num_pages, last_page_note(num_pages)
        if unfiltered:
            summary = replace(summary, page_ids=newest_ids(sort, number))
        else:
            summary = summarise(filterset, text, sort, number)
    practices = public_practices().filter(pk__in=summary.page_ids)
    if text:
        practices = with_headline(practices, text)
    by_id = {practice.pk: practice for practice in practices}
    items = [by_id[pk] for pk in summary.page_ids if pk in by_id]
    page = _page(Paginator(CountedResults(summary.total, items), PAGE_SIZE), number)
    return page, note, counts_from_summary(filterset, summary)


def show_in_visitors_language(practices, text=""):
    """Give result cards the title and summary of a translation into the visitor's language."""
    from django.utils.translation import get_language

    from .models import PracticeTranslation, practice_language_for

    wanted = practice_language_for(get_language())
    others = [practice.pk for practice in practices if practice.language != wanted]
    if not others:
        return
    translations = {
        item.practice_id: item
        for item in PracticeTranslation.objects.filter(
            practice_id__in=others, language=wanted
        ).only("practice_id", "title", "summary")
    }
    for practice in practices:
        translated = translations.get(practice.pk)
        if translated is not None:
            practice.card_title = translated.title
            practice.card_language = wanted
            practice.summary_html = highlight(translated.summary, text)


def run(params):
    """Search the published practices with the GET parameters of the search page."""
    from .filters import PracticeFilter

    base = public_practices()
    filterset = PracticeFilter(params, queryset=base)
    filterset.is_valid()  # an invalid parameter is left out, with a note
    data = filterset.form.cleaned_data
    notes = []
    form = filterset.form
    for name, errors in form.errors.items():
        for error in errors:
            notes.append(
                _("%(field)s: %(error)s This part of the search was left out.")
                % {"field": form.fields[name].label, "error": error}
            )
    text = data.get("q") or ""
    if text and not has_words(text):
        notes.append(_("Type words to search for: punctuation alone finds nothing."))
        text = ""
    sort = data.get("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    counts = None
    if is_postgres():
        page, page_note, counts = _run_postgres(filterset, text, sort, params.get("page"))
    else:
        queryset = filterset.qs
        if text:
            queryset = with_headline(rank(queryset, text), text)
        page, page_note = page_of(queryset.order_by(*ORDERINGS[sort]), params.get("page"))
    if page_note:
        notes.append(page_note)
    total = page.paginator.count
    for practice in page.object_list:
        if text and is_postgres():
            practice.summary_html = headline_html(practice.headline)
        else:
            practice.summary_html = highlight(practice.summary, text)
    show_in_visitors_language(page.object_list, text)
    outcome = SearchOutcome(
        filterset=filterset,
        page=page,
        total=total,
        text=text,
        sort=sort,
        notes=notes,
        # What the visitor typed stays in the box, even when it could not be used.
        typed_text=str(params.get("q", "")).replace("\x00", ""),
    )
    if total:
        if counts is None:
            counts = facet_counts(filterset, base)
        outcome.facets = build_facets(filterset, counts)
    elif text:
        outcome.suggestion = suggest(text)
    return outcome
