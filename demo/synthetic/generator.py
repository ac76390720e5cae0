"""Synthetic published practices, made from the word banks: each practice from its own seeded
random source, as dicts of field values for rows not written yet."""

import functools
import itertools
import random
import zlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.text import slugify

from cities.models import City
from practices.models import (
    SECTIONS,
    TRANSLATED_FIELDS,
    CityRole,
    Commitment,
    Practice,
    TargetGroup,
    Theme,
)
from practices.search.index import search_extra_for

from .places import country_styles
from .sentences import CITY, Pools
from .store import PREFIX
from .words import BANKS, FIRST_NAMES, LAST_NAMES, LOCAL_LANGUAGES, capitalise, weighted

# Share of practices whose text uses the common word of their language ("discrimination",
# "discriminación", "Diskriminierung", "discriminação"). Coalition and theme names carry it too,
# so more practices than this match a search for it.
COMMON_WORD_SHARE = 0.7
TRANSLATED_SHARE = 0.04
PROMISING_SHARE = 0.02
# Evidence levels, taken in turn (no draw, so the rest of the data stays as it was): most
# practices described or with a change observed, few proven further, a third not rated.
EVIDENCE_SPREAD = [1, 2, None, 1, 3, 2, None, 1, 2, 4, None, 2, 1, 3, None, 5]
# The conditions of transfer, taken in turn like the levels: a fifth of practices record none.
CONDITION_SPREAD = [
    ("none", "volunteers", "weeks", ",culture,", ",ngo,", "small"),
    ("low", "part_time", "months", ",schools,", ",ngo,university,", "medium"),
    None,
    ("medium", "team", "months", ",housing,regulation,", ",university,", "large"),
    ("low", "part_time", "weeks", "", ",ngo,", "medium"),
    (
        "high",
        "team",
        "year_plus",
        ",police,social_services,",
        ",equality_body,police,",
        "metropolis",
    ),
    ("none", "part_time", "months", ",employment,", ",business,", "large"),
    ("medium", "team", "year_plus", ",schools,social_services,", ",ngo,", "medium"),
    None,
    ("low", "volunteers", "months", ",culture,schools,", ",ngo,university,", "small"),
]
CONDITION_FIELDS = [
    "yearly_cost",
    "staff_needed",
    "setup_time",
    "city_powers",
    "partner_kinds",
    "population_band",
]
# How many other cities adapted a practice, in turn: most none, one in twelve one to three.
# (The count only: load-test rows have no adaptation records, as they have no history.)
ADAPTED_SPREAD = [0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]
LOCAL_LANGUAGE_SHARE = 0.4
PUBLISHED_FROM = datetime(2010, 1, 1, tzinfo=UTC)
PUBLISHED_UNTIL = datetime(2025, 12, 31, tzinfo=UTC)
# How a practice's words are shared among its sections, roughly.
SECTION_WEIGHTS = [3, 4, 3, 2, 2, 2]


@functools.cache
def cached_slugify(text):
    """slugify(), remembered: titles and names come from the word banks, so they repeat."""
    return slugify(text)


def mark_published(practice, published_at):
    """Give a synthetic practice the published state directly.

    Real practices change state only through practices.services, which locks the row, checks the
    move and who makes it, records a ReviewEvent and queues e-mails, one practice at a time. None
    of that applies to synthetic load-test rows (no officer, no editor, no history, nobody to
    tell), and they are written in bulk: so the state and its timestamps are set here, in the
    field values of a practice not written yet.
    """
    practice["status"] = Practice.Status.PUBLISHED.value
    practice["published_at"] = published_at
    practice["submitted_at"] = submitted_at = published_at - timedelta(days=3 + published_at.day)
    practice["created_at"] = submitted_at - timedelta(days=20 + published_at.month * 9)
    practice["updated_at"] = published_at


class Generator:
    """Builds practices from the word banks; each practice from its own seeded random source."""

    def __init__(self, seed):
        self.seed = seed
        self.pools = Pools(seed)
        self.cities = list(City.objects.select_related("coalition").order_by("slug"))
        if not self.cities:
            raise CommandError("No cities to attach practices to.")
        # Some cities write many practices, most a few.
        weights = [1 + (zlib.crc32(c.slug.encode()) % 12) ** 2 for c in self.cities]
        self.city_cum_weights = list(itertools.accumulate(weights))
        self.themes = list(Theme.objects.order_by("order", "pk"))
        self.theme_by_pk = {theme.pk: theme for theme in self.themes}
        self.theme_order = {theme: (theme.order, theme.title) for theme in self.themes}
        self.roles = list(CityRole.objects.order_by("order", "pk"))
        self.targets = list(TargetGroup.objects.order_by("order", "pk"))
        if not (self.themes and self.roles and self.targets):
            raise CommandError("Themes, roles and target groups are missing: run the migrations.")
        self.commitments = {}
        for item in Commitment.objects.order_by("coalition_id", "number"):
            self.commitments.setdefault((item.coalition_id, item.theme_id), []).append(item.pk)
        self.language_suffixes = [(code, code.replace("-", "_")) for code, _n in settings.LANGUAGES]
        self.country_names = {}
        for city in self.cities:
            if city.country.code not in self.country_names:
                names = {}
                for code, _suffix in self.language_suffixes:
                    with translation.override(code):
                        names[code] = str(city.country.name)
                self.country_names[city.country.code] = names
        self.theme_titles = {
            theme.pk: {
                suffix: getattr(theme, f"title_{suffix}") for _c, suffix in self.language_suffixes
            }
            for theme in self.themes
        }
        # Per city, per language: its country's and its coalition's names.
        self.place_names = {
            city.pk: [
                (
                    self.country_names[city.country.code][code],
                    getattr(city.coalition, f"name_{suffix}"),
                    getattr(city.coalition, f"short_name_{suffix}"),
                )
                for code, suffix in self.language_suffixes
            ]
            for city in self.cities
        }
        styles = country_styles()
        self.local_language = {
            city.pk: LOCAL_LANGUAGES.get(styles.get(city.country.code)) for city in self.cities
        }
        self.through = {
            "themes": (Practice.themes.through, "theme_id"),
            "city_roles": (Practice.city_roles.through, "cityrole_id"),
            "target_groups": (Practice.target_groups.through, "targetgroup_id"),
            "commitments": (Practice.commitments.through, "commitment_id"),
        }
        self.search_extras = {}

    def search_extra(self, city, themes):
        """Return what practices.search.index.search_extra_for(practice) returns, from names read
        once.

        That function switches the active language for each language, for the country's name, on
        every call; this is the same walk over the same names, read once, and every batch checks
        one practice against the function itself (check_sample). A city and set of themes give
        the same text every time, so it is made once for each.
        """
        key = (city.pk, *(theme.pk for theme in themes))
        if (text := self.search_extras.get(key)) is None:
            text = self.search_extras[key] = self._search_extra(city, themes)
        return text

    def _search_extra(self, city, themes):
        parts = [city.name]
        titles = [self.theme_titles[theme.pk] for theme in themes]
        for (_code, suffix), names in zip(
            self.language_suffixes, self.place_names[city.pk], strict=True
        ):
            parts += names  # country, coalition, coalition's short name
            parts += [title[suffix] for title in titles]
        return " ".join(dict.fromkeys(part for part in parts if part))

    def check_sample(self, practice, themes):
        stub = SimpleNamespace(city=practice["city"], themes=SimpleNamespace(all=lambda: themes))
        if search_extra_for(stub) != practice["search_extra"]:
            raise CommandError(
                "practices.search.index.search_extra_for changed: update Generator.search_extra."
            )

    def language_for(self, rng, city):
        local = self.local_language[city.pk]
        if local and rng.random() < LOCAL_LANGUAGE_SHARE:
            return local
        return "en"

    def title(self, rng, language, common):
        titles = BANKS[language]["titles"]
        noun = rng.choice(titles["nouns"])
        if common and rng.random() < 0.3:
            form = rng.choice(titles["common"])
            keep_case = form.startswith("{") or ":" in form
            noun = form.format(noun=noun if keep_case else noun[:1].lower() + noun[1:])
        return capitalise(noun + rng.choice(titles["suffixes"]))

    def content(self, rng, language, city_name, common):
        """Return the text fields of a practice in one language."""
        bank = BANKS[language]
        words = rng.randint(300, 700)
        summary = self.pools.summary(rng, language, common).replace(CITY, city_name)
        left = max(200, words - len(summary.split()))
        weights = [w * (0.6 + rng.random()) for w in SECTION_WEIGHTS]
        total = sum(weights)
        # Where the common word goes: one to three sentences, in random sections.
        commons = [0] * len(SECTIONS)
        if common:
            for _ in range(rng.randint(1, 3)):
                commons[rng.randrange(len(SECTIONS))] += 1
        fields = {"summary": summary[:600]}
        for section, weight, extra in zip(SECTIONS, weights, commons, strict=True):
            text, _n = self.pools.text(rng, language, section, int(left * weight / total), extra)
            fields[section] = text.replace(CITY, city_name)
        fields["resources"] = bank["resources"].format(
            budget=rng.choice([15, 40, 80, 120, 250, 400]), staff=rng.randint(1, 6)
        )
        fields["title"] = self.title(rng, language, common)
        return fields

    def practice(self, index):
        """Return (practice, {relation: [ids]}, [translations]) for one index: the practice and
        its translations as dicts of field values, by name, for rows not written yet."""
        rng = random.Random(f"practice:{self.seed}:{index}")
        city = rng.choices(self.cities, cum_weights=self.city_cum_weights, k=1)[0]
        language = self.language_for(rng, city)
        common = rng.random() < COMMON_WORD_SHARE
        fields = self.content(rng, language, city.name, common)
        bank = BANKS[language]
        themes = rng.sample(self.themes, weighted(rng, [1, 2, 3], [50, 35, 15]))
        themes.sort(key=self.theme_order.__getitem__)  # as practice.themes.all()
        start_year = rng.randint(1995, 2025)
        end_year = rng.randint(start_year, 2025) if rng.random() < 0.35 else None
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        partners = rng.sample(bank["partners"], rng.randint(1, min(3, len(bank["partners"]))))
        slug_title = cached_slugify(fields["title"])[:100].rstrip("-")
        practice = dict(
            slug=f"{PREFIX}{index:07d}-{slug_title}",
            city=city,
            language=language,
            start_year=start_year,
            end_year=end_year,
            partners="\n".join(partners).replace(CITY, city.name).replace("{city}", city.name),
            contact_name=f"{first} {last}",
            contact_role=rng.choice(bank["roles"]),
            contact_email=f"{cached_slugify(first)}.{cached_slugify(last)}@example.org",
            links=f"https://example.org/{city.slug}/{slug_title[:40]}",
            search_extra=self.search_extra(city, themes),
            **fields,
        )
        level = EVIDENCE_SPREAD[index % len(EVIDENCE_SPREAD)]
        practice["proposed_evidence_level"] = practice["evidence_level"] = level
        conditions = CONDITION_SPREAD[index % len(CONDITION_SPREAD)]
        if conditions:
            practice.update(zip(CONDITION_FIELDS, conditions, strict=True))
        practice["adapted_in"] = ADAPTED_SPREAD[index % len(ADAPTED_SPREAD)]
        if rng.random() < PROMISING_SHARE:
            practice["is_promising"] = True
            practice["promising_note"] = bank["promising"]
        earliest = max(PUBLISHED_FROM, datetime(start_year, 1, 1, tzinfo=UTC))
        span = int((PUBLISHED_UNTIL - earliest).total_seconds())
        mark_published(practice, earliest + timedelta(seconds=rng.randrange(max(span, 1))))
        links = {
            "themes": [theme.pk for theme in themes],
            "city_roles": [r.pk for r in rng.sample(self.roles, rng.randint(1, 2))],
            "target_groups": [t.pk for t in rng.sample(self.targets, rng.randint(1, 3))],
            "commitments": [
                rng.choice(options)
                for theme in themes
                if (options := self.commitments.get((city.coalition_id, theme.pk)))
                and rng.random() < 0.6
            ],
        }
        translations = []
        if rng.random() < TRANSLATED_SHARE:
            other = rng.choice([code for code in ("en", "fr", "es") if code != language])
            text = self.content(rng, other, city.name, common)
            translations.append(
                dict(
                    language=other,
                    updated_at=practice["published_at"],
                    **{name: text[name] for name in TRANSLATED_FIELDS},
                )
            )
        codes = sorted({language, *(t["language"] for t in translations)})
        practice["available_languages"] = f",{','.join(codes)},"
        return practice, links, translations

    def make_batch(self, start, size):
        """Return the unsaved rows of practices start … start + size - 1."""
        made = [self.practice(index) for index in range(start, start + size)]
        sample, links, _translations = made[0]
        self.check_sample(sample, [self.theme_by_pk[pk] for pk in links["themes"]])
        return made
