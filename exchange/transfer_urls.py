"""The public page of adaptations between cities: /transfers/."""

from django.urls import path

from . import transfer_views

app_name = "transfers"

urlpatterns = [
    path("", transfer_views.transfer_network_page, name="network"),
]
