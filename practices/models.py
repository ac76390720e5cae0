import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city

EDITORS_GROUP = "Editors"


def is_editor(user):
    """Return True for UNESCO editors: active staff in the Editors group, or superusers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=EDITORS_GROUP).exists()


class Theme(models.Model):
    """One of the ten themes that harmonise the coalitions' ten-point plans of action."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    eccar_point = models.PositiveSmallIntegerField(
        _("ECCAR point"),
        null=True,
        blank=True,
        help_text=_("Number of the point of ECCAR's ten-point plan of action this theme follows."),
    )

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:theme_detail", kwargs={"slug": self.slug})


class Commitment(models.Model):
    """A commitment of a coalition's plan of action, mapped to one theme."""

    coalition = models.ForeignKey(
        "cities.Coalition",
        verbose_name=_("coalition"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="commitments"
    )

    class Meta:
        ordering = ["coalition__name", "number"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "number"], name="unique_commitment_number_per_coalition"
            )
        ]

    def __str__(self):
        return f"{self.coalition} {self.number}. {self.title}"


class CityRole(models.Model):
    """The role a city plays in a practice: rule-maker, employer, service provider…"""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("city role")
        verbose_name_plural = _("city roles")

    def __str__(self):
        return self.title


class TargetGroup(models.Model):
    """A group of people a practice is meant for."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.title


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """Return the practices the public may see."""
        return self.filter(status=Practice.Status.PUBLISHED)

    def for_city(self, city):
        """Return the practices of one city, in any state."""
        return self.filter(city=city)

    def awaiting_review(self):
        """Return the submissions waiting for an editor's decision, oldest first."""
        return self.filter(status=Practice.Status.SUBMITTED).order_by("submitted_at", "pk")

    def visible_to(self, user):
        """Return what a user may see: editors all, officers also their own city's."""
        if is_editor(user):
            return self.all()
        city = active_officer_city(user)
        if city is not None:
            return self.filter(models.Q(status=Practice.Status.PUBLISHED) | models.Q(city=city))
        return self.published()


def practice_image_path(instance, filename):
    # The uploaded name is never used: it may carry personal data or path tricks.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"practices/{uuid.uuid4().hex}.{extension}"


class Practice(models.Model):
    """A good practice of a member city, from its first draft to its publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")
        SPANISH = "es", _("Spanish")
        ARABIC = "ar", _("Arabic")
        RUSSIAN = "ru", _("Russian")
        CHINESE = "zh", _("Chinese")
        PORTUGUESE = "pt", _("Portuguese")
        GERMAN = "de", _("German")
        OTHER = "other", _("Other")

    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_(
            "A short, specific name another city would recognise (120 characters at most)."
        ),
    )
    slug = models.SlugField(
        _("web address"),
        max_length=140,
        unique=True,
        help_text=_("Part of the public address. It cannot change once the practice is published."),
    )
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="practices"
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        blank=True,
        related_name="practices",
        help_text=_("Choose at least one theme before submitting."),
    )
    commitments = models.ManyToManyField(
        Commitment,
        verbose_name=_("commitments"),
        blank=True,
        related_name="practices",
        help_text=_("Commitments of your coalition's plan of action that this practice fulfils."),
    )
    city_roles = models.ManyToManyField(
        CityRole,
        verbose_name=_("roles of the city"),
        blank=True,
        related_name="practices",
        help_text=_("In which roles did the city act?"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        verbose_name=_("target groups"),
        blank=True,
        related_name="practices",
        help_text=_("Who is the practice meant for?"),
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        blank=True,
        help_text=_(
            "What the practice is and what it achieved, in plain text (600 characters at most)."
        ),
    )
    context = models.TextField(
        _("context"), blank=True, help_text=_("The problem the practice answers, and for whom.")
    )
    implementation = models.TextField(
        _("what was done"),
        blank=True,
        help_text=_("The steps taken, by whom, and how long they took."),
    )
    results = models.TextField(
        _("results and evidence"),
        blank=True,
        help_text=_(
            "What changed, with figures where you have them. Preliminary results are welcome."
        ),
    )
    why_it_works = models.TextField(
        _("why it works"), blank=True, help_text=_("The factors that made the practice succeed.")
    )
    challenges = models.TextField(
        _("challenges and lessons learned"),
        blank=True,
        help_text=_("What was difficult, what did not work, and what you would do differently."),
    )
    transferability = models.TextField(
        _("transferability"),
        blank=True,
        help_text=_("What another city would need to adopt this practice."),
    )
    partners = models.TextField(
        _("partners"), blank=True, help_text=_("Organisations that took part, one per line.")
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("Leave empty while the practice is ongoing."),
    )
    resources = models.TextField(
        _("resources"), blank=True, help_text=_("Budget and staff, if you can share them.")
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language this practice is written in."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact person's role"), max_length=150, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Shown only to signed-in members and editors, never to the anonymous public."),
    )
    links = models.TextField(
        _("links"), blank=True, help_text=_("Web pages about the practice, one address per line.")
    )
    image = models.ImageField(_("main image"), upload_to=practice_image_path, blank=True)
    # Resized copies of the main image: {"card": name, "page": name}.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )
    is_promising = models.BooleanField(
        _("promising practice"),
        default=False,
        help_text=_("Editors only: highlight this practice on the home page."),
    )
    promising_note = models.TextField(
        _("why it is promising"), blank=True, help_text=_("Editors only: shown with the highlight.")
    )
    inspired_by = models.ManyToManyField(
        "self",
        verbose_name=_("inspired by"),
        symmetrical=False,
        blank=True,
        related_name="inspired",
        help_text=_("Practices of other cities that this one adapted."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        db_index=True,
    )
    # The languages the practice can be read in: its own and its translations', as ",en,fr,".
    available_languages = models.CharField(
        max_length=60, default=",en,", editable=False, db_index=True
    )
    # Raised by every change of content or status, so a form opened earlier can tell it is stale.
    version = models.PositiveIntegerField(default=1, editable=False)
    # City, country, coalition and theme names, kept here so full-text search can match them.
    search_extra = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_status_published"),
            models.Index(fields=["status", "submitted_at"], name="practice_status_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="practice_end_year_after_start_year",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:practice_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def was_ever_published(self):
        return self.published_at is not None

    def link_list(self):
        """Return the web addresses to show as links: http and https only, never javascript:."""
        lines = [line.strip() for line in self.links.splitlines() if line.strip()]
        return [line for line in lines if line.lower().startswith(("https://", "http://"))]

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    def image_url(self, size="page"):
        """Return the URL of a resized copy of the main image, or of the original."""
        if not self.image:
            return ""
        name = self.image_renditions.get(size)
        return self.image.storage.url(name) if name else self.image.url


class SearchEntry(models.Model):
    """What the public search reads of a published practice, in a narrow row of its own.

    On PostgreSQL a trigger on the practice table keeps one entry per published practice,
    with its search vectors (migration 0009): matching, counting and ranking read these small
    rows and the GIN index, never the wide practice rows. On SQLite the table stays empty and
    search reads the practices themselves.
    """

    practice = models.OneToOneField(
        Practice,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    title = models.CharField(max_length=120)
    published_at = models.DateTimeField(null=True)
    start_year = models.PositiveSmallIntegerField(null=True)
    available_languages = models.CharField(max_length=60)
    # Title and the opening of the summary, for ranking; everything, for matching.
    rank_vector = SearchVectorField(null=True)
    search_vector = SearchVectorField(null=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["-published_at", "practice"], name="search_entry_newest")]


# The portal's interface languages, as practice languages ("zh-hans" reads practices in "zh").
TRANSLATION_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]
TRANSLATED_FIELDS = [
    "title",
    "summary",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "resources",
]


def practice_language_for(interface_language):
    """Return the practice language code that matches an interface language code."""
    code = (interface_language or "en").lower()
    return "zh" if code.startswith("zh") else code.split("-")[0]


class PracticeTranslation(models.Model):
    """The text of a practice in another of the portal's languages."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[
            (code, label)
            for code, label in Practice.Language.choices
            if code in TRANSLATION_LANGUAGES
        ],
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), max_length=600)
    context = models.TextField(_("context"), blank=True)
    implementation = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results and evidence"), blank=True)
    why_it_works = models.TextField(_("why it works"), blank=True)
    challenges = models.TextField(_("challenges and lessons learned"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.practice} ({self.language})"


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
        name = self.renditions.get(size)
        return self.image.storage.url(name) if name else self.image.url


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


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the change it reports, then sent.

    If sending fails the row stays, with the error, and `send_queued_emails` tries again.
    """

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="email_unsent")]

    def __str__(self):
        return f"{self.subject} → {self.to}"


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
    to_status = models.CharField(_("to"), max_length=20, choices=EVENT_STATES)
    message = models.TextField(
        _("message to the city"), blank=True, help_text=_("Shown to the city's officers.")
    )
    note = models.TextField(
        _("private editor note"),
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
