"""State changes of practices. Nothing else in the code assigns ``Practice.status``.

Each function is atomic: it locks the practice row, checks that the move is allowed from the
current state and by this actor, records a ``ReviewEvent`` and sends e-mail after the commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city

from . import notifications
from .models import Practice, ReviewEvent, is_editor
from .snapshots import practice_snapshot

Status = Practice.Status

ERROR_NOT_AN_OFFICER_OF_CITY = _("Only an active officer of this practice's city can do this.")
ERROR_NOT_AN_EDITOR = _("Only an editor can do this.")
ERROR_ALREADY_DECIDED = _(
    "This practice is no longer awaiting review: another decision was recorded first "
    "(it is now “%(status)s”). Nothing was changed."
)
ERROR_WRONG_STATE = _("This cannot be done to a practice that is “%(status)s”.")
ERROR_MESSAGE_REQUIRED = _("Write a message to the city explaining your decision.")
ERROR_REASON_REQUIRED = _("Give the reason for archiving; it is recorded in the history.")
ERROR_INCOMPLETE = _(
    "The practice is not complete yet. Fill in the missing parts and submit again."
)


class WorkflowError(Exception):
    """A state change that was refused; ``message`` says why in words for the person acting."""

    def __init__(self, message, *, field_errors=None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


class AlreadyDecided(WorkflowError):
    """Another editor decided on the submission first."""


SUBMISSION_REQUIRED_FIELDS = [
    "title",
    "summary",
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
    "start_year",
    "contact_name",
    "contact_email",
]


def missing_for_submission(practice):
    """Return {field name: message} for what a practice still lacks before it can be submitted."""
    errors = {}
    for name in SUBMISSION_REQUIRED_FIELDS:
        value = getattr(practice, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = Practice._meta.get_field(name).verbose_name
            errors[name] = _("Fill in “%(field)s”.") % {"field": label}
    if practice.pk is None or not practice.themes.exists():
        errors["themes"] = _("Choose at least one theme.")
    if practice.pk is None or not practice.target_groups.exists():
        errors["target_groups"] = _("Choose at least one target group.")
    if practice.pk is None or not practice.city_roles.exists():
        errors["city_roles"] = _("Choose at least one role of the city.")
    if practice.image and not practice.image_alt.strip():
        errors["image_alt"] = _("Describe the image for people who cannot see it.")
    return errors


def _locked(practice):
    return Practice.objects.select_for_update().get(pk=practice.pk)


def _require_officer(practice, actor):
    city = active_officer_city(actor)
    if city is None or city.pk != practice.city_id:
        raise WorkflowError(ERROR_NOT_AN_OFFICER_OF_CITY)


def _require_editor(actor):
    if not is_editor(actor):
        raise WorkflowError(ERROR_NOT_AN_EDITOR)


def _require_state(practice, allowed, *, decision=False):
    if practice.status in allowed:
        return
    label = Status(practice.status).label
    if decision:
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": label})
    raise WorkflowError(ERROR_WRONG_STATE % {"status": label})


def _move(practice, *, actor, to_status, message="", note="", at=None, actor_name="", **timestamps):
    """Write the new status (only if nobody changed it meanwhile) and its event."""
    from_status = practice.status
    changed = Practice.objects.filter(pk=practice.pk, status=from_status).update(
        status=to_status, updated_at=at or timezone.now(), **timestamps
    )
    if changed != 1:
        # Belt and braces for databases without row locks: someone moved it first.
        current = Practice.objects.get(pk=practice.pk)
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": Status(current.status).label})
    practice.refresh_from_db()
    event = ReviewEvent.objects.create(
        practice=practice,
        actor=actor,
        actor_name=actor_name or actor.get_full_name() or actor.get_username(),
        from_status=from_status,
        to_status=to_status,
        message=message.strip(),
        note=note.strip(),
        snapshot=practice_snapshot(practice),
    )
    if at is not None:  # a replayed move keeps the time it really happened
        ReviewEvent.objects.filter(pk=event.pk).update(created_at=at)
        event.created_at = at
    return event


def practice_submit(*, practice: Practice, actor, message: str = "") -> Practice:
    """Send a draft, or a practice sent back for changes, to the editors."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_officer(practice, actor)
        _require_state(practice, {Status.DRAFT, Status.CHANGES_REQUESTED})
        errors = missing_for_submission(practice)
        if errors:
            raise WorkflowError(ERROR_INCOMPLETE, field_errors=errors)
        event = _move(
            practice,
            actor=actor,
            to_status=Status.SUBMITTED,
            message=message,
            submitted_at=timezone.now(),
        )
        transaction.on_commit(lambda: notifications.notify_editors_of_submission(event))
    return practice


def _decide(practice, *, actor, to_status, message, note, message_required, **timestamps):
    with transaction.atomic():
        practice = _locked(practice)
        _require_editor(actor)
        _require_state(practice, {Status.SUBMITTED}, decision=True)
        if message_required and not message.strip():
            raise WorkflowError(
                ERROR_MESSAGE_REQUIRED, field_errors={"message": ERROR_MESSAGE_REQUIRED}
            )
        event = _move(
            practice, actor=actor, to_status=to_status, message=message, note=note, **timestamps
        )
        transaction.on_commit(lambda: notifications.notify_city_of_decision(event))
    return practice


def practice_approve(*, practice: Practice, actor, message: str = "", note: str = "") -> Practice:
    """Publish a submission: from now on the public sees it."""
    now = timezone.now()
    return _decide(
        practice,
        actor=actor,
        to_status=Status.PUBLISHED,
        message=message,
        note=note,
        message_required=False,
        published_at=now,
    )


def practice_request_changes(
    *, practice: Practice, actor, message: str, note: str = ""
) -> Practice:
    """Send a submission back to its city with what to change."""
    return _decide(
        practice,
        actor=actor,
        to_status=Status.CHANGES_REQUESTED,
        message=message,
        note=note,
        message_required=True,
    )


def practice_reject(*, practice: Practice, actor, message: str, note: str = "") -> Practice:
    """Refuse a submission for good, with the reason."""
    return _decide(
        practice,
        actor=actor,
        to_status=Status.REJECTED,
        message=message,
        note=note,
        message_required=True,
    )


def practice_archive(*, practice: Practice, actor, message: str, note: str = "") -> Practice:
    """Take a published practice off the public site; it is kept, never deleted."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_editor(actor)
        _require_state(practice, {Status.PUBLISHED})
        if not message.strip():
            raise WorkflowError(
                ERROR_REASON_REQUIRED, field_errors={"message": ERROR_REASON_REQUIRED}
            )
        event = _move(practice, actor=actor, to_status=Status.ARCHIVED, message=message, note=note)
        transaction.on_commit(lambda: notifications.notify_city_of_decision(event))
    return practice


def practice_restore(*, practice: Practice, actor, message: str = "", note: str = "") -> Practice:
    """Put an archived practice back on the public site."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_editor(actor)
        _require_state(practice, {Status.ARCHIVED})
        event = _move(practice, actor=actor, to_status=Status.PUBLISHED, message=message, note=note)
        transaction.on_commit(lambda: notifications.notify_city_of_decision(event))
    return practice


# Every move the workflow allows, for loaders that replay a practice's history.
ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.CHANGES_REQUESTED: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.PUBLISHED, Status.CHANGES_REQUESTED, Status.REJECTED},
    Status.PUBLISHED: {Status.ARCHIVED},
    Status.ARCHIVED: {Status.PUBLISHED},
}


def practice_record_past_transition(
    *, practice: Practice, to_status: str, at, actor=None, actor_name: str = "", message: str = ""
) -> Practice:
    """Replay a move that happened elsewhere (demo data, an import), at the time it happened.

    The move must be one the workflow allows; no e-mail is sent.
    """
    with transaction.atomic():
        practice = _locked(practice)
        if to_status not in ALLOWED_TRANSITIONS.get(practice.status, set()):
            raise WorkflowError(ERROR_WRONG_STATE % {"status": Status(practice.status).label})
        timestamps = {}
        if to_status == Status.SUBMITTED:
            timestamps["submitted_at"] = at
        if to_status == Status.PUBLISHED and practice.published_at is None:
            timestamps["published_at"] = at
        _move(
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
