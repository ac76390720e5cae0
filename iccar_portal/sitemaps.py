from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.models import City, Coalition
from practices.models import Practice, Theme


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
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "practices": PracticeSitemap,
    "themes": ThemeSitemap,
    "cities": CitySitemap,
    "coalitions": CoalitionSitemap,
}
