"""Every change to a practice's state, and to its content, happens here.

Nothing else in the code assigns ``Practice.status`` or ``PracticeRevision.status``. Each function
is atomic: it locks the row, checks that the change is allowed from the current state and by this
actor, records what happened (a ``ReviewEvent`` per change of status, a ``PracticeChange`` per
change of content) and queues its e-mails, which leave after the commit.
"""

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cities.models import active_officer_city

from . import notifications
from .models import (
    TRANSLATED_FIELDS,
    Practice,
    PracticeChange,
    PracticeRevision,
    ReviewEvent,
    is_editor,
)
from .signals import public_content_changed
from .snapshots import apply_content, named_snapshot, practice_content, practice_snapshot

logger = logging.getLogger(__name__)
Status = Practice.Status
RevisionStatus = PracticeRevision.Status

ERROR_NOT_AN_OFFICER_OF_CITY = _("Only an active officer of this practice's city can do this.")
ERROR_NOT_AN_EDITOR = _("Only an editor can do this.")
ERROR_ALREADY_DECIDED = _(
    "This is no longer awaiting review: another decision was recorded first "
    "(it is now “%(status)s”). Nothing was changed."
)
ERROR_WRONG_STATE = _("This cannot be done to a practice that is “%(status)s”.")
ERROR_MESSAGE_REQUIRED = _("Write a message to the city explaining your decision.")
ERROR_REASON_REQUIRED = _("Give the reason for archiving; it is recorded in the history.")
ERROR_INCOMPLETE = _(
    "The practice is not complete yet. Fill in the missing parts and submit again."
)
ERROR_NOT_EDITABLE = _(
    "This practice cannot be edited while it is “%(status)s”. "
    "Withdraw it from review first if you need to change it."
)
ERROR_STALE = _(
    "This practice was changed after you opened it (%(changes)s). Your text is still in the "
    "form: compare it with the current version, then save again to keep yours."
)
ERROR_STALE_STATUS = _("it is now “%(status)s”")
ERROR_NEVER_DELETE_PUBLISHED = _("A practice that has been published is archived, never deleted.")
ERROR_NO_UPDATE_TO_SUBMIT = _("There is no proposed update to submit.")


class WorkflowError(Exception):
    """A change that was refused; ``message`` says why in words for the person acting."""

    def __init__(self, message, *, field_errors=None):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}


class AlreadyDecided(WorkflowError):
    """Another editor decided first."""


class StaleEdit(WorkflowError):
    """The practice changed since the form was opened."""


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


# ---------------------------------------------------------------- checks and records


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


def _name(actor):
    return actor.get_full_name() or actor.get_username()


def _move(practice, *, actor, to_status, message="", note="", at=None, actor_name="", **timestamps):
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
        actor_name=actor_name or _name(actor),
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


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _refuse_stale(changes, status_label):
    """Refuse a save made from a page opened before the changes listed."""
    descriptions = [f"{change.actor_name}, {_when(change.created_at)}" for change in changes]
    descriptions.append(ERROR_STALE_STATUS % {"status": status_label})
    raise StaleEdit(ERROR_STALE % {"changes": "; ".join(str(item) for item in descriptions)})


def _record_change(practice, *, actor, fields, revision=None):
    if not fields:
        return None
    public_content_changed()
    Practice.objects.filter(pk=practice.pk).update(version=F("version") + 1)
    practice.refresh_from_db(fields=["version"])
    return PracticeChange.objects.create(
        practice=practice,
        revision=revision,
        actor=actor,
        actor_name=_name(actor),
        changed_fields=fields,
        version=practice.version,
    )


def _unique_slug(title, practice_pk=None):
    base = slugify(title)[:120] or "practice"
    slug, number = base, 2
    while Practice.objects.filter(slug=slug).exclude(pk=practice_pk).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


# ---------------------------------------------------------------- officers write


def practice_create(*, actor, data: dict) -> Practice:
    """Start a new draft for the officer's city."""
    city = active_officer_city(actor)
    if city is None:
        raise WorkflowError(ERROR_NOT_AN_OFFICER_OF_CITY)
    with transaction.atomic():
        practice = Practice(city=city, created_by=actor, slug=_unique_slug(data.get("title", "")))
        fields = apply_content(practice, data)
        _record_change(practice, actor=actor, fields=fields or ["title"])
    return practice


def practice_save_draft(
    *, practice: Practice, actor, data: dict, expected_version=None
) -> Practice:
    """Save an officer's edits of a draft, or of a practice sent back for changes."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_officer(practice, actor)
        if practice.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
            raise WorkflowError(ERROR_NOT_EDITABLE % {"status": practice.get_status_display()})
        if expected_version is not None and expected_version != practice.version:
            _refuse_stale(
                practice.changes.filter(version__gt=expected_version), practice.get_status_display()
            )
        if practice.published_at is None and "title" in data and data["title"] != practice.title:
            practice.slug = _unique_slug(data["title"], practice.pk)
        fields = apply_content(practice, data)
        _record_change(practice, actor=actor, fields=fields)
    return practice


def practice_editor_saved(*, practice: Practice, actor, fields: list) -> None:
    """Record an editor's change of content made in the admin."""
    with transaction.atomic():
        _record_change(_locked(practice), actor=actor, fields=fields)


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
        notifications.notify_editors_of_submission(event)
    return practice


def practice_withdraw(*, practice: Practice, actor) -> Practice:
    """Take back a submission no editor has decided on yet: it becomes a draft again."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_officer(practice, actor)
        _require_state(practice, {Status.SUBMITTED})
        _move(practice, actor=actor, to_status=Status.DRAFT, submitted_at=None)
    return practice


def practice_delete_draft(*, practice: Practice, actor) -> None:
    """Delete a draft that was never published, with its files."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_officer(practice, actor)
        if practice.was_ever_published:
            raise WorkflowError(ERROR_NEVER_DELETE_PUBLISHED)
        _require_state(practice, {Status.DRAFT})
        files = [practice.image.name] if practice.image else []
        files += list(practice.image_renditions.values())
        for image in practice.images.all():
            files += [image.image.name, *image.renditions.values()]
        files += [attachment.file.name for attachment in practice.attachments.all()]
        practice.delete()
        transaction.on_commit(lambda: _delete_files(files))


# ---------------------------------------------------------------- translations

ERROR_TRANSLATION_LANGUAGE = _("Choose a language other than the one the practice is written in.")


def practice_save_translation(*, practice: Practice, actor, language: str, fields: dict | None):
    """Add, change or (with fields None) remove the translation of a practice into a language.

    While the officer writes the practice it is saved at once; for a published practice it
    becomes part of the proposed update, and the public sees it only once approved.
    """
    from .models import TRANSLATION_LANGUAGES

    if language not in TRANSLATION_LANGUAGES or language == practice.language:
        raise WorkflowError(ERROR_TRANSLATION_LANGUAGE)
    if practice.status == Status.PUBLISHED:
        revision = practice.revisions.open().first()
        translations = dict(
            (revision.data if revision else practice_content(practice)).get("translations") or {}
        )
        _put(translations, language, fields)
        return revision_save(practice=practice, actor=actor, data={"translations": translations})
    with transaction.atomic():
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        translations = practice_content(locked)["translations"]
        _put(translations, language, fields)
        changed = apply_content(locked, {"translations": translations})
        _record_change(locked, actor=actor, fields=changed)
    return locked


def _put(translations, language, fields):
    if fields is None:
        translations.pop(language, None)
    else:
        translations[language] = {name: fields.get(name, "") for name in TRANSLATED_FIELDS}


# ---------------------------------------------------------------- images and files


ERROR_TOO_MANY_IMAGES = _("A practice has at most %(count)s further images.")


def _require_editable_by_officer(practice, actor):
    _require_officer(practice, actor)
    if practice.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        raise WorkflowError(ERROR_NOT_EDITABLE % {"status": practice.get_status_display()})


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


ERROR_STORAGE = _(
    "The file could not be stored just now (the storage did not answer). Nothing was changed; "
    "please try again in a few minutes."
)


def _store_then_record(store, record, files_of):
    """Write files first, then the rows; if the rows fail, remove the files (no orphans)."""
    try:
        stored = store()
    except Exception as error:
        # A full disk (OSError) or an object store that is unreachable or refuses the file
        # (botocore's EndpointConnectionError, ClientError…, which are not OSError). The
        # uploader has removed what it wrote; nothing is recorded, and the officer is told.
        logger.exception("Could not store an uploaded file")
        raise WorkflowError(ERROR_STORAGE) from error
    try:
        with transaction.atomic():
            return record(stored)
    except BaseException:
        _delete_files(files_of(stored))
        raise


def _image_files(stored):
    name, renditions = stored
    return [name, *renditions.values()]


def practice_set_main_image(*, practice: Practice, actor, prepared) -> Practice:
    """Replace the main image of a practice an officer is writing."""
    from . import uploads

    _require_editable_by_officer(practice, actor)

    def record(stored):
        name, renditions = stored
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        old = [locked.image.name, *locked.image_renditions.values()] if locked.image else []
        Practice.objects.filter(pk=locked.pk).update(image=name, image_renditions=renditions)
        _record_change(locked, actor=actor, fields=["image"])
        transaction.on_commit(lambda: _delete_files(old))
        locked.refresh_from_db()
        return locked

    return _store_then_record(lambda: uploads.store_image(prepared), record, _image_files)


def practice_add_image(*, practice: Practice, actor, prepared, alt_text: str):
    """Add one of the further images, with its description."""
    from . import uploads
    from .models import PracticeImage

    _require_editable_by_officer(practice, actor)

    def record(stored):
        name, renditions = stored
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        if locked.images.count() >= PracticeImage.MAX_PER_PRACTICE:
            raise WorkflowError(ERROR_TOO_MANY_IMAGES % {"count": PracticeImage.MAX_PER_PRACTICE})
        image = PracticeImage.objects.create(
            practice=locked, image=name, renditions=renditions, alt_text=alt_text.strip()
        )
        _record_change(locked, actor=actor, fields=["images"])
        return image

    return _store_then_record(lambda: uploads.store_image(prepared), record, _image_files)


def practice_remove_image(*, practice: Practice, actor, image) -> None:
    with transaction.atomic():
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        files = [image.image.name, *image.renditions.values()]
        image.delete()
        _record_change(locked, actor=actor, fields=["images"])
        transaction.on_commit(lambda: _delete_files(files))


def practice_add_attachment(*, practice: Practice, actor, uploaded, title: str):
    """Attach a PDF report or evaluation."""
    from . import uploads
    from .models import PracticeAttachment

    _require_editable_by_officer(practice, actor)

    def record(stored):
        name, size = stored
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        attachment = PracticeAttachment.objects.create(
            practice=locked, file=name, size=size, title=title.strip()
        )
        _record_change(locked, actor=actor, fields=["attachments"])
        return attachment

    return _store_then_record(lambda: uploads.store_pdf(uploaded), record, lambda s: [s[0]])


def practice_remove_attachment(*, practice: Practice, actor, attachment) -> None:
    with transaction.atomic():
        locked = _locked(practice)
        _require_editable_by_officer(locked, actor)
        name = attachment.file.name
        attachment.delete()
        _record_change(locked, actor=actor, fields=["attachments"])
        transaction.on_commit(lambda: _delete_files([name]))


# ---------------------------------------------------------------- editors decide


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
        notifications.notify_city_of_decision(event)
    return practice


def practice_approve(*, practice: Practice, actor, message: str = "", note: str = "") -> Practice:
    """Publish a submission: from now on the public sees it."""
    return _decide(
        practice,
        actor=actor,
        to_status=Status.PUBLISHED,
        message=message,
        note=note,
        message_required=False,
        published_at=timezone.now(),
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
        notifications.notify_city_of_decision(event)
    return practice


def practice_restore(*, practice: Practice, actor, message: str = "", note: str = "") -> Practice:
    """Put an archived practice back on the public site."""
    with transaction.atomic():
        practice = _locked(practice)
        _require_editor(actor)
        _require_state(practice, {Status.ARCHIVED})
        event = _move(practice, actor=actor, to_status=Status.PUBLISHED, message=message, note=note)
        notifications.notify_city_of_decision(event)
    return practice


# ---------------------------------------------------------------- updates of published practices


def _locked_revision(revision):
    return (
        PracticeRevision.objects.select_for_update().select_related("practice").get(pk=revision.pk)
    )


def _revision_event(revision, *, actor, from_status, to_status, message="", note=""):
    return ReviewEvent.objects.create(
        practice=revision.practice,
        revision=revision,
        actor=actor,
        actor_name=_name(actor),
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


def _live_changes(practice, *, since_version):
    """Return the changes of a practice's public content after a version: an editor's edits,
    and the approvals of proposed updates (recorded at their decision; the changes an officer
    made while drafting an update carry the update's own version and are left out)."""
    return practice.changes.filter(version__gt=since_version).filter(
        Q(revision__isnull=True)
        | Q(revision__status=RevisionStatus.APPROVED, created_at__gte=F("revision__decided_at"))
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
        practice = _locked(practice)
        _require_officer(practice, actor)
        _require_state(practice, {Status.PUBLISHED})
        if base_version is not None and base_version != practice.version:
            _refuse_stale(
                _live_changes(practice, since_version=base_version), practice.get_status_display()
            )
        revision = (
            PracticeRevision.objects.select_for_update().filter(practice=practice).open().first()
        )
        # A form opened while no update existed carries version 0: if a colleague started an
        # update since, this save is stale too.
        if revision is None and expected_version not in (None, 0):
            raise StaleEdit(ERROR_STALE % {"changes": practice.get_status_display()})
        if revision is not None and expected_version == 0:
            _refuse_stale(revision.changes.all(), revision.get_status_display())
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
            _refuse_stale(
                revision.changes.filter(version__gt=expected_version), revision.get_status_display()
            )
        new_data = {**revision.data, **data}
        fields = [name for name in new_data if new_data[name] != revision.data.get(name)]
        if fields:
            PracticeRevision.objects.filter(pk=revision.pk).update(
                data=new_data, version=F("version") + 1, updated_at=timezone.now()
            )
            revision.refresh_from_db()
            PracticeChange.objects.create(
                practice=practice,
                revision=revision,
                actor=actor,
                actor_name=_name(actor),
                changed_fields=fields,
                version=revision.version,
            )
    return revision


def revision_submit(*, revision: PracticeRevision, actor, message: str = "") -> PracticeRevision:
    """Send proposed changes to the editors."""
    with transaction.atomic():
        revision = _locked_revision(revision)
        _require_officer(revision.practice, actor)
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
        _require_officer(revision.practice, actor)
        if revision.status != RevisionStatus.SUBMITTED:
            raise WorkflowError(ERROR_WRONG_STATE % {"status": revision.get_status_display()})
        _move_revision(revision, actor=actor, to_status=RevisionStatus.DRAFT, submitted_at=None)
    return revision


def _decide_revision(revision, *, actor, to_status, message, note, message_required):
    revision = _locked_revision(revision)
    _require_editor(actor)
    if revision.status != RevisionStatus.SUBMITTED:
        raise AlreadyDecided(ERROR_ALREADY_DECIDED % {"status": revision.get_status_display()})
    if message_required and not message.strip():
        raise WorkflowError(
            ERROR_MESSAGE_REQUIRED, field_errors={"message": ERROR_MESSAGE_REQUIRED}
        )
    return revision, _move_revision(
        revision,
        actor=actor,
        to_status=to_status,
        message=message,
        note=note,
        decided_at=timezone.now(),
    )


def revision_approve(
    *, revision: PracticeRevision, actor, message: str = "", note: str = ""
) -> PracticeRevision:
    """Publish proposed changes: they replace the public version at once."""
    with transaction.atomic():
        practice = _locked(revision.practice)
        revision, event = _decide_revision(
            revision,
            actor=actor,
            to_status=RevisionStatus.APPROVED,
            message=message,
            note=note,
            message_required=False,
        )
        if practice.status != Status.PUBLISHED:
            raise WorkflowError(ERROR_WRONG_STATE % {"status": practice.get_status_display()})
        fields = apply_content(practice, revision.data)
        _record_change(practice, actor=actor, fields=fields, revision=revision)
        notifications.notify_city_of_decision(event)
    return revision


def revision_request_changes(
    *, revision: PracticeRevision, actor, message: str, note: str = ""
) -> PracticeRevision:
    """Send proposed changes back to the city; the public version stays as it is."""
    with transaction.atomic():
        revision, event = _decide_revision(
            revision,
            actor=actor,
            to_status=RevisionStatus.CHANGES_REQUESTED,
            message=message,
            note=note,
            message_required=True,
        )
        notifications.notify_city_of_decision(event)
    return revision


def revision_reject(
    *, revision: PracticeRevision, actor, message: str, note: str = ""
) -> PracticeRevision:
    """Refuse proposed changes; the public version stays as it is."""
    with transaction.atomic():
        revision, event = _decide_revision(
            revision,
            actor=actor,
            to_status=RevisionStatus.REJECTED,
            message=message,
            note=note,
            message_required=True,
        )
        notifications.notify_city_of_decision(event)
    return revision


# ---------------------------------------------------------------- loaders

# Every move the workflow allows, for loaders that replay a practice's history.
ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.CHANGES_REQUESTED: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.PUBLISHED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.DRAFT},
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
