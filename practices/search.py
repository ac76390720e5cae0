"""Finding practices: the one module that knows how, used by every public view.

On PostgreSQL, each practice row carries two generated, stored search vectors (migration 0004):
``search_vector`` holds every text field, weighted title > summary and names > body > the rest,
and is GIN-indexed for matching; ``rank_vector`` holds only the title, summary and names, so
ranking a common word's many matches reads small values instead of de-TOASTing the large one.
Text search configurations strip accents before stemming, and a query is parsed with each
language's configuration, so "montreal" finds "Montréal" and "logements" finds "logement".

On SQLite (the demo default) the same functions match every word, accent- and case-insensitively,
in the same fields — an honest fallback without stemming or ranking by weight.
"""

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import (
    Case,
    Count,
    Expression,
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

from .models import TRANSLATED_FIELDS, Practice, Theme

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
MAX_EXCLUDED_TERMS = 5
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


class PracticeColumn(Expression):
    """A column of the practice table that is not a model field (the search vectors)."""

    output_field = SearchVectorField()

    def __init__(self, column, alias=None):
        super().__init__()
        self.column, self.alias = column, alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return PracticeColumn(self.column, alias=query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return PracticeColumn(self.column, alias=change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name(self.alias)
        return f"{alias}.{connection.ops.quote_name(self.column)}", []

    def get_group_by_cols(self):
        return [self]


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


def text_query(text):
    """Return the query text parsed by every language's configuration, OR-ed together.

    Excluded terms are excluded in every configuration, so a word stemmed differently in
    another language cannot slip back in.
    """
    positive, excluded = split_exclusions(text)
    # Each excluded term adds a node per configuration; a few are plenty for a person, and a
    # long list would only make the query deep enough to break its compilation.
    excluded = excluded[:MAX_EXCLUDED_TERMS]
    query = None
    for config in SEARCH_CONFIGS:
        part = SearchQuery(positive, search_type="websearch", config=config)
        query = part if query is None else query | part
    for term in excluded:
        for config in SEARCH_CONFIGS:
            query &= SearchQuery(term, search_type="websearch", config=config, invert=True)
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
        return queryset.alias(matched_vector=PracticeColumn("search_vector")).filter(
            matched_vector=text_query(text)
        )
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
    """Annotate each practice with `rank`, how well it answers the text."""
    if is_postgres():
        return queryset.annotate(rank=SearchRank(PracticeColumn("rank_vector"), text_query(text)))
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
    """Return a corrected search text from similar city names and titles, or None."""
    words = WORD.findall(text)
    if not words:
        return None
    candidates = _similar_names(text)
    vocabulary = {fold(w): w for name in candidates for w in WORD.findall(name) if len(w) > 2}
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


def _similar_names(text):
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                (SELECT name FROM cities_city
                  WHERE word_similarity(iccar_fold(%s), iccar_fold(name)) > 0.3
                  ORDER BY word_similarity(iccar_fold(%s), iccar_fold(name)) DESC LIMIT 5)
                UNION ALL
                (SELECT title FROM practices_practice
                  WHERE status = 'published' AND iccar_fold(title) %%> iccar_fold(%s)
                  ORDER BY iccar_fold(title) <->> iccar_fold(%s) LIMIT 5)
                """,
                [text, text, text, text],
            )
            return [row[0] for row in cursor.fetchall()]
    from cities.models import City

    names = list(City.objects.values_list("name", flat=True))
    names += list(Practice.objects.published().values_list("title", flat=True)[:5000])
    return names


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
    from .vocabulary import vocabulary

    terms = vocabulary()
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
    from .vocabulary import vocabulary

    terms = vocabulary()
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


def page_of(queryset, requested):
    """Return (page, note): a bad or out-of-range page number shows the nearest page."""
    paginator = Paginator(queryset, PAGE_SIZE)
    note = None
    try:
        number = int(requested) if requested not in (None, "") else 1
    except (TypeError, ValueError):
        number, note = 1, _("That page number was not understood; showing the first page.")
    if number < 1:
        number, note = 1, _("Pages start at 1; showing the first page.")
    elif number > paginator.num_pages:
        number = paginator.num_pages
        note = _("There are only %(count)s pages; showing the last one.") % {
            "count": paginator.num_pages
        }
    page = paginator.page(number)
    page.elided_range = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page, note


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
    queryset = filterset.qs
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
        outcome.facets = build_facets(filterset, facet_counts(filterset, base))
    elif text:
        outcome.suggestion = suggest(text)
    return outcome
