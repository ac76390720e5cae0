from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("cities/", views.city_list, name="city_list"),
    path("cities/<slug:slug>/", views.city_detail, name="city_detail"),
    path("coalitions/<slug:slug>/", views.coalition_detail, name="coalition_detail"),
]
