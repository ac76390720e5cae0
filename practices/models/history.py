"""The records of what happened to a practice: its changes of content and of status."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .content import NOTE_MAX_LENGTH
from .practice import Practice
from .revisions import PracticeRevision


class PracticeChange(models.Model):
    """Who changed a practice's content, when, and which fields. Append-only."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="changes")
    revision = models.ForeignKey(
        PracticeRevision, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150)
    changed_fields = models.JSONField(_("fields changed"), default=list)
    version = models.PositiveIntegerField(_("version after the change"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("content change")
        verbose_name_plural = _("content changes")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Content changes are append-only.")
        super().save(*args, **kwargs)


EVENT_STATES = Practice.Status.choices + [("approved", _("Approved and published"))]


class ReviewEvent(models.Model):
    """One change of a practice's status: who, from where to where, and why. Append-only."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept so the history still names the person if the account is later removed.
    actor_name = models.CharField(_("by (name)"), max_length=150)
    # Set when the event concerns a proposed update of a published practice.
    revision = models.ForeignKey(
        "PracticeRevision",
        verbose_name=_("proposed update"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=EVENT_STATES)
    to_status = models.CharField(
        pgettext_lazy("the status a change led to", "to"), max_length=20, choices=EVENT_STATES
    )
    message = models.TextField(
        _("message to the city"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Shown to the city's officers."),
    )
    note = models.TextField(
        _("private editor note"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Seen by editors only, never by the city."),
    )
    # The practice's content when the event happened, so editors can compare versions.
    snapshot = models.JSONField(_("content at that moment"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self):
        return f"{self.practice}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Review events are append-only and cannot be changed.")
        super().save(*args, **kwargs)
