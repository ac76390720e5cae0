"""A practice's content as plain data: recorded with each review event, carried by proposed
updates, and compared field by field for the editors."""

import difflib
import html
import re

from django.utils.safestring import mark_safe

from .models import (
    TRANSLATED_FIELDS,
    CityRole,
    Commitment,
    Practice,
    PracticeTranslation,
    TargetGroup,
    Theme,
)

CONTENT_FIELDS = [
    "title",
    "summary",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "partners",
    "start_year",
    "end_year",
    "resources",
    "language",
    "contact_name",
    "contact_role",
    "contact_email",
    "links",
    "image_alt",
]
RELATED_MODELS = {
    "themes": Theme,
    "commitments": Commitment,
    "city_roles": CityRole,
    "target_groups": TargetGroup,
}
RELATED_FIELDS = list(RELATED_MODELS)


def practice_snapshot(practice):
    """Return the practice's text fields and classifications (by name) as a JSON-ready dict."""
    data = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    data["image"] = practice.image.name if practice.image else ""
    for name in RELATED_FIELDS:
        data[name] = sorted(str(item) for item in getattr(practice, name).all())
    data["translations"] = translations_of(practice)
    return data


def translations_of(practice):
    return {
        item.language: {name: getattr(item, name) for name in TRANSLATED_FIELDS}
        for item in practice.translations.all()
    }


def practice_content(practice):
    """Return what an officer edits, classifications by id: the data of a proposed update."""
    data = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    for name in RELATED_FIELDS:
        data[name] = sorted(item.pk for item in getattr(practice, name).all())
    data["translations"] = translations_of(practice)
    return data


def content_from_form(cleaned_data):
    """Return the content part of an officer form's cleaned data, classifications by id."""
    data = {}
    for name in CONTENT_FIELDS:
        if name in cleaned_data:
            data[name] = cleaned_data[name]
    for name in RELATED_FIELDS:
        if name in cleaned_data:
            data[name] = sorted(item.pk for item in cleaned_data[name])
    return data


def apply_content(practice, data):
    """Write content data onto a practice and its classifications; return the fields changed."""
    before = practice_content(practice) if practice.pk else {}
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(practice, name, data[name])
    practice.save()
    for name in RELATED_FIELDS:
        if name in data:
            getattr(practice, name).set(data[name])
    if "translations" in data:
        _sync_translations(practice, data["translations"])
    after = practice_content(practice)
    names = [*CONTENT_FIELDS, *RELATED_FIELDS, "translations"]
    return [name for name in names if before.get(name) != after[name]]


def _sync_translations(practice, wanted):
    existing = {item.language: item for item in practice.translations.all()}
    for language, item in existing.items():
        if language not in wanted:
            item.delete()
    for language, fields in wanted.items():
        item = existing.get(language) or PracticeTranslation(practice=practice, language=language)
        changed = item.pk is None
        for name in TRANSLATED_FIELDS:
            if getattr(item, name) != fields.get(name, ""):
                setattr(item, name, fields.get(name, ""))
                changed = True
        if changed:
            item.save()


def named_snapshot(data):
    """Turn content data with classification ids into the by-name form of practice_snapshot."""
    named = {name: data.get(name) for name in CONTENT_FIELDS}
    for name, model in RELATED_MODELS.items():
        ids = data.get(name) or []
        named[name] = sorted(str(item) for item in model.objects.filter(pk__in=ids))
    named["translations"] = data.get("translations") or {}
    return named


WORDS = re.compile(r"\s+|[^\s]+")


def field_changes(old, new):
    """Return [{field, label, before, after, html}] for every field that differs, in form order."""
    changes = []
    rows = [
        (name, Practice._meta.get_field(name).verbose_name, old.get(name), new.get(name))
        for name in [*CONTENT_FIELDS, *RELATED_FIELDS, "image"]
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
