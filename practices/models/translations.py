from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import NOTE_MAX_LENGTH, SECTION_MAX_LENGTH
from .practice import Practice

# The portal's interface languages, as practice languages ("zh-hans" reads practices in "zh").
TRANSLATION_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]


def practice_language_for(interface_language):
    """Return the practice language code that matches an interface language code."""
    code = (interface_language or "en").lower()
    return "zh" if code.startswith("zh") else code.split("-")[0]


class PracticeTranslation(models.Model):
    """The text of a practice in another of the portal's languages: the fields of
    content.TRANSLATED_FIELDS."""

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
    context = models.TextField(_("context"), blank=True, max_length=SECTION_MAX_LENGTH)
    implementation = models.TextField(_("what was done"), blank=True, max_length=SECTION_MAX_LENGTH)
    results = models.TextField(_("results and evidence"), blank=True, max_length=SECTION_MAX_LENGTH)
    why_it_works = models.TextField(_("why it works"), blank=True, max_length=SECTION_MAX_LENGTH)
    challenges = models.TextField(
        _("challenges and lessons learned"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    transferability = models.TextField(
        _("transferability"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    resources = models.TextField(_("resources"), blank=True, max_length=NOTE_MAX_LENGTH)
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
