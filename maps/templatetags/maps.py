"""{% small_map_of city=… %} or {% small_map_of coalition=… %}: what the small map of a city's or
a coalition's page needs (templates/maps/small_map.html)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from maps.links import geojson_url, tiles

register = template.Library()


@register.simple_tag
def small_map_of(city=None, coalition=None):
    """Return the small map's settings, or None when there is nothing to place (a city whose
    location is not recorded)."""
    full_map = reverse("maps:map")
    if city:
        if city.latitude is None or city.longitude is None:
            return None
        return {
            "label": _("%(city)s on the map") % {"city": city.name},
            "geojson_url": geojson_url(city=city.slug),
            "full_map_url": full_map,
            "tiles": tiles(),
        }
    if coalition:
        return {
            "label": _("The member cities of %(coalition)s on the map")
            % {"coalition": coalition.name},
            "geojson_url": geojson_url(coalition=coalition.slug),
            "full_map_url": f"{full_map}?coalition={coalition.slug}",
            "tiles": tiles(),
        }
    return None
