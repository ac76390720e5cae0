"""The downloads of search results: /exports/practices.csv and /exports/practices.xlsx."""

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("practices.csv", views.practices_csv, name="practices_csv"),
    path("practices.xlsx", views.practices_xlsx, name="practices_xlsx"),
]
