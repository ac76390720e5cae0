from django import template
from django.utils import translation
from django.utils.safestring import mark_safe
from modeltranslation.utils import build_localized_fieldname

from ..markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """The editors' Markdown as sanitized HTML (publications/markdown.py)."""
    return render_markdown(text)


@register.filter
def gaps_in(frozen, language):
    """The frozen list of gaps in the reader's language, English if it has none."""
    languages = (frozen or {}).get("languages", {})
    return languages.get(language) or languages.get("en")


@register.simple_tag(takes_context=True)
def fallback_lang(context, obj, name):
    """lang and dir attributes for an editors' text shown in English because it has no
    translation into the page's language (screen readers then read it as English)."""
    code = translation.get_language() or "en"
    if code == "en" or getattr(obj, build_localized_fieldname(name, code), ""):
        return ""
    return mark_safe(' lang="en" dir="ltr"')  # noqa: S308 - constant text
