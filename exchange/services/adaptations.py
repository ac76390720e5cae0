"""Every change to an adaptation record: an officer records or edits it and submits it; an
editor approves it (its public version becomes what the officer submitted), asks for changes
or rejects it, always on the version their page showed. The practice it adapts is recounted
(``Practice.adapted_in``) whenever what the public sees of it changes."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city
from core.editors import is_editor
from core.page_cache import public_content_changed
from exchange import notifications
from exchange.models import ADAPTATION_PUBLIC_FIELDS, Adaptation, AdaptationEvent
from practices.models import Practice
from practices.services.adaptations import refresh_adapted_in
from practices.services.checks import moment_label

from .conversations import ERROR_NOT_AN_EDITOR, ExchangeError, StaleDecision

Status, Action = Adaptation.Status, AdaptationEvent.Action

# What an officer writes: the fields of the public version, own practice by object.
OFFICER_FIELDS = ["started_in", "progress", "what_changed", "outcome", "own_practice"]

ERROR_NOT_AN_OFFICER = _("Only an active officer of the adapting city can do this.")
ERROR_OWN_CITY = _("This is a practice of your own city: it cannot be adapted from another city.")
ERROR_NOT_PUBLISHED = _("Only published practices can be recorded as adapted.")
ERROR_ALREADY_RECORDED = _(
    "Your city has already recorded that it adapted this practice: edit that record instead."
)
ERROR_OWN_PRACTICE = _("Link a practice of your own city only.")
ERROR_NOT_SUBMITTED = _("This adaptation is not awaiting review: it is “%(state)s”.")
ERROR_ALREADY_SUBMITTED = _("This adaptation is already awaiting review.")
ERROR_MESSAGE_REQUIRED = _("Write a message: the city needs to know what to change, or why.")
ERROR_EDIT_STALE = _(
    "Someone changed this adaptation since you opened it (%(changes)s). Your text is kept "
    "below: check the record, then save again."
)
ERROR_DECISION_STALE = _(
    "The adaptation changed since you opened it (%(changes)s). Read it again, then decide."
)


def _name_of(user):
    return user.get_full_name() or user.get_username()


def _changes_since(adaptation, seen):
    changes = [
        f"{event.get_action_display()} ({event.actor_name}, {moment_label(event.created_at)})"
        for event in adaptation.events.filter(version__gt=seen)
    ]
    return "; ".join(changes) or str(
        _("edited, %(when)s") % {"when": moment_label(adaptation.updated_at)}
    )


def _record(adaptation, actor, action, message=""):
    return AdaptationEvent.objects.create(
        adaptation=adaptation,
        actor=actor,
        actor_name=_name_of(actor),
        action=action,
        message=message.strip(),
        version=adaptation.version,
    )


def require_can_adapt(*, original: Practice, city):
    """Refuse a record about an unpublished practice or one of the officer's own city."""
    if city is None:
        raise ExchangeError(ERROR_NOT_AN_OFFICER)
    if original.status != Practice.Status.PUBLISHED:
        raise ExchangeError(ERROR_NOT_PUBLISHED)
    if original.city_id == city.pk:
        raise ExchangeError(ERROR_OWN_CITY)


def _check_own_practice(data, city):
    own = data.get("own_practice")
    if own is not None and own.city_id != city.pk:
        raise ExchangeError(ERROR_OWN_PRACTICE, field="own_practice")


def adaptation_create(*, original: Practice, actor, data: dict, submit=False, message=""):
    """Record that the officer's city adapted a published practice of another city."""
    city = active_officer_city(actor)
    with transaction.atomic():
        original = Practice.objects.select_for_update().get(pk=original.pk)
        require_can_adapt(original=original, city=city)
        _check_own_practice(data, city)
        if Adaptation.objects.filter(original=original, city=city).exists():
            raise ExchangeError(ERROR_ALREADY_RECORDED)
        adaptation = Adaptation.objects.create(
            original=original,
            city=city,
            recorded_by=actor,
            **{name: data[name] for name in OFFICER_FIELDS if name in data},
        )
        if submit:
            _submit(adaptation, actor, message)
    return adaptation


def adaptation_save(
    *, adaptation: Adaptation, actor, data: dict, version: int | None, submit=False, message=""
):
    """Save an officer's edit (and submit it, if asked). The public version, if any, stays
    until an editor approves the new one."""
    city = active_officer_city(actor)
    with transaction.atomic():
        adaptation = Adaptation.objects.select_for_update().get(pk=adaptation.pk)
        if city is None or city.pk != adaptation.city_id:
            raise ExchangeError(ERROR_NOT_AN_OFFICER)
        _check_own_practice(data, city)
        if version is not None and version != adaptation.version:
            raise ExchangeError(ERROR_EDIT_STALE % {"changes": _changes_since(adaptation, version)})
        changed = {
            name: data[name]
            for name in OFFICER_FIELDS
            if name in data and getattr(adaptation, name) != data[name]
        }
        if changed:
            for name, value in changed.items():
                setattr(adaptation, name, value)
            adaptation.version += 1
            if adaptation.status in (Status.APPROVED, Status.REJECTED):
                adaptation.status = Status.DRAFT  # a new version to review
            adaptation.save()
        if submit:
            if adaptation.status == Status.SUBMITTED and not changed:
                raise ExchangeError(ERROR_ALREADY_SUBMITTED)
            _submit(adaptation, actor, message)
    return adaptation


def _submit(adaptation, actor, message):
    Adaptation.objects.filter(pk=adaptation.pk).update(
        status=Status.SUBMITTED, submitted_at=timezone.now(), version=F("version") + 1
    )
    adaptation.refresh_from_db()
    event = _record(adaptation, actor, Action.SUBMITTED, message)
    notifications.notify_editors_of_adaptation(event)


def _decide(adaptation, actor, version, message, *, message_required):
    if not is_editor(actor):
        raise ExchangeError(ERROR_NOT_AN_EDITOR)
    adaptation = Adaptation.objects.select_for_update().get(pk=adaptation.pk)
    if version is not None and version != adaptation.version:
        raise StaleDecision(ERROR_DECISION_STALE % {"changes": _changes_since(adaptation, version)})
    if adaptation.status != Status.SUBMITTED:
        raise ExchangeError(ERROR_NOT_SUBMITTED % {"state": adaptation.get_status_display()})
    if message_required and not (message or "").strip():
        raise ExchangeError(ERROR_MESSAGE_REQUIRED, field="reason")
    return adaptation


def _after_decision(adaptation, actor, action, message, *, public_changed):
    adaptation.refresh_from_db()
    event = _record(adaptation, actor, action, message)
    if public_changed:
        refresh_adapted_in({adaptation.original_id})
        public_content_changed()
    notifications.notify_city_of_adaptation_decision(event)
    return adaptation


def adaptation_approve(*, adaptation: Adaptation, actor, version: int | None, reason: str = ""):
    """An editor approves what was submitted: it becomes the public version."""
    with transaction.atomic():
        adaptation = _decide(adaptation, actor, version, reason, message_required=False)
        public = {name: getattr(adaptation, name) for name in ADAPTATION_PUBLIC_FIELDS}
        Adaptation.objects.filter(pk=adaptation.pk).update(
            status=Status.APPROVED,
            public_version=public,
            public_own_practice=adaptation.own_practice_id,
            approved_at=timezone.now(),
            version=F("version") + 1,
        )
        return _after_decision(adaptation, actor, Action.APPROVED, reason, public_changed=True)


def adaptation_request_changes(
    *, adaptation: Adaptation, actor, version: int | None, reason: str = ""
):
    """An editor sends it back with what to change; an approved version stays shown."""
    with transaction.atomic():
        adaptation = _decide(adaptation, actor, version, reason, message_required=True)
        Adaptation.objects.filter(pk=adaptation.pk).update(
            status=Status.CHANGES_REQUESTED, version=F("version") + 1
        )
        return _after_decision(
            adaptation, actor, Action.CHANGES_REQUESTED, reason, public_changed=False
        )


def adaptation_reject(*, adaptation: Adaptation, actor, version: int | None, reason: str = ""):
    """An editor refuses the record: nothing of it is shown any more."""
    with transaction.atomic():
        adaptation = _decide(adaptation, actor, version, reason, message_required=True)
        was_public = adaptation.public_version is not None
        Adaptation.objects.filter(pk=adaptation.pk).update(
            status=Status.REJECTED,
            public_version=None,
            public_own_practice=None,
            version=F("version") + 1,
        )
        return _after_decision(
            adaptation, actor, Action.REJECTED, reason, public_changed=was_public
        )
