"""Logging in at each account's pace, and asking for a link to choose a new password a bounded
number of times from one address (members/login_limits.py has the limits)."""

import time

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.addresses import client_ip
from members.forms import AccountPasswordResetForm
from members.login_limits import PacedAuthenticationForm

# Requests for a reset link from one address in an hour; past that, the form says to wait.
RESET_REQUESTS_PER_ADDRESS = 10
ERROR_TOO_MANY_RESETS = _(
    "Too many requests for a new password came from your network. Try again in an hour."
)


class PacedLoginView(auth_views.LoginView):
    """Django's login page; an attempt refused to keep the account's pace answers 429."""

    authentication_form = PacedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "account_pace"):
            response.status_code = 429
        return response


class PasswordResetRequestView(auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm

    def post(self, request, *args, **kwargs):
        if not _one_more_request(client_ip(request)):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, ERROR_TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def _one_more_request(address):
    key = f"password-reset:requests:{address}:{int(time.time()) // 3600}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) <= RESET_REQUESTS_PER_ADDRESS
    except ValueError:  # the hour ended between the two calls
        return True
