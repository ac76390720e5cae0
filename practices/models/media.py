import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .practice import Practice, practice_image_path


class PracticeImage(models.Model):
    """One of up to five further images of a practice."""

    MAX_PER_PRACTICE = 5

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to=practice_image_path)
    alt_text = models.CharField(
        _("image description"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it."),
    )
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt_text

    def url(self, size="page"):
        """Return the URL of a resized copy, or of the original, through the view that checks
        who may see the practice (public/files.py)."""
        name = self.renditions.get(size) or self.image.name
        return reverse("practice_file", kwargs={"practice_id": self.practice_id, "name": name})


def practice_attachment_path(instance, filename):
    return f"attachments/{uuid.uuid4().hex}.pdf"


class PracticeAttachment(models.Model):
    """A PDF about a practice: a report, an evaluation."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("PDF file"), upload_to=practice_attachment_path)
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("What the document is, e.g. “Evaluation report 2023”."),
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    def url(self):
        """Return the URL the document is downloaded from, through the view that checks who may
        see the practice (public/files.py)."""
        name = self.file.name
        return reverse("practice_file", kwargs={"practice_id": self.practice_id, "name": name})
