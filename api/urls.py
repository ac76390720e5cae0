"""The open data API's addresses: version 1 under /api/v1/, its OpenAPI document and docs.
One address for every language (?lang= or Accept-Language): outside i18n_patterns."""

from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("v1/practices/", views.PracticeListView.as_view(), name="practice_list"),
    path("v1/practices/<slug:slug>/", views.PracticeDetailView.as_view(), name="practice_detail"),
    path("v1/facets/", views.FacetsView.as_view(), name="facets"),
    path("v1/themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("v1/commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("v1/coalitions/", views.CoalitionListView.as_view(), name="coalition_list"),
    path("v1/cities/", views.CityListView.as_view(), name="city_list"),
    path(
        "v1/schema/",
        views.SchemaView.as_view(urlconf="api.schema_urls"),
        name="schema",
    ),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Any other address ending in "/" (the others are sent there first): a problem, in JSON.
    re_path(r"^(?:.*/)?$", views.NotFoundView.as_view(), name="not_found"),
]
