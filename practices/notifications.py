"""E-mails about practices. Called after the transaction commits; a failing mail server is
logged and never undoes or blocks the change that triggered the message."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from cities.models import CityOfficer

from .models import EDITORS_GROUP

logger = logging.getLogger(__name__)


def editor_addresses():
    """Return the e-mail addresses of the active members of the Editors group."""
    users = (
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def city_officer_addresses(city):
    """Return the e-mail addresses of the city's active officers."""
    officers = CityOfficer.objects.active().filter(city=city).exclude(user__email="")
    return sorted(set(officers.values_list("user__email", flat=True)))


def _send(*, template, recipients, context):
    if not recipients:
        return 0
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    subject = " ".join(subject.splitlines())  # a header may never span lines
    text_body = render_to_string(f"emails/{template}.txt", context)
    html_body = render_to_string(f"emails/{template}.html", context)
    sent = 0
    for address in recipients:
        message = EmailMultiAlternatives(subject, text_body, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html_body, "text/html")
        try:
            sent += message.send()
        except Exception:
            # The change is already committed; losing one e-mail must not break it.
            logger.exception("Could not send the %s e-mail to %s", template, address)
    return sent


def notify_editors_of_submission(event):
    practice = event.practice
    context = {
        "event": event,
        "practice": practice,
        "review_url": settings.SITE_URL
        + reverse("admin:practices_practice_change", args=[practice.pk]),
    }
    return _send(template="submission", recipients=editor_addresses(), context=context)


def notify_city_of_decision(event):
    practice = event.practice
    context = {
        "event": event,
        "practice": practice,
        "public_url": settings.SITE_URL + practice.get_absolute_url(),
    }
    return _send(
        template="decision", recipients=city_officer_addresses(practice.city), context=context
    )
