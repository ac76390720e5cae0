"""Signing in and out, and choosing or resetting a password, /accounts/: Django's own views,
with the login form that keeps each account's pace and the reset form that reaches invited
officers, links to SITE_URL and sends after the answer."""

from django.urls import include, path

from .views.signing_in import PacedLoginView, PasswordResetRequestView

urlpatterns = [
    path("login/", PacedLoginView.as_view(), name="login"),
    path("password_reset/", PasswordResetRequestView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
