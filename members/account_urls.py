"""Signing in and out, and choosing or resetting a password, /accounts/: Django's own views,
with the reset form that reaches invited officers and links to SITE_URL."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import AccountPasswordResetForm

urlpatterns = [
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=AccountPasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
