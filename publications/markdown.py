"""The editors' Markdown as safe HTML: Python-Markdown renders it, nh3 (the ammonia sanitizer)
keeps only the tags and attributes listed here, so no raw HTML an editor types (or pastes) reaches
a page as it was written. Headings start at level 3: the page's own h1 and h2 frame them."""

from functools import lru_cache

import markdown as python_markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


# A publication page renders up to 100 texts, the same on every request until they change: the
# last few hundred rendered are kept (each text is at most 20,000 characters).
@lru_cache(maxsize=512)
def render_markdown(text):
    """Return the editors' Markdown as sanitized HTML, marked safe for templates."""
    if not text:
        return ""
    html = python_markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": 3}},
        output_format="html",
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized just above
