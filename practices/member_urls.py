from django.urls import path

from . import member_views as views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
