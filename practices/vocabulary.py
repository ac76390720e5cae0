"""The names the public search filters by — themes, roles, target groups, coalitions, cities —
read once and kept in the cache until an editor changes one of them."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cities.models import City, Coalition

from .models import CityRole, TargetGroup, Theme

CACHE_KEY = "practices:vocabulary:v1"
CACHE_SECONDS = 3600


def vocabulary():
    """Return {kind: [{"id", "slug", "label", …}]} for every filterable classification."""
    data = cache.get(CACHE_KEY)
    if data is None:
        data = _load()
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def _load():
    coalitions = {
        item.pk: item for item in Coalition.objects.only("slug", "name", "short_name", "region")
    }
    cities = City.objects.only("slug", "name", "country", "coalition_id").order_by("name")
    countries = {}
    for city in cities:
        countries[city.country.code] = city.country.name
    return {
        "theme": [
            {"id": t.pk, "slug": t.slug, "label": t.title}
            for t in Theme.objects.only("slug", "title")
        ],
        "role": [
            {"id": r.pk, "slug": r.slug, "label": r.title}
            for r in CityRole.objects.only("slug", "title")
        ],
        "target": [
            {"id": g.pk, "slug": g.slug, "label": g.title}
            for g in TargetGroup.objects.only("slug", "title")
        ],
        "coalition": [
            {"id": c.pk, "slug": c.slug, "label": c.name, "short": c.short_name or c.name}
            for c in sorted(coalitions.values(), key=lambda c: c.name)
        ],
        "city": [
            {
                "id": c.pk,
                "slug": c.slug,
                "label": c.name,
                "country": c.country.code,
                "coalition_id": c.coalition_id,
            }
            for c in cities
        ],
        "country": [
            {"id": code, "slug": code, "label": name}
            for code, name in sorted(countries.items(), key=lambda item: item[1])
        ],
    }


def forget(**kwargs):
    cache.delete(CACHE_KEY)


for _model in (Theme, CityRole, TargetGroup, Coalition, City):
    receiver(post_save, sender=_model, dispatch_uid=f"vocabulary-save-{_model.__name__}")(forget)
    receiver(post_delete, sender=_model, dispatch_uid=f"vocabulary-delete-{_model.__name__}")(
        forget
    )
