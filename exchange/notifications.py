"""E-mails of the exchange, through the practices' outbox: each recipient in their language,
sent after the commit."""

from django.conf import settings

from practices.notifications import city_officer_recipients, queue


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
