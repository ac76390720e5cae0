"""A practice's content as plain data: recorded with each review event, carried by proposed
updates (classifications by id) and compared for the editors (practices/diffs.py)."""

from .models import (
    CLASSIFICATION_FIELDS,
    CONTENT_FIELDS,
    TRANSLATED_FIELDS,
    Practice,
    PracticeTranslation,
)


def _related_model(name):
    return Practice._meta.get_field(name).related_model


def practice_snapshot(practice):
    """Return the practice's text fields and classifications (by name) as a JSON-ready dict."""
    data = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    data["image"] = practice.image.name if practice.image else ""
    for name in CLASSIFICATION_FIELDS:
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
    for name in CLASSIFICATION_FIELDS:
        data[name] = sorted(item.pk for item in getattr(practice, name).all())
    data["translations"] = translations_of(practice)
    return data


def content_from_form(cleaned_data):
    """Return the content part of an officer form's cleaned data, classifications by id."""
    data = {}
    for name in CONTENT_FIELDS:
        if name in cleaned_data:
            data[name] = cleaned_data[name]
    for name in CLASSIFICATION_FIELDS:
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
    for name in CLASSIFICATION_FIELDS:
        if name in data:
            getattr(practice, name).set(data[name])
    if "translations" in data:
        _sync_translations(practice, data["translations"])
    after = practice_content(practice)
    names = [*CONTENT_FIELDS, *CLASSIFICATION_FIELDS, "translations"]
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
    for name in CLASSIFICATION_FIELDS:
        ids = data.get(name) or []
        named[name] = sorted(str(item) for item in _related_model(name).objects.filter(pk__in=ids))
    named["translations"] = data.get("translations") or {}
    return named
