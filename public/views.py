"""The public site: home, the search page, a practice, themes, cities and coalitions.

Each view reads published content only (practices.selectors, practices.search) and is cached
whole for anonymous visitors (core.page_cache).
"""

from itertools import groupby

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cities.models import City, Coalition
from core.page_cache import cached_public_page
from core.pagination import page_of
from practices import search, selectors
from practices.models import TRANSLATED_FIELDS, Practice, Theme, practice_language_for
from practices.search.cards import show_in_visitors_language
from practices.search.counts import published_counts, with_published_counts
from practices.search.filters import SORT_CHOICES, PracticeFilter
from practices.search.options import filter_options

# The parameters each page reads; any other one is dropped by a redirect (core.page_cache).
SEARCH_PARAMETERS = [*PracticeFilter.base_filters, "page"]
PAGED = ["page"]


def themes_with_counts():
    return with_published_counts(Theme.objects.all(), "theme")


@require_GET
@cached_public_page
def home(request):
    cities = City.objects.active_members().aggregate(
        cities=Count("pk"), countries=Count("country", distinct=True)
    )
    figures = {
        "practices": published_counts()["total"],
        "cities": cities["cities"],
        "countries": cities["countries"],
        "coalitions": Coalition.objects.count(),
    }
    promising = selectors.promising_practices()
    latest = selectors.latest_practices()
    show_in_visitors_language(promising + latest)
    context = {
        "themes": themes_with_counts(),
        "promising": promising,
        "latest": latest,
        "figures": figures,
    }
    return render(request, "practices/home.html", context)


@require_GET
@cached_public_page(params=SEARCH_PARAMETERS)
def practice_list(request):
    outcome = search.run(request.GET)
    filters = active_filters(request, outcome)
    if outcome.text:
        heading = _("Practices matching “%(text)s”") % {"text": outcome.text}
    else:
        heading = _("Search and browse practices")
    # Each filtered view is its own page, with its own title.
    described = [str(item["label"]) for item in filters if item["name"] != "q"]
    title = f"{heading} — {', '.join(described)}" if described else heading
    return render(
        request,
        "practices/practice_list.html",
        {
            "outcome": outcome,
            "active_filters": filters,
            "heading": heading,
            "page_title": title,
            "sort_choices": SORT_CHOICES,
        },
    )


def active_filters(request, outcome):
    """Return each active filter value with a link that removes just that value."""
    labels = {
        name: {item["slug"]: item["label"] for item in items}
        for name, items in filter_options().items()
    }
    labels["language"] = dict(Practice.Language.choices)
    form = outcome.filterset.form
    for name, field in form.fields.items():
        if name not in labels and getattr(field, "choices", None):
            labels[name] = {str(value): label for value, label in field.choices}
    active = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", []):
            continue
        for single in value if isinstance(value, list) else [value]:
            params = request.GET.copy()
            params.pop("page", None)
            remaining = [v for v in params.getlist(name) if v != str(single)]
            if name in ("year_from", "year_to"):
                remaining = []
            params.setlist(name, remaining)
            label = labels.get(name, {}).get(str(single), single)
            if name in ("year_from", "year_to"):
                label = int(single)
            active.append(
                {
                    "name": name,
                    "field": form.fields[name].label,
                    "label": label,
                    "url": f"{reverse('public:practice_list')}?{params.urlencode()}",
                }
            )
    return active


@require_GET
@cached_public_page(params=["original"])
def practice_detail(request, slug):
    practice = selectors.practice_page(slug)
    if practice is None:
        raise Http404
    themes = practice.themes.all()
    context = {
        "practice": practice,
        "themes": themes,
        "city_roles": practice.city_roles.all(),
        "target_groups": practice.target_groups.all(),
        "commitments": practice.commitments.all(),
        "related": selectors.related_practices(practice, [theme.pk for theme in themes]),
        "show_contact": request.user.is_authenticated,
        **readable_version(request, practice),
    }
    return render(request, "practices/practice_detail.html", context)


class TranslatedText:
    """A practice's text in another language; an empty translated field shows the original."""

    def __init__(self, practice, translation):
        for name in TRANSLATED_FIELDS:
            setattr(self, name, getattr(translation, name) or getattr(practice, name))


def readable_version(request, practice):
    """Choose the text to show: the visitor's language if translated into it, else the original."""
    translations = {item.language: item for item in practice.translations.all()}
    wanted = practice_language_for(get_language())
    version = {"text": practice, "text_language": practice.language, "is_translation": False}
    if (
        request.GET.get("original") != "1"
        and wanted != practice.language
        and wanted in translations
    ):
        version = {
            "text": TranslatedText(practice, translations[wanted]),
            "text_language": wanted,
            "is_translation": True,
        }
    version["original_language_name"] = practice.get_language_display()
    names = dict(Practice.Language.choices)
    version["other_versions"] = [
        {"code": code, "name": names[code], "url": _page_in(practice, code)}
        for code in translations
        if code != wanted
    ]
    return version


def _page_in(practice, practice_language):
    interface = "zh-hans" if practice_language == "zh" else practice_language
    with override(interface):
        return practice.get_absolute_url()


def _listing(request, practices, count):
    """One page of a theme's, a city's or a coalition's practices, as cards."""
    page, note = page_of(practices, request.GET.get("page"), count=count)
    show_in_visitors_language(page.object_list)
    return {"page": page, "page_note": note}


@require_GET
@cached_public_page(params=PAGED)
def promising_list(request):
    """The practices the editors marked as promising, each with the editors' reason."""
    practices = selectors.promising()
    return render(request, "practices/promising.html", _listing(request, practices, None))


@require_GET
@cached_public_page
def evidence(request):
    """The evidence scale explained, each level with its practices."""
    levels = selectors.evidence_levels_with_counts()
    return render(request, "practices/evidence.html", {"levels": levels})


@require_GET
@cached_public_page
def theme_list(request):
    return render(request, "practices/theme_list.html", {"themes": themes_with_counts()})


@require_GET
@cached_public_page(params=PAGED)
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    commitments = theme.commitments.select_related("coalition").order_by(
        "coalition__name", "number"
    )
    count = published_counts()["theme"].get(theme.pk, 0)
    context = {
        "theme": theme,
        "commitments": commitments,
        **_listing(request, selectors.practices_of(theme=theme), count),
    }
    return render(request, "practices/theme_detail.html", context)


@require_GET
@cached_public_page
def city_list(request):
    cities = with_published_counts(
        City.objects.select_related("coalition").order_by("coalition__name", "country", "name"),
        "city",
    )
    coalitions = []
    for coalition, coalition_cities in groupby(cities, key=lambda city: city.coalition):
        coalition_cities = list(coalition_cities)
        countries = [
            {"name": code.name, "code": code.code, "cities": list(members)}
            for code, members in groupby(coalition_cities, key=lambda city: city.country)
        ]
        countries.sort(key=lambda country: country["name"])
        coalitions.append(
            {
                "coalition": coalition,
                "countries": countries,
                "num_cities": len(coalition_cities),
                "num_practices": sum(city.num_practices for city in coalition_cities),
            }
        )
    return render(request, "cities/city_list.html", {"coalitions": coalitions})


@require_GET
@cached_public_page(params=PAGED)
def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("coalition"), slug=slug)
    count = published_counts()["city"].get(city.pk, 0)
    adapted, adapted_by = selectors.transfers_of_city(city)
    context = {
        "city": city,
        "commitments": selectors.plan_of(city.coalition, city=city),
        "adapted": adapted,
        "adapted_by": adapted_by,
        **_listing(request, selectors.practices_of(city=city), count),
    }
    return render(request, "cities/city_detail.html", context)


@require_GET
@cached_public_page(params=PAGED)
def coalition_detail(request, slug):
    coalition = get_object_or_404(Coalition.objects.select_related("lead_city"), slug=slug)
    cities = with_published_counts(coalition.cities.order_by("name"), "city")
    count = sum(city.num_practices for city in cities)
    context = {
        "coalition": coalition,
        "cities": cities,
        "commitments": selectors.plan_of(coalition),
        "transfers": selectors.transfers_of_coalition(coalition),
        **_listing(request, selectors.practices_of(coalition=coalition), count),
    }
    return render(request, "cities/coalition_detail.html", context)
