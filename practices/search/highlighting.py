"""The searched words, marked in what a result card shows."""

import html
import re

from django.contrib.postgres.search import SearchHeadline
from django.db.models import F, Func, Value
from django.db.models.functions import Replace
from django.utils.safestring import mark_safe

from practices.models.matching import fold, has_words, is_postgres, searched_words, text_query

# Private-use characters mark highlights inside PostgreSQL's output, which is then escaped. A
# summary may contain them too: they are taken out of it first, so only PostgreSQL's marks
# become <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"


def _without_marks(column):
    return Replace(Replace(F(column), Value(MARK_START), Value("")), Value(MARK_END), Value(""))


def with_headline(queryset, text):
    """Annotate each practice with its summary, words matched marked (PostgreSQL only)."""
    if not is_postgres():
        return queryset
    return queryset.annotate(
        headline=SearchHeadline(
            _without_marks("summary"),
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
    words = searched_words(query_text)
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
