"""What the public pages read: published practices only, with what each page shows."""

from django.db import connection
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


# What insights count published practices by: the path from a practice to each dimension, and
# on PostgreSQL the same from its search entry (its arrays of ids, its city's coalition).
DIMENSIONS = {
    "theme": "themes",
    "target": "target_groups",
    "role": "city_roles",
    "coalition": "city__coalition",
}
# (an array is unnested in the FROM clause: one row per id, crossed with the other dimension.)
ENTRY_DIMENSIONS = {
    "theme": "theme_ids",
    "target": "target_ids",
    "role": "role_ids",
    "coalition": None,
}


def published_in(coalition=None):
    """Return the published practices, of one coalition's cities if given."""
    practices = Practice.objects.published()
    return practices if coalition is None else practices.filter(city__coalition=coalition)


def _entry_rows(select, *, coalition=None, arrays=(), where="", group_by="1, 2", params=()):
    """Run a count over the search entries (PostgreSQL): the narrow rows, no link tables; each
    of `arrays` ({alias: column}) is unnested into rows of its own, crossed with the others."""
    unnested = "".join(
        f", LATERAL unnest(e.{column}) AS {alias}" for alias, column in dict(arrays).items()
    )
    sql = (
        f"SELECT {select}, count(*) FROM practices_searchentry e "
        f"JOIN cities_city ci ON ci.id = e.city_id{unnested} "
        f"WHERE TRUE {where} {'AND ci.coalition_id = %s' if coalition is not None else ''} "
        f"GROUP BY {group_by}"
    )
    extra = [coalition.pk] if coalition is not None else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *extra])
        return cursor.fetchall()


def coverage(rows, columns, *, coalition=None):
    """Return {(row id, column id): published practices} for two DIMENSIONS, in one query: how
    many practices have both (a practice counts once per pair)."""
    if is_postgres():
        arrays = {
            alias: ENTRY_DIMENSIONS[name]
            for alias, name in (("r", rows), ("c", columns))
            if ENTRY_DIMENSIONS[name]
        }
        parts = [
            f"{alias}.{alias}" if ENTRY_DIMENSIONS[name] else "ci.coalition_id"
            for alias, name in (("r", rows), ("c", columns))
        ]
        pairs = _entry_rows(", ".join(parts), coalition=coalition, arrays=arrays)
    else:
        pairs = (
            published_in(coalition)
            .order_by()
            .values_list(DIMENSIONS[rows], DIMENSIONS[columns])
            .annotate(n=Count("pk", distinct=True))
        )
    return {(row, column): n for row, column, n in pairs if row is not None and column is not None}


def commitments_with_counts(coalition=None):
    """Return every commitment of the plans (of one coalition if given), by coalition and
    number, each with its published practices (`num_practices`)."""
    commitments = Commitment.objects.select_related("coalition", "theme").order_by(
        "coalition__name", "number"
    )
    if coalition is not None:
        commitments = commitments.filter(coalition=coalition)
    if not is_postgres():
        served = Q(practices__status=Practice.Status.PUBLISHED)
        return list(commitments.annotate(num_practices=Count("practices", filter=served)))
    # The entries' arrays: no join of the wide practice rows.
    rows = _entry_rows("k.k, NULL", arrays={"k": "commitment_ids"})
    counts = {commitment: n for commitment, _none, n in rows}
    commitments = list(commitments)
    for commitment in commitments:
        commitment.num_practices = counts.get(commitment.pk, 0)
    return commitments


def practices_by_year(*, coalition=None, theme=None):
    """Return ({start year: n}, {year of publication: n}) of the published practices (of one
    coalition's cities, of one theme — a Theme or its id — if given), in one query (by both
    years at once, summed each way)."""
    theme_id = getattr(theme, "pk", theme)
    if is_postgres():
        # The entry's own array of theme ids, as the search filters by theme: no link table.
        of_theme = theme_id is not None
        rows = _entry_rows(
            "e.start_year, extract(year FROM e.published_at)::int",
            coalition=coalition,
            where="AND e.theme_ids @> ARRAY[%s]::bigint[]" if of_theme else "",
            params=[theme_id] if of_theme else [],
        )
    else:
        practices = published_in(coalition)
        if theme_id is not None:
            practices = practices.filter(themes=theme_id)
        rows = (
            practices.order_by()
            .values_list("start_year", "published_at__year")
            .annotate(n=Count("pk"))
        )
    started, published = {}, {}
    for start, publication, n in rows:
        if start is not None:
            started[start] = started.get(start, 0) + n
        if publication is not None:
            published[publication] = published.get(publication, 0) + n
    return started, published


def proven_by_theme(level, *, coalition=None):
    """Return {theme id: published practices at evidence `level` or above}."""
    if is_postgres():
        rows = _entry_rows(
            "t.t, NULL",
            coalition=coalition,
            arrays={"t": "theme_ids"},
            where="AND e.evidence_level >= %s",
            params=[level],
        )
        return {theme: n for theme, _none, n in rows}
    rows = (
        published_in(coalition)
        .filter(evidence_level__gte=level)
        .order_by()
        .values_list("themes")
        .annotate(n=Count("pk"))
    )
    return {theme: n for theme, n in rows if theme is not None}


def unchanged_since(moment, *, coalition=None, limit=10):
    """Return (how many, the `limit` oldest) published practices not updated since `moment`
    (the index on status and time of update answers both)."""
    stale = published_in(coalition).filter(updated_at__lt=moment)
    return stale.count(), list(stale.select_related("city").order_by("updated_at", "pk")[:limit])


def practices_by_id(ids):
    """Return the practices of these ids (any state) with their city and translations, by id:
    what a publication quotes of them, and whether the version it quotes is still the newest."""
    practices = Practice.objects.filter(pk__in=list(ids)).select_related("city")
    return {practice.pk: practice for practice in practices.prefetch_related("translations")}


def quotable_practices(ids):
    """Return the published ones of these practices, by id (practices_by_id)."""
    return {pk: practice for pk, practice in practices_by_id(ids).items() if practice.is_published}


def practices_for_selection(*, published_from=None, published_to=None, promising_only=False,
                            min_evidence_level=None, limit=100):  # fmt: skip
    """Return published practices chosen by the year they were published, the editors' mark and
    their evidence level, oldest first, with their themes and roles: what a publication's draft
    is started from."""
    practices = Practice.objects.published().select_related("city")
    if published_from:
        practices = practices.filter(published_at__year__gte=published_from)
    if published_to:
        practices = practices.filter(published_at__year__lte=published_to)
    if promising_only:
        practices = practices.filter(is_promising=True)
    if min_evidence_level:
        practices = practices.filter(evidence_level__gte=min_evidence_level)
    return list(
        practices.prefetch_related("themes", "city_roles").order_by("published_at", "pk")[:limit]
    )


def quotable_practices_by_slug(slugs):
    """Return the published practices of these addresses, by slug."""
    practices = Practice.objects.published().filter(slug__in=list(slugs))
    return {practice.slug: practice for practice in practices}
