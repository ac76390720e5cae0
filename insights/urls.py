"""Insights: /insights/ and its tables as CSV."""

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.insights_page, name="insights"),
    path("<slug:name>.csv", views.insights_csv, name="csv"),
]
