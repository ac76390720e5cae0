"""Coalition names shown in the visitor's language, with English as the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Coalition


@register(Coalition)
class CoalitionTranslation(TranslationOptions):
    fields = ("name", "short_name", "region", "description")
