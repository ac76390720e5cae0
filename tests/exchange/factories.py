"""Conversations made as the site makes them: through the exchange's services."""

from exchange import services


def ask(practice, asker, body="How did you recruit the testers?"):
    return services.conversation_start(practice=practice, actor=asker, body=body)


def answered(practice, asker, answerer, body="How did you recruit the testers?", answer=None):
    conversation = ask(practice, asker, body)
    services.conversation_reply(
        conversation=conversation,
        actor=answerer,
        body=answer or "Through the tenants' unions; we paid them a small fee.",
    )
    conversation.refresh_from_db()
    return conversation


def published(practice, asker, answerer, editor, **texts):
    conversation = answered(practice, asker, answerer, **texts)
    services.conversation_offer(conversation=conversation, actor=answerer)
    conversation.refresh_from_db()
    services.conversation_approve_publication(
        conversation=conversation, actor=editor, version=conversation.version
    )
    conversation.refresh_from_db()
    return conversation


ADAPTATION = {
    "started_in": 2022,
    "progress": "running",
    "what_changed": "We tested job offers as well as flats.",
    "outcome": "Two agencies changed their rules.",
    "own_practice": None,
}


def adaptation(original, officer, *, submit=True, **fields):
    """An adaptation recorded by the officer's city (submitted, unless told otherwise)."""
    return services.adaptation_create(
        original=original, actor=officer, data={**ADAPTATION, **fields}, submit=submit
    )


def approved_adaptation(original, officer, editor, **fields):
    record = adaptation(original, officer, **fields)
    return services.adaptation_approve(adaptation=record, actor=editor, version=record.version)
