"""Images and PDF documents of a practice an officer is writing: stored first, then recorded;
if recording fails, the stored files are removed again."""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from practices import uploads
from practices.models import Practice, PracticeAttachment, PracticeImage

from .checks import lock_practice, record_change, require_editable_by_officer
from .errors import WorkflowError

# One logger for all the services, whichever module: what operators filter on.
logger = logging.getLogger("practices.services")

ERROR_TOO_MANY_IMAGES = _("A practice has at most %(count)s further images.")


def delete_files(names):
    """Delete stored files (after the commit that stops referring to them)."""
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
        delete_files(files_of(stored))
        raise


def _image_files(stored):
    name, renditions = stored
    return [name, *renditions.values()]


def practice_set_main_image(*, practice: Practice, actor, prepared) -> Practice:
    """Replace the main image of a practice an officer is writing."""
    require_editable_by_officer(practice, actor)

    def record(stored):
        name, renditions = stored
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        old = [locked.image.name, *locked.image_renditions.values()] if locked.image else []
        Practice.objects.filter(pk=locked.pk).update(image=name, image_renditions=renditions)
        record_change(locked, actor=actor, fields=["image"])
        transaction.on_commit(lambda: delete_files(old))
        locked.refresh_from_db()
        return locked

    return _store_then_record(lambda: uploads.store_image(prepared), record, _image_files)


def practice_add_image(*, practice: Practice, actor, prepared, alt_text: str):
    """Add one of the further images, with its description."""
    require_editable_by_officer(practice, actor)

    def record(stored):
        name, renditions = stored
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        if locked.images.count() >= PracticeImage.MAX_PER_PRACTICE:
            raise WorkflowError(ERROR_TOO_MANY_IMAGES % {"count": PracticeImage.MAX_PER_PRACTICE})
        image = PracticeImage.objects.create(
            practice=locked, image=name, renditions=renditions, alt_text=alt_text.strip()
        )
        record_change(locked, actor=actor, fields=["images"])
        return image

    return _store_then_record(lambda: uploads.store_image(prepared), record, _image_files)


def practice_remove_image(*, practice: Practice, actor, image) -> None:
    with transaction.atomic():
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        files = [image.image.name, *image.renditions.values()]
        image.delete()
        record_change(locked, actor=actor, fields=["images"])
        transaction.on_commit(lambda: delete_files(files))


def practice_add_attachment(*, practice: Practice, actor, uploaded, title: str):
    """Attach a PDF report or evaluation."""
    require_editable_by_officer(practice, actor)

    def record(stored):
        name, size = stored
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        attachment = PracticeAttachment.objects.create(
            practice=locked, file=name, size=size, title=title.strip()
        )
        record_change(locked, actor=actor, fields=["attachments"])
        return attachment

    return _store_then_record(lambda: uploads.store_pdf(uploaded), record, lambda s: [s[0]])


def practice_remove_attachment(*, practice: Practice, actor, attachment) -> None:
    with transaction.atomic():
        locked = lock_practice(practice)
        require_editable_by_officer(locked, actor)
        name = attachment.file.name
        attachment.delete()
        record_change(locked, actor=actor, fields=["attachments"])
        transaction.on_commit(lambda: delete_files([name]))
