"""What the public pages read: published practices only, with what each page shows."""

from django.db.models import BooleanField, Count, F, IntegerField, Prefetch, Q, Value
from django.db.models.expressions import RawSQL

from cities.models import City
from core.grouped import newest_of_each_kind

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
    # The entries' theme arrays, read newest first: a few rows each, whatever the total. Those
    # sharing all the themes, then those sharing any (which include the first again: twice as
    # many are read), in one query.
    others = SearchEntry.objects.exclude(city_id=practice.city_id).order_by(
        "-published_at", "practice_id"
    )

    def sharing(operator, tier, count):
        shares = RawSQL(f"theme_ids {operator} %s::bigint[]", [theme_ids], BooleanField())
        found = others.filter(shares).annotate(tier=Value(tier, output_field=IntegerField()))
        # What the list shows comes with the ids: no second query for the practices.
        return found.values_list(
            "tier", "published_at", "practice_id", "title", "practice__slug", "city__name"
        )[:count]

    rows = sharing("@>", 0, limit).union(sharing("&&", 1, 2 * limit), all=True)

    def newest_first(row):
        tier, published_at, pk = row[:3]
        return (tier, -(published_at.timestamp() if published_at else 0), pk)

    found = {}
    for _tier, _published_at, pk, title, slug, city_name in sorted(rows, key=newest_first):
        if pk not in found:
            found[pk] = Practice(pk=pk, title=title, slug=slug, city=City(name=city_name))
    return list(found.values())[:limit]


def transfers_of(practice):
    """Return (inspired_by, inspired): the published practices this one adapted, and those
    that adapted it, newest first — in one query over the links, both ways."""
    published = Practice.Status.PUBLISHED
    Link = Practice.inspired_by.through
    links = Link.objects.filter(
        Q(from_practice=practice, to_practice__status=published)
        | Q(to_practice=practice, from_practice__status=published)
    ).select_related("from_practice__city", "to_practice__city")
    inspired_by = [link.to_practice for link in links if link.from_practice_id == practice.pk]
    inspired = [link.from_practice for link in links if link.to_practice_id == practice.pk]

    def newest_first(practices):
        return sorted(practices, key=lambda other: (other.published_at, other.pk), reverse=True)

    return newest_first(inspired_by), newest_first(inspired)


def transfers_of_city(city):
    """Return (adapted, adapted_by): links between a city's published practices and other
    cities' — what it took from others, and who took from it — each as (its practice, the
    other city's practice), in one query."""
    published = Practice.Status.PUBLISHED
    Link = Practice.inspired_by.through
    links = (
        Link.objects.filter(from_practice__status=published, to_practice__status=published)
        .filter(
            Q(from_practice__city=city) & ~Q(to_practice__city=city)
            | Q(to_practice__city=city) & ~Q(from_practice__city=city)
        )
        .select_related("from_practice__city", "to_practice__city")
        .order_by("-from_practice__published_at", "pk")
    )
    adapted, adapted_by = [], []
    for link in links:
        if link.from_practice.city_id == city.pk:
            adapted.append((link.from_practice, link.to_practice))
        else:
            adapted_by.append((link.to_practice, link.from_practice))
    return adapted, adapted_by


def transfers_of_coalition(coalition, limit=10):
    """Return {"within": …, "across": …}: the adaptations between published practices whose two
    cities are both in the coalition, and between one of its cities and a city of another
    coalition — each with its total and its newest `limit` links as (adapting practice, adapted
    practice), in one query."""
    published = Practice.Status.PUBLISHED
    links = Practice.inspired_by.through.objects.filter(
        from_practice__status=published, to_practice__status=published
    ).select_related("from_practice__city", "to_practice__city")
    adapting_in = Q(from_practice__city__coalition=coalition)
    adapted_in = Q(to_practice__city__coalition=coalition)
    kinds = {
        "within": adapting_in & adapted_in,
        "across": (adapting_in & ~adapted_in) | (~adapting_in & adapted_in),
    }
    newest = [F("from_practice__published_at").desc(), F("pk").desc()]
    found = newest_of_each_kind(links, kinds, newest, limit)
    return {
        name: {
            "total": group["total"],
            "links": [(link.from_practice, link.to_practice) for link in group["items"]],
        }
        for name, group in found.items()
    }


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
        coalition.commitments.select_related("coalition", "theme")
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
