from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.admin_tools import SafeAutocompleteJsonView, view_on_site_for_editors
from public.files import practice_file

from .languages import switch_language
from .sitemaps import SITEMAPS
from .sitemaps import index as sitemap_index
from .views import healthz, robots_txt

admin.site.site_header = _("ICCAR Good Practices — editors")
admin.site.site_title = _("ICCAR editors")
admin.site.index_title = _("Review and manage good practices")

urlpatterns = [
    # An index of one sitemap per section, so it stays valid past 50,000 addresses.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("language/<str:code>/", switch_language, name="switch_language"),
    path("healthz", healthz, name="healthz"),
    # The open data API: one address for every language (?lang= or Accept-Language).
    path("api/v1/map/", include("maps.api_urls")),
    path("api/", include("api.urls")),
    # Uploaded files, answered as their practice is shown (public/files.py): the only way to
    # them. MEDIA_URL is never served, not even with DEBUG, or drafts' files would be public.
    path("files/<int:practice_id>/<path:name>", practice_file, name="practice_file"),
]

# Every page in every language: /practices/ in English, /fr/practices/, /ar/practices/ …
urlpatterns += i18n_patterns(
    # Before the admin's own routes, which they replace: the same addresses, safer answers.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        view_on_site_for_editors,
        name="view_on_site_for_editors",
    ),
    path(
        "admin/autocomplete/",
        admin.site.admin_view(SafeAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="admin_autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("members.account_urls")),
    path("members/conversations/", include("exchange.urls")),
    path("members/adaptations/", include("exchange.adaptation_urls")),
    path("transfers/", include("exchange.transfer_urls")),
    path("insights/", include("insights.urls")),
    path("publications/", include("publications.urls")),
    path("map/", include("maps.urls")),
    path("exports/", include("exports.urls")),
    path("feeds/", include("feeds.urls")),
    path("members/", include("members.urls")),
    path("", include("public.urls")),
    prefix_default_language=False,
)
