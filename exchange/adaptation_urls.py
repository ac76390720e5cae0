"""Adaptations, in the member area: /members/adaptations/."""

from django.urls import path

from . import adaptation_views as views

app_name = "adaptations"

urlpatterns = [
    path("", views.adaptation_list, name="adaptation_list"),
    path("new/<int:practice_pk>/", views.adaptation_new, name="adaptation_new"),
    path("<int:pk>/", views.adaptation_detail, name="adaptation"),
]
