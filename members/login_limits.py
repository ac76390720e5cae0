"""How many failed logins are allowed, and from where.

- An account and an address together: LOGIN_FAILURE_LIMIT failures lock that pair for
  LOGIN_LOCKOUT_MINUTES (django-axes). Someone who guesses an editor's user name from elsewhere
  cannot lock the editor out.
- One address, whatever the accounts: LOGIN_ADDRESS_FAILURE_LIMIT failures lock the address.
- One account, whatever the addresses: past LOGIN_ACCOUNT_SLOWDOWN failures, one attempt on it
  every LOGIN_ACCOUNT_PACE_SECONDS — slower guessing, while its owner can still log in.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ERROR_ACCOUNT_PACE = _(
    "There have been many failed attempts to log in to this account. To protect it, one "
    "attempt is allowed every %(seconds)s seconds: wait a moment, then try again."
)


class LoginLimitsHandler(AxesDatabaseHandler):
    """django-axes, counting an account and an address together, and an address alone.

    AXES_LOCKOUT_PARAMETERS lists the pair first, then the address: each has its own limit."""

    def get_failures(self, request, credentials=None):
        pair, address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair


def check_account_pace(username):
    """Refuse this attempt when the account has had many failures and its last attempt was
    less than LOGIN_ACCOUNT_PACE_SECONDS ago; count the attempt otherwise."""
    if not username or not settings.AXES_ENABLED:
        return
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )["failures"]
    if (failures or 0) < settings.LOGIN_ACCOUNT_SLOWDOWN:
        return
    seconds = settings.LOGIN_ACCOUNT_PACE_SECONDS
    if not cache.add(f"login-pace:{username.casefold()}", 1, seconds):
        raise ValidationError(ERROR_ACCOUNT_PACE, code="account_pace", params={"seconds": seconds})


class PacedAuthenticationForm(AuthenticationForm):
    """Django's login form, at the account's pace."""

    def clean(self):
        check_account_pace(self.cleaned_data.get("username"))
        return super().clean()


class PacedAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, at the account's pace."""

    def clean(self):
        check_account_pace(self.cleaned_data.get("username"))
        return super().clean()
