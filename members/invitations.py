"""Changes to city officers' accounts.

``officer_invite`` is the one way an officer account comes into being, from the admin's “Invite an
officer” form and from ``python manage.py add_officer``: it checks that the account may represent
the city, links it, and e-mails a one-time link to choose a password (Django's password reset
token, so the link stops working once used, once the password changes, or after
``PASSWORD_RESET_TIMEOUT``). Nobody ever chooses or sees an officer's password but the officer.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from cities.models import CityOfficer

logger = logging.getLogger(__name__)

ERROR_INVALID_USERNAME = _(
    "Enter a valid user name: at most 150 characters, letters, digits and @ . + - _ only."
)
ERROR_INVALID_EMAIL = _("Enter a valid e-mail address.")
ERROR_USERNAME_CASE = _(
    "An account named “%(username)s” already exists. To link it, type its name exactly so."
)
ERROR_OTHER_CITY = _(
    "The account “%(username)s” already represents %(city)s, and an account represents one "
    "city only. To move it, change the city on its city officer record."
)
ERROR_STAFF_ACCOUNT = _(
    "The account “%(username)s” is an editor or administrator account. A city officer needs an "
    "account of their own."
)
ERROR_ACCOUNT_DISABLED = _(
    "The account “%(username)s” is switched off. An administrator must switch it on again first."
)
ERROR_EMAIL_MISMATCH = _(
    "The account “%(username)s” has another e-mail address. Check the user name, or ask an "
    "administrator to change the account's e-mail address first."
)
ERROR_EMAIL_TAKEN = _(
    "Another account (“%(username)s”) already uses this e-mail address. Link that account "
    "instead, or use another address."
)


class OfficerInviteError(Exception):
    """An invitation that was refused; ``message`` says why, ``field`` which input it is about."""

    def __init__(self, message, *, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def set_password_url(user):
    """Return the absolute, one-time link with which ``user`` chooses a (new) password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def link_validity_days():
    """Return for how many whole days a set-password link works (at least one)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))


def _clean_username(username):
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    try:
        if not username:
            raise ValidationError(ERROR_INVALID_USERNAME)
        # The model field's validators: allowed characters and maximum length.
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError:
        raise OfficerInviteError(ERROR_INVALID_USERNAME, field="username") from None
    return username


def _clean_email(email):
    email = get_user_model().objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise OfficerInviteError(ERROR_INVALID_EMAIL, field="email") from None
    return email


def _check_existing_account(user, *, city, email):
    names = {"username": user.get_username()}
    if user.is_staff or user.is_superuser:
        raise OfficerInviteError(ERROR_STAFF_ACCOUNT % names, field="username")
    if not user.is_active:
        raise OfficerInviteError(ERROR_ACCOUNT_DISABLED % names, field="username")
    officer = CityOfficer.objects.filter(user=user).select_related("city").first()
    if officer is not None and officer.city_id != city.pk:
        raise OfficerInviteError(
            ERROR_OTHER_CITY % {**names, "city": officer.city.name}, field="username"
        )
    if user.email and user.email.casefold() != email.casefold():
        raise OfficerInviteError(ERROR_EMAIL_MISMATCH % names, field="email")
    return officer


def _check_email_free(email, *, except_user=None):
    others = get_user_model().objects.filter(email__iexact=email)
    if except_user is not None:
        others = others.exclude(pk=except_user.pk)
    other = others.order_by("pk").first()
    if other is not None:
        raise OfficerInviteError(
            ERROR_EMAIL_TAKEN % {"username": other.get_username()}, field="email"
        )


def officer_invite(*, username, email, city, invited_by=None):
    """Make ``username`` an active officer of ``city`` and e-mail them a set-password link.

    Creates the account (active, with no usable password) or links an existing one, creates or
    switches on its ``CityOfficer`` record, and sends the e-mail after the commit. Inviting an
    officer of the same city again switches the record on if needed and sends a fresh link.
    Returns ``(user, created)``; ``created`` is True when the account is new. Raises
    ``OfficerInviteError`` for an account that cannot represent the city.
    """
    User = get_user_model()
    username = _clean_username(username)
    email = _clean_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            same_name = (
                User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username})
                .order_by("pk")
                .first()
            )
            if same_name is not None:
                raise OfficerInviteError(
                    ERROR_USERNAME_CASE % {"username": same_name.get_username()},
                    field="username",
                )
            _check_email_free(email)
            user = User.objects.create_user(username=username, email=email, password=None)
            officer = None
        else:
            officer = _check_existing_account(user, city=city, email=email)
            if not user.email:
                _check_email_free(email, except_user=user)
                user.email = email
                user.save(update_fields=["email"])
        if officer is None:
            officer = CityOfficer.objects.create(user=user, city=city)
        elif not officer.is_active:
            officer.is_active = True
            officer.save(update_fields=["is_active"])
        url = set_password_url(user)
        logger.info(
            "%s %s as officer of %s (invited by %s).",
            "Created" if created else "Linked",
            username,
            city.slug,
            invited_by.get_username() if invited_by is not None else "a command",
        )
        transaction.on_commit(
            lambda: _send_invitation(officer=officer, url=url, invited_by=invited_by)
        )
    return user, created


def _send_invitation(*, officer, url, invited_by):
    """Send the set-password e-mail; a failing mail server is logged, never raised."""
    user = officer.user
    context = {
        "user": user,
        "city": officer.city,
        "url": url,
        "validity_days": link_validity_days(),
        "has_password": user.has_usable_password(),
        "invited_by": invited_by,
        "site_url": settings.SITE_URL,
    }
    with translation.override(officer.preferred_language):
        subject = render_to_string("registration/set_password_subject.txt", context)
        body = render_to_string("registration/set_password_email.txt", context)
    # A header may never span lines: that is how headers get injected.
    subject = " ".join(subject.split())
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    try:
        return message.send()
    except Exception:
        logger.exception("Could not send the set-password e-mail to %s", user.email)
        return 0
