"""The addresses the OpenAPI document describes: the API's own, as the site serves them."""

from django.urls import include, path

urlpatterns = [path("api/", include("api.urls"))]
