"""The word lists synthetic data is made of, read once from demo/data.

synthetic_places.json:
    coalitions: by coalition slug, its relative share of the synthetic cities (weight) and its
        countries (ISO code, the latitude and longitude cities are placed around, and the naming
        style of their cities); other_coalitions: the same for coalitions not listed (added by
        editors).
    city_names: by naming style, first and second parts: a city name is one of each.
    local_languages: by naming style, the language its cities' practices are written in
        besides English, for the styles that have one of the practices' languages.

synthetic_words.json:
    languages: by practice language, its word bank — slot values, then sentence templates by
        section; "common" sentences carry the language's word for discrimination and no other
        sentence or slot value does; titles (nouns, suffixes and forms carrying the common
        word), partners, resources, contact roles and the note of a promising practice.
    first_names, last_names: the contacts' names.

Orders matter: the same seed draws the same items only while the lists keep their order.
"""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def _read(name):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


_places = _read("synthetic_places.json")
_words = _read("synthetic_words.json")

COALITIONS = _places["coalitions"]
OTHER_COALITIONS = _places["other_coalitions"]
CITY_NAMES = _places["city_names"]
LOCAL_LANGUAGES = _places["local_languages"]
BANKS = _words["languages"]
FIRST_NAMES = _words["first_names"]
LAST_NAMES = _words["last_names"]


def capitalise(text):
    return text[:1].upper() + text[1:]


def weighted(rng, options, weights):
    """Return one of `options`, drawn with `weights`."""
    return rng.choices(options, weights=weights, k=1)[0]
