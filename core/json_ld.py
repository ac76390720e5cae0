"""Structured data for search engines: a schema.org description as a JSON-LD script element."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# As django.utils.html.json_script escapes: no "</script>" or "<!--" can end the element early.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def without_empty(value):
    """Return the data without the keys whose value is None, "" or an empty list, at any depth."""
    if isinstance(value, dict):
        kept = {key: without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        return [without_empty(item) for item in value]
    return value


def json_ld_script(data):
    """Return a <script type="application/ld+json"> element holding the data, safe in HTML."""
    text = json.dumps(without_empty(data), cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text.translate(_SCRIPT_ESCAPES))
    )
