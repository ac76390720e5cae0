"""The map of the member cities (/map/) and its data as GeoJSON (/api/v1/map/cities.geojson).

Both read published practices only, through the search's filters (maps.selectors), and are
cached whole for anonymous visitors like the other public pages (core.page_cache).
"""

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from core.page_cache import cached_public_page

from .geojson import feature_collection
from .links import geojson_url, tiles
from .selectors import GEOJSON_FILTERS, MAP_FILTERS, city_map

GEOJSON_PARAMETERS = [*GEOJSON_FILTERS, "lang"]
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_safe
@cached_public_page(params=MAP_FILTERS)
def map_page(request):
    found = city_map(request.GET)
    data = found.filterset.form.cleaned_data
    context = {
        "map": found,
        "form": found.filterset.form,
        "options": found.filterset.terms,
        "chosen": {
            "theme": data.get("theme") or [],
            "target": data.get("target") or [],
            "coalition": data.get("coalition") or "",
        },
        "geojson_url": geojson_url(request.GET),
        "tiles": tiles(),
    }
    return render(request, "maps/map.html", context)


def in_requested_language(view):
    """Answer in the language of `?lang=` when it is one of the site's: the API's addresses
    have no language prefix."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = request.GET.get("lang", "")
        if language not in LANGUAGE_CODES:
            return view(request, *args, **kwargs)
        with translation.override(language):
            return view(request, *args, **kwargs)

    return wrapper


@require_safe
@in_requested_language
@cached_public_page(params=GEOJSON_PARAMETERS)
def cities_geojson(request):
    found = city_map(request.GET, GEOJSON_FILTERS)
    body = json.dumps(feature_collection(found), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Language"] = translation.get_language()
    return response
