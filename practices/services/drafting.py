"""What officers write: a new practice, edits of a draft (or of one sent back for changes),
its translations; and the record of an editor's corrections made in the admin."""

import unicodedata

from anyascii import anyascii
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from practices.models import TRANSLATED_FIELDS, TRANSLATION_LANGUAGES, Practice
from practices.models.practice import RESERVED_SLUGS
from practices.snapshots import apply_content, practice_content

from .checks import lock_practice, record_change, refuse_stale, require_editable_by_officer
from .errors import ERROR_NOT_AN_OFFICER_OF_CITY, WorkflowError
from .revisions import revision_save

ERROR_TRANSLATION_LANGUAGE = _("Choose a language other than the one the practice is written in.")


# Scripts whose characters anyascii gives as syllables run together ("城市" → "ChengShi"):
# each is set apart so the slug reads "cheng-shi".
_SYLLABIC_SCRIPTS = ("CJK ", "HIRAGANA ", "KATAKANA ", "HANGUL ")


def _ascii_title(title):
    """The title in ASCII letters: transliterated (Cyrillic, Arabic, Chinese…), so that
    slugify, which drops every other letter, keeps something that says what the practice is."""
    return anyascii(
        "".join(
            f" {char} "
            if not char.isascii() and unicodedata.name(char, "").startswith(_SYLLABIC_SCRIPTS)
            else char
            for char in title
        )
    )


def _unique_slug(title, practice_pk=None):
    """A new slug from the title; slugs already given are never changed."""
    base = slugify(_ascii_title(title))[:120].strip("-") or "practice"
    slug, number = base, 2
    while (
        slug in RESERVED_SLUGS
        or Practice.objects.filter(slug=slug).exclude(pk=practice_pk).exists()
    ):
        slug = f"{base}-{number}"
        number += 1
    return slug


def practice_create(*, actor, data: dict) -> Practice:
    """Start a new draft for the officer's city."""
    city = active_officer_city(actor)
    if city is None:
        raise WorkflowError(ERROR_NOT_AN_OFFICER_OF_CITY)
    with transaction.atomic():
        practice = Practice(city=city, created_by=actor, slug=_unique_slug(data.get("title", "")))
        fields = apply_content(practice, data)
        record_change(practice, actor=actor, fields=fields or ["title"])
    return practice


def practice_save_draft(
    *, practice: Practice, actor, data: dict, expected_version=None
) -> Practice:
    """Save an officer's edits of a draft, or of a practice sent back for changes."""
    with transaction.atomic():
        practice = lock_practice(practice)
        require_editable_by_officer(practice, actor)
        if expected_version is not None and expected_version != practice.version:
            refuse_stale(
                practice.changes.filter(version__gt=expected_version), practice.get_status_display()
            )
        if practice.published_at is None and "title" in data and data["title"] != practice.title:
            practice.slug = _unique_slug(data["title"], practice.pk)
        fields = apply_content(practice, data)
        record_change(practice, actor=actor, fields=fields)
    return practice


def practice_editor_saved(*, practice: Practice, actor, fields: list) -> None:
    """Record an editor's change of content made in the admin."""
    with transaction.atomic():
        record_change(lock_practice(practice), actor=actor, fields=fields)


def practice_save_translation(*, practice: Practice, actor, language: str, fields: dict | None):
    """Add, change or (with fields None) remove the translation of a practice into a language.

    While the officer writes the practice it is saved at once; for a published practice it
    becomes part of the proposed update, and the public sees it only once approved.
    """
    if language not in TRANSLATION_LANGUAGES or language == practice.language:
        raise WorkflowError(ERROR_TRANSLATION_LANGUAGE)
    if practice.status == Practice.Status.PUBLISHED:
        revision = practice.revisions.open().first()
        translations = dict(
            (revision.data if revision else practice_content(practice)).get("translations") or {}
        )
        _put(translations, language, fields)
        return revision_save(practice=practice, actor=actor, data={"translations": translations})
    with transaction.atomic():
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        translations = practice_content(locked)["translations"]
        _put(translations, language, fields)
        changed = apply_content(locked, {"translations": translations})
        record_change(locked, actor=actor, fields=changed)
    return locked


def _put(translations, language, fields):
    if fields is None:
        translations.pop(language, None)
    else:
        translations[language] = {name: fields.get(name, "") for name in TRANSLATED_FIELDS}
