"""The addresses and settings the map's script reads from the page (data- attributes)."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .selectors import MAP_FILTERS


def geojson_url(params=None, **place):
    """The GeoJSON of a map's cities — the page's filters, or a city or coalition — in the
    page's language: the script's request would otherwise carry the browser's language."""
    query = []
    if params is not None:
        query = [(name, value) for name in MAP_FILTERS for value in params.getlist(name) if value]
    query += list(place.items())
    query.append(("lang", translation.get_language()))
    return f"{reverse('maps_api:cities')}?{urlencode(query)}"


def tiles():
    """The tile server's address and attribution (settings MAP_TILES_URL, MAP_TILES_ATTRIBUTION)."""
    return {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION}
