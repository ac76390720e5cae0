from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .practice import Practice


class RevisionQuerySet(models.QuerySet):
    OPEN = ["draft", "submitted", "changes_requested"]

    def open(self):
        """Return the proposals still being written or reviewed."""
        return self.filter(status__in=self.OPEN)

    def awaiting_review(self):
        return self.filter(status="submitted").order_by("submitted_at", "pk")


class PracticeRevision(models.Model):
    """Changes an officer proposes to a published practice; public only once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Rejected")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="revisions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # The proposed content, in the shape of practices.snapshots.practice_snapshot().
    data = models.JSONField(_("proposed content"), default=dict)
    # The practice's version the proposal started from: what the editor compares against.
    base_version = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposed update")
        verbose_name_plural = _("proposed updates")
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(status__in=RevisionQuerySet.OPEN),
                name="one_open_revision_per_practice",
            )
        ]

    def __str__(self):
        return _("Update of “%(title)s”") % {"title": self.practice.title}

    @property
    def is_open(self):
        return self.status in RevisionQuerySet.OPEN
