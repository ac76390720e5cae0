"""The map's cities as GeoJSON (RFC 7946): a FeatureCollection of Points, [longitude, latitude]."""

from django.conf import settings
from django.utils.translation import ngettext


def absolute(path):
    return settings.SITE_URL + path


def count_text(count):
    return ngettext("%(counter)s published practice", "%(counter)s published practices", count) % {
        "counter": count
    }


def more_text(count):
    return ngettext("and %(counter)s more", "and %(counter)s more", count) % {"counter": count}


def feature_collection(city_map):
    """Return the GeoJSON of a maps.selectors.CityMap: its cities whose location is known."""
    return {
        "type": "FeatureCollection",
        "features": [feature(item) for item in city_map.cities if item.on_map],
    }


def feature(item):
    city, coalition = item.city, item.city.coalition
    return {
        "type": "Feature",
        "id": city.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [float(city.longitude), float(city.latitude)],
        },
        "properties": {
            "name": city.name,
            "slug": city.slug,
            "url": absolute(city.get_absolute_url()),
            "country": city.country.code,
            "coalition": {
                "name": str(coalition.name),
                "short_name": str(coalition),
                "slug": coalition.slug,
                "url": absolute(coalition.get_absolute_url()),
            },
            "colour": item.colour,
            "count": item.count,
            "count_text": count_text(item.count),
            "practices": [
                {
                    "title": getattr(practice, "card_title", practice.title),
                    "url": absolute(practice.get_absolute_url()),
                    "lang": getattr(practice, "card_language", practice.language),
                }
                for practice in item.practices
            ],
            "more": (
                {
                    "count": item.more,
                    "text": more_text(item.more),
                    "url": absolute(item.search_url),
                }
                if item.more > 0
                else None
            ),
            "search_url": absolute(item.search_url),
        },
    }
