"""The files of practices — images, their resized copies and PDF documents — at
/files/<practice id>/<stored name>, the only way they are reached.

A file is answered as its practice is shown: to anyone while the practice is published, and
otherwise only to whoever may see the practice (an active officer of its city, an editor:
`Practice.objects.visible_to`); anyone else, and any name that is not one of that practice's
files, gets a 404. The addresses never change while the practice keeps its files, so the public
pages that link to them stay cacheable.

With local storage the file is streamed from disk. With an object store (S3) that signs its
addresses, the answer is a redirect to a signed address that expires; one that does not sign
them (no `querystring_auth`, or a custom domain without CloudFront keys) would hand out
permanent addresses, so the file is streamed through here instead.
"""

import logging
import mimetypes
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from practices.models import Practice

logger = logging.getLogger(__name__)

# How long browsers and shared caches may keep a published practice's file. A file is never
# replaced under its name (a new upload gets a new one), but a practice can be archived: its
# files then stay in caches at most this long.
PUBLIC_MAX_AGE = 3600

# What the stored names end with, and what each is. Anything else is sent as plain bytes.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def _image_names(name, renditions):
    names = {name} if name else set()
    if isinstance(renditions, dict):
        names.update(value for value in renditions.values() if isinstance(value, str))
    return names


def _find_file(practice, name):
    """Return the attachment `name` is, None if it is one of the practice's images or their
    copies; raise Http404 if it is none of its files."""
    if name in _image_names(practice.image.name, practice.image_renditions):
        return None
    for image, renditions in practice.images.values_list("image", "renditions"):
        if name in _image_names(image, renditions):
            return None
    attachment = practice.attachments.filter(file=name).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def _download_name(attachment):
    """The document's title as a file name: in Latin letters where it can be written so, in its
    own script otherwise (Arabic, Chinese, Russian titles)."""
    title = attachment.title
    return f"{(slugify(title) or slugify(title, allow_unicode=True))[:80] or 'document'}.pdf"


def _signs_its_addresses(storage):
    """Return True for an object store whose addresses are signed and expire. django-storages
    signs nothing behind a custom domain (a CDN) unless it holds CloudFront keys."""
    if isinstance(storage, FileSystemStorage) or not getattr(storage, "querystring_auth", False):
        return False
    return not getattr(storage, "custom_domain", None) or bool(
        getattr(storage, "cloudfront_signer", None)
    )


def _cache_control(response, published, max_age=PUBLIC_MAX_AGE):
    if published:
        response["Cache-Control"] = f"public, max-age={max_age}"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def practice_file(request, practice_id, name):
    # A published practice's files are the same for everyone: found without looking at who
    # asks, so the answer does not depend on the session.
    practice = Practice.objects.published().filter(pk=practice_id).first()
    published = practice is not None
    if not published:
        practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=practice_id)
    attachment = _find_file(practice, name)
    storage = default_storage
    suffix = PurePosixPath(name).suffix.lower()
    content_type = CONTENT_TYPES.get(suffix) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    disposition = None
    if attachment is not None:
        # Downloaded, never shown inside the site's pages.
        disposition = content_disposition_header(True, _download_name(attachment))

    if _signs_its_addresses(storage):
        parameters = {"ResponseContentType": content_type}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        response = HttpResponseRedirect(storage.url(name, parameters=parameters))
        # The signed address expires: a cached redirect must not outlive it.
        expires = int(getattr(storage, "querystring_expire", PUBLIC_MAX_AGE))
        return _cache_control(response, published, max_age=min(PUBLIC_MAX_AGE, expires // 2))

    try:
        # An object store reports a missing file only once it is read, after the answer began.
        if not isinstance(storage, FileSystemStorage) and not storage.exists(name):
            raise FileNotFoundError(name)
        content = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        raise Http404("No such file.") from None
    except Exception:
        # The storage is unreachable or refusing (a full disk, the object store away).
        logger.exception("Could not read a stored file")
        response = HttpResponse(status=503)
        response["Retry-After"] = "30"
        return _cache_control(response, published=False)
    response = FileResponse(
        content,
        content_type=content_type,
        as_attachment=attachment is not None,
        filename=_download_name(attachment) if attachment is not None else "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_control(response, published)
