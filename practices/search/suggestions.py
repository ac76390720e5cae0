"""Did you mean: a search that finds nothing gets each unknown word replaced by the closest
word of the city names and published titles ("Montral" → "Montréal")."""

import difflib
import itertools

from cities.models import City
from core.page_cache import read_per_generation
from practices.models import Practice
from practices.models.matching import WORD, fold


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


def suggestion_words():
    """Return {folded word: word as written} from city names and published titles.

    Read once per change of what the public sees: titles share most of their words, so the
    distinct words are a few thousand even when the titles are many.
    """
    return read_per_generation("suggestion-words", _read_suggestion_words)


def _read_suggestion_words():
    words = {}
    names = City.objects.values_list("name", flat=True).iterator()
    titles = Practice.objects.published().values_list("title", flat=True).iterator()
    for name in itertools.chain(names, titles):
        for word in WORD.findall(name):
            if len(word) > 2:
                words.setdefault(fold(word), word)
    return words
