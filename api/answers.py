"""The data of each answer, read through the practices domain (its search and selectors) in
the language active for the request; api.serializers describes their shape."""

import html
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from rest_framework.exceptions import NotFound

from cities.models import City, Coalition
from core.pagination import PAGE_SIZE
from practices import search, selectors
from practices.models import (
    TRANSLATED_FIELDS,
    CityPower,
    PartnerKind,
    PopulationBand,
    SetupTime,
    StaffNeeded,
    Theme,
    YearlyCost,
    practice_language_for,
)
from practices.search.counts import published_counts

from .params import LANGUAGE_PARAMETER


def _api_url(request, name, query=None, **kwargs):
    url = request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs or None))
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _coalition_ref(coalition):
    return {
        "id": coalition.pk,
        "slug": coalition.slug,
        "name": coalition.name,
        "short_name": coalition.short_name or coalition.name,
    }


def _city_ref(city):
    return {
        "id": city.pk,
        "slug": city.slug,
        "name": city.name,
        "country": city.country.code,
        "country_name": str(city.country.name),
    }


def _terms(items):
    return [{"id": item.pk, "slug": item.slug, "title": item.title} for item in items]


def _choice(choices, value):
    return {"value": value, "label": str(choices(value).label)} if value else None


def _evidence_level(practice):
    if not practice.evidence_level:
        return None
    return {"value": practice.evidence_level, "label": practice.get_evidence_level_display()}


def _practice_ref(request, practice):
    return {
        "id": practice.pk,
        "slug": practice.slug,
        "title": practice.title,
        "city": practice.city.name,
        "url": _api_url(request, "practice_detail", slug=practice.slug),
    }


# The search and its facets.


def practice_page(request, params, number):
    """Return a page of the search, as the site's /practices/ page has it."""
    outcome = search.run(params)
    page = outcome.page
    if page.number != number:
        # The site shows the last page with a note; a program asked for one that is not there.
        raise NotFound(f"There are only {page.paginator.num_pages} pages of results.")
    practices = list(page.object_list)
    results = []
    for practice in practices:
        # The search gave each card the title and summary of its translation into the
        # language asked for, when there is one (practices.search.cards).
        translated = getattr(practice, "card_language", None)
        results.append(
            {
                "id": practice.pk,
                "slug": practice.slug,
                "url": _api_url(request, "practice_detail", slug=practice.slug),
                "web_url": request.build_absolute_uri(practice.get_absolute_url()),
                "title": practice.card_title if translated else practice.title,
                "summary": _plain(practice.summary_html, outcome.text)
                if translated
                else practice.summary,
                "summary_html": str(practice.summary_html),
                "language": practice.language,
                "text_language": translated or practice.language,
                "city": _city_ref(practice.city),
                "coalition": _coalition_ref(practice.city.coalition),
                "themes": _terms(practice.themes.all()),
                "evidence_level": _evidence_level(practice),
                "is_promising": practice.is_promising,
                "adapted_in": practice.adapted_in,
                "start_year": practice.start_year,
                "end_year": practice.end_year,
                "published_at": practice.published_at,
            }
        )
    paginator = page.paginator

    def link(other):
        query = request.GET.copy()
        query["page"] = str(other)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "pages": paginator.num_pages,
        "page": page.number,
        "page_size": PAGE_SIZE,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "sort": outcome.sort,
        "suggestion": outcome.suggestion,
        "results": results,
    }


def _plain(marked, text):
    """The text that practices.search.highlighting.highlight() marked (escaped, with <mark>
    around the words found; as it was without words)."""
    if not text:
        return str(marked)
    return html.unescape(str(marked).replace("<mark>", "").replace("</mark>", ""))


def facets(params):
    """Return the facets of a search: each filter's options with the number of results each
    would give, as the search page lists them (none when nothing matches)."""
    outcome = search.run(params)
    return {
        "count": outcome.total,
        "facets": [
            {
                "name": facet.name,
                "label": str(facet.label),
                "multiple": facet.multiple,
                "options": [
                    {
                        "value": str(option["slug"]),
                        "label": str(option["label"]),
                        "count": option["count"],
                        "selected": option["selected"],
                    }
                    for option in facet.options
                ],
            }
            for facet in outcome.facets
        ],
    }


# One practice.


def practice_detail(request, slug, *, original=False):
    """Return everything the practice's public page shows, in the language asked for when it
    is translated into it (and not `original`); never its contact person."""
    practice = selectors.practice_page(slug)
    if practice is None:
        raise NotFound("No published practice has this address.")
    translations = {item.language: item for item in practice.translations.all()}
    wanted = practice_language_for(get_language())
    translated = None
    if not original and wanted != practice.language:
        translated = translations.get(wanted)
    text = {
        name: (getattr(translated, name, "") or getattr(practice, name))
        for name in TRANSLATED_FIELDS
    }
    url = _api_url(request, "practice_detail", slug=practice.slug)
    versions = [{"language": practice.language, "url": f"{url}?original=1"}]
    versions += [
        {"language": code, "url": f"{url}?{LANGUAGE_PARAMETER}={code}"}
        for code in sorted(translations)
        if code != practice.language
    ]
    inspired_by, adapted_by = selectors.transfers_of(practice)
    image = None
    if practice.image:
        image = {
            "url": request.build_absolute_uri(practice.image_url()),
            "alt": practice.image_alt,
        }
    commitments = practice.commitments.all()
    return {
        "id": practice.pk,
        "slug": practice.slug,
        "url": url,
        "web_url": request.build_absolute_uri(practice.get_absolute_url()),
        "language": practice.language,
        "text_language": wanted if translated else practice.language,
        "is_translation": translated is not None,
        "translations": versions,
        **text,
        "partners": practice.partner_list(),
        "links": practice.link_list(),
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "city": _city_ref(practice.city),
        "coalition": _coalition_ref(practice.city.coalition),
        "themes": _terms(practice.themes.all()),
        "commitments": [
            {
                "id": commitment.pk,
                "slug": commitment.search_slug,
                "coalition": commitment.coalition.slug,
                "number": commitment.number,
                "title": commitment.title,
            }
            for commitment in commitments
        ],
        "city_roles": _terms(practice.city_roles.all()),
        "target_groups": _terms(practice.target_groups.all()),
        "evidence_level": _evidence_level(practice),
        "evidence": practice.evidence,
        "is_promising": practice.is_promising,
        "promising_note": practice.promising_note if practice.is_promising else "",
        "conditions": {
            "yearly_cost": _choice(YearlyCost, practice.yearly_cost),
            "staff_needed": _choice(StaffNeeded, practice.staff_needed),
            "setup_time": _choice(SetupTime, practice.setup_time),
            "population_band": _choice(PopulationBand, practice.population_band),
            "city_powers": [_choice(CityPower, power) for power in practice.needed_powers()],
            "partner_kinds": [_choice(PartnerKind, kind) for kind in practice.partner_kind_list()],
        },
        "adaptations": {
            "adapted_in": practice.adapted_in,
            "inspired_by": [_practice_ref(request, other) for other in inspired_by],
            "adapted_by": [_practice_ref(request, other) for other in adapted_by],
        },
        "image": image,
        "images": [
            {"url": request.build_absolute_uri(item.url()), "alt": item.alt_text}
            for item in practice.images.all()
        ],
        "attachments": [
            {
                "title": item.title,
                "url": request.build_absolute_uri(item.url()),
                "size": item.size,
            }
            for item in practice.attachments.all()
        ],
        "published_at": practice.published_at,
        "updated_at": practice.updated_at,
    }


# The classifications, the coalitions and their cities.


def themes(request):
    counts = published_counts()["theme"]
    return [
        {
            "id": theme.pk,
            "slug": theme.slug,
            "title": theme.title,
            "description": theme.description,
            "order": theme.order,
            "eccar_point": theme.eccar_point,
            "num_practices": counts.get(theme.pk, 0),
            "practices_url": _api_url(request, "practice_list", {"theme": theme.slug}),
        }
        for theme in Theme.objects.order_by("order", "pk")
    ]


def commitments(request):
    return [
        {
            "id": commitment.pk,
            "slug": commitment.search_slug,
            "coalition": _coalition_ref(commitment.coalition),
            "number": commitment.number,
            "title": commitment.title,
            "theme": commitment.theme.slug if commitment.theme_id else None,
            "num_practices": commitment.num_practices,
            "practices_url": _api_url(
                request, "practice_list", {"commitment": commitment.search_slug}
            ),
        }
        for commitment in selectors.commitments_with_counts()
    ]


def coalitions(request):
    counts = published_counts()["city"]
    cities = {}
    for city_id, coalition_id in City.objects.values_list("pk", "coalition_id"):
        cities.setdefault(coalition_id, []).append(city_id)
    return [
        {
            "id": coalition.pk,
            "slug": coalition.slug,
            "name": coalition.name,
            "short_name": coalition.short_name or coalition.name,
            "region": coalition.region,
            "founded_year": coalition.founded_year,
            "launched_in": coalition.launched_in,
            "leadership": coalition.leadership,
            "reported_size": coalition.reported_size,
            "plan_of_action": coalition.plan_of_action,
            "description": coalition.description,
            "website": coalition.website,
            "lead_city": coalition.lead_city.slug if coalition.lead_city_id else None,
            "num_cities": len(cities.get(coalition.pk, [])),
            "num_practices": sum(counts.get(pk, 0) for pk in cities.get(coalition.pk, [])),
            "web_url": request.build_absolute_uri(coalition.get_absolute_url()),
            "practices_url": _api_url(request, "practice_list", {"coalition": coalition.slug}),
        }
        for coalition in Coalition.objects.select_related("lead_city").order_by("name", "pk")
    ]


def cities(request):
    counts = published_counts()["city"]
    return [
        {
            **_city_ref(city),
            "coalition": _coalition_ref(city.coalition),
            "member_since": city.member_since,
            "is_active_member": city.is_active_member,
            "website": city.website,
            "profile": city.profile,
            "latitude": float(city.latitude) if city.latitude is not None else None,
            "longitude": float(city.longitude) if city.longitude is not None else None,
            "num_practices": counts.get(city.pk, 0),
            "web_url": request.build_absolute_uri(city.get_absolute_url()),
            "practices_url": _api_url(request, "practice_list", {"city": city.slug}),
        }
        for city in City.objects.select_related("coalition").order_by("name", "pk")
    ]
