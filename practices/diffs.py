"""What changed between two versions of a practice, shown to the editors field by field."""

import difflib
import html
import re

from django.utils.safestring import mark_safe

from .models import (
    CLASSIFICATION_FIELDS,
    CONTENT_FIELDS,
    TRANSLATED_FIELDS,
    Practice,
    PracticeTranslation,
)

WORDS = re.compile(r"\s+|[^\s]+")


def field_changes(old, new):
    """Return [{field, label, before, after, html}] for every field that differs, in form order."""
    changes = []
    rows = [
        (name, Practice._meta.get_field(name).verbose_name, old.get(name), new.get(name))
        for name in [*CONTENT_FIELDS, *CLASSIFICATION_FIELDS, "image"]
    ]
    rows += _translation_rows(old.get("translations") or {}, new.get("translations") or {})
    for name, label, before, after in rows:
        if before == after or (before in (None, "", []) and after in (None, "", [])):
            continue
        changes.append(
            {
                "field": name,
                "label": label,
                "before": before,
                "after": after,
                "html": word_diff(_as_text(before), _as_text(after)),
            }
        )
    return changes


def _translation_rows(old, new):
    languages = dict(Practice.Language.choices)
    rows = []
    for language in sorted(set(old) | set(new)):
        for name in TRANSLATED_FIELDS:
            field_label = PracticeTranslation._meta.get_field(name).verbose_name
            label = f"{languages.get(language, language)}: {field_label}"
            before = (old.get(language) or {}).get(name)
            after = (new.get(language) or {}).get(name)
            rows.append((f"translation_{language}_{name}", label, before, after))
    return rows


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def word_diff(before, after):
    """Return safe HTML of the new text with removed words in <del> and added ones in <ins>."""
    old_words, new_words = WORDS.findall(before), WORDS.findall(after)
    pieces = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(html.escape("".join(new_words[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(f"<del>{html.escape(''.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            pieces.append(f"<ins>{html.escape(''.join(new_words[b1:b2]))}</ins>")
    return mark_safe("".join(pieces))  # every piece of text was escaped above
