"""The one place that accepts files from city officers: images and PDFs.

Every check looks at the file's content, never at its name or at the content type the browser
sent. Stored files get generated names; the uploaded name is never used.

Images (JPEG, PNG, WebP):

- ``ImageUploadField`` checks an upload and cleans it to a ``PreparedImage``: decoded, turned
  upright from its EXIF orientation, converted to sRGB and re-encoded without any metadata (no
  EXIF, GPS, XMP, ICC profile or comments).
- ``store_image`` saves it with two resized WebP copies; ``delete_stored_image`` removes them.

PDFs:

- ``PdfUploadField`` checks that an upload starts like a PDF and ends like one.
- ``store_pdf`` saves it; ``delete_stored_file`` removes it.
"""

import io
import re
import uuid
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Limits. They do not depend on settings: the messages promise them to officers.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_BYTES = 20 * 1024 * 1024

# Resized copies of each image, by name and width in pixels. Never wider than the original.
RENDITION_WIDTHS = {"card": 480, "page": 1200}

IMAGE_FOLDER = "practices"
ATTACHMENT_FOLDER = "attachments"

JPEG_QUALITY = 85
WEBP_QUALITY = 85
RENDITION_QUALITY = 80
# The largest width or height a WebP file can have.
WEBP_MAX_SIDE = 16383

# The messages, shown to officers next to the upload field.
FILE_SIZE_UNKNOWN = _("The size of this file could not be determined. Please upload it again.")
IMAGE_NOT_AN_IMAGE = _(
    "This file is not an image. Please upload a photo or picture in JPEG, PNG or WebP format."
)
IMAGE_UNSUPPORTED_FORMAT = _(
    "This image format is not accepted. Please save the image as JPEG, PNG or WebP and upload "
    "it again."
)
IMAGE_TOO_LARGE = _("This image is larger than %(limit)s MB. Please upload a smaller image.")
IMAGE_TOO_MANY_PIXELS = _(
    "This image has more than %(limit)s megapixels. Please reduce it, for example to 4000 × 3000 "
    "pixels, and upload it again."
)
IMAGE_DAMAGED = _(
    "This image is damaged or incomplete. Please save it again and upload it once more."
)
PDF_NOT_A_PDF = _("This file is not a PDF document. Please upload a PDF file.")
PDF_TOO_LARGE = _("This PDF is larger than %(limit)s MB. Please upload a smaller file.")
PDF_DAMAGED = _(
    "This PDF is incomplete or damaged. Please save or export it again and upload it once more."
)

_MB = 1024 * 1024

# Formats Pillow may even try to read, and how each is saved.
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")
# MPO is what Pillow calls a JPEG with extra pictures in it, as some cameras write them.
_ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}
_SIXTEEN_BIT_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}

_PDF_HEAD = re.compile(rb"%PDF-\d\.\d")
_PDF_TAIL_BYTES = 2048


# Reading uploads


def _refusal(message, code, **params):
    return ValidationError(message, code=code, params=params or None)


def _known_size(uploaded):
    """Return the upload's size as reported, refusing an upload whose size is unknown."""
    size = getattr(uploaded, "size", None)
    if not isinstance(size, int) or size < 0:
        raise _refusal(FILE_SIZE_UNKNOWN, "file_size_unknown")
    return size


def _read_at_most(uploaded, limit, too_large):
    """Read an upload in chunks into memory, stopping as soon as it passes `limit` bytes."""
    if _known_size(uploaded) > limit:
        raise too_large
    buffer = io.BytesIO()
    for chunk in uploaded.chunks():
        buffer.write(chunk)
        # The reported size is checked first, but only what is read counts.
        if buffer.tell() > limit:
            raise too_large
    return buffer.getvalue()


# Images


def _image_too_large():
    return _refusal(IMAGE_TOO_LARGE, "image_too_large", limit=MAX_IMAGE_BYTES // _MB)


def _too_many_pixels():
    return _refusal(
        IMAGE_TOO_MANY_PIXELS, "image_too_many_pixels", limit=MAX_IMAGE_PIXELS // 1_000_000
    )


def _damaged():
    return _refusal(IMAGE_DAMAGED, "image_damaged")


def _looks_like_accepted_image(data):
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _looks_like_other_image(data):
    """Recognise common image formats that are not accepted, for a clearer message."""
    if data.startswith(
        (
            b"GIF87a",
            b"GIF89a",
            b"II*\x00",  # TIFF
            b"MM\x00*",
            b"8BPS",  # Photoshop
            b"\x00\x00\x01\x00",  # Windows icon
            b"\xff\x0a",  # JPEG XL
            b"\x00\x00\x00\x0cJXL ",
            b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
            b"\xff\x4f\xff\x51",
        )
    ):
        return True
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in {
        12,
        40,
        52,
        56,
        64,
        108,
        124,
    }:
        return True
    # HEIC (the default of iPhones) and AVIF.
    if data[4:8] == b"ftyp" and data[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"hevx",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
        b"avif",
        b"avis",
    }:
        return True
    return b"<svg" in data[:4096].lower()


def _unidentified(data):
    if _looks_like_accepted_image(data):
        return _damaged()
    if _looks_like_other_image(data):
        return _refusal(IMAGE_UNSUPPORTED_FORMAT, "unsupported_image_format")
    return _refusal(IMAGE_NOT_AN_IMAGE, "not_an_image")


def _open(data):
    return Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)


def _decode(data):
    """Return (image, format) for image bytes, checking them before and while decoding."""
    try:
        probe = _open(data)
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    with probe:
        image_format = _ACCEPTED_FORMATS.get(probe.format)
        if image_format is None:
            raise _refusal(IMAGE_UNSUPPORTED_FORMAT, "unsupported_image_format")
        # Only the header has been read so far: refuse huge images before decoding a pixel.
        width, height = probe.size
        if width < 1 or height < 1:
            raise _damaged()
        if width * height > MAX_IMAGE_PIXELS:
            raise _too_many_pixels()
        probe.verify()
    # verify() leaves the image unusable and misses truncated data: decode a fresh copy.
    with _open(data) as image:
        if image.size != (width, height) or _ACCEPTED_FORMATS.get(image.format) != image_format:
            raise _damaged()
        image.load()
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:
            # Unreadable EXIF: keep the image as it was drawn.
            upright = image.copy()
    return upright, image_format


def _to_srgb(image):
    """Convert colours described by an embedded ICC profile to sRGB, as the profile is dropped."""
    icc_profile = image.info.get("icc_profile")
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        from PIL import ImageCms

        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except Exception:
        # A broken profile, or no colour management available: convert plainly below.
        return image


def _for_format(image, image_format):
    """Return the image in a mode its format saves well, with no metadata left in `info`."""
    image = _to_srgb(image)
    if image.mode in _SIXTEEN_BIT_MODES:
        # Pillow would clip 16-bit greys to 8 bits; scale them instead.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        image.info.pop("transparency", None)  # a 16-bit value, meaningless now
    has_alpha = image.has_transparency_data
    if image_format == "JPEG":
        if image.mode not in {"L", "RGB"}:
            image = image.convert("RGB")  # CMYK, and anything unusual
    elif image_format == "WEBP":
        wanted = "RGBA" if has_alpha else "RGB"
        if image.mode != wanted:
            image = image.convert(wanted)
    elif image.mode not in _PNG_MODES:
        image = image.convert("RGBA" if has_alpha else "RGB")
    # Pillow writes some of `info` back when saving (PNG the ICC profile and text, JPEG the
    # comment): keep only the transparent colour of a PNG, which is part of the picture. The
    # image is always a new object by now (exif_transpose copies), so the upload is untouched.
    transparency = image.info.get("transparency")
    image.info = (
        {} if transparency is None or image_format != "PNG" else {"transparency": transparency}
    )
    return image


def _encode(image, image_format):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


def rendition_size(width, height, target_width):
    """Return the size of a copy at most `target_width` wide: never larger, never above WebP's
    limit, with the same proportions."""
    scale = min(1.0, target_width / width, WEBP_MAX_SIDE / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass(frozen=True, eq=False)
class PreparedImage:
    """An accepted image: decoded, upright, and re-encoded without metadata.

    `image` is the decoded picture, `format` "JPEG", "PNG" or "WEBP" (the format it came in),
    and `content` the re-encoded file stored as the original.
    """

    image: Image.Image
    format: str
    content: bytes

    @property
    def width(self):
        return self.image.width

    @property
    def height(self):
        return self.image.height

    @property
    def extension(self):
        return _EXTENSIONS[self.format]

    @property
    def content_type(self):
        return _CONTENT_TYPES[self.format]

    def rendition(self, target_width):
        """Return a WebP copy at most `target_width` pixels wide, never enlarged."""
        image = self.image
        size = rendition_size(image.width, image.height, target_width)
        mode = "RGBA" if image.has_transparency_data else "RGB"
        # Resize first when the mode resizes well (cheaper on a large image), else convert first.
        if image.mode not in {"L", "LA", "RGB", "RGBA"}:
            image = image.convert(mode)
        if size != image.size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if image.mode != mode:
            image = image.convert(mode)
        image.info = {}
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=RENDITION_QUALITY)
        return buffer.getvalue()


def prepare_image(uploaded):
    """Check an uploaded image and return it as a `PreparedImage`, or raise ValidationError."""
    data = _read_at_most(uploaded, MAX_IMAGE_BYTES, _image_too_large())
    try:
        # Pillow warns about images above its own pixel limit: refuse those as well. (The
        # warning filter is process-wide while this runs; our own limit is lower anyway.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image, image_format = _decode(data)
            image = _for_format(image, image_format)
            content = _encode(image, image_format)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:
        # Pillow reports broken files with many kinds of exceptions.
        raise _damaged() from None
    return PreparedImage(image=image, format=image_format, content=content)


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


class ImageUploadField(CheckedUploadField):
    """A form field for a JPEG, PNG or WebP image: `clean()` returns a `PreparedImage`."""

    default_accept = "image/jpeg,image/png,image/webp"

    def check(self, uploaded):
        return prepare_image(uploaded)


def _delete_quietly(names):
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            pass


def store_image(prepared):
    """Save an accepted image and its resized copies under new names.

    Return (name, renditions), e.g. ("practices/<hex>.jpg", {"card": "practices/<hex>-card.webp",
    "page": "practices/<hex>-page.webp"}): the values for `Practice.image` and
    `Practice.image_renditions` (or `PracticeImage.image` and `.renditions`). If any save fails,
    the files already written are deleted and the error raised again.
    """
    stem = f"{IMAGE_FOLDER}/{uuid.uuid4().hex}"
    files = [(None, f"{stem}.{prepared.extension}", None)]
    files += [(size, f"{stem}-{size}.webp", width) for size, width in RENDITION_WIDTHS.items()]
    written = []
    name = None
    renditions = {}
    try:
        for size, wanted_name, width in files:
            content = prepared.content if width is None else prepared.rendition(width)
            # A failed save may leave part of the file: delete the name it was given too.
            written.append(wanted_name)
            saved_name = default_storage.save(wanted_name, ContentFile(content))
            written.append(saved_name)
            if size is None:
                name = saved_name
            else:
                renditions[size] = saved_name
    except BaseException:
        _delete_quietly(dict.fromkeys(written))
        raise
    return name, renditions


def delete_stored_file(name):
    """Delete a stored file; an empty name or a file already gone is fine."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except FileNotFoundError:
        pass


def delete_stored_image(name, renditions):
    """Delete a stored image and its resized copies; files already gone are fine.

    Every file is tried; the first error other than a missing file is raised at the end.
    """
    error = None
    for each in [name, *(renditions or {}).values()]:
        try:
            delete_stored_file(each)
        except Exception as exc:
            error = error or exc
    if error is not None:
        raise error


# PDFs


def _pdf_too_large():
    return _refusal(PDF_TOO_LARGE, "pdf_too_large", limit=MAX_PDF_BYTES // _MB)


def validate_pdf(uploaded):
    """Check that an upload is a PDF by its content, reading it in chunks; return it."""
    too_large = _pdf_too_large()
    if _known_size(uploaded) > MAX_PDF_BYTES:
        raise too_large
    head = b""
    tail = b""
    total = 0
    for chunk in uploaded.chunks():
        total += len(chunk)
        if total > MAX_PDF_BYTES:
            raise too_large
        if len(head) < 8:
            head = (head + chunk)[:8]
        tail = (tail + chunk)[-_PDF_TAIL_BYTES:]
    if not _PDF_HEAD.match(head):
        raise _refusal(PDF_NOT_A_PDF, "not_a_pdf")
    if b"%%EOF" not in tail:
        raise _refusal(PDF_DAMAGED, "pdf_damaged")
    uploaded.seek(0)
    return uploaded


class PdfUploadField(CheckedUploadField):
    """A form field for a PDF document: `clean()` returns the checked UploadedFile."""

    default_accept = "application/pdf,.pdf"

    def check(self, uploaded):
        return validate_pdf(uploaded)


def store_pdf(uploaded):
    """Save a checked PDF under a new name; return (name, size in bytes)."""
    size = uploaded.size
    uploaded.seek(0)
    wanted_name = f"{ATTACHMENT_FOLDER}/{uuid.uuid4().hex}.pdf"
    try:
        name = default_storage.save(wanted_name, uploaded)
    except BaseException:
        # A failed save may leave part of the file behind.
        _delete_quietly([wanted_name])
        raise
    return name, size
