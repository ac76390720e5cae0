"""The Atom feeds: /feeds/practices/, /feeds/themes/<slug>/, /feeds/cities/<slug>/,
/feeds/coalitions/<slug>/ and /feeds/search/?… (the search page's parameters)."""

from django.urls import path
from django.views.decorators.http import require_safe

from core.page_cache import cached_public_page

from . import views

app_name = "feeds"


def public_feed(feed, params=()):
    """The feed as a public page: GET only, cached whole like the others."""
    return require_safe(cached_public_page(feed, params=params))


urlpatterns = [
    path("practices/", public_feed(views.PracticeFeed()), name="practices"),
    path("themes/<slug:slug>/", public_feed(views.ThemeFeed()), name="theme"),
    path("cities/<slug:slug>/", public_feed(views.CityFeed()), name="city"),
    path("coalitions/<slug:slug>/", public_feed(views.CoalitionFeed()), name="coalition"),
    path(
        "search/",
        public_feed(views.SearchFeed(), params=views.SEARCH_PARAMETERS),
        name="search",
    ),
]
