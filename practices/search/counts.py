"""How many practices are published, in all, by theme and by city: read once per change of
the public content (on PostgreSQL, from the summary of everything published)."""

from django.db.models import Count

from core.page_cache import read_per_generation
from practices.models import Practice
from practices.models.matching import is_postgres

from .summary import everything_published


def published_counts():
    """Return {"total": n, "theme": {id: n}, "city": {id: n}} for the published practices."""
    if is_postgres():
        summary = everything_published()
        return {
            "total": summary.total,
            "theme": {int(key): n for key, n in summary.rows.get("theme", [])},
            "city": {int(key): n for key, n in summary.rows.get("city", [])},
        }
    return read_per_generation("published-counts", _count_published)


def with_published_counts(items, kind):
    """Return items (themes or cities) as a list, each with `num_practices` published."""
    counts = published_counts()[kind]
    items = list(items)
    for item in items:
        item.num_practices = counts.get(item.pk, 0)
    return items


def _count_published():
    published = Practice.objects.published().order_by()
    links = Practice.themes.through.objects.filter(practice__status=Practice.Status.PUBLISHED)
    return {
        "total": published.count(),
        "theme": dict(links.order_by().values_list("theme_id").annotate(n=Count("pk"))),
        "city": dict(published.values_list("city_id").annotate(n=Count("pk"))),
    }
