"""What the public pages read: published practices only, with what each page shows."""

from django.db.models import BooleanField, Count, Prefetch, Q
from django.db.models.expressions import RawSQL

from .models import Commitment, Practice, SearchEntry, Theme, evidence_scale
from .models.matching import is_postgres


def public_practices():
    """Return published practices with what a result card shows."""
    return (
        Practice.objects.published()
        .select_related("city", "city__coalition")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.only("slug", "title", "order")))
    )


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


def practice_page(slug):
    """Return the published practice of that slug with everything its page shows, or None."""
    return (
        public_practices()
        .prefetch_related(
            "city_roles",
            "target_groups",
            "images",
            "attachments",
            "translations",
            Prefetch("commitments", queryset=Commitment.objects.select_related("coalition")),
        )
        .filter(slug=slug)
        .first()
    )


def evidence_levels_with_counts():
    """Return the evidence scale, each level with the number of published practices at it."""
    counts = dict(
        Practice.objects.published()
        .filter(evidence_level__isnull=False)
        .order_by()
        .values_list("evidence_level")
        .annotate(n=Count("pk"))
    )
    return [{**level, "num_practices": counts.get(level["value"], 0)} for level in evidence_scale()]


def plan_of(coalition, *, city=None):
    """Return the commitments of a coalition's plan, in order, each with the number of published
    practices serving it (`num_practices`) — of one member city, if given."""
    served = Q(practices__status=Practice.Status.PUBLISHED)
    if city is not None:
        served &= Q(practices__city=city)
    return list(
        coalition.commitments.select_related("theme")
        .annotate(num_practices=Count("practices", filter=served))
        .order_by("number")
    )


def promising():
    """Return the published practices the editors marked as promising, newest first."""
    return public_practices().filter(is_promising=True).order_by("-published_at", "pk")


def promising_practices(limit=3):
    return list(promising()[:limit])


def latest_practices(limit=6):
    return list(public_practices().order_by("-published_at", "pk")[:limit])


def practices_of(*, theme=None, city=None, coalition=None):
    """Return the published practices of a theme, a city or a coalition, newest first."""
    practices = public_practices()
    if theme is not None:
        practices = practices.filter(themes=theme)
    if city is not None:
        practices = practices.filter(city=city)
    if coalition is not None:
        practices = practices.filter(city__coalition=coalition)
    return practices.order_by("-published_at", "pk")
