"""Full-text search over practices: the one place that knows how practices are found."""

from django.db.models import Prefetch

from .models import Practice, Theme


def search_extra_for(practice):
    """Return the names a practice should be found by besides its own text."""
    city = practice.city
    coalition = city.coalition
    parts = [city.name, city.country.name, coalition.name, coalition.short_name]
    parts += [theme.title for theme in practice.themes.all()]
    return " ".join(part for part in parts if part)


def refresh_search_extra(queryset):
    """Recompute the stored search text of the given practices."""
    practices = queryset.select_related("city__coalition").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("title"))
    )
    for practice in practices.distinct():
        text = search_extra_for(practice)
        if text != practice.search_extra:
            Practice.objects.filter(pk=practice.pk).update(search_extra=text)
