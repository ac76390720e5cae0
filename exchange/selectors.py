"""What the public pages read of adaptations: the approved records (their public version)
merged with the published practices that name another as their inspiration — one list of
who took up whose practice, each city once per practice."""

from dataclasses import dataclass, replace

from django.db.models import Count, Exists, F, OuterRef, Q

from cities.models import City, Coalition
from core.grouped import newest_of_each_kind
from practices.models import Practice
from practices.selectors import transfers_of

from .models import Adaptation

Progress = Adaptation.Progress

NEWEST_RECORDS = 12


@dataclass
class Transfer:
    """One city's take-up of one practice, as the public sees it."""

    city: City  # the adapting city ("adapted by"), or the original's city ("adapted from")
    practice: Practice | None  # the other side's published practice, when there is one
    year: int | None = None
    progress: str = ""
    what_changed: str = ""
    outcome: str = ""

    @property
    def progress_label(self):
        return Progress(self.progress).label if self.progress else ""


def unlinked_records():
    """Return the approved records that no published link already says: a record whose own
    practice names the original as its inspiration is the same adaptation, counted once."""
    links = Practice.inspired_by.through.objects.filter(
        from_practice=OuterRef("public_own_practice"),
        to_practice=OuterRef("original"),
        from_practice__status=Practice.Status.PUBLISHED,
    )
    return Adaptation.objects.shown().exclude(Exists(links))


def _public(adaptation, name):
    return (adaptation.public_version or {}).get(name)


def _published_or_none(practice):
    return practice if practice is not None and practice.is_published else None


def _details(record):
    return Transfer(
        city=record.city,
        practice=_published_or_none(record.public_own_practice),
        year=_public(record, "started_in"),
        progress=_public(record, "progress"),
        what_changed=_public(record, "what_changed"),
        outcome=_public(record, "outcome") or "",
    )


def adaptations_of(practice):
    """Return (adapted_by, adapted_from) of a published practice, as Transfers: the approved
    records first, then the practices linked as inspiration that no record already names.
    Two queries."""
    inspired_by, inspired = transfers_of(practice)
    records = list(
        Adaptation.objects.shown()
        .filter(Q(original=practice) | Q(public_own_practice=practice))
        .select_related("city", "original__city", "public_own_practice")
        .order_by("-approved_at", "pk")
    )
    adapted_by, adapted_from = [], []
    for record in records:
        if record.original_id == practice.pk:
            adapted_by.append(_details(record))
        else:  # seen from the adapting city's practice: the other side is the original
            adapted_from.append(
                replace(_details(record), city=record.original.city, practice=record.original)
            )
    # A city's record says more than its practice's link: the link is left out.
    recorded = {transfer.city.pk for transfer in adapted_by}
    for other in inspired:
        if other.city_id not in recorded:
            adapted_by.append(Transfer(city=other.city, practice=other, year=other.start_year))
    named = {transfer.practice.pk for transfer in adapted_from}
    for other in inspired_by:
        if other.pk not in named:
            adapted_from.append(Transfer(city=other.city, practice=other, year=other.start_year))
    return adapted_by, adapted_from


def _city_pairs():
    """Return {(adapting city id, adapted city id): number of practices} over both sources."""
    pairs = {}
    records = (
        unlinked_records()
        .values_list("city_id", "original__city_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    published = Practice.Status.PUBLISHED
    links = (
        Practice.inspired_by.through.objects.filter(
            from_practice__status=published, to_practice__status=published
        )
        .exclude(from_practice__city=F("to_practice__city"))
        .values_list("from_practice__city_id", "to_practice__city_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # (A record is never of the city's own practice: the services refuse it.)
    for source in (records, links):
        for adapting, adapted, n in source:
            pairs[(adapting, adapted)] = pairs.get((adapting, adapted), 0) + n
    return pairs


def transfer_network():
    """Return what /transfers/ shows: the pairs of cities (most practices first) with their
    coalitions, the table of coalitions by coalitions, the newest approved records, and the
    totals. A fixed number of queries, whatever the number of adaptations."""
    pairs = _city_pairs()
    city_ids = {city for pair in pairs for city in pair}
    cities = City.objects.select_related("coalition").in_bulk(city_ids)
    coalitions = list(Coalition.objects.order_by("name"))
    matrix = {(a.pk, b.pk): 0 for a in coalitions for b in coalitions}
    rows = []
    for (adapting, adapted), n in pairs.items():
        adapting_city, adapted_city = cities[adapting], cities[adapted]
        matrix[(adapting_city.coalition_id, adapted_city.coalition_id)] += n
        rows.append({"adapting": adapting_city, "adapted": adapted_city, "count": n})
    rows.sort(key=lambda row: (-row["count"], row["adapting"].name, row["adapted"].name))
    table = [
        {
            "coalition": adapting,
            "cells": [
                {"adapted": adapted, "count": matrix[(adapting.pk, adapted.pk)]}
                for adapted in coalitions
            ],
        }
        for adapting in coalitions
    ]
    newest = (
        Adaptation.objects.shown()
        .select_related("city", "original__city", "public_own_practice")
        .order_by("-approved_at", "-pk")[:NEWEST_RECORDS]
    )
    return {
        "pairs": rows,
        "coalitions": coalitions,
        "table": table,
        "newest": [{"adaptation": record, "transfer": _details(record)} for record in newest],
        "total": sum(pairs.values()),
        "cities": len(city_ids),
    }


def records_of_city(city, limit=50):
    """Return (adapted, adapted_by): the approved records no link already says, of what the
    city adapted and of who adapted its practices, as (original, Transfer) pairs, newest
    first — `limit` at most, in one query."""
    records = (
        unlinked_records()
        .filter(Q(city=city) | Q(original__city=city))
        .select_related("city", "original__city", "public_own_practice")
        .order_by("-approved_at", "-pk")[:limit]
    )
    adapted, adapted_by = [], []
    for record in records:
        (adapted if record.city_id == city.pk else adapted_by).append(
            (record.original, _details(record))
        )
    return adapted, adapted_by


def records_of_coalition(coalition, limit=10):
    """Return {"within": …, "across": …} as transfers_of_coalition() does, for the approved
    records no link already says: each kind's total and its newest `limit` records as
    (original, Transfer), in one query."""
    adapting_in = Q(city__coalition=coalition)
    adapted_in = Q(original__city__coalition=coalition)
    kinds = {
        "within": adapting_in & adapted_in,
        "across": (adapting_in & ~adapted_in) | (~adapting_in & adapted_in),
    }
    records = unlinked_records().select_related("city", "original__city", "public_own_practice")
    newest = [F("approved_at").desc(), F("pk").desc()]
    found = newest_of_each_kind(records, kinds, newest, limit)
    return {
        name: {
            "total": group["total"],
            "records": [(record.original, _details(record)) for record in group["items"]],
        }
        for name, group in found.items()
    }


def adaptations_by_year(coalition=None):
    """Return {year it started: approved records}, of one coalition's cities if given, in one
    query (the year is in each record's public version)."""
    records = Adaptation.objects.shown()
    if coalition is not None:
        records = records.filter(
            Q(city__coalition=coalition) | Q(original__city__coalition=coalition)
        )
    counts = {}
    for version in records.values_list("public_version", flat=True):
        year = (version or {}).get("started_in")
        if year:
            counts[year] = counts.get(year, 0) + 1
    return counts
