"""The classifications of practices: themes, the commitments of the coalitions' plans, the
roles a city plays and the groups a practice is for. Names are stored in every language
(practices/translation.py)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        return reverse("public:theme_detail", kwargs={"slug": self.slug})


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

    @property
    def search_slug(self):
        """How the search's commitment filter names it: "eccar-7"."""
        return f"{self.coalition.slug}-{self.number}"


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
