"""Atom feeds (django.contrib.syndication): the newest published practices, of everything, a
theme, a city, a coalition or any search. Each is cached like the public pages."""

import re
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cities.models import City, Coalition
from practices.models import Practice, PracticeTranslation, Theme, practice_language_for
from practices.models.matching import has_words
from practices.search import matching_ids
from practices.search.filters import PracticeFilter
from practices.selectors import practices_of, public_practices

# Entries in a feed: the newest practices, as readers poll it.
ENTRIES = 50
# The parameters the search feed reads: the search page's (its page number aside).
SEARCH_PARAMETERS = list(PracticeFilter.base_filters)
SITE_NAME = "ICCAR"
# The characters XML 1.0 cannot hold (Django's feed writer refuses them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text):
    """Return the text without the control characters an XML document cannot hold."""
    return CONTROL_CHARACTERS.sub("", text or "")


def in_visitors_language(practices):
    """Give each practice `feed_title` and `feed_summary`: a translation into the visitor's
    language where there is one, else its own text."""
    wanted = practice_language_for(get_language())
    others = [practice.pk for practice in practices if practice.language != wanted]
    translations = {
        item.practice_id: item
        for item in PracticeTranslation.objects.filter(
            practice_id__in=others, language=wanted
        ).only("practice_id", "title", "summary")
    }
    for practice in practices:
        translated = translations.get(practice.pk)
        practice.feed_title = xml_text((translated and translated.title) or practice.title)
        practice.feed_summary = xml_text((translated and translated.summary) or practice.summary)
    return practices


class PracticeFeed(Feed):
    """The newest published practices, as an Atom feed."""

    feed_type = Atom1Feed

    def title(self, obj):
        return _("New good practices — %(site)s") % {"site": SITE_NAME}

    def link(self, obj):
        return reverse("public:practice_list") + "?sort=newest"

    def practices(self, obj):
        return public_practices().order_by("-published_at", "pk")

    def items(self, obj):
        return in_visitors_language(list(self.practices(obj)[:ENTRIES]))

    def item_title(self, practice):
        return practice.feed_title

    def item_description(self, practice):
        return practice.feed_summary

    def item_link(self, practice):
        return practice.get_absolute_url()

    def item_author_name(self, practice):
        return f"{practice.city.name}, {practice.city.country.name}"

    def item_pubdate(self, practice):
        return practice.published_at

    def item_updateddate(self, practice):
        return practice.updated_at

    def item_categories(self, practice):
        return [theme.title for theme in practice.themes.all()]


class ThemeFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme):
        return _("New practices on %(theme)s — %(site)s") % {
            "theme": theme.title,
            "site": SITE_NAME,
        }

    def link(self, theme):
        return theme.get_absolute_url()

    def practices(self, theme):
        return practices_of(theme=theme)


class CityFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(City, slug=slug)

    def title(self, city):
        return _("New practices of %(city)s — %(site)s") % {"city": city.name, "site": SITE_NAME}

    def link(self, city):
        return city.get_absolute_url()

    def practices(self, city):
        return practices_of(city=city)


class CoalitionFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Coalition, slug=slug)

    def title(self, coalition):
        return _("New practices in %(coalition)s — %(site)s") % {
            "coalition": coalition.name,
            "site": SITE_NAME,
        }

    def link(self, coalition):
        return coalition.get_absolute_url()

    def practices(self, coalition):
        return practices_of(coalition=coalition)


class SearchFeed(PracticeFeed):
    """The newest practices a search finds: the parameters of the search page, its order
    aside (a feed is read newest first). Invalid parameters are left out, as the search does."""

    def get_object(self, request):
        return request.GET.copy()

    def _query(self, params):
        pairs = [(name, value) for name, values in params.lists() for value in values if value]
        return urlencode([(name, value) for name, value in pairs if name != "sort"])

    def title(self, params):
        # The words as the search reads them: a value the search leaves out is not named.
        filterset = PracticeFilter(params, queryset=Practice.objects.none())
        filterset.is_valid()
        words = filterset.form.cleaned_data.get("q") or ""
        if has_words(words):
            heading = _("Practices matching “%(text)s”") % {"text": words}
        else:
            heading = _("New practices found by this search")
        return f"{heading} — {SITE_NAME}"

    def link(self, params):
        query = self._query(params)
        return reverse("public:practice_list") + (f"?{query}" if query else "")

    def feed_url(self, params):
        query = self._query(params)
        return reverse("feeds:search") + (f"?{query}" if query else "")

    def items(self, params):
        ids = list(matching_ids(params, sort="newest")[:ENTRIES])
        by_id = {practice.pk: practice for practice in public_practices().filter(pk__in=ids)}
        return in_visitors_language([by_id[pk] for pk in ids if pk in by_id])
