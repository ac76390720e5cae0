"""E-mails of the exchange, through the practices' outbox: each recipient in their language,
sent after the commit."""

from django.conf import settings
from django.urls import reverse

from practices.notifications import city_officer_recipients, editor_recipients, queue


def notify_of_message(message, *, question):
    """Tell the other city's active officers about a question or a reply (never the writer)."""
    conversation = message.conversation
    other = (
        conversation.answering_city
        if message.author_city_id == conversation.asking_city_id
        else conversation.asking_city
    )
    writer = (message.author.email if message.author else "").lower()
    recipients = [
        (address, language)
        for address, language in city_officer_recipients(other)
        if address.lower() != writer
    ]
    context = {
        "conversation": conversation,
        "message": message,
        "practice": conversation.practice,
        "site_url": settings.SITE_URL,
    }
    template = "exchange_question" if question else "exchange_reply"
    return queue(template=template, recipients=recipients, context=context)


def _admin_url(adaptation):
    return settings.SITE_URL + reverse("admin:exchange_adaptation_change", args=[adaptation.pk])


def notify_editors_of_adaptation(event):
    """Tell the editors that a city submitted an adaptation for review."""
    adaptation = event.adaptation
    context = {"event": event, "adaptation": adaptation, "review_url": _admin_url(adaptation)}
    return queue(template="adaptation_submitted", recipients=editor_recipients(), context=context)


def notify_city_of_adaptation_decision(event):
    """Tell the adapting city's officers what the editors decided, with their message."""
    adaptation = event.adaptation
    context = {
        "event": event,
        "adaptation": adaptation,
        "member_url": settings.SITE_URL + reverse("adaptations:adaptation", args=[adaptation.pk]),
    }
    return queue(
        template="adaptation_decision",
        recipients=city_officer_recipients(adaptation.city),
        context=context,
    )
