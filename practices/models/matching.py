"""How a web-search string becomes a condition on practices: the query language of
``Practice.objects.matching()`` and ``SearchEntry.objects.matching()``.

On PostgreSQL the string is parsed with every language's text search configuration into one
tsquery, matched against the search entries' GIN-indexed vectors. On SQLite every word is
looked for, accent- and case-insensitively, in the same fields (a registered ``iccar_fold``
function): no stemming, the same syntax.
"""

import functools
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Func, Q, TextField
from django.db.models.expressions import RawSQL

from .content import SEARCHED_FIELDS, TRANSLATED_FIELDS

# Every configuration a practice may be indexed with (migration 0004_search); a query is
# parsed with each of them.
SEARCH_CONFIGS = [
    "iccar_english",
    "iccar_french",
    "iccar_spanish",
    "iccar_german",
    "iccar_portuguese",
    "iccar_russian",
    "iccar_simple",
]
WORD = re.compile(r"\w+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def is_postgres():
    return connection.vendor == "postgresql"


def fold(text):
    """Return text lower-cased and without accents: "Zürich" → "zurich"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def register_sqlite_fold(sender, connection, **kwargs):
    """Give each new SQLite connection the iccar_fold() function (a connection_created
    receiver, connected in the app's ready())."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "iccar_fold", 1, lambda value: fold(value) if value else value, deterministic=True
        )


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


def searched_words(text):
    """Return the folded words a search looks for (not those it excludes)."""
    return {w for group in parse(text) for words, excluded in group if not excluded for w in words}


def split_exclusions(text):
    """Return (the text without its -excluded terms, [the excluded terms])."""
    kept, excluded = [], []
    for found in TOKEN.finditer(text):
        negation, phrase, bare = found.groups()
        if negation or (bare and bare.startswith("-") and len(bare) > 1):
            excluded.append(f'"{phrase}"' if phrase is not None and not bare else bare[1:])
        else:
            kept.append(found.group(0))
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


def folded_condition(text):
    """Return (the folded text to alias on practices, the Q matching it) for SQLite, or None
    when the text asks for nothing."""
    groups = parse(text)
    if not groups:
        return None
    condition = Q()
    for group in groups:
        group_condition = Q()
        for words, excluded in group:
            term = Q(folded_text__contains=" ".join(words))
            group_condition &= ~term if excluded else term
        condition |= group_condition
    return _folded_with_translations(), condition


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
        FoldedText(*SEARCHED_FIELDS),
        translations,
        function="",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )
