"""Every change to a conversation happens here: asking, answering, reading, the answering
city's consent to publication, and the editors' decisions.

Each function is atomic: it locks the conversation, checks who acts and what state it is in
(and, for an editor's decision, the version the page showed), raises its version, records a
ConversationEvent for a decision, and queues its e-mails for after the commit.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from core.editors import is_editor
from core.page_cache import public_content_changed
from exchange import notifications
from exchange.models import (
    MESSAGE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Conversation,
    ConversationEvent,
    ConversationRead,
    Message,
)
from practices.models import Practice
from practices.services.checks import moment_label

State, Public = Conversation.State, Conversation.Public

ERROR_NOT_AN_OFFICER = _("Only an active officer of one of the two cities can do this.")
ERROR_NOT_THE_ANSWERING_CITY = _("Only the officers of the practice's city can decide this.")
ERROR_NOT_AN_EDITOR = _("Only editors can do this.")
ERROR_OWN_CITY = _("This is a practice of your own city: ask your colleagues directly.")
ERROR_NOT_PUBLISHED = _("Questions can be asked about published practices only.")
ERROR_EMPTY = _("Write your message.")
ERROR_TOO_LONG = _("Keep your message under %(limit)s characters (it has %(length)s).")
ERROR_TOO_MANY = _(
    "You have asked %(limit)s questions in the last hour. Please wait a little before asking "
    "another one; your text is kept below."
)
ERROR_CLOSED = _("The editors closed this conversation: no more messages can be added.")
ERROR_NO_ANSWER_YET = _("Answer the question before offering it for publication.")
ERROR_WRONG_PUBLIC_STATE = _("This cannot be done now: the conversation is “%(state)s”.")
ERROR_REASON_REQUIRED = _("Give the reason for closing: the two cities will read it.")
ERROR_STALE = _(
    "The conversation changed since you opened it: %(changes)s. Read it again, then decide."
)
CHANGED_MESSAGE = _("%(city)s wrote, %(when)s")


class ExchangeError(Exception):
    """A refused change; `message` says why, in words for the person who tried."""

    def __init__(self, message, *, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class TooManyQuestions(ExchangeError):
    pass


class StaleDecision(ExchangeError):
    pass


def _lock(conversation):
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _name_of(user):
    return user.get_full_name() or user.get_username()


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ExchangeError(ERROR_EMPTY, field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ExchangeError(
            ERROR_TOO_LONG % {"limit": MESSAGE_MAX_LENGTH, "length": len(body)}, field="body"
        )
    return body


def _subject(body):
    first_line = body.splitlines()[0].strip()
    if len(first_line) <= SUBJECT_MAX_LENGTH:
        return first_line
    return first_line[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"


def _mark_read(conversation, city, moment):
    ConversationRead.objects.update_or_create(
        conversation=conversation, city=city, defaults={"last_read_at": moment}
    )


def _bump(conversation, **changes):
    """Raise the version and write the changes, on the locked row."""
    Conversation.objects.filter(pk=conversation.pk).update(version=F("version") + 1, **changes)
    conversation.refresh_from_db()


def questions_left(actor):
    """Return how many questions the officer may still ask this hour."""
    since = timezone.now() - timedelta(hours=1)
    asked = Conversation.objects.filter(started_by=actor, created_at__gte=since).count()
    return max(settings.EXCHANGE_QUESTIONS_PER_HOUR - asked, 0)


def require_can_ask(*, practice: Practice, city):
    """Refuse a question about an unpublished practice or one of the asker's own city."""
    if city is None:
        raise ExchangeError(ERROR_NOT_AN_OFFICER)
    if practice.status != Practice.Status.PUBLISHED:
        raise ExchangeError(ERROR_NOT_PUBLISHED)
    if practice.city_id == city.pk:
        raise ExchangeError(ERROR_OWN_CITY)


def conversation_start(*, practice: Practice, actor, body: str) -> Conversation:
    """Ask the practice's city a question: a new conversation, its city's officers e-mailed."""
    city = active_officer_city(actor)
    with transaction.atomic():
        practice = Practice.objects.get(pk=practice.pk)
        require_can_ask(practice=practice, city=city)
        body = _clean_body(body)
        # Counted under the lock of the officer's account: two tabs at once count as two.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        if questions_left(actor) <= 0:
            raise TooManyQuestions(
                ERROR_TOO_MANY % {"limit": settings.EXCHANGE_QUESTIONS_PER_HOUR}, field="body"
            )
        now = timezone.now()
        conversation = Conversation.objects.create(
            practice=practice,
            asking_city=city,
            answering_city_id=practice.city_id,
            started_by=actor,
            subject=_subject(body),
            last_message_at=now,
        )
        message = Message.objects.create(
            conversation=conversation,
            author=actor,
            author_name=_name_of(actor),
            author_city=city,
            body=body,
            version=conversation.version,
        )
        _mark_read(conversation, city, message.created_at)
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
        conversation.refresh_from_db()
        notifications.notify_of_message(message, question=True)
    return conversation


def conversation_reply(*, conversation: Conversation, actor, body: str) -> Message:
    """Add a message from either city; the other city's officers are e-mailed."""
    city = active_officer_city(actor)
    with transaction.atomic():
        conversation = _lock(conversation)
        if not conversation.takes_part(city):
            raise ExchangeError(ERROR_NOT_AN_OFFICER)
        if not conversation.is_open:
            raise ExchangeError(ERROR_CLOSED)
        body = _clean_body(body)
        _bump(conversation)
        message = Message.objects.create(
            conversation=conversation,
            author=actor,
            author_name=_name_of(actor),
            author_city=city,
            body=body,
            version=conversation.version,
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
        _mark_read(conversation, city, message.created_at)
        notifications.notify_of_message(message, question=False)
    return message


def conversation_mark_read(*, conversation: Conversation, city) -> None:
    """Record that the city has read the conversation as it is now."""
    if conversation.takes_part(city):
        _mark_read(conversation, city, conversation.last_message_at)


def _record(conversation, actor, action, reason=""):
    return ConversationEvent.objects.create(
        conversation=conversation,
        actor=actor,
        actor_name=_name_of(actor),
        action=action,
        reason=reason.strip(),
        version=conversation.version,
    )


def _require_answering_officer(conversation, actor):
    city = active_officer_city(actor)
    if city is None or city.pk != conversation.answering_city_id:
        raise ExchangeError(ERROR_NOT_THE_ANSWERING_CITY)
    return city


def _require_public_state(conversation, allowed):
    if conversation.public_state not in allowed:
        raise ExchangeError(
            ERROR_WRONG_PUBLIC_STATE % {"state": conversation.get_public_state_display()}
        )


def conversation_offer(*, conversation: Conversation, actor) -> Conversation:
    """The answering city agrees to show the question and its answers under the practice,
    once an editor approves."""
    with transaction.atomic():
        conversation = _lock(conversation)
        _require_answering_officer(conversation, actor)
        if not conversation.is_open:
            raise ExchangeError(ERROR_CLOSED)
        _require_public_state(conversation, {Public.PRIVATE, Public.REFUSED})
        if not conversation.messages.filter(author_city=conversation.answering_city_id).exists():
            raise ExchangeError(ERROR_NO_ANSWER_YET)
        _bump(conversation, public_state=Public.OFFERED)
        _record(conversation, actor, ConversationEvent.Action.OFFERED)
    return conversation


def conversation_withdraw(*, conversation: Conversation, actor) -> Conversation:
    """The answering city takes its agreement back: nothing is shown any more."""
    with transaction.atomic():
        conversation = _lock(conversation)
        _require_answering_officer(conversation, actor)
        _require_public_state(conversation, {Public.OFFERED, Public.PUBLISHED})
        was_public = conversation.public_state == Public.PUBLISHED
        _bump(conversation, public_state=Public.PRIVATE, published_version=None)
        _record(conversation, actor, ConversationEvent.Action.WITHDRAWN)
        if was_public:
            public_content_changed()
    return conversation


def require_version_seen(conversation, seen):
    """Refuse an editor's decision on another version than the one their page showed, naming
    what changed since."""
    if seen is None or seen == conversation.version:
        return
    changes = [
        str(
            CHANGED_MESSAGE
            % {"city": message.author_city.name, "when": moment_label(message.created_at)}
        )
        for message in conversation.messages.filter(version__gt=seen).select_related("author_city")
    ]
    changes += [
        f"{event.get_action_display()} ({event.actor_name}, {moment_label(event.created_at)})"
        for event in conversation.events.filter(version__gt=seen)
    ]
    if not changes:
        changes = [str(conversation.get_public_state_display())]
    raise StaleDecision(ERROR_STALE % {"changes": "; ".join(changes)})


def _editor_decision(conversation, actor, version):
    if not is_editor(actor):
        raise ExchangeError(ERROR_NOT_AN_EDITOR)
    conversation = _lock(conversation)
    require_version_seen(conversation, version)
    return conversation


def conversation_approve_publication(
    *, conversation: Conversation, actor, version: int | None, reason: str = ""
) -> Conversation:
    """An editor shows an offered conversation under its practice, as it is now."""
    with transaction.atomic():
        conversation = _editor_decision(conversation, actor, version)
        _require_public_state(conversation, {Public.OFFERED})
        if not conversation.is_open:
            raise ExchangeError(ERROR_CLOSED)
        # The messages up to this version are shown; a later one waits for a new decision.
        _bump(conversation, public_state=Public.PUBLISHED, published_version=F("version") + 1)
        _record(conversation, actor, ConversationEvent.Action.PUBLISHED, reason)
        public_content_changed()
    return conversation


def conversation_refuse_publication(
    *, conversation: Conversation, actor, version: int | None, reason: str = ""
) -> Conversation:
    """An editor refuses to show a conversation (offered, or shown until now)."""
    with transaction.atomic():
        conversation = _editor_decision(conversation, actor, version)
        _require_public_state(conversation, {Public.OFFERED, Public.PUBLISHED})
        was_public = conversation.public_state == Public.PUBLISHED
        _bump(conversation, public_state=Public.REFUSED, published_version=None)
        _record(conversation, actor, ConversationEvent.Action.REFUSED, reason)
        if was_public:
            public_content_changed()
    return conversation


def conversation_close(
    *, conversation: Conversation, actor, version: int | None, reason: str = ""
) -> Conversation:
    """An editor closes an abusive conversation: no more messages, and nothing of it shown."""
    with transaction.atomic():
        conversation = _editor_decision(conversation, actor, version)
        if not conversation.is_open:
            raise ExchangeError(ERROR_CLOSED)
        if not reason.strip():
            raise ExchangeError(ERROR_REASON_REQUIRED, field="reason")
        was_public = conversation.public_state == Public.PUBLISHED
        public_state = (
            Public.REFUSED
            if conversation.public_state in (Public.OFFERED, Public.PUBLISHED)
            else conversation.public_state
        )
        _bump(
            conversation,
            state=State.CLOSED,
            closed_by=actor,
            closed_reason=reason.strip(),
            closed_at=timezone.now(),
            public_state=public_state,
            published_version=None,
        )
        _record(conversation, actor, ConversationEvent.Action.CLOSED, reason)
        if was_public:
            public_content_changed()
    return conversation
