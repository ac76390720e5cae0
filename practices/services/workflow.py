"""The moves of a practice between its states (practices/README.md has the table): officers
submit and withdraw, editors decide, archive and restore. Each locks the practice, checks the
move and who makes it, records one ReviewEvent and queues its e-mail for after the commit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices import notifications
from practices.models import Practice

from .checks import (
    live_changes,
    lock_practice,
    missing_for_submission,
    move,
    require_editor,
    require_officer,
    require_state,
    require_version_seen,
)
from .errors import (
    ERROR_INCOMPLETE,
    ERROR_MESSAGE_REQUIRED,
    ERROR_REASON_REQUIRED,
    ERROR_WRONG_STATE,
    WorkflowError,
)
from .media import delete_files

Status = Practice.Status
ERROR_NEVER_DELETE_PUBLISHED = _("A practice that has been published is archived, never deleted.")

# Every move the workflow allows, for loaders that replay a practice's history.
ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.CHANGES_REQUESTED: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.PUBLISHED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.DRAFT},
    Status.PUBLISHED: {Status.ARCHIVED},
    Status.ARCHIVED: {Status.PUBLISHED},
}


def practice_submit(*, practice: Practice, actor, message: str = "") -> Practice:
    """Send a draft, or a practice sent back for changes, to the editors."""
    with transaction.atomic():
        practice = lock_practice(practice)
        require_officer(practice, actor)
        require_state(practice, {Status.DRAFT, Status.CHANGES_REQUESTED})
        errors = missing_for_submission(practice)
        if errors:
            raise WorkflowError(ERROR_INCOMPLETE, field_errors=errors)
        event = move(
            practice,
            actor=actor,
            to_status=Status.SUBMITTED,
            message=message,
            submitted_at=timezone.now(),
        )
        notifications.notify_editors_of_submission(event)
    return practice


def practice_withdraw(*, practice: Practice, actor) -> Practice:
    """Take back a submission no editor has decided on yet: it becomes a draft again."""
    with transaction.atomic():
        practice = lock_practice(practice)
        require_officer(practice, actor)
        require_state(practice, {Status.SUBMITTED})
        move(practice, actor=actor, to_status=Status.DRAFT, submitted_at=None)
    return practice


def practice_delete_draft(*, practice: Practice, actor) -> None:
    """Delete a draft that was never published, with its files."""
    with transaction.atomic():
        practice = lock_practice(practice)
        require_officer(practice, actor)
        if practice.was_ever_published:
            raise WorkflowError(ERROR_NEVER_DELETE_PUBLISHED)
        require_state(practice, {Status.DRAFT})
        files = [practice.image.name] if practice.image else []
        files += list(practice.image_renditions.values())
        for image in practice.images.all():
            files += [image.image.name, *image.renditions.values()]
        files += [attachment.file.name for attachment in practice.attachments.all()]
        practice.delete()
        transaction.on_commit(lambda: delete_files(files))


def _editor_move(practice, actor, from_status, to_status, message, note, version, **timestamps):
    """An editor's move of a practice, with the e-mail to the city. A decision on a submission
    that another editor decided first is AlreadyDecided; on another version than the one the
    editor saw, StaleDecision; a move that needs a message (see MESSAGE_REQUIRED) is refused
    without one."""
    with transaction.atomic():
        practice = lock_practice(practice)
        require_editor(actor)
        require_state(practice, {from_status}, decision=from_status == Status.SUBMITTED)
        require_version_seen(
            practice.version, version, live_changes(practice), practice.get_status_display()
        )
        required = MESSAGE_REQUIRED.get(to_status)
        if required and not message.strip():
            raise WorkflowError(required, field_errors={"message": required})
        event = move(
            practice, actor=actor, to_status=to_status, message=message, note=note, **timestamps
        )
        notifications.notify_city_of_decision(event)
    return practice


# The moves whose message to the city is required, and what to say without one.
MESSAGE_REQUIRED = {
    Status.CHANGES_REQUESTED: ERROR_MESSAGE_REQUIRED,
    Status.REJECTED: ERROR_MESSAGE_REQUIRED,
    Status.ARCHIVED: ERROR_REASON_REQUIRED,
}


def practice_approve(
    *, practice: Practice, actor, message: str = "", note: str = "", version: int | None = None
) -> Practice:
    """Publish a submission: from now on the public sees it."""
    published_at = timezone.now()
    return _editor_move(
        practice,
        actor,
        Status.SUBMITTED,
        Status.PUBLISHED,
        message,
        note,
        version,
        published_at=published_at,
    )


def practice_request_changes(
    *, practice: Practice, actor, message: str, note: str = "", version: int | None = None
) -> Practice:
    """Send a submission back to its city with what to change."""
    return _editor_move(
        practice, actor, Status.SUBMITTED, Status.CHANGES_REQUESTED, message, note, version
    )


def practice_reject(
    *, practice: Practice, actor, message: str, note: str = "", version: int | None = None
) -> Practice:
    """Refuse a submission for good, with the reason."""
    return _editor_move(practice, actor, Status.SUBMITTED, Status.REJECTED, message, note, version)


def practice_archive(
    *, practice: Practice, actor, message: str, note: str = "", version: int | None = None
) -> Practice:
    """Take a published practice off the public site; it is kept, never deleted."""
    return _editor_move(practice, actor, Status.PUBLISHED, Status.ARCHIVED, message, note, version)


def practice_restore(
    *, practice: Practice, actor, message: str = "", note: str = "", version: int | None = None
) -> Practice:
    """Put an archived practice back on the public site."""
    return _editor_move(practice, actor, Status.ARCHIVED, Status.PUBLISHED, message, note, version)


def practice_record_past_transition(
    *, practice: Practice, to_status: str, at, actor=None, actor_name: str = "", message: str = ""
) -> Practice:
    """Replay a move that happened elsewhere (demo data, an import), at the time it happened.

    The move must be one the workflow allows; no e-mail is sent.
    """
    with transaction.atomic():
        practice = lock_practice(practice)
        if to_status not in ALLOWED_TRANSITIONS.get(practice.status, set()):
            raise WorkflowError(ERROR_WRONG_STATE % {"status": Status(practice.status).label})
        timestamps = {}
        if to_status == Status.SUBMITTED:
            timestamps["submitted_at"] = at
        if to_status == Status.PUBLISHED and practice.published_at is None:
            timestamps["published_at"] = at
        move(
            practice,
            actor=actor,
            actor_name=actor_name,
            to_status=to_status,
            message=message,
            at=at,
            **timestamps,
        )
    practice.refresh_from_db()
    return practice
