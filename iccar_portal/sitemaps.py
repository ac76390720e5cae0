"""The sitemap: an index (/sitemap.xml) of one sitemap per section (/sitemap-<section>.xml,
paged with ?p= past `limit` addresses), each address in every language with its alternates.
Every address is on SITE_URL, never on the Host or scheme a request claims."""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from cities.models import City, Coalition
from practices.models import Practice, Theme
from publications.models import Publication


class EveryLanguage:
    """The (item, language) pairs of a queryset, in the order Django's i18n sitemap lists them,
    read a page at a time: Django's own list would hold every item in memory."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.count())
        size = len(self.languages)
        first = start // size
        items = self.queryset[first : -(-stop // size)]
        pairs = [(item, language) for item in items for language in self.languages]
        return pairs[start - first * size : stop - first * size]


def site_url_parts():
    """SITE_URL as Django's sitemaps take it: a scheme, and a Site-like object whose `domain`
    is the rest (host, port and any path prefix), so "{scheme}://{domain}{path}" is SITE_URL
    followed by the path, as everywhere else on the site."""
    scheme, rest = settings.SITE_URL.rstrip("/").split("://", 1)
    return scheme, SimpleNamespace(domain=rest, name=rest)


def _as_aware_datetime(lastmod):
    if not isinstance(lastmod, datetime.datetime):
        lastmod = datetime.datetime.combine(lastmod, datetime.time.min)
    return lastmod if timezone.is_aware(lastmod) else timezone.make_aware(lastmod, datetime.UTC)


class InEveryLanguage(Sitemap):
    """A section listing each page in every language, with the others as its alternates and
    the unprefixed English address as x-default (i18n_patterns without a default prefix)."""

    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        # Django's view passes the request's scheme and Host: use SITE_URL's instead.
        protocol, site = site_url_parts()
        return super().get_urls(page=page, site=site, protocol=protocol)


class PracticeSitemap(InEveryLanguage):
    changefreq = "monthly"
    priority = 0.8
    # Each address comes with its alternates (seven links): 10,000 keep a page near 10 MB,
    # under the protocol's 50 MB.
    limit = 10_000

    def items(self):
        return Practice.objects.published().only("slug", "updated_at").order_by("pk")

    @property
    def paginator(self):
        languages = self.languages or [code for code, _name in settings.LANGUAGES]
        return Paginator(EveryLanguage(self.items(), languages), self.limit)

    def lastmod(self, practice):
        return practice.updated_at

    def get_latest_lastmod(self):
        # For the index, in one query: Django's own reads every practice.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ThemeSitemap(InEveryLanguage):
    changefreq = "weekly"

    def items(self):
        return Theme.objects.only("slug")


class CitySitemap(InEveryLanguage):
    changefreq = "weekly"

    def items(self):
        return City.objects.only("slug").order_by("pk")


class CoalitionSitemap(InEveryLanguage):
    changefreq = "monthly"

    def items(self):
        return Coalition.objects.only("slug")


class PublicationSitemap(InEveryLanguage):
    changefreq = "yearly"
    priority = 0.7

    def items(self):
        return Publication.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, publication):
        return publication.updated_at


class PageSitemap(InEveryLanguage):
    priority = 1.0

    def items(self):
        return [
            "public:home",
            "public:practice_list",
            "public:theme_list",
            "public:city_list",
            "public:evidence",
            "public:promising",
            "insights:insights",
            "publications:list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "practices": PracticeSitemap,
    "publications": PublicationSitemap,
    "themes": ThemeSitemap,
    "cities": CitySitemap,
    "coalitions": CoalitionSitemap,
}


@sitemap_views.x_robots_tag
def index(request, sitemaps, sitemap_url_name):
    """The sitemap index: one page, read with ?p= as a section's pages are, so that any other
    page answers 404 as theirs do. Django's own index takes the domain from the request; this
    one lists each section's pages on SITE_URL, with the same lastmod and Last-Modified."""
    if request.GET.get("p", "1") != "1":
        raise Http404
    protocol, site = site_url_parts()
    items, latest, every_lastmod = [], None, True
    for section, sitemap in sitemaps.items():
        sitemap = sitemap() if callable(sitemap) else sitemap
        path = reverse(sitemap_url_name, kwargs={"section": section})
        location = f"{protocol}://{site.domain}{path}"
        lastmod = sitemap.get_latest_lastmod()
        if lastmod is None:
            every_lastmod = False
        elif every_lastmod:
            lastmod_time = _as_aware_datetime(lastmod)
            latest = lastmod_time if latest is None else max(latest, lastmod_time)
        items.append(sitemap_views.SitemapIndexItem(location, lastmod))
        items += [
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    headers = {"Last-Modified": http_date(latest.timestamp())} if every_lastmod and latest else None
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": items},
        content_type="application/xml",
        headers=headers,
    )
