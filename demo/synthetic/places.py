"""The synthetic cities: named from the word lists, spread over the coalitions."""

import random
from decimal import Decimal

from django.core.management.base import CommandError
from django.utils.text import slugify

from cities.models import City, Coalition

from .store import PREFIX, forget_cached
from .words import CITY_NAMES, COALITIONS, OTHER_COALITIONS, capitalise, weighted


def ensure_cities(seed, wanted):
    """Create `wanted` synthetic cities unless some exist already (then they are reused); return
    how many were created."""
    if City.objects.filter(slug__startswith=PREFIX).exists():
        return 0
    rng = random.Random(f"cities:{seed}")
    coalitions = list(Coalition.objects.order_by("slug"))
    if not coalitions:
        raise CommandError("No coalitions: run the migrations first.")
    weights = [COALITIONS.get(c.slug, OTHER_COALITIONS)["weight"] for c in coalitions]
    taken = {
        (name.casefold(), country) for name, country in City.objects.values_list("name", "country")
    }
    slugs = set(City.objects.values_list("slug", flat=True))
    made = []
    attempts = 0
    while len(made) < wanted and attempts < wanted * 50:
        attempts += 1
        coalition = weighted(rng, coalitions, weights)
        place = rng.choice(COALITIONS.get(coalition.slug, OTHER_COALITIONS)["countries"])
        country, parts = place["country"], CITY_NAMES[place["style"]]
        name = (rng.choice(parts["first"]) + rng.choice(parts["second"])).strip()
        name = name if name[:1].isupper() else capitalise(name)
        slug = f"{PREFIX}{slugify(name)}"
        if (name.casefold(), country) in taken or len(name) < 4:
            continue
        if slug in slugs:
            slug = f"{slug}-{country.lower()}"
            if slug in slugs:
                continue
        taken.add((name.casefold(), country))
        slugs.add(slug)
        made.append(
            City(
                name=name,
                slug=slug,
                country=country,
                coalition=coalition,
                member_since=rng.randint(2004, 2024),
                is_active_member=rng.random() < 0.92,
                latitude=coordinate(place["latitude"] + rng.uniform(-4, 4), 89.9),
                longitude=coordinate(place["longitude"] + rng.uniform(-6, 6), 179.9),
                profile=f"{name} joined the coalition to act against racism at the local level.",
            )
        )
    City.objects.bulk_create(made)
    forget_cached()
    return len(made)


def coordinate(degrees, limit):
    return Decimal(f"{max(-limit, min(limit, degrees)):.5f}")


def country_styles():
    """Return the naming style of each country's cities (the last listed, for a country listed
    more than once)."""
    styles = {}
    for options in [OTHER_COALITIONS, *COALITIONS.values()]:
        styles.update({place["country"]: place["style"] for place in options["countries"]})
    return styles
