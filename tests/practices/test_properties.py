"""Property-based tests (Hypothesis) of the public search and of the review workflow.

1. Random values for every parameter of /practices/ never give a 500, and the practices the
   pages list are those an oracle written here expects. The oracle shares no code with the
   search: it reads the practices' rows and applies the filters and the query language itself
   (see `SearchOracle` for what it can promise on each database).
2. A rule-based state machine drives one or two practices through random workflow actions by
   random actors, through HTTP, and checks after every step the event chain, the published
   snapshot, the outbox and that a refused action changed nothing, and after every step that
   changed something what the public sees (page and search).

Both tests run their examples inside one pytest test each (the database fixture is set up once;
the state machine rolls back each example in a savepoint), and print how many examples ran.
"""

import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from cities.models import City, Coalition
from core.pagination import PAGE_SIZE
from practices import services
from practices.models import (
    CityRole,
    OutgoingEmail,
    Practice,
    PracticeChange,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
    RevisionQuerySet,
    TargetGroup,
    Theme,
)
from practices.snapshots import practice_snapshot
from tests import figures as run_figures
from tests.cities.factories import CityFactory, CityOfficerFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
RevisionStatus = PracticeRevision.Status
URL = reverse("public:practice_list")
TOTAL = re.compile(r'<h2 id="results-heading">(\d+) practices? found</h2>')
CARD_LINK = re.compile(r'<article class="card"[^>]*>\s*<h3 class="card-title"><a href="([^"]+)">')

# Examples per test, chosen so that the whole file stays under a minute on two busy cores.
# PROPERTY_SCALE=10 (in the environment) runs ten times as many, for a thorough look.
SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))
SEARCH_EXAMPLES = max(1, round(35 * SCALE))
MACHINE_EXAMPLES = max(1, round(15 * SCALE))
MACHINE_STEPS = 12

# A small vocabulary, so that random queries often match something.
WORDS = [
    "housing",
    "school",
    "mediators",
    "Roma",
    "Zürich",
    "Montréal",
    "logement",
    "discrimination",
    "police",
    "niños",
    "équité",
    "audit",
    "tenants",
    "sport",
    "Москва",
    "北京",
]
# The same words as a visitor may type them: other cases, no accents.
QUERY_WORDS = [*WORDS, "ZURICH", "montreal", "Equite", "ninos", "ROMA", "москва", "Housing"]
OPERATORS = ['"', "-", " or ", " OR ", "(", ")", "&", "|", "!", ":*", "\\", "'", "%", "_", "<->"]


def report(request, name, value, text):
    """Keep a figure for the end of the run (tests/figures.py), and record it for JUnit."""
    if hasattr(request.node, "user_properties"):
        request.node.user_properties.append((name, value))
    run_figures.record(request.config, text)


def shown_total(response):
    found = TOTAL.search(response.content.decode())
    assert found, "the page does not say how many practices were found"
    return int(found.group(1))


# ---------------------------------------------------------------- 1. the search


@pytest.fixture
def catalogue(db, officer, editor):
    """Published practices with varied classifications, and unpublished ones that stay hidden."""
    coalitions = list(Coalition.objects.order_by("slug")[:3])
    cities = [
        officer.city_officer.city,
        CityFactory(name="Montréal", slug="montreal", country="CA", coalition=coalitions[0]),
        CityFactory(name="Zürich", slug="zurich", country="CH", coalition=coalitions[1]),
        CityFactory(name="São Paulo", slug="sao-paulo", country="BR", coalition=coalitions[2]),
    ]
    themes = list(Theme.objects.order_by("pk"))
    roles = list(CityRole.objects.order_by("pk"))
    targets = list(TargetGroup.objects.order_by("pk"))
    languages = ["en", "fr", "es", "de"]
    made = []
    for n in range(26):
        words = [WORDS[(n * 3 + k) % len(WORDS)] for k in range(3)]
        practice = PracticeFactory(
            city=cities[n % len(cities)],
            title=f"{words[0]} {words[1]} practice {n}",
            summary=f"About {words[2]} and {words[0]}.",
            language=languages[n % len(languages)],
            start_year=None if n % 7 == 0 else 1990 + n,
            themes=[themes[n % len(themes)], themes[(n * 5) % len(themes)]],
            city_roles=[roles[n % len(roles)]],
            target_groups=[targets[(n * 2) % len(targets)]],
        )
        if n % 5 == 0:
            PracticeTranslation.objects.create(
                practice=practice,
                language="ar" if n % 2 else "ru",
                title=f"translated {n}",
                summary="translated summary",
            )
        made.append(practice)
    # 20 published, one per other state, and one published with a pending update.
    plans = [Status.PUBLISHED] * 21 + [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.REJECTED,
        Status.ARCHIVED,
    ]
    moves = {
        Status.DRAFT: [],
        Status.SUBMITTED: [Status.SUBMITTED],
        Status.CHANGES_REQUESTED: [Status.SUBMITTED, Status.CHANGES_REQUESTED],
        Status.REJECTED: [Status.SUBMITTED, Status.REJECTED],
        Status.PUBLISHED: [Status.SUBMITTED, Status.PUBLISHED],
        Status.ARCHIVED: [Status.SUBMITTED, Status.PUBLISHED, Status.ARCHIVED],
    }
    for practice, plan in zip(made, plans, strict=True):
        for to_status in moves[plan]:
            services.practice_record_past_transition(
                practice=practice, to_status=to_status, at=timezone.now(), actor_name="loader"
            )
        practice.refresh_from_db()
        assert practice.status == plan
        if plan != Status.PUBLISHED:
            practice.summary += " unpublishedsecret"
            practice.save()
    pending = made[0]
    services.revision_save(
        practice=pending,
        actor=officer,
        data={"summary": "pendingsecret words nobody has approved"},
    )
    assert Practice.objects.filter(status=Status.PUBLISHED).count() == 21
    return made


# -- the oracle: what the search should find, worked out here from the rows


def folded(text):
    """The text lower-cased and without accents: each character decomposed (NFKD), the
    combining marks dropped, then case-folded ("Zürich" → "zurich")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def is_word_character(ch):
    return ch.isalnum() or ch == "_"


def words_in(text):
    """The words of the folded text: its runs of letters, digits and underscores."""
    words, current = [], ""
    for ch in folded(text):
        if is_word_character(ch):
            current += ch
        elif current:
            words.append(current)
            current = ""
    return [*words, current] if current else words


@dataclass(frozen=True)
class Term:
    """One term of a query: its words (a phrase when more than one), and whether it is excluded."""

    words: tuple
    excluded: bool
    raw: str  # as typed, quotes and minus included

    @property
    def looked_for(self):
        return " ".join(self.words)


OR = object()  # the `or` between alternatives


def query_tokens(text):
    """Read a query in the web-search syntax the search documents: terms are separated by white
    space; a "quoted phrase" (up to the closing quote, or to the end) is one term; a term that
    starts with "-" is excluded; a bare `or`, in any case, separates alternatives."""
    tokens, position, end = [], 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        start = position
        excluded = text.startswith('-"', position)
        opening = position + 1 if excluded else position
        if text[opening] == '"':
            closing = text.find('"', opening + 1)
            closing = end if closing == -1 else closing
            words = words_in(text[opening + 1 : closing])
            position = closing + 1
        else:
            while position < end and not text[position].isspace():
                position += 1
            bare = text[start:position]
            if bare.lower() == "or":
                tokens.append(OR)
                continue
            words, excluded = words_in(bare), bare.startswith("-")
        tokens.append(Term(tuple(words), excluded, text[start:position]))
    return tokens


def alternatives(tokens):
    """The alternatives a query asks for, each a list of terms that must all hold. A term without
    words counts for nothing; an alternative that only excludes is dropped (it would match
    almost everything)."""
    found, current = [], []
    for token in tokens:
        if token is OR:
            if current:
                found.append(current)
            current = []
        elif token.words:
            current.append(token)
    if current:
        found.append(current)
    return [terms for terms in found if any(not term.excluded for term in terms)]


def has_a_phrase(words, field_words):
    """Whether the words appear one after the other, as whole words, in the field's words."""
    size = len(words)
    return any(
        tuple(field_words[n : n + size]) == words for n in range(len(field_words) - size + 1)
    )


@dataclass
class PublishedRecord:
    """What the oracle knows of one published practice, read from its rows."""

    pk: int
    url: str
    text: str  # every searched field, folded and joined, as the SQLite fallback reads it
    field_words: list  # the words of each field (a field of its own in PostgreSQL's vectors)
    themes: set
    roles: set
    targets: set
    coalition: str
    country: str
    city: str
    start_year: int | None
    languages: set


# The write-up fields, translated or not, and what else a practice is found by.
SECTIONS = ["context", "implementation", "results", "why_it_works", "challenges", "transferability"]
TRANSLATED = ["title", "summary", *SECTIONS, "resources"]


def names_of(practice, themes):
    """The names a practice is found by besides its text (docs/architecture.md: search_extra):
    its city, and in every language of the site its country, its coalition's name and short
    name and its themes' titles; each once, in that order."""
    city, coalition = practice.city, practice.city.coalition
    names = [city.name]
    for code, _name in django_settings.LANGUAGES:
        suffix = code.replace("-", "_")
        with translation.override(code):
            names.append(str(city.country.name))
        names += [getattr(coalition, f"name_{suffix}"), getattr(coalition, f"short_name_{suffix}")]
        names += [getattr(theme, f"title_{suffix}") for theme in themes]
    return " ".join(dict.fromkeys(name for name in names if name))


def published_records():
    records = []
    practices = (
        Practice.objects.filter(status=Status.PUBLISHED)
        .select_related("city__coalition")
        .prefetch_related("themes", "city_roles", "target_groups", "translations")
    )
    for practice in practices:
        themes = list(practice.themes.all())
        names = names_of(practice, themes)
        own = [practice.title, practice.summary, names]
        own += [getattr(practice, name) for name in SECTIONS]
        own += [practice.partners, practice.resources]
        translations = list(practice.translations.all())
        translated = [[getattr(item, name) for name in TRANSLATED] for item in translations]
        text = folded(" ".join(own)) + " " + " ".join(folded(" ".join(t)) for t in translated)
        # PostgreSQL indexes the sections as one text, and the partners with the resources.
        fields = [practice.title, practice.summary, names, " ".join(own[3:9]), " ".join(own[9:])]
        fields += [value for values in translated for value in values]
        with translation.override("en"):
            url = practice.get_absolute_url()
        records.append(
            PublishedRecord(
                pk=practice.pk,
                url=url,
                text=text,
                field_words=[words_in(value) for value in fields],
                themes={theme.slug for theme in themes},
                roles={role.slug for role in practice.city_roles.all()},
                targets={target.slug for target in practice.target_groups.all()},
                coalition=practice.city.coalition.slug,
                country=practice.city.country.code,
                city=practice.city.slug,
                start_year=practice.start_year,
                languages={practice.language} | {item.language for item in translations},
            )
        )
    return records


def option_slugs():
    """Every value each filter accepts: the options that exist, whether or not any published
    practice has them."""
    return {
        "theme": set(Theme.objects.values_list("slug", flat=True)),
        "role": set(CityRole.objects.values_list("slug", flat=True)),
        "target": set(TargetGroup.objects.values_list("slug", flat=True)),
        "coalition": set(Coalition.objects.values_list("slug", flat=True)),
        "city": set(City.objects.values_list("slug", flat=True)),
        "country": {str(code) for code in City.objects.values_list("country", flat=True)},
        "language": set(Practice.Language.values),
    }


def year_bound(value):
    """A year filter's bound, or None when the value is empty or refused (the search then leaves
    the filter out): any finite decimal number from 1900 to 2100, as Python reads it."""
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() and 1900 <= number <= 2100 else None


PLAIN_WORD = "|".join(re.escape(word) for word in QUERY_WORDS)
PLAIN_TERM = rf'(?:{PLAIN_WORD}|"(?:{PLAIN_WORD})(?: (?:{PLAIN_WORD}))*")'
# Words and "phrases" of the vocabulary, with `or` only between two of them.
PLAIN_QUERY = re.compile(rf"\s*{PLAIN_TERM}(?:\s+(?:[oO][rR]\s+)?{PLAIN_TERM})*\s*")
PLAIN_EXCLUSION = re.compile(rf"-{PLAIN_TERM}")


@dataclass
class Expected:
    filters: dict  # the filters in use: name → the value(s) kept
    filtered: set  # the published practices that pass them, words aside
    has_words: bool  # whether the words kept hold any word at all
    asks_for_words: bool  # whether they ask for some (not only exclusions, not only `or`)
    matching: set  # the filtered practices that match the words, read as the SQLite fallback does
    surely_found: set = field(default_factory=set)  # found by any reading of the words
    surely_left_out: set = field(default_factory=set)  # left out by any reading of them


class SearchOracle:
    """The published practices a search should find, worked out from the rows, sharing no code
    with the search.

    Parameters are read as Django reads a query string (a one-value parameter's last value; every
    value of `theme`, `role` and `target`); a value the search form refuses leaves its filter out
    (NUL or more than 200 characters in the words; an option that does not exist; a year that is
    not a finite number from 1900 to 2100). The filters compare the practices' slugs, country
    codes, start years and languages (their own and their translations') directly.

    The words are read in the web-search syntax the search documents ("quoted phrases", `or`,
    -excluded). What is compared depends on the database:

    - SQLite: exactly. A term is found when its words, folded, joined by single spaces, are part
      of the practice's folded text (every searched field of the practice, then its
      translations'): the fallback's documented matching, substrings included.
    - PostgreSQL: the filters exactly (nothing found fails them; without words, every practice
      that passes them is found). The words stem there in several languages at once, so the
      oracle gives bounds instead of a set. Found for sure: with only words and "phrases" of
      the vocabulary and no exclusion, a practice holding every word of an alternative as a
      whole word (a phrase's words one after the other, in one field), since stemming the same
      word in the text and in the query gives the same lexeme. Left out for sure: with clean
      exclusions of vocabulary words (-word, -"a phrase"), a practice holding an excluded term
      as whole words, since stemming only widens what an excluded word removes. Which of the
      other practices a word finds on PostgreSQL is not checked here (test_search.py tests
      the stemming with examples), nor what a query that asks for no word (only exclusions,
      or only `or`) finds there: nothing, where SQLite ignores such a query.
    """

    def __init__(self):
        self.records = published_records()
        self.options = option_slugs()
        self.by_url = {record.url: record.pk for record in self.records}

    def expected(self, pairs):
        last, every = {}, defaultdict(list)
        for name, value in pairs:
            last[name] = value
            every[name].append(value)
        words = last.get("q", "").strip()
        if "\x00" in words or len(words) > 200:
            words = ""
        chosen = {}
        for name in ["theme", "role", "target"]:
            values = every[name]
            if values and all(value in self.options[name] for value in values):
                chosen[name] = set(values)
        for name in ["coalition", "country", "city", "language"]:
            if last.get(name) in self.options[name]:
                chosen[name] = last[name]
        year_from = year_bound(last.get("year_from", ""))
        year_to = year_bound(last.get("year_to", ""))

        filtered = set()
        for record in self.records:
            related = {"theme": record.themes, "role": record.roles, "target": record.targets}
            if any(name in chosen and not chosen[name] & related[name] for name in related):
                continue
            place = {"coalition": record.coalition, "country": record.country, "city": record.city}
            if any(name in chosen and chosen[name] != place[name] for name in place):
                continue
            if "language" in chosen and chosen["language"] not in record.languages:
                continue
            year = record.start_year
            if year_from is not None and (year is None or year < year_from):
                continue
            if year_to is not None and (year is None or year > year_to):
                continue
            filtered.add(record.pk)

        has_words = any(map(is_word_character, words))
        tokens = query_tokens(words) if has_words else []
        groups = alternatives(tokens)
        expected = Expected(
            filters=chosen,
            filtered=filtered,
            has_words=has_words,
            asks_for_words=bool(groups),
            matching=filtered,
        )
        if not groups:
            return expected
        records = [record for record in self.records if record.pk in filtered]
        expected.matching = {record.pk for record in records if self.matches(record, groups)}
        if PLAIN_QUERY.fullmatch(words):
            expected.surely_found = {
                record.pk for record in records if self.holds_whole(record, groups)
            }
        exclusions = [token for token in tokens if token is not OR and token.excluded]
        if exclusions and all(PLAIN_EXCLUSION.fullmatch(term.raw) for term in exclusions):
            expected.surely_left_out = {
                record.pk
                for record in records
                if any(self.has_whole(record, term.words) for term in exclusions)
            }
        return expected

    @staticmethod
    def matches(record, groups):
        return any(
            all((term.looked_for in record.text) != term.excluded for term in terms)
            for terms in groups
        )

    @staticmethod
    def has_whole(record, words):
        return any(has_a_phrase(words, field_words) for field_words in record.field_words)

    def holds_whole(self, record, groups):
        return any(all(self.has_whole(record, term.words) for term in terms) for terms in groups)


def listed_on(response, oracle):
    """The practices a results page lists, by their links."""
    return [oracle.by_url[url] for url in CARD_LINK.findall(response.content.decode())]


def every_listed(client, pairs, total, oracle):
    """Every practice the search lists, page after page: each full but the last, none twice."""
    pages = -(-total // PAGE_SIZE)
    others = [(name, value) for name, value in pairs if name != "page"]
    found = []
    for number in range(1, pages + 1):
        response = client.get(URL, query_dict([*others, ("page", str(number))]))
        assert response.status_code == 200
        listed = listed_on(response, oracle)
        assert len(listed) == min(PAGE_SIZE, total - (number - 1) * PAGE_SIZE), number
        found += listed
    assert len(found) == len(set(found)) == total, "a practice listed twice"
    return set(found)


def query_dict(pairs):
    params = QueryDict(mutable=True)
    for name, value in pairs:
        params.appendlist(name, value)
    return params


def one_of_or_random(choices):
    return st.one_of(st.sampled_from(sorted(choices)), st.text(max_size=30))


def phrase(words):
    return '"' + " ".join(words) + '"'


# Any text but surrogates (which cannot be sent in a URL); NUL and other controls included.
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=260)
# Words and "phrases" (two words that follow each other in titles, or any) of the vocabulary,
# in one or two alternatives; with -exclusions or without.
found_term = st.one_of(
    st.sampled_from(QUERY_WORDS),
    st.integers(0, len(WORDS) - 1).map(lambda n: phrase([WORDS[n], WORDS[(n + 1) % len(WORDS)]])),
    st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3).map(phrase),
)
excluded_term = found_term.map(lambda term: f"-{term}")


def plain_query(term):
    return st.lists(
        st.lists(term, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=2
    ).map(" or ".join)


query_text = st.one_of(
    any_text,
    st.lists(st.one_of(st.sampled_from(QUERY_WORDS), st.sampled_from(OPERATORS)), max_size=12).map(
        " ".join
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=70).map(
        lambda words: " ".join(f"-{word}" for word in words)
    ),
    plain_query(found_term),
    plain_query(found_term | excluded_term),
)
# Whole years only within the range: what a fractional bound such as 2000.5 should mean is not
# settled (the search takes it for 2000 today, the oracle for a number).
number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=1985, max_value=2020).map(str),
    st.sampled_from(["", "NaN", "inf", "-inf", "1e400", "2000.0", "2.0E3", "٢٠٠٥", "9" * 5000]),
    any_text,
)


@st.composite
def search_params(draw, options):
    """A list of (name, value) pairs for every parameter of the search page, or some of them."""
    pairs = []
    if draw(st.booleans()):
        pairs.append(("q", draw(query_text)))
    for name in ["theme", "role", "target"]:
        for value in draw(st.lists(one_of_or_random(options[name]), max_size=3)):
            pairs.append((name, value))
    for name, choices in [
        ("coalition", options["coalition"]),
        ("country", ["BE", "CA", "CH", "BR", "FR", "be"]),
        ("city", options["city"]),
        ("language", ["en", "fr", "es", "de", "ar", "ru", "zh", "other"]),
        ("sort", ["relevance", "newest", "title", "city"]),
    ]:
        if draw(st.booleans()):
            pairs.append((name, draw(one_of_or_random(choices))))
    for name in ["year_from", "year_to", "page"]:
        if draw(st.booleans()):
            pairs.append((name, draw(number_text)))
    return draw(st.permutations(pairs))


# Searches always tried, besides the random ones.
EXPLICIT_SEARCHES = [
    [("q", "\x00housing")],
    [("q", "unpublishedsecret")],
    [("q", "pendingsecret"), ("sort", "relevance")],
    [("q", " ".join(f"-{word}" for word in WORDS * 4)[:200])],
    [("q", '- -- " "" -"" or or -or'), ("sort", "relevance")],
    [("year_from", "9" * 5000), ("page", "9" * 5000)],
    [("theme", ""), ("city", "\x00"), ("page", "-1")],
    [("q", '"housing school" or Roma -police'), ("language", "fr")],
    # Each rule of the words and of the filters, on practices it tells apart: accents and case,
    # an exclusion, a phrase whose words are all there but not in that order, alternatives,
    # a language only a translation is in, years, and several themes.
    [("q", "ZURICH montreal")],
    [("q", "housing -school")],
    [("q", '"school housing"')],
    [("q", '"sport Москва" or Zürich or ninos')],
    [("language", "ar")],
    [("year_from", "2000"), ("year_to", "2005")],
    [("q", "Housing"), ("theme", "housing"), ("theme", "education")],
]


def test_random_search_parameters_never_fail_and_count_right(catalogue, request):
    client = Client()
    oracle = SearchOracle()
    on_sqlite = connection.vendor == "sqlite"
    ran = Counter()

    @settings(
        max_examples=SEARCH_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(pairs=search_params(oracle.options))
    def check(pairs):
        ran["examples"] += 1
        response = client.get(URL, query_dict(pairs))
        assert response.status_code == 200, (pairs, response.status_code)
        total = shown_total(response)
        expected = oracle.expected(pairs)
        listed = listed_on(response, oracle)
        if total <= PAGE_SIZE:
            # One page holds them all, whatever page was asked for.
            assert len(listed) == len(set(listed)) == total
            found = set(listed)
        else:
            found = every_listed(client, pairs, total, oracle)
            assert set(listed) <= found
            assert len(listed) in {
                min(PAGE_SIZE, total - start) for start in range(0, total, PAGE_SIZE)
            }
        if total:
            ran["with results"] += 1
            if "city" not in expected.filters:
                facets = response.context["outcome"].facets
                cities = next(facet for facet in facets if facet.name == "city")
                assert sum(option["count"] for option in cities.options) == total
        else:
            assert "No published practice matches this search." in response.content.decode()
        if on_sqlite:
            assert found == expected.matching, (pairs, found ^ expected.matching)
        else:
            assert found <= expected.filtered, (pairs, found - expected.filtered)
            if not expected.has_words:
                assert found == expected.filtered, (pairs, expected.filtered - found)
            assert expected.surely_found <= found, (pairs, expected.surely_found - found)
            assert not found & expected.surely_left_out, (pairs, found & expected.surely_left_out)
            ran["found for sure"] += bool(expected.surely_found)
            ran["left out for sure"] += bool(expected.surely_left_out)
        if last_value(pairs, "q") in ("unpublishedsecret", "pendingsecret"):
            assert total == 0  # words only unpublished content has

    for pairs in EXPLICIT_SEARCHES:
        check = example(pairs=pairs)(check)
    check()
    # Every search was tried: the random ones and those always tried.
    assert ran["examples"] == SEARCH_EXAMPLES + len(EXPLICIT_SEARCHES)
    figures = ", ".join(f"{count} {name}" for name, count in sorted(ran.items()))
    report(request, "search examples", ran["examples"], f"search: {figures}")


def last_value(pairs, name):
    values = [value for each, value in pairs if each == name]
    return values[-1] if values else None


def test_the_oracle_reads_the_query_language_as_documented():
    """The oracle's reading of queries, on examples worked out by hand."""

    def read(text):
        return [
            [(term.looked_for, term.excluded) for term in terms]
            for terms in alternatives(query_tokens(text))
        ]

    assert read("Zürich  Montréal") == [[("zurich", False), ("montreal", False)]]
    assert read('"fair housing" -police') == [[("fair housing", False), ("police", True)]]
    assert read('-"hate crime" desk OR school') == [
        [("hate crime", True), ("desk", False)],
        [("school", False)],
    ]
    assert read('"unterminated phrase') == [[("unterminated phrase", False)]]
    assert read("-housing or or -school") == []  # exclusions only: nothing asked for
    assert read('or "or" -or') == [[("or", False), ("or", True)]]
    assert read("Straße ÉQUITÉ") == [[("strasse", False), ("equite", False)]]
    assert words_in("l'équité, 北京!") == ["l", "equite", "北京"]
    assert [year_bound(value) for value in ["2000", " 2000.5 ", "1899", "NaN", "1e3", ""]] == [
        Decimal(2000),
        Decimal("2000.5"),
        None,
        None,
        None,
        None,
    ]


def test_many_excluded_words_do_not_break_the_search(make_practice):
    make_practice(Status.PUBLISHED, title="Fair housing audits")
    make_practice(Status.PUBLISHED, title="Housing zebra crossings")
    words = " ".join(f"-x{n}" for n in range(60))[:170].rsplit(" ", 1)[0]
    text = f"housing {words} -zebra"
    assert len(text) <= 200 and text.count(" -") >= 35
    params = QueryDict(mutable=True)
    params["q"] = text
    response = Client(raise_request_exception=False).get(URL, params)
    assert response.status_code == 200  # was a RecursionError on PostgreSQL
    # Every excluded word counts, the last one too.
    assert shown_total(response) == 1


# ---------------------------------------------------------------- 2. the workflow

ACTORS = ["officer", "other_officer", "inactive_officer", "editor", "anonymous"]
# Mostly the person entitled to act, so that the practices get somewhere; anyone else tries too.
OFFICER_ACTORS = st.sampled_from(["officer"] * 6 + ACTORS[1:])
EDITOR_ACTORS = st.sampled_from(["editor"] * 6 + ACTORS[:3] + ACTORS[4:])
MESSAGES = st.sampled_from(["", "   "] + ["Please add the figures."] * 4)
MEMBER_REFUSALS = {"other_officer": {404}, "inactive_officer": {302}, "editor": {403}}
ADMIN_REFUSALS = {"officer": {302}, "other_officer": {302}, "inactive_officer": {302}}


def word_for(number):
    """A made-up word, the same length for every number, so that no marker contains another,
    and ending in digits, which no language's stemmer shortens (two markers differing in a last
    vowel would otherwise share a stem on PostgreSQL)."""
    return f"qmk{number:06d}"


def without_image(snapshot):
    return {name: value for name, value in snapshot.items() if name != "image"}


def fingerprint(pk):
    """Everything an action may change about one practice, and the outbox.

    (Its classifications and translations change only with its version, which is in the row.)
    """
    practice = Practice.objects.get(pk=pk)
    row = {
        field.attname: getattr(practice, field.attname) for field in Practice._meta.concrete_fields
    }
    return (
        row,
        list(ReviewEvent.objects.filter(practice_id=pk).values_list("pk", flat=True)),
        list(PracticeChange.objects.filter(practice_id=pk).values_list("pk", flat=True)),
        list(PracticeRevision.objects.filter(practice_id=pk).order_by("pk").values()),
        OutgoingEmail.objects.count(),
    )


def edit_form_data(pk, version, summary, results, action):
    """What the officer's edit form posts, with the practice's other fields unchanged."""
    practice = Practice.objects.get(pk=pk)
    return {
        "title": practice.title,
        "summary": summary,
        "themes": [str(item) for item in practice.themes.values_list("pk", flat=True)],
        "city_roles": [str(item) for item in practice.city_roles.values_list("pk", flat=True)],
        "target_groups": [
            str(item) for item in practice.target_groups.values_list("pk", flat=True)
        ],
        "context": practice.context,
        "implementation": practice.implementation,
        "results": results,
        "why_it_works": practice.why_it_works,
        "challenges": practice.challenges,
        "transferability": practice.transferability,
        "partners": practice.partners,
        "start_year": str(practice.start_year),
        "end_year": "",
        "resources": practice.resources,
        "language": practice.language,
        "links": practice.links,
        "image_alt": practice.image_alt,
        "contact_name": practice.contact_name,
        "contact_role": practice.contact_role,
        "contact_email": practice.contact_email,
        "reply": "",
        "version": version,
        "action": action,
    }


class PracticeModel:
    """What the practice should be, worked out from the rules, never read from the database."""

    def __init__(self, pk, slug, token, summary, results):
        self.pk, self.slug, self.token = pk, slug, token
        self.status = Status.DRAFT
        self.content = {"summary": summary, "results": results}
        self.approved = None  # the content the public should see, once published
        self.approved_snapshot = None
        self.events = []  # (from, to) of the practice
        self.revision = None  # {"pk", "status", "content"} of the latest proposed update
        self.revision_events = {}  # revision pk → [(from, to)]
        self.markers = {summary, results}
        self.opened = None  # (kind, version) of the edit form the officer opened last
        self.searched = None  # what the public search was last asked about it


class WorkflowMachine(RuleBasedStateMachine):
    """Random actions by random people on a practice, through HTTP, checked after each step."""

    clients = None  # name → Client, set by the test
    officer = editor = None
    examples = 0
    steps = Counter()

    def __init__(self):
        super().__init__()
        self.serial = 0  # per example, so that a replayed example writes the same words
        from django.core.cache import cache

        cache.clear()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.changed = True  # what the public sees is checked after each change
        self.practices = []
        self.emails = OutgoingEmail.objects.count()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # -- helpers

    def marker(self, kind):
        self.serial += 1
        return f"{kind} {word_for(self.serial)}"

    def client(self, actor):
        return self.clients[actor]

    def practice(self, index):
        return self.practices[index % len(self.practices)]

    def move(self, model, to_status):
        model.events.append((model.status, to_status))
        model.status = to_status

    def move_revision(self, model, to_status):
        revision = model.revision
        model.revision_events.setdefault(revision["pk"], []).append((revision["status"], to_status))
        revision["status"] = to_status

    def open_revision(self, model):
        revision = model.revision
        if revision and revision["status"] in RevisionQuerySet.OPEN:
            return revision
        return None

    def approved_now(self, model):
        practice = Practice.objects.get(pk=model.pk)
        model.approved = dict(model.content)
        model.approved_snapshot = without_image(practice_snapshot(practice))

    def perform(self, model, actor, url, data=None, *, accepted, codes):
        """Post the request; check its answer; a refused action must change nothing."""
        before = None if accepted else fingerprint(model.pk)
        response = self.client(actor).post(url, data or {})
        assert response.status_code != 500
        if codes is not None:
            assert response.status_code in codes, (actor, url, response.status_code)
        if not accepted:
            assert fingerprint(model.pk) == before, (actor, url, "a refused action changed data")
        self.changed = self.changed or accepted
        return response

    # -- the rules

    @initialize(
        starts=st.lists(
            st.sampled_from(["draft", "submitted", "published", "update"]), min_size=1, max_size=2
        )
    )
    def create(self, starts):
        """One or two practices, brought to their starting point through the services."""
        WorkflowMachine.examples += 1
        officer, editor = self.officer, self.editor
        for start in starts:
            token = f"ztok{len(self.practices)}"
            summary, results = self.marker("Summary"), self.marker("Results")
            practice = PracticeFactory(
                city=officer.city_officer.city,
                title=f"Practice {token}",
                summary=summary,
                results=results,
            )
            model = PracticeModel(practice.pk, practice.slug, token, summary, results)
            self.practices.append(model)
            if start == "draft":
                continue
            services.practice_submit(practice=practice, actor=officer)
            self.move(model, Status.SUBMITTED)
            self.emails += 1
            if start == "submitted":
                continue
            services.practice_approve(practice=practice, actor=editor)
            self.move(model, Status.PUBLISHED)
            self.emails += 1
            self.approved_now(model)
            if start == "published":
                continue
            proposed = self.marker("Summary")
            model.markers.add(proposed)
            revision = services.revision_save(
                practice=practice, actor=officer, data={"summary": proposed}
            )
            services.revision_submit(revision=revision, actor=officer)
            model.revision = {
                "pk": revision.pk,
                "status": RevisionStatus.DRAFT,
                "content": {"summary": proposed, "results": results},
            }
            self.move_revision(model, RevisionStatus.SUBMITTED)
            self.emails += 1

    @rule(index=st.integers(0, 1), actor=OFFICER_ACTORS)
    def submit(self, index, actor):
        model = self.practice(index)
        accepted = (
            actor == "officer"
            and model.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
            and bool(model.content["results"].strip())
        )
        url = reverse("members:practice_submit", args=[model.pk])
        codes = {302} if actor in ("officer", "anonymous") else MEMBER_REFUSALS[actor]
        self.perform(model, actor, url, {"reply": ""}, accepted=accepted, codes=codes)
        if accepted:
            self.move(model, Status.SUBMITTED)
            self.emails += 1  # the one editor
        self.steps["submit" if accepted else "refused"] += 1

    @rule(index=st.integers(0, 1), actor=OFFICER_ACTORS)
    def withdraw(self, index, actor):
        model = self.practice(index)
        revision = self.open_revision(model)
        is_update = model.status == Status.PUBLISHED and revision is not None
        if is_update:
            accepted = actor == "officer" and revision["status"] == RevisionStatus.SUBMITTED
        else:
            accepted = actor == "officer" and model.status == Status.SUBMITTED
        url = reverse("members:practice_withdraw", args=[model.pk])
        codes = {302} if actor in ("officer", "anonymous") else MEMBER_REFUSALS[actor]
        self.perform(model, actor, url, accepted=accepted, codes=codes)
        if accepted and is_update:
            self.move_revision(model, RevisionStatus.DRAFT)
        elif accepted:
            self.move(model, Status.DRAFT)
        self.steps["withdraw" if accepted else "refused"] += 1

    @rule(index=st.integers(0, 1), actor=EDITOR_ACTORS, message=MESSAGES, data=st.data())
    def decide(self, index, actor, message, data):
        """An editor's decision in the admin: on the practice, or on its proposed update."""
        model = self.practice(index)
        # Usually a decision the current state allows; sometimes any decision at all.
        allowed = {
            Status.SUBMITTED: ["approve", "request_changes", "reject"],
            Status.PUBLISHED: ["archive"],
            Status.ARCHIVED: ["restore"],
        }.get(model.status, [])
        revision = model.revision
        if revision and revision["status"] == RevisionStatus.SUBMITTED:
            allowed += ["update approve", "update request_changes", "update reject"]
        anything = ["approve", "request_changes", "reject", "archive", "restore"]
        if revision:
            anything += ["update approve", "update request_changes", "update reject"]
        choices = allowed if allowed and data.draw(st.integers(0, 3), "usual") else anything
        action = data.draw(st.sampled_from(choices), "action")
        if action.startswith("update "):
            return self.decide_update(model, actor, action.split()[1], message)
        needs_message = action in ("request_changes", "reject", "archive")
        from_status = {"archive": Status.PUBLISHED, "restore": Status.ARCHIVED}.get(
            action, Status.SUBMITTED
        )
        to_status = {
            "approve": Status.PUBLISHED,
            "request_changes": Status.CHANGES_REQUESTED,
            "reject": Status.REJECTED,
            "archive": Status.ARCHIVED,
            "restore": Status.PUBLISHED,
        }[action]
        accepted = (
            actor == "editor"
            and model.status == from_status
            and (bool(message.strip()) or not needs_message)
        )
        url = reverse("admin:practices_practice_review", args=[model.pk, action])
        codes = {200, 302} if actor == "editor" else ADMIN_REFUSALS.get(actor, {302})
        # The version the decision page names: the one in the database now.
        version = Practice.objects.values_list("version", flat=True).get(pk=model.pk)
        data = {"message": message, "note": "private", "version": version}
        self.perform(model, actor, url, data, accepted=accepted, codes=codes)
        if accepted:
            self.move(model, to_status)
            self.emails += 1  # the city's one active officer
            if action == "approve":
                self.approved_now(model)
                event = ReviewEvent.objects.filter(practice_id=model.pk).latest("pk")
                assert without_image(event.snapshot) == model.approved_snapshot
        self.steps[action if accepted else "refused"] += 1

    @rule(
        index=st.integers(0, 1),
        actor=OFFICER_ACTORS,
        kept_form=st.booleans(),
        blank=st.booleans(),
        submit=st.booleans(),
    )
    def save_edit(self, index, actor, kept_form, blank, submit):
        """The officer saves the edit form: one opened now, or one left open since an earlier
        save (stale once anything changed). Each save's form stays open for a later one."""
        model = self.practice(index)
        practice = Practice.objects.get(pk=model.pk)
        kind = "practice" if model.status != Status.PUBLISHED else "revision"
        open_revision = PracticeRevision.objects.filter(practice_id=model.pk).open().first()
        if kind == "practice":
            current = str(practice.version)
        else:
            # A form opened while no update exists carries version 0.
            current = str(open_revision.version) if open_revision else "0"
        version = current
        if kept_form and model.opened and model.opened[0] == kind:
            version = model.opened[1]
        summary, results = self.marker("Summary"), "" if blank else self.marker("Results")
        model.markers |= {summary, results} - {""}
        data = edit_form_data(model.pk, version, summary, results, "submit" if submit else "save")
        complete = not blank
        if actor != "officer":
            editable = saved = submitted = False
        elif kind == "practice":
            editable = model.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
            saved = editable and version == current
            submitted = saved and submit and complete
        else:
            revision = self.open_revision(model)
            editable = revision is None or revision["status"] != RevisionStatus.SUBMITTED
            # Stale: a form opened on another update, or before the update now open existed.
            saved = editable and version == current
            submitted = saved and submit and complete
        if actor != "officer":
            codes = {302} if actor == "anonymous" else MEMBER_REFUSALS[actor]
        elif saved:
            codes = {302} if submitted or not submit else {200}
        else:
            codes = {302, 409}
        url = reverse("members:practice_edit", args=[model.pk])
        self.perform(model, actor, url, data, accepted=saved, codes=codes)
        if actor == "officer":
            model.opened = (kind, version)
        if saved and kind == "practice":
            model.content = {"summary": summary, "results": results}
            if submitted:
                self.move(model, Status.SUBMITTED)
                self.emails += 1
        elif saved:
            revision = self.open_revision(model)
            if revision is None:
                created = PracticeRevision.objects.filter(practice_id=model.pk).latest("pk")
                model.revision = revision = {
                    "pk": created.pk,
                    "status": RevisionStatus.DRAFT,
                    "content": {},
                }
            revision["content"] = {"summary": summary, "results": results}
            if submitted:
                self.move_revision(model, RevisionStatus.SUBMITTED)
                self.emails += 1
        if saved:
            self.steps["submit edit" if submitted else "save edit"] += 1
        elif actor == "officer" and editable:
            self.steps["stale edit refused"] += 1
        else:
            self.steps["refused"] += 1

    def decide_update(self, model, actor, action, message):
        revision = model.revision
        accepted = (
            actor == "editor"
            and revision["status"] == RevisionStatus.SUBMITTED
            and (action == "approve" or bool(message.strip()))
            and (action != "approve" or model.status == Status.PUBLISHED)
        )
        url = reverse("admin:practices_practicerevision_review", args=[revision["pk"], action])
        codes = {200, 302} if actor == "editor" else ADMIN_REFUSALS.get(actor, {302})
        version = PracticeRevision.objects.values_list("version", flat=True).get(pk=revision["pk"])
        data = {"message": message, "note": "private", "version": version}
        self.perform(model, actor, url, data, accepted=accepted, codes=codes)
        if accepted:
            to_status = {
                "approve": RevisionStatus.APPROVED,
                "request_changes": RevisionStatus.CHANGES_REQUESTED,
                "reject": RevisionStatus.REJECTED,
            }[action]
            self.move_revision(model, to_status)
            self.emails += 1
            if action == "approve":
                model.content = dict(revision["content"])
                self.approved_now(model)
                event = ReviewEvent.objects.filter(revision_id=revision["pk"]).latest("pk")
                assert without_image(event.snapshot) == model.approved_snapshot
        self.steps[f"update {action}" if accepted else "refused"] += 1

    # -- the invariants

    @invariant()
    def database_matches_the_model(self):
        assert OutgoingEmail.objects.count() == self.emails
        for model in self.practices:
            practice = Practice.objects.get(pk=model.pk)
            assert practice.status == model.status
            assert {"summary": practice.summary, "results": practice.results} == model.content
            events = list(
                ReviewEvent.objects.filter(practice_id=model.pk, revision__isnull=True)
                .order_by("created_at", "pk")
                .values_list("from_status", "to_status")
            )
            assert events == model.events
            # One continuous chain from draft to the current status.
            chain = [Status.DRAFT] + [to for _from, to in events]
            assert all(events[n][0] == chain[n] for n in range(len(events)))
            assert chain[-1] == practice.status
            for revision_pk, expected in model.revision_events.items():
                found = list(
                    ReviewEvent.objects.filter(revision_id=revision_pk)
                    .order_by("created_at", "pk")
                    .values_list("from_status", "to_status")
                )
                assert found == expected
            revisions = PracticeRevision.objects.filter(practice_id=model.pk)
            if model.revision is not None:
                current = revisions.get(pk=model.revision["pk"])
                assert current.status == model.revision["status"]
            assert revisions.open().count() <= 1
            if model.approved_snapshot is not None and model.status in (
                Status.PUBLISHED,
                Status.ARCHIVED,
            ):
                # Published content changes only through an editor's approval.
                assert without_image(practice_snapshot(practice)) == model.approved_snapshot

    @invariant()
    def the_public_sees_exactly_the_approved_content(self):
        """Anonymous visitors, on the practice's page and in the search.

        Checked after every step that changed something: a refused step has been shown to
        leave the database as it was (perform), so it cannot change what the public sees.
        """
        if not self.changed:
            return
        self.changed = False
        WorkflowMachine.steps["public checks"] += 1
        for model in self.practices:
            response = Client().get(reverse("public:practice_detail", args=[model.slug]))
            published = model.status == Status.PUBLISHED
            if published:
                assert response.status_code == 200
                page = response.content.decode()
                shown = {marker for marker in model.markers if marker.split()[-1] in page}
                assert shown == {model.approved["summary"], model.approved["results"]}
            else:
                assert response.status_code == 404
            # The search finds it by its published words only, and only while published. (The
            # search page is slow: asked again only when its answers should have changed.)
            word = (model.approved or model.content)["summary"].split()[-1]
            hidden = {marker.split()[-1] for marker in model.markers} - {word}
            if model.approved:
                hidden.discard(model.approved["results"].split()[-1])
            newest_hidden = max(hidden, default=None)  # markers grow in alphabetical order
            if model.searched != (published, word, newest_hidden):
                model.searched = (published, word, newest_hidden)
                assert shown_total(Client().get(URL, {"q": word})) == (1 if published else 0)
                if newest_hidden:
                    assert shown_total(Client().get(URL, {"q": newest_hidden})) == 0
                WorkflowMachine.steps["search checks"] += 1


def test_random_workflows_keep_the_invariants(
    officer, other_city_officer, inactive_officer, editor, settings, request
):
    settings.PAGE_CACHE_SECONDS = 600  # as in production: the public pages are cached
    clients = {name: Client() for name in ACTORS}
    for name, user in [
        ("officer", officer),
        ("other_officer", other_city_officer),
        ("inactive_officer", inactive_officer),
        ("editor", editor),
    ]:
        clients[name].force_login(user)
    WorkflowMachine.clients = clients
    WorkflowMachine.officer, WorkflowMachine.editor = officer, editor
    WorkflowMachine.examples = 0
    WorkflowMachine.steps = Counter()
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings_for_machine(),
    )
    steps, examples = WorkflowMachine.steps, WorkflowMachine.examples
    checks = {"public checks", "search checks"}
    accepted = sum(
        count
        for name, count in steps.items()
        if name not in {*checks, "refused", "stale edit refused"}
    )
    # What the public sees was checked once as each example began, and after every step that
    # changed something.
    assert steps["public checks"] == examples + accepted, (examples, accepted, steps)
    report(
        request,
        "workflow examples",
        WorkflowMachine.examples,
        f"workflow: {WorkflowMachine.examples} examples, "
        f"{sum(steps.values()) - steps['public checks'] - steps['search checks']} steps; "
        + ", ".join(f"{name} {count}" for name, count in sorted(steps.items())),
    )


def settings_for_machine():
    return settings(
        max_examples=MACHINE_EXAMPLES,
        stateful_step_count=MACHINE_STEPS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


VERSION_FIELD = re.compile(r'<input type="hidden" name="version"(?: value="(\d*)")?')


def test_update_form_opened_before_another_update_is_stale(make_practice, officer):
    practice = make_practice(Status.PUBLISHED)
    colleague = CityOfficerFactory(city=officer.city_officer.city, user__username="colleague").user
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(colleague)
    url = reverse("members:practice_edit", args=[practice.pk])
    # Both open the form of a published practice that has no proposed update yet.
    opened = []
    for client in (first, second):
        page = client.get(url)
        assert page.status_code == 200
        opened.append(VERSION_FIELD.search(page.content.decode()).group(1) or "")
    theirs = edit_form_data(practice.pk, opened[1], practice.summary, "New figures.", "save")
    assert second.post(url, theirs).status_code == 302
    mine = edit_form_data(practice.pk, opened[0], "My new summary.", practice.results, "save")
    response = first.post(url, mine)
    revision = PracticeRevision.objects.get(practice=practice)
    assert revision.data["results"] == "New figures.", "the colleague's update was lost"
    assert response.status_code == 409
