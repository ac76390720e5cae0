"""schema.org descriptions (JSON-LD) of the practice and city pages, for search engines and
other portals: {% practice_json_ld practice themes text text_language %} and
{% city_json_ld city page %}."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from core.json_ld import json_ld_script

register = template.Library()


def _publisher():
    return {
        "@type": "Organization",
        "name": _("International Coalition of Inclusive and Sustainable Cities (ICCAR)"),
        "url": settings.SITE_URL + "/",
        "parentOrganization": {"@type": "Organization", "name": "UNESCO"},
    }


def _place(city):
    """Return the city as a schema.org City, with its coordinates and its country."""
    geo = None
    if city.latitude is not None and city.longitude is not None:
        geo = {
            "@type": "GeoCoordinates",
            "latitude": float(city.latitude),
            "longitude": float(city.longitude),
        }
    return {
        "@type": "City",
        "name": city.name,
        "url": settings.SITE_URL + city.get_absolute_url(),
        "geo": geo,
        "containedInPlace": {
            "@type": "Country",
            "name": city.country.name,
            "identifier": city.country.code,
        },
    }


@register.simple_tag
def practice_json_ld(practice, themes, text=None, text_language=None):
    """Return the practice as a schema.org CreativeWork, in the language the page shows it."""
    text = text or practice
    years = None
    if practice.start_year:
        years = f"{practice.start_year}/{practice.end_year or '..'}"
    return json_ld_script(
        {
            "@context": "https://schema.org",
            "@type": "CreativeWork",
            "name": text.title,
            "description": text.summary,
            "url": settings.SITE_URL + practice.get_absolute_url(),
            "inLanguage": text_language or practice.language,
            "about": [
                {
                    "@type": "Thing",
                    "name": theme.title,
                    "url": settings.SITE_URL + theme.get_absolute_url(),
                }
                for theme in themes
            ],
            "spatialCoverage": _place(practice.city),
            "temporalCoverage": years,
            "datePublished": practice.published_at,
            "dateModified": practice.updated_at,
            "publisher": _publisher(),
        }
    )


@register.simple_tag
def city_json_ld(city, practices=()):
    """Return the city as a schema.org City, with the practices its page lists."""
    data = {"@context": "https://schema.org", **_place(city)}
    data["subjectOf"] = [
        {
            "@type": "CreativeWork",
            "name": getattr(practice, "card_title", practice.title),
            "url": settings.SITE_URL + practice.get_absolute_url(),
        }
        for practice in practices
    ]
    return json_ld_script(data)
