from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cities.models import City, Coalition
from iccar_portal.page_cache import cached_public_page

from . import search
from .filters import SORT_CHOICES
from .models import TRANSLATED_FIELDS, Practice, Theme, practice_language_for


def themes_with_counts():
    return search.with_published_counts(Theme.objects.all(), "theme")


@require_GET
@cached_public_page
def home(request):
    practices = search.public_practices()
    cities = City.objects.active_members().aggregate(
        cities=Count("pk"), countries=Count("country", distinct=True)
    )
    figures = {
        "practices": search.published_counts()["total"],
        "cities": cities["cities"],
        "countries": cities["countries"],
        "coalitions": Coalition.objects.count(),
    }
    promising = list(practices.filter(is_promising=True).order_by("-published_at")[:3])
    latest = list(practices.order_by("-published_at", "pk")[:6])
    search.show_in_visitors_language(promising + latest)
    context = {
        "themes": themes_with_counts(),
        "promising": promising,
        "latest": latest,
        "figures": figures,
    }
    return render(request, "practices/home.html", context)


@require_GET
@cached_public_page
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
    from .vocabulary import vocabulary

    terms = vocabulary()
    labels = {
        name: {item["slug"]: item["label"] for item in items} for name, items in terms.items()
    }
    labels["language"] = dict(Practice.Language.choices)
    form = outcome.filterset.form
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
                    "url": f"{reverse('practices:practice_list')}?{params.urlencode()}",
                }
            )
    return active


@require_GET
@cached_public_page
def practice_detail(request, slug):
    practice = get_object_or_404(
        search.public_practices().prefetch_related(
            "city_roles", "target_groups", "images", "attachments", "translations"
        ),
        slug=slug,
    )
    related = search.related_practices(practice, [theme.pk for theme in practice.themes.all()])
    context = {
        "practice": practice,
        "themes": practice.themes.all(),
        "city_roles": practice.city_roles.all(),
        "target_groups": practice.target_groups.all(),
        "inspired_by": practice.inspired_by.published().select_related("city"),
        "inspired": practice.inspired.published().select_related("city"),
        "related": related,
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


@require_GET
@cached_public_page
def theme_list(request):
    return render(request, "practices/theme_list.html", {"themes": themes_with_counts()})


@require_GET
@cached_public_page
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    commitments = theme.commitments.select_related("coalition").order_by(
        "coalition__name", "number"
    )
    page, note = search.page_of(
        search.public_practices().filter(themes=theme).order_by("-published_at", "pk"),
        request.GET.get("page"),
        count=search.published_counts()["theme"].get(theme.pk, 0),
    )
    search.show_in_visitors_language(page.object_list)
    context = {"theme": theme, "commitments": commitments, "page": page, "page_note": note}
    return render(request, "practices/theme_detail.html", context)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /members/",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
