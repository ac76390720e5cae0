from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Coalition(models.Model):
    """A regional or national coalition of ICCAR, such as ECCAR in Europe."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("Acronym used in lists, e.g. ECCAR."),
    )
    slug = models.SlugField(_("slug"), unique=True)
    region = models.CharField(_("region"), max_length=100)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    lead_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("lead city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    launched_in = models.CharField(
        _("launched in"),
        max_length=200,
        blank=True,
        help_text=_("Where the coalition was launched, e.g. “Nairobi (Africities summit)”."),
    )
    leadership = models.CharField(
        _("lead cities"),
        max_length=300,
        blank=True,
        help_text=_("The cities that lead or have led it, in words, with their roles."),
    )
    reported_size = models.CharField(
        _("reported size"),
        max_length=200,
        blank=True,
        help_text=_("Members as last reported, with the date or source: sizes change."),
    )
    plan_of_action = models.CharField(
        _("plan of action"),
        max_length=200,
        blank=True,
        help_text=_("The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”."),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("public:coalition_detail", kwargs={"slug": self.slug})


class CityQuerySet(models.QuerySet):
    def active_members(self):
        """Return the cities whose membership is active."""
        return self.filter(is_active_member=True)


class City(models.Model):
    """A member city of a coalition."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    country = CountryField(_("country"))
    coalition = models.ForeignKey(
        Coalition, verbose_name=_("coalition"), on_delete=models.PROTECT, related_name="cities"
    )
    member_since = models.PositiveSmallIntegerField(
        _("member since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text=_("Year the city joined its coalition, if known."),
    )
    is_active_member = models.BooleanField(_("membership active"), default=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True)
    profile = models.TextField(
        _("short profile"),
        blank=True,
        help_text=_("A few sentences about the city, shown publicly."),
    )
    contact_email = models.EmailField(
        _("public contact e-mail"),
        blank=True,
        help_text=_("Shown on the city's public page. Leave empty to show none."),
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="unique_city_name_per_country")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:city_detail", kwargs={"slug": self.slug})

    @property
    def map_link(self):
        """The city on OpenStreetMap, or "" when its coordinates are not known."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = f"{self.latitude:.4f}", f"{self.longitude:.4f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=11/{lat}/{lon}"


class CityOfficerQuerySet(models.QuerySet):
    def active(self):
        """Return officers who may act: both the officer and the user account are active."""
        return self.filter(is_active=True, user__is_active=True)


class CityOfficer(models.Model):
    """Links a user account to the one city it writes practices for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.CASCADE,
        related_name="city_officer",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="officers"
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Untick when the person no longer represents the city; they can then no longer act."
        ),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the e-mails the portal sends to this officer."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CityOfficerQuerySet.as_manager()

    class Meta:
        ordering = ["city__name", "user__username"]
        verbose_name = _("city officer")
        verbose_name_plural = _("city officers")

    def __str__(self):
        return f"{self.user.get_username()} ({self.city})"


def active_officer_city(user):
    """Return the city an active officer represents, or None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    officer = getattr(user, "city_officer", None)
    if officer is None or not officer.is_active:
        return None
    return officer.city
