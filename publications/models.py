"""Publications: the coalition's reports, composed by the editors from the published practices.

A publication has an introduction, chapters in order (each with the editors' text and the
practices it quotes, each with an optional commentary) and closing sections. The editors' texts
are Markdown, stored in every language (publications/translation.py, English as the fallback)
and shown only through publications/markdown.py, which sanitizes them. Once published, each
quoted practice is frozen: `PublicationEntry.frozen` holds what the report quotes of it, so a
later update of the practice does not silently change a published report. Changed only through
publications/services.py."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PUBLICATION = pgettext_lazy("document", "publication")

# Bounds on what one publication can make its page, its PDF and the editors' diff carry.
TEXT_MAX_LENGTH = 20_000
COMMENTARY_MAX_LENGTH = 5_000
MAX_CHAPTERS = 20
MAX_ENTRIES = 100
MAX_ENTRIES_IN_A_CHAPTER = 40
MAX_CLOSING_SECTIONS = 6


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publication.Status.PUBLISHED)


class Publication(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    slug = models.SlugField(
        _("address"),
        max_length=120,
        unique=True,
        help_text=_("The last part of the publication's address, e.g. the-roles-of-cities-2026."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        help_text=_("Markdown: *emphasis*, **strong**, lists, links, headings with ###."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # Raised by every change: the stored PDFs are per version, and decisions name the version
    # the editor read.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-published_at", "title"]
        verbose_name = pgettext_lazy("document", "publication")
        verbose_name_plural = pgettext_lazy("document", "publications")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Chapter(models.Model):
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="chapters",
        verbose_name=PUBLICATION,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("editors' text"),
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        help_text=_("Markdown. What the practices of this chapter show, in the editors' words."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self):
        return self.title


class PublicationEntry(models.Model):
    """A practice quoted in a chapter, with the editors' commentary and, once the publication is
    published, the version of the practice it quotes."""

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="entries", verbose_name=_("chapter")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Kept when the practice goes: the publication still quotes what it published.
    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("practice"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commentary = models.TextField(
        _("editors' commentary"),
        blank=True,
        validators=[MaxLengthValidator(COMMENTARY_MAX_LENGTH)],
        help_text=_("Markdown. Why it works and how it transfers, in the editors' words."),
    )
    frozen_version = models.PositiveIntegerField(
        _("quoted version"), null=True, blank=True, editable=False
    )
    frozen_at = models.DateTimeField(_("quoted on"), null=True, blank=True, editable=False)
    # What the publication quotes of the practice (title, summary, why it works, city, years,
    # evidence level, address, and their translations), as it was when it was frozen.
    frozen = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("quoted practice")
        verbose_name_plural = _("quoted practices")

    def __str__(self):
        return self.frozen.get("title") or (self.practice.title if self.practice else "")


class ClosingSection(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("The editors' text")
        GAPS = "gaps", _("Where more work is needed (from the insights, frozen when published)")

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="closing_sections",
        verbose_name=PUBLICATION,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("content"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("editors' text"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    # For "gaps": the list as it stood when the publication was published (a report says what
    # was known when it appeared; /insights/ shows today's).
    frozen = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("closing section")
        verbose_name_plural = _("closing sections")

    def __str__(self):
        return self.title


class PublicationEvent(models.Model):
    """Who did what to a publication, and on which version. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        PUBLISHED = "published", _("Published")
        REFRESHED = "refreshed", _("Quoted practices brought up to date")
        WITHDRAWN = "withdrawn", _("Withdrawn to draft")

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=PUBLICATION,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")

    def __str__(self):
        return f"{self.get_action_display()} ({self.version})"


def pdf_path(instance, filename):
    return f"publications/{instance.publication_id}/{filename}"


class PublicationFile(models.Model):
    """A PDF of a publication, made once for one version in one language and kept in the file
    storage (object storage in production)."""

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=PUBLICATION,
    )
    language = models.CharField(_("language"), max_length=10)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=pdf_path)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    seconds = models.FloatField(_("seconds to make"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language", "version"], name="publication_file_once"
            )
        ]
        verbose_name = _("PDF of a publication")
        verbose_name_plural = _("PDFs of publications")
