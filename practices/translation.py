"""Reference data shown in the visitor's language, with English as the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import CityRole, Commitment, TargetGroup, Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("title",)


@register(CityRole)
class CityRoleTranslation(TranslationOptions):
    fields = ("title", "description")


@register(TargetGroup)
class TargetGroupTranslation(TranslationOptions):
    fields = ("title",)
