"""E-mails about practices, through an outbox.

Each message is written to `OutgoingEmail` inside the transaction of the change it reports, so
it exists exactly when the change does, and is sent right after the commit. A failing mail
server never undoes or blocks the change: the row keeps the error, and
`python manage.py send_queued_emails` (run it from cron) tries again.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cities.models import CityOfficer
from core.editors import EDITORS_GROUP

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# Messages that carry a one-time link into someone's account: editors never read them in the
# outbox, and their text is not kept once sent.
SECRET_KINDS = {"password_reset"}


def editor_recipients():
    """Return (address, language) for the active members of the Editors group."""
    users = (
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
    )
    return [
        (address, settings.LANGUAGE_CODE)
        for address in sorted(set(users.values_list("email", flat=True)))
    ]


def city_officer_recipients(city):
    """Return (address, language) for the city's active officers."""
    officers = CityOfficer.objects.active().filter(city=city).exclude(user__email="")
    seen, recipients = set(), []
    for address, language in officers.values_list("user__email", "preferred_language").order_by(
        "user__email"
    ):
        if address not in seen:
            seen.add(address)
            recipients.append((address, language))
    return recipients


def queue(*, template, recipients, context):
    """Write one message per recipient, in their language; send them after the commit."""
    messages = []
    for address, language in recipients:
        with translation.override(language):
            messages.append(
                outgoing(
                    to=address,
                    subject=render_to_string(f"emails/{template}_subject.txt", context),
                    body_text=render_to_string(f"emails/{template}.txt", context),
                    body_html=render_to_string(f"emails/{template}.html", context),
                    kind=template,
                )
            )
    return send_after_commit(messages)


def outgoing(*, to, subject, body_text, body_html="", kind):
    """Return an unsaved outbox message; its subject on one line."""
    # A header may never span lines: that is how headers get injected.
    subject = " ".join(subject.split())[:250]
    return OutgoingEmail(
        to=to, subject=subject, body_text=body_text, body_html=body_html, kind=kind
    )


def send_after_commit(messages):
    """Write messages to the outbox now and send them once the transaction commits."""
    created = OutgoingEmail.objects.bulk_create(messages)
    ids = [message.pk for message in created]
    if ids:
        transaction.on_commit(lambda: send_queued(ids))
    return created


def send_now(messages):
    """Write messages to the outbox and send them at once: for what no change of the registry
    goes with (a password reset); if sending fails, send_queued_emails tries again."""
    created = OutgoingEmail.objects.bulk_create(messages)
    send_queued([message.pk for message in created])
    return created


def send_queued(ids=None):
    """Send queued messages (the given ones, or every unsent one); return how many went out."""
    pending = OutgoingEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    for pk in list(pending.order_by("created_at", "pk").values_list("pk", flat=True)):
        # Each message is sent while its row is locked: two senders at once (cron overlapping
        # itself, or cron and the send after a commit) never both send it.
        with transaction.atomic():
            rows = OutgoingEmail.objects.filter(
                pk=pk, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
            )
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            message = rows.first()
            if message is None:
                continue
            email = EmailMultiAlternatives(
                message.subject, message.body_text, settings.DEFAULT_FROM_EMAIL, [message.to]
            )
            if message.body_html:
                email.attach_alternative(message.body_html, "text/html")
            try:
                email.send()
            except Exception as error:
                logger.exception("Could not send the %s e-mail to %s", message.kind, message.to)
                OutgoingEmail.objects.filter(pk=pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
            else:
                kept = {"body_text": "", "body_html": ""} if message.kind in SECRET_KINDS else {}
                OutgoingEmail.objects.filter(pk=pk).update(
                    attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="", **kept
                )
                sent += 1
    return sent


def _admin_url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def notify_editors_of_submission(event):
    practice = event.practice
    context = {
        "event": event,
        "practice": practice,
        "revision": event.revision,
        "review_url": _admin_url("admin:practices_practice_change", practice.pk)
        if event.revision is None
        else _admin_url("admin:practices_practicerevision_change", event.revision.pk),
    }
    return queue(template="submission", recipients=editor_recipients(), context=context)


def notify_city_of_decision(event):
    practice = event.practice
    context = {
        "event": event,
        "practice": practice,
        "revision": event.revision,
        "public_url": settings.SITE_URL + practice.get_absolute_url(),
        "member_url": settings.SITE_URL + reverse("members:practice", args=[practice.pk]),
    }
    return queue(
        template="decision", recipients=city_officer_recipients(practice.city), context=context
    )
