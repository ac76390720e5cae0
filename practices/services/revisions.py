"""Proposed updates of a published practice: the officer's changes wait, as data, beside the
public version, which stays as it is until an editor approves them."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from practices import notifications
from practices.models import Practice, PracticeRevision, ReviewEvent
from practices.snapshots import apply_content, named_snapshot, practice_content

from .checks import (
    change_row,
    live_changes,
    lock_practice,
    missing_in,
    name_of,
    record_change,
    refuse_stale,
    require_editor,
    require_officer,
    require_state,
    require_version_seen,
)
from .errors import (
    ERROR_ALREADY_DECIDED,
    ERROR_INCOMPLETE,
    ERROR_MESSAGE_REQUIRED,
    ERROR_NOT_EDITABLE,
    ERROR_STALE,
    ERROR_WRONG_STATE,
    AlreadyDecided,
    StaleEdit,
    WorkflowError,
)

Status = Practice.Status
RevisionStatus = PracticeRevision.Status


def _locked_revision(revision):
    return (
        PracticeRevision.objects.select_for_update().select_related("practice").get(pk=revision.pk)
    )


def _revision_event(revision, *, actor, from_status, to_status, message="", note=""):
    return ReviewEvent.objects.create(
        practice=revision.practice,
        revision=revision,
        actor=actor,
        actor_name=name_of(actor),
        from_status=from_status,
        to_status=to_status,
        message=message.strip(),
        note=note.strip(),
        snapshot=named_snapshot(revision.data),
    )


def _move_revision(revision, *, actor, to_status, message="", note="", **fields):
    from_status = revision.status
    changed = PracticeRevision.objects.filter(pk=revision.pk, status=from_status).update(
        status=to_status, version=F("version") + 1, **fields
    )
    if changed != 1:
        current = PracticeRevision.objects.get(pk=revision.pk)
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": current.get_status_display()})
    revision.refresh_from_db()
    return _revision_event(
        revision,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        message=message,
        note=note,
    )


def revision_save(
    *, practice: Practice, actor, data: dict, expected_version=None, base_version=None
) -> PracticeRevision:
    """Save an officer's proposed changes to a published practice; the public sees none yet.

    ``expected_version`` is the version of the proposed update the form was opened on (0: none
    existed yet), ``base_version`` the version of the public practice then: a form opened
    before an earlier update was approved, or before an editor corrected the practice, shows
    text that is no longer current and is refused as stale.
    """
    with transaction.atomic():
        practice = lock_practice(practice)
        require_officer(practice, actor)
        require_state(practice, {Status.PUBLISHED})
        if base_version is not None and base_version != practice.version:
            refuse_stale(
                live_changes(practice).filter(version__gt=base_version),
                practice.get_status_display(),
            )
        revision = (
            PracticeRevision.objects.select_for_update().filter(practice=practice).open().first()
        )
        # A form opened while no update existed carries version 0: if a colleague started an
        # update since, this save is stale too.
        if revision is None and expected_version not in (None, 0):
            raise StaleEdit(ERROR_STALE % {"changes": practice.get_status_display()})
        if revision is not None and expected_version == 0:
            refuse_stale(revision.changes.all(), revision.get_status_display())
        if revision is None:
            expected_version = None
            revision = PracticeRevision.objects.create(
                practice=practice,
                created_by=actor,
                data=practice_content(practice),
                base_version=practice.version,
            )
        if revision.status == RevisionStatus.SUBMITTED:
            raise WorkflowError(ERROR_NOT_EDITABLE % {"status": revision.get_status_display()})
        if expected_version is not None and expected_version != revision.version:
            refuse_stale(
                revision.changes.filter(version__gt=expected_version), revision.get_status_display()
            )
        new_data = {**revision.data, **data}
        fields = [name for name in new_data if new_data[name] != revision.data.get(name)]
        if fields:
            PracticeRevision.objects.filter(pk=revision.pk).update(
                data=new_data, version=F("version") + 1, updated_at=timezone.now()
            )
            revision.refresh_from_db()
            change_row(practice, actor, fields, revision.version, revision)
    return revision


def revision_submit(*, revision: PracticeRevision, actor, message: str = "") -> PracticeRevision:
    """Send proposed changes to the editors."""
    with transaction.atomic():
        revision = _locked_revision(revision)
        require_officer(revision.practice, actor)
        if revision.status not in (RevisionStatus.DRAFT, RevisionStatus.CHANGES_REQUESTED):
            raise WorkflowError(ERROR_WRONG_STATE % {"status": revision.get_status_display()})
        data = {
            **revision.data,
            "image": revision.practice.image.name if revision.practice.image else "",
        }
        errors = missing_in(data)
        if errors:
            raise WorkflowError(ERROR_INCOMPLETE, field_errors=errors)
        event = _move_revision(
            revision,
            actor=actor,
            to_status=RevisionStatus.SUBMITTED,
            message=message,
            submitted_at=timezone.now(),
        )
        notifications.notify_editors_of_submission(event)
    return revision


def revision_withdraw(*, revision: PracticeRevision, actor) -> PracticeRevision:
    """Take back proposed changes no editor has decided on yet."""
    with transaction.atomic():
        revision = _locked_revision(revision)
        require_officer(revision.practice, actor)
        if revision.status != RevisionStatus.SUBMITTED:
            raise WorkflowError(ERROR_WRONG_STATE % {"status": revision.get_status_display()})
        _move_revision(revision, actor=actor, to_status=RevisionStatus.DRAFT, submitted_at=None)
    return revision


def _decide_revision(revision, actor, to_status, message, note, version):
    """An editor's decision on a submitted update, inside the caller's transaction: on the
    version the editor saw; sending it back or refusing it needs a message to the city."""
    revision = _locked_revision(revision)
    require_editor(actor)
    if revision.status != RevisionStatus.SUBMITTED:
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": revision.get_status_display()})
    require_version_seen(revision.version, version, revision.changes, revision.get_status_display())
    if to_status != RevisionStatus.APPROVED and not message.strip():
        raise WorkflowError(
            ERROR_MESSAGE_REQUIRED, field_errors={"message": ERROR_MESSAGE_REQUIRED}
        )
    event = _move_revision(
        revision,
        actor=actor,
        to_status=to_status,
        message=message,
        note=note,
        decided_at=timezone.now(),
    )
    return revision, event


def revision_approve(
    *,
    revision: PracticeRevision,
    actor,
    message: str = "",
    note: str = "",
    version: int | None = None,
) -> PracticeRevision:
    """Publish proposed changes: they replace the public version at once."""
    with transaction.atomic():
        practice = lock_practice(revision.practice)
        revision, event = _decide_revision(
            revision, actor, RevisionStatus.APPROVED, message, note, version
        )
        if practice.status != Status.PUBLISHED:
            raise WorkflowError(ERROR_WRONG_STATE % {"status": practice.get_status_display()})
        fields = apply_content(practice, revision.data)
        record_change(practice, actor=actor, fields=fields, revision=revision)
        notifications.notify_city_of_decision(event)
    return revision


def _send_back(revision, actor, to_status, message, note, version):
    with transaction.atomic():
        revision, event = _decide_revision(revision, actor, to_status, message, note, version)
        notifications.notify_city_of_decision(event)
    return revision


def revision_request_changes(
    *, revision: PracticeRevision, actor, message: str, note: str = "", version: int | None = None
) -> PracticeRevision:
    """Send proposed changes back to the city; the public version stays as it is."""
    return _send_back(revision, actor, RevisionStatus.CHANGES_REQUESTED, message, note, version)


def revision_reject(
    *, revision: PracticeRevision, actor, message: str, note: str = "", version: int | None = None
) -> PracticeRevision:
    """Refuse proposed changes; the public version stays as it is."""
    return _send_back(revision, actor, RevisionStatus.REJECTED, message, note, version)
