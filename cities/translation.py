"""Coalition names shown in the visitor's language, with English as the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Coalition


@register(Coalition)
class CoalitionTranslation(TranslationOptions):
    fields = (
        "name",
        "short_name",
        "region",
        "launched_in",
        "leadership",
        "reported_size",
        "plan_of_action",
        "description",
    )
