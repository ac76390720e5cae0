"""The checks every service makes before it changes anything, and the records it writes after.

Each change of status writes a ``ReviewEvent`` with a snapshot of the content; each change of
content a ``PracticeChange``; both raise the practice's version (so forms opened before are
stale) and forget the cached public pages.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from core.editors import is_editor
from core.page_cache import public_content_changed
from practices.models import (
    SUBMISSION_REQUIRED_FIELDS,
    Practice,
    PracticeAttachment,
    PracticeChange,
    PracticeImage,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
)
from practices.snapshots import practice_content, practice_snapshot

from .errors import (
    ERROR_ALREADY_DECIDED,
    ERROR_DECISION_STALE,
    ERROR_NOT_AN_EDITOR,
    ERROR_NOT_AN_OFFICER_OF_CITY,
    ERROR_NOT_EDITABLE,
    ERROR_STALE,
    ERROR_STALE_STATUS,
    ERROR_WRONG_STATE,
    AlreadyDecided,
    StaleDecision,
    StaleEdit,
    WorkflowError,
)

Status = Practice.Status


def missing_in(data):
    """Return {field: message} for what content data still lacks before it can be submitted."""
    errors = {}
    for name in SUBMISSION_REQUIRED_FIELDS:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = Practice._meta.get_field(name).verbose_name
            errors[name] = _("Fill in “%(field)s”.") % {"field": label}
    if not data.get("themes"):
        errors["themes"] = _("Choose at least one theme.")
    if not data.get("target_groups"):
        errors["target_groups"] = _("Choose at least one target group.")
    if not data.get("city_roles"):
        errors["city_roles"] = _("Choose at least one role of the city.")
    if data.get("image") and not (data.get("image_alt") or "").strip():
        errors["image_alt"] = _("Describe the image for people who cannot see it.")
    return errors


def missing_for_submission(practice):
    """Return {field: message} for what a practice still lacks before it can be submitted."""
    data = practice_content(practice) if practice.pk else {}
    data["image"] = practice.image.name if practice.image else ""
    return missing_in(data)


def lock_practice(practice):
    """Return the practice read again with its row locked until the transaction ends."""
    return Practice.objects.select_for_update().get(pk=practice.pk)


def require_officer(practice, actor):
    city = active_officer_city(actor)
    if city is None or city.pk != practice.city_id:
        raise WorkflowError(ERROR_NOT_AN_OFFICER_OF_CITY)


def require_editor(actor):
    if not is_editor(actor):
        raise WorkflowError(ERROR_NOT_AN_EDITOR)


def require_state(practice, allowed, *, decision=False):
    if practice.status in allowed:
        return
    label = Status(practice.status).label
    if decision:
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": label})
    raise WorkflowError(ERROR_WRONG_STATE % {"status": label})


def require_editable_by_officer(practice, actor):
    require_officer(practice, actor)
    if practice.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        raise WorkflowError(ERROR_NOT_EDITABLE % {"status": practice.get_status_display()})


def name_of(actor):
    return actor.get_full_name() or actor.get_username()


def move(practice, *, actor, to_status, message="", note="", at=None, actor_name="", **timestamps):
    """Write the new status (only if nobody changed it meanwhile) and its event."""
    from_status = practice.status
    changed = Practice.objects.filter(pk=practice.pk, status=from_status).update(
        status=to_status, updated_at=at or timezone.now(), version=F("version") + 1, **timestamps
    )
    if changed != 1:
        # Belt and braces for databases without row locks: someone moved it first.
        current = Practice.objects.get(pk=practice.pk)
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": Status(current.status).label})
    practice.refresh_from_db()
    event = ReviewEvent.objects.create(
        practice=practice,
        actor=actor,
        actor_name=actor_name or name_of(actor),
        from_status=from_status,
        to_status=to_status,
        message=message.strip(),
        note=note.strip(),
        snapshot=practice_snapshot(practice),
    )
    if at is not None:  # a replayed move keeps the time it really happened
        ReviewEvent.objects.filter(pk=event.pk).update(created_at=at)
        event.created_at = at
    public_content_changed()
    return event


def refuse_stale(changes, status_label):
    """Refuse a save made from a page opened before the changes listed."""
    descriptions = [f"{change.actor_name}, {moment_label(change.created_at)}" for change in changes]
    descriptions.append(ERROR_STALE_STATUS % {"status": status_label})
    raise StaleEdit(ERROR_STALE % {"changes": "; ".join(str(item) for item in descriptions)})


def live_changes(practice):
    """Return the changes of a practice's own content: an editor's edits, and the approvals of
    proposed updates (recorded at their decision; the changes an officer made while drafting an
    update carry the update's own version and are left out)."""
    return practice.changes.filter(
        Q(revision__isnull=True)
        | Q(
            revision__status=PracticeRevision.Status.APPROVED,
            created_at__gte=F("revision__decided_at"),
        )
    )


def require_version_seen(current, seen, changes, status_label):
    """Refuse a decision on a version other than the one the editor saw, naming what changed
    since: who, when, and which parts."""
    if seen is None or seen == current:
        return
    descriptions = [
        f"{change.actor_name}, {moment_label(change.created_at)}: {_labels(change.changed_fields)}"
        for change in changes.filter(version__gt=seen)
    ]
    descriptions.append(ERROR_STALE_STATUS % {"status": status_label})
    raise StaleDecision(
        ERROR_DECISION_STALE % {"changes": "; ".join(str(item) for item in descriptions)}
    )


def _labels(names):
    return ", ".join(str(field_label(name)) for name in names)


def field_label(name):
    """Return the name of a part of a practice as its page shows it: "results and evidence"."""
    related = {"images": PracticeImage, "attachments": PracticeAttachment}
    if name in related:
        return related[name]._meta.verbose_name_plural
    if name == "translations":
        return PracticeTranslation._meta.verbose_name_plural
    try:
        return Practice._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def moment_label(moment):
    """A moment as messages name it: local time, in the reader's format."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def record_change(practice, *, actor, fields, revision=None):
    """Record a change of content: new version, history row, public pages forgotten."""
    if not fields:
        return None
    public_content_changed()
    Practice.objects.filter(pk=practice.pk).update(version=F("version") + 1)
    practice.refresh_from_db(fields=["version"])
    return change_row(practice, actor, fields, practice.version, revision)


def change_row(practice, actor, fields, version, revision=None):
    """Write the history row of a change of content (of the practice, or of an update)."""
    return PracticeChange.objects.create(
        practice=practice,
        revision=revision,
        actor=actor,
        actor_name=name_of(actor),
        changed_fields=fields,
        version=version,
    )
