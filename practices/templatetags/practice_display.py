"""{% load practice_display %}: what the templates need to show a practice besides its fields.

`{{ code|text_direction }}` is "rtl" or "ltr", the `dir` that goes with a `lang`: a practice's
text in another language than the page's keeps its own direction (a French card on an Arabic
page reads left to right; an Arabic one on an English page, right to left).
`{{ practice|image_url:"card" }}` is the address of a resized copy of its main image
(`Practice.image_url(size)`), "" without one.
"""

from django import template

register = template.Library()

# The right-to-left languages among the practices' languages (Practice.Language) and the
# site's; the others read left to right.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


@register.filter
def text_direction(language_code):
    primary = str(language_code or "").split("-", 1)[0].lower()
    return "rtl" if primary in RIGHT_TO_LEFT else "ltr"


@register.filter
def image_url(practice, size):
    return practice.image_url(size)
