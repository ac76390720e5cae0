"""The GeoJSON of the map, under the API's address (/api/v1/map/)."""

from django.urls import path

from . import views

app_name = "maps_api"

urlpatterns = [
    path("cities.geojson", views.cities_geojson, name="cities"),
]
