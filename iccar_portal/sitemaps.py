from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.models import City, Coalition
from practices.models import Practice, Theme
from publications.models import Publication


class PracticeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Practice.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, practice):
        return practice.updated_at


class ThemeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Theme.objects.only("slug")


class CitySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return City.objects.only("slug").order_by("pk")


class CoalitionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Coalition.objects.only("slug")


class PublicationSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.7

    def items(self):
        return Publication.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, publication):
        return publication.updated_at


class PageSitemap(Sitemap):
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
