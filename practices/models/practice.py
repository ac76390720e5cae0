import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from core.editors import is_editor

from .classifications import CityRole, Commitment, TargetGroup, Theme
from .content import NOTE_MAX_LENGTH, SECTION_MAX_LENGTH
from .evidence import EvidenceLevel
from .matching import folded_condition, has_words, is_postgres
from .search_entry import SearchEntry
from .transferability import (
    CityPower,
    PartnerKind,
    PopulationBand,
    SetupTime,
    StaffNeeded,
    YearlyCost,
    from_option_set,
)


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

    def matching(self, text):
        """Return the practices that match a web-search string ("quoted phrases", `or`,
        -excluded words), in any of their languages."""
        if not has_words(text):
            return self
        if is_postgres():
            entries = SearchEntry.objects.matching(text)
            return self.filter(pk__in=entries.values("practice_id"))
        folded = folded_condition(text)
        if folded is None:
            return self
        folded_text, condition = folded
        return self.alias(folded_text=folded_text).filter(condition)


# Addresses under /practices/ that are pages of their own, never a practice's slug.
RESERVED_SLUGS = frozenset({"promising"})


def validate_not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page. Choose another one."),
            params={"slug": slug},
        )


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
        validators=[validate_not_reserved],
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
        _("context"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_("The problem the practice answers, and for whom."),
    )
    implementation = models.TextField(
        _("what was done"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_("The steps taken, by whom, and how long they took."),
    )
    results = models.TextField(
        _("results and evidence"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_(
            "What changed, with figures where you have them. Preliminary results are welcome."
        ),
    )
    why_it_works = models.TextField(
        _("why it works"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_("The factors that made the practice succeed."),
    )
    challenges = models.TextField(
        _("challenges and lessons learned"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_("What was difficult, what did not work, and what you would do differently."),
    )
    transferability = models.TextField(
        _("transferability"),
        max_length=SECTION_MAX_LENGTH,
        blank=True,
        help_text=_("What another city would need to adopt this practice."),
    )
    partners = models.TextField(
        _("partners"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Organisations that took part, one per line."),
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
        _("resources"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Budget and staff, if you can share them."),
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
        _("links"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Web pages about the practice, one address per line."),
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
    yearly_cost = models.CharField(
        _("yearly cost"),
        max_length=10,
        choices=YearlyCost.choices,
        blank=True,
        help_text=_("About how much the practice costs the city a year, besides existing means."),
    )
    staff_needed = models.CharField(
        _("staff needed"), max_length=10, choices=StaffNeeded.choices, blank=True
    )
    setup_time = models.CharField(
        _("time to set up"), max_length=10, choices=SetupTime.choices, blank=True
    )
    # Options of CityPower and PartnerKind, stored as ",schools,police," (see transferability).
    city_powers = models.CharField(
        _("powers the city needs"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("The competences a city must hold to run the practice."),
    )
    partner_kinds = models.CharField(
        _("partners it relies on"), max_length=200, blank=True, default=""
    )
    population_band = models.CharField(
        _("size of the city where it ran"),
        max_length=10,
        choices=PopulationBand.choices,
        blank=True,
    )
    proposed_evidence_level = models.PositiveSmallIntegerField(
        _("evidence level you propose"),
        choices=EvidenceLevel.choices,
        null=True,
        blank=True,
        help_text=_("How well the results are proven, on the portal's five-level scale."),
    )
    evidence = models.TextField(
        _("your evidence"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Why this level: evaluations, figures, reports (with their web addresses), and "
            "whether others have reproduced the practice."
        ),
    )
    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level"),
        choices=EvidenceLevel.choices,
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Editors only: set in review, from the city's proposal and evidence."),
    )
    is_promising = models.BooleanField(
        _("promising practice"),
        default=False,
        help_text=_("Editors only: highlight this practice on the home page."),
    )
    promising_note = models.TextField(
        _("why it is promising"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Editors only: shown with the highlight."),
    )
    # How many other cities adapted the practice: their published adaptations and their
    # published practices that name it as inspiration (kept by exchange.services and the
    # practices' receivers; read by cards, the "adapted elsewhere" filter and its sort).
    adapted_in = models.PositiveIntegerField(default=0, editable=False, db_index=True)
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
            # The insights' practices not updated for a while, counted and listed oldest first.
            models.Index(fields=["status", "updated_at"], name="practice_status_updated"),
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
        return reverse("public:practice_detail", kwargs={"slug": self.slug})

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

    def needed_powers(self):
        return [CityPower(value) for value in from_option_set(self.city_powers)]

    def partner_kind_list(self):
        return [PartnerKind(value) for value in from_option_set(self.partner_kinds)]

    @property
    def has_conditions(self):
        """Whether the structured conditions of transferability were filled."""
        return bool(self.yearly_cost or self.population_band or self.city_powers)

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    def image_url(self, size="page"):
        """Return the URL of a resized copy of the main image, or of the original: through the
        view that checks who may see the practice (public/files.py), never the storage's own."""
        if not self.image:
            return ""
        name = self.image_renditions.get(size) or self.image.name
        return reverse("practice_file", kwargs={"practice_id": self.pk, "name": name})
