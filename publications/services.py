"""Every change of a publication: saving the editors' work, publishing (which freezes what the
publication quotes), bringing quoted practices up to date, withdrawing, and starting a draft
from the data. Each change raises the version and is recorded in the publication's history."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.page_cache import public_content_changed
from insights.report import current_gaps
from practices import selectors

from .models import (
    MAX_CHAPTERS,
    MAX_ENTRIES,
    Chapter,
    ClosingSection,
    Publication,
    PublicationEntry,
    PublicationEvent,
)

OTHER_PRACTICES = gettext_lazy("Other practices")
# What a publication quotes of a practice, in its own language and in each translation.
QUOTED_TEXT = ["title", "summary", "why_it_works"]


class PublicationError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StalePublication(PublicationError):
    """The editor decided on another version than the current one."""


def _actor_name(actor):
    return (actor.get_full_name() or actor.get_username()) if actor else ""


def _record(publication, actor, action, note=""):
    return PublicationEvent.objects.create(
        publication=publication,
        actor=actor,
        actor_name=_actor_name(actor),
        action=action,
        note=note,
        version=publication.version,
    )


def _locked(publication, version=None):
    """Lock the publication's row and return it fresh; a decision taken on another version
    than the current one is refused."""
    current = Publication.objects.select_for_update().get(pk=publication.pk)
    if version is not None and version != current.version:
        raise StalePublication(
            _(
                "The publication changed while you were reading it (you read version %(seen)s, "
                "it is now at version %(current)s). Read it again, then decide."
            )
            % {"seen": version, "current": current.version}
        )
    return current


def _raise_version(publication):
    Publication.objects.filter(pk=publication.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    publication.refresh_from_db(fields=["version", "updated_at"])


def quoted_content(practice):
    """Return what a publication quotes of a practice, as data."""
    return {
        "id": practice.pk,
        **{name: getattr(practice, name) for name in QUOTED_TEXT},
        "language": practice.language,
        "city": practice.city.name,
        "country": str(practice.city.country.code or ""),
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "evidence_level": practice.evidence_level,
        "slug": practice.slug,
        "translations": {
            item.language: {name: getattr(item, name) for name in QUOTED_TEXT}
            for item in practice.translations.all()
        },
    }


def same_text(frozen, practice):
    """Say whether a practice still reads as the publication quotes it."""
    current = quoted_content(practice)
    keys = [*QUOTED_TEXT, "translations"]
    return all(frozen.get(key) == current[key] for key in keys)


def _freeze_entries(entries, *, everything):
    """Quote the current published version of each entry's practice (of those not quoted yet
    or now quoting another practice, or of all of them)."""
    entries = [
        entry
        for entry in entries
        if everything or entry.frozen_version is None or entry.frozen.get("id") != entry.practice_id
    ]
    practices = selectors.quotable_practices(entry.practice_id for entry in entries)
    now = timezone.now()
    for entry in entries:
        practice = practices.get(entry.practice_id)
        if practice is None:  # no longer published: keep what was quoted, if anything
            continue
        entry.frozen = quoted_content(practice)
        entry.frozen_version = practice.version
        entry.frozen_at = now
        entry.save(update_fields=["frozen", "frozen_version", "frozen_at"])


def _freeze_gaps(publication):
    """Write the list of gaps, as /insights/ shows it now, into the gaps sections, in every
    language."""
    sections = list(publication.closing_sections.filter(kind=ClosingSection.Kind.GAPS))
    if not sections:
        return
    frozen = {"computed_at": timezone.now().isoformat(), "languages": {}}
    for code, _name in settings.LANGUAGES:
        with override(code):
            found = current_gaps()
            frozen["languages"][code] = {
                "commitments": [_plain(item) for item in found["commitments"]],
                "targets": [_plain(item) for item in found["targets"]],
                "evidence": [_plain(item) for item in found["evidence"]],
                "stale": found["stale"]["count"],
            }
    for section in sections:
        section.frozen = frozen
        section.save(update_fields=["frozen"])


def _plain(item):
    return {key: str(value) for key, value in item.items()}


def _entries_of(publication):
    return list(
        PublicationEntry.objects.filter(chapter__publication=publication).order_by(
            "chapter__position", "position", "pk"
        )
    )


def check_size(num_chapters, num_entries):
    """Refuse a publication too large to read, print or compare."""
    if num_chapters > MAX_CHAPTERS:
        raise PublicationError(
            _("A publication has at most %(max)s chapters.") % {"max": MAX_CHAPTERS}
        )
    if num_entries > MAX_ENTRIES:
        raise PublicationError(
            _("A publication quotes at most %(max)s practices.") % {"max": MAX_ENTRIES}
        )


@transaction.atomic
def saved(publication, *, actor, created):
    """Record an editor's save of a publication (made in the admin): a new version in the
    history; in a published publication, newly added practices are quoted at once."""
    publication = _locked(publication)
    if created:
        _record(publication, actor, PublicationEvent.Action.CREATED)
    else:
        _raise_version(publication)
        _record(publication, actor, PublicationEvent.Action.CHANGED)
    if publication.is_published:
        _freeze_entries(_entries_of(publication), everything=False)
        public_content_changed()
    return publication


@transaction.atomic
def publish(*, publication, actor, version, note=""):
    """Publish a draft: quote the current version of every practice, freeze the gaps."""
    publication = _locked(publication, version)
    if publication.is_published:
        raise PublicationError(_("This publication is already published."))
    entries = _entries_of(publication)
    if not entries:
        raise PublicationError(_("Add at least one chapter with a practice before publishing."))
    unpublished = [entry for entry in entries if entry.practice_id is None]
    quotable = selectors.quotable_practices(entry.practice_id for entry in entries)
    unpublished += [entry for entry in entries if entry.practice_id not in quotable]
    if unpublished:
        raise PublicationError(
            _("These quoted practices are not published: %(titles)s. Remove them first.")
            % {"titles": ", ".join(sorted({str(entry) for entry in unpublished}))}
        )
    _freeze_entries(entries, everything=True)
    _freeze_gaps(publication)
    publication.status = Publication.Status.PUBLISHED
    publication.published_at = timezone.now()
    publication.save(update_fields=["status", "published_at"])
    _raise_version(publication)
    _record(publication, actor, PublicationEvent.Action.PUBLISHED, note)
    public_content_changed()
    return publication


@transaction.atomic
def refresh_quotes(*, publication, actor, version, note=""):
    """Quote the current version of every practice of a published publication (an editors'
    decision: the public page then says what changed)."""
    publication = _locked(publication, version)
    if not publication.is_published:
        raise PublicationError(_("A draft always shows the current versions."))
    _freeze_entries(_entries_of(publication), everything=True)
    _freeze_gaps(publication)
    _raise_version(publication)
    _record(publication, actor, PublicationEvent.Action.REFRESHED, note)
    public_content_changed()
    return publication


@transaction.atomic
def withdraw(*, publication, actor, version, note=""):
    """Take a published publication back to draft: it leaves the public pages."""
    publication = _locked(publication, version)
    if not publication.is_published:
        raise PublicationError(_("This publication is not published."))
    publication.status = Publication.Status.DRAFT
    publication.save(update_fields=["status"])
    _raise_version(publication)
    _record(publication, actor, PublicationEvent.Action.WITHDRAWN, note)
    public_content_changed()
    return publication


@dataclass
class Selection:
    """What a draft is started from: which published practices, grouped how."""

    title: str
    year: int
    group_by: str  # "theme" or "role"
    published_from: int | None = None
    published_to: int | None = None
    promising_only: bool = False
    min_evidence_level: int | None = None


def _unique_slug(title):
    base = slugify(title)[:100] or "publication"
    slug, number = base, 2
    while Publication.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _translated(obj, field):
    """The values of a translated field of reference data in every language, for a chapter."""
    return {
        f"{field}_{code.replace('-', '_')}": getattr(obj, f"{field}_{code.replace('-', '_')}")
        for code, _name in settings.LANGUAGES
    }


def _in_every_language(message):
    names = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            names[f"title_{code.replace('-', '_')}"] = str(message)
    return names


@transaction.atomic
def start_draft(*, selection, actor):
    """Start a draft from the data: the chosen practices in chapters by their first theme or
    role (each practice once), in the order of the themes or roles."""
    practices = selectors.practices_for_selection(
        published_from=selection.published_from,
        published_to=selection.published_to,
        promising_only=selection.promising_only,
        min_evidence_level=selection.min_evidence_level,
        limit=MAX_ENTRIES,
    )
    if not practices:
        raise PublicationError(_("No published practice matches this choice."))
    groups = {}
    for practice in practices:
        kinds = (
            practice.themes.all() if selection.group_by == "theme" else practice.city_roles.all()
        )
        first = min(kinds, key=lambda item: (getattr(item, "order", 0), item.pk), default=None)
        groups.setdefault(first, []).append(practice)
    ordered = sorted(
        groups.items(),
        key=lambda pair: (pair[0] is None, getattr(pair[0], "order", 0), getattr(pair[0], "pk", 0)),
    )
    check_size(len(ordered), len(practices))
    publication = Publication.objects.create(
        title=selection.title, year=selection.year, slug=_unique_slug(selection.title)
    )
    for position, (kind, members) in enumerate(ordered, start=1):
        names = _translated(kind, "title") if kind else _in_every_language(OTHER_PRACTICES)
        chapter = Chapter.objects.create(publication=publication, position=position, **names)
        PublicationEntry.objects.bulk_create(
            PublicationEntry(chapter=chapter, position=index, practice=practice)
            for index, practice in enumerate(members, start=1)
        )
    _record(
        publication,
        actor,
        PublicationEvent.Action.CREATED,
        _("Started from the data: %(count)s practices in %(chapters)s chapters.")
        % {"count": len(practices), "chapters": len(ordered)},
    )
    return publication
