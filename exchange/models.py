"""Questions between cities about a published practice: conversations, their messages, each
city's read marks, and the record of every decision about them."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from practices.models import NOTE_MAX_LENGTH

# A message is as long as an editor's message at most: a question, not a report.
MESSAGE_MAX_LENGTH = NOTE_MAX_LENGTH
SUBJECT_MAX_LENGTH = 120


class ConversationQuerySet(models.QuerySet):
    def for_city(self, city):
        """Return the conversations a city takes part in, asking or answering."""
        return self.filter(Q(asking_city=city) | Q(answering_city=city))

    def visible_to(self, user):
        """Return the conversations an active officer's city takes part in (none for others)."""
        city = active_officer_city(user)
        return self.none() if city is None else self.for_city(city)

    def published_for(self, practice):
        """Return the conversations shown under a practice: offered by its city, approved by an
        editor, still open."""
        return self.filter(
            practice=practice, public_state=Conversation.Public.PUBLISHED, state="open"
        )

    def awaiting_publication(self):
        """Return the conversations a city has offered for publication, awaiting an editor."""
        return self.filter(public_state=Conversation.Public.OFFERED, state="open")

    def with_unread_for(self, city):
        """Annotate `unread`: a message arrived since the city last read the conversation."""
        read_at = ConversationRead.objects.filter(conversation=OuterRef("pk"), city=city).values(
            "last_read_at"
        )[:1]
        return self.annotate(read_at=Subquery(read_at)).annotate(
            unread=Q(read_at__isnull=True) | Q(last_message_at__gt=F("read_at"))
        )

    def unread_for(self, city):
        """Return the city's conversations with a message it has not read."""
        read = ConversationRead.objects.filter(
            conversation=OuterRef("pk"), city=city, last_read_at__gte=OuterRef("last_message_at")
        )
        return self.for_city(city).exclude(Exists(read))


class Conversation(models.Model):
    """A question one city asks another about one of its published practices, and the
    answers. Changed only through exchange/services.py."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed by the editors")

    class Public(models.TextChoices):
        PRIVATE = "private", _("Private")
        OFFERED = "offered", _("Offered for publication")
        PUBLISHED = "published", _("Shown under the practice")
        REFUSED = "refused", _("Not shown (editors' decision)")

    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("practice"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    asking_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("asking city"),
        on_delete=models.PROTECT,
        related_name="questions_asked",
    )
    answering_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("answering city"),
        on_delete=models.PROTECT,
        related_name="questions_received",
        help_text=_("The practice's city when the question was asked."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    public_state = models.CharField(
        _("publication"),
        max_length=10,
        choices=Public.choices,
        default=Public.PRIVATE,
        db_index=True,
    )
    # The version an editor approved: the messages up to it are shown, later ones are not.
    published_version = models.PositiveIntegerField(_("published version"), null=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Raised by every change, so a decision made on an older page is caught.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message at"), db_index=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return self.subject

    def takes_part(self, city):
        return city is not None and city.pk in (self.asking_city_id, self.answering_city_id)

    @property
    def is_open(self):
        return self.state == self.State.OPEN


class Message(models.Model):
    """One message of a conversation, in plain text. Never changed once written."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author's name"), max_length=150)
    author_city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    # The conversation's version this message made.
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.author_city}: {self.body[:60]}"


class ConversationRead(models.Model):
    """When a city last read a conversation: any of its officers reading it reads it for all."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_marks"
    )
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "city"], name="one_read_mark_per_city_and_conversation"
            )
        ]


class ConversationEvent(models.Model):
    """Who decided what about a conversation: consent, publication, closing. Append-only."""

    class Action(models.TextChoices):
        OFFERED = "offered", _("The answering city agreed to publication")
        WITHDRAWN = "withdrawn", _("The answering city withdrew its agreement")
        PUBLISHED = "published", _("Approved for publication")
        REFUSED = "refused", _("Publication refused")
        CLOSED = "closed", _("Closed")

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("decision"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("decision about a conversation")
        verbose_name_plural = _("decisions about conversations")

    def __str__(self):
        return f"{self.get_action_display()} — {self.actor_name}"
