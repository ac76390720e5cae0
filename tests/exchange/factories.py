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
