"""The map page, under every language's prefix (/map/, /fr/map/…)."""

from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("", views.map_page, name="map"),
]
