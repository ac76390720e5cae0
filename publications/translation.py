"""The editors' texts of a publication in every language, English as the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Chapter, ClosingSection, Publication, PublicationEntry


@register(Publication)
class PublicationTranslation(TranslationOptions):
    fields = ("title", "subtitle", "introduction")


@register(Chapter)
class ChapterTranslation(TranslationOptions):
    fields = ("title", "text")


@register(PublicationEntry)
class PublicationEntryTranslation(TranslationOptions):
    fields = ("commentary",)


@register(ClosingSection)
class ClosingSectionTranslation(TranslationOptions):
    fields = ("title", "text")
