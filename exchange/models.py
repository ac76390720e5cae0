"""Questions between cities about a published practice: conversations, their messages, each
city's read marks, and the record of every decision about them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    answers. Changed only through exchange/services/."""

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


# What an adaptation's public version holds, as approved by an editor.
# (The own practice it approved is a column of its own, `public_own_practice`, to be joined.)
ADAPTATION_PUBLIC_FIELDS = ["started_in", "progress", "what_changed", "outcome"]


class AdaptationQuerySet(models.QuerySet):
    def for_city(self, city):
        """Return the adaptations a city recorded, in any state."""
        return self.filter(city=city)

    def shown(self):
        """Return the adaptations with an approved public version, of a published practice."""
        return self.filter(public_version__isnull=False, original__status="published")


class Adaptation(models.Model):
    """A city's record that it took up another city's published practice: when, what it
    changed, how far it got and what happened. Reviewed by the editors like a practice; the
    version they approved (`public_version`) is what the public sees, so an edit of a shown
    adaptation replaces it only once approved. Changed only through exchange/services/."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Progress(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    original = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("adapted practice"),
        on_delete=models.PROTECT,
        related_name="adaptations",
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("adapting city"),
        on_delete=models.PROTECT,
        related_name="adaptations",
    )
    started_in = models.PositiveSmallIntegerField(
        _("year it started"),
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("The year your city started (or plans to start) its version."),
    )
    progress = models.CharField(
        _("status"), max_length=10, choices=Progress.choices, default=Progress.RUNNING
    )
    what_changed = models.TextField(
        _("what you changed"),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("What your city did differently from the original, and why."),
    )
    outcome = models.TextField(
        _("what happened"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Results so far, difficulties, what another city should know."),
    )
    own_practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("your own practice on the portal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adapted_from_records",
        help_text=_("If your city's version is written up on the portal too."),
    )
    public_own_practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("own practice shown"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("review"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The fields of ADAPTATION_PUBLIC_FIELDS as an editor approved them; None until then.
    public_version = models.JSONField(_("public version"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Raised by every change, so a decision made on an older page is caught.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = AdaptationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("adaptation")
        verbose_name_plural = _("adaptations")
        constraints = [
            models.UniqueConstraint(
                fields=["original", "city"], name="one_adaptation_per_city_and_practice"
            )
        ]

    def __str__(self):
        return f"{self.city} ← {self.original}"


class AdaptationEvent(models.Model):
    """Who did what to an adaptation, with the editors' feedback. Append-only."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    adaptation = models.ForeignKey(
        Adaptation,
        verbose_name=_("adaptation"),
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
    action = models.CharField(_("decision"), max_length=20, choices=Action.choices)
    message = models.TextField(_("message"), blank=True, max_length=NOTE_MAX_LENGTH)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review of an adaptation")
        verbose_name_plural = _("reviews of adaptations")

    def __str__(self):
        return f"{self.get_action_display()} — {self.actor_name}"
