"""What image and PDF uploads share: reading an upload within a limit, the form field that
checks one by its content, and deleting stored files."""

import io

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

FILE_SIZE_UNKNOWN = _("The size of this file could not be determined. Please upload it again.")

MB = 1024 * 1024


def refusal(message, code, **params):
    return ValidationError(message, code=code, params=params or None)


def known_size(uploaded):
    """Return the upload's size as reported, refusing an upload whose size is unknown."""
    size = getattr(uploaded, "size", None)
    if not isinstance(size, int) or size < 0:
        raise refusal(FILE_SIZE_UNKNOWN, "file_size_unknown")
    return size


def read_at_most(uploaded, limit, too_large):
    """Read an upload in chunks into memory, stopping as soon as it passes `limit` bytes."""
    if known_size(uploaded) > limit:
        raise too_large
    buffer = io.BytesIO()
    for chunk in uploaded.chunks():
        buffer.write(chunk)
        # The reported size is checked first, but only what is read counts.
        if buffer.tell() > limit:
            raise too_large
    return buffer.getvalue()


class CheckedUploadField(forms.FileField):
    """A file field that checks a new upload by its content (`check`), and tells the browser
    which types it accepts. Like `FileField`, `clean()` returns None when nothing was uploaded,
    `initial` when nothing new was uploaded and an initial value was given, and False when a
    `ClearableFileInput`'s "clear" box was ticked on an optional field."""

    default_accept = ""

    def check(self, uploaded):
        raise NotImplementedError

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", self.default_accept)
        return attrs

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return self.check(value)
        return value


def delete_quietly(names):
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            pass


def delete_stored_file(name):
    """Delete a stored file; an empty name or a file already gone is fine."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except FileNotFoundError:
        pass
