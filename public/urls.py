from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    path("evidence/", views.evidence, name="evidence"),
    # Before the practices' own addresses: "promising" is a reserved slug.
    path("practices/promising/", views.promising_list, name="promising"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("cities/", views.city_list, name="city_list"),
    path("cities/<slug:slug>/", views.city_detail, name="city_detail"),
    path("coalitions/<slug:slug>/", views.coalition_detail, name="coalition_detail"),
]
