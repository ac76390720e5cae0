"""The one place that accepts files from city officers: images and PDFs.

Every check looks at the file's content, never at its name or at the content type the browser
sent. Stored files get generated names; the uploaded name is never used.

Images (JPEG, PNG, WebP):

- ``ImageUploadField`` checks an upload and cleans it to a ``PreparedImage``: decoded, turned
  upright from its EXIF orientation, converted to sRGB, reduced to the size it is kept at
  (``STORED_MAX_WIDTH``, ``STORED_MAX_PIXELS``) and re-encoded without any metadata (no EXIF,
  GPS, XMP, ICC profile or comments). Memory is what bounds how many uploads a worker survives:
  the decoded picture is the only full-size copy ever made (a large JPEG is not even decoded
  whole), and a process decodes one image at a time, in a thread of its own.
- ``store_image`` saves it with two resized WebP copies; ``delete_stored_image`` removes them.

PDFs:

- ``PdfUploadField`` checks that an upload starts like a PDF and ends like one, then reads every
  object in it with pypdf (object streams decompressed) and refuses active content: JavaScript,
  actions run when the document opens or on events, launching programs, attached files, XFA
  forms, multimedia. Encrypted PDFs cannot be read, so they are refused too; the reading is
  bounded in time, objects, tokens and decompressed bytes.
- ``store_pdf`` saves it; ``delete_stored_file`` removes it.
"""

import bisect
import io
import re
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError
from pypdf import apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
    StreamParsingBudget,
    TextStringObject,
    read_object,
)

# Limits. They do not depend on settings: the messages promise them to officers.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# The memory decoding one image may take. Pillow keeps a pixel in 1 byte (greys, palettes), 2
# (16-bit greys) or 4 (colours, or anything with transparency), and its WebP decoder keeps four
# copies of the picture: so colour PNGs have a lower limit (16 megapixels) and WebP images
# lower still (4). A large JPEG is decoded at a reduced scale, and takes much less.
MAX_DECODING_BYTES = 64 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
# Checking a PDF for active content reads every object in it, within these bounds; a PDF past
# them is refused as too complex (a report of some hundred pages stays far below).
PDF_CHECK_SECONDS = 2.0
PDF_MAX_OBJECTS = 100_000
PDF_MAX_TOKENS = 2_000_000  # names, numbers, strings… in dictionaries and arrays
PDF_MAX_DECODED_BYTES = 32 * 1024 * 1024  # of object streams, decompressed

# Resized copies of each image, by name and width in pixels. Never wider than the original.
RENDITION_WIDTHS = {"card": 480, "page": 1200}
# The image kept as the original, which the copies are made from: at most twice as wide as the
# widest copy (for screens with dense pixels) and at most 12 megapixels (the 4000 × 3000 the
# refusal message suggests). A larger upload is reduced, by a whole factor as it is decoded.
STORED_MAX_WIDTH = 2 * max(RENDITION_WIDTHS.values())
STORED_MAX_PIXELS = 12_000_000

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
IMAGE_WEBP_TOO_MANY_PIXELS = _(
    "This WebP image has more than %(limit)s megapixels. Please save it as JPEG, or reduce it, "
    "and upload it again."
)
IMAGE_DAMAGED = _(
    "This image is damaged or incomplete. Please save it again and upload it once more."
)
PDF_NOT_A_PDF = _("This file is not a PDF document. Please upload a PDF file.")
PDF_TOO_LARGE = _("This PDF is larger than %(limit)s MB. Please upload a smaller file.")
PDF_DAMAGED = _(
    "This PDF is incomplete or damaged. Please save or export it again and upload it once more."
)
PDF_ACTIVE_CONTENT = _(
    "This PDF contains active content (scripts, actions that run by themselves, attached files "
    "or multimedia), which is not accepted for safety. Please export or print it again as a "
    "plain PDF and upload it once more."
)
PDF_PROTECTED = _(
    "This PDF is protected with a password or encryption, so it cannot be checked. Please save "
    "a copy without protection and upload it once more."
)
PDF_TOO_COMPLEX = _(
    "This PDF is too complex to be checked. Please export it again as a smaller file, or in "
    "several parts, and upload it once more."
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
_DECODED_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_WEBP_DECODING_BYTES_PER_PIXEL = 16
# Rows of the decoded picture converted at a time: a band of a 6,000-pixel-wide image is 6 MB.
_BAND_ROWS = 256
# EXIF orientations, and how each is turned upright (as ImageOps.exif_transpose does).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = {
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
}
# A process decodes, converts and resizes images in one thread of its own, one at a time: so
# that threads of one worker cannot multiply the memory it takes (the others wait a second or
# two), and so that the memory freed after one image is reused for the next (the C allocator
# keeps what a thread frees for that thread).
_IMAGE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="image-uploads")


def _in_the_image_thread(function, *args):
    return _IMAGE_THREAD.submit(function, *args).result()


_PDF_HEAD = re.compile(rb"%PDF-\d\.\d")
_PDF_TAIL_BYTES = 2048
# Where an indirect object starts ("12 0 obj") and where a trailer does ("trailer <<").
_PDF_WHITESPACE_BYTES = b"\x00\t\n\f\r "
_PDF_WHITESPACE = rb"[\x00\t\n\f\r ]"
_PDF_OBJECT_HEADER = re.compile(
    rb"(?<![0-9])([0-9]{1,10})"
    + _PDF_WHITESPACE
    + rb"+([0-9]{1,5})"
    + _PDF_WHITESPACE
    + rb"+obj(?![A-Za-z0-9])"
)
_PDF_TRAILER = re.compile(rb"trailer" + _PDF_WHITESPACE + rb"*<<")
# Active content, refused: dictionary keys that are active wherever they appear (scripts, the
# document's scripts, additional actions run on events, attached files and the files they
# carry, XFA forms, Flash and video)…
_PDF_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMediaContent",
    "/RichMediaSettings",
}
# …actions (/S) that run something, open a file or send data…
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/Rendition",
    "/GoToE",
    "/RichMediaExecute",
}
# …and attached files and multimedia by their type or subtype.
_PDF_ACTIVE_TYPES = {"/EmbeddedFile"}
_PDF_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"}
# What /OpenAction may be besides a /GoTo action: a page to open at (an array), or the name of
# one (a name or a string); null means nothing.
_PDF_DESTINATIONS = (ArrayObject, NameObject, TextStringObject, ByteStringObject, NullObject)


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


def _too_many_pixels(limit=None):
    limit = MAX_IMAGE_PIXELS if limit is None else limit
    return _refusal(IMAGE_TOO_MANY_PIXELS, "image_too_many_pixels", limit=limit // 1_000_000)


def _pixel_limit(image_format, mode):
    """Return how many pixels an image may have: MAX_IMAGE_PIXELS, or fewer where decoding that
    many would take more than MAX_DECODING_BYTES."""
    if image_format == "WEBP":
        per_pixel = _WEBP_DECODING_BYTES_PER_PIXEL
    else:
        per_pixel = _DECODED_BYTES_PER_PIXEL.get(mode, 4)
    return min(MAX_IMAGE_PIXELS, MAX_DECODING_BYTES // per_pixel)


def _webp_too_many_pixels():
    limit = _pixel_limit("WEBP", None) // 1_000_000
    return _refusal(IMAGE_WEBP_TOO_MANY_PIXELS, "image_too_many_pixels", limit=limit)


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


def _stored_size(width, height):
    """Return the size an upright picture of `width` × `height` pixels is stored at: reduced by
    the smallest whole factor that brings it within STORED_MAX_WIDTH and STORED_MAX_PIXELS."""
    factor = max(1, -(-width // STORED_MAX_WIDTH))
    while -(-width // factor) * -(-height // factor) > STORED_MAX_PIXELS:
        factor += 1
    return -(-width // factor), -(-height // factor)


@dataclass(frozen=True)
class _Plan:
    """How the decoded picture becomes the stored one, band by band."""

    sixteen_bit: bool  # greys of 16 bits, scaled to 8
    to_srgb: object  # an ImageCms transform to sRGB, or None
    mode: str  # the mode stored
    factor: int  # the whole factor each band is reduced by


def _srgb_transform(image, mode_after):
    """Return a transform from the picture's embedded ICC profile to sRGB, or None when there is
    no profile to apply or it cannot be used (the colours are then converted plainly)."""
    icc_profile = image.info.get("icc_profile")
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return None
    try:
        from PIL import ImageCms

        transform = ImageCms.buildTransform(
            ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
            ImageCms.createProfile("sRGB"),
            image.mode,
            mode_after,
        )
        # A profile can build and still fail on pixels: try one before relying on it.
        ImageCms.applyTransform(image.crop((0, 0, 1, 1)), transform)
    except Exception:
        return None
    return transform


def _plan(image, image_format, target_size):
    """Decide the conversions of the decoded `image` (see `_Plan`)."""
    sixteen_bit = image.mode in _SIXTEEN_BIT_MODES
    mode = "L" if sixteen_bit else image.mode
    # A 16-bit transparent value means nothing in 8 bits: it is dropped, as Pillow would clip it.
    has_alpha = not sixteen_bit and image.has_transparency_data
    to_srgb = None
    if not sixteen_bit:
        to_srgb = _srgb_transform(image, "RGBA" if image.mode == "RGBA" else "RGB")
        if to_srgb is not None:
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
    # The largest whole factor that leaves at least the size wanted (`_stored_size` rounds up).
    (width, height), (wanted_width, wanted_height) = image.size, target_size
    factor = 1
    while (
        factor < max(width, height)
        and -(-width // (factor + 1)) >= wanted_width
        and -(-height // (factor + 1)) >= wanted_height
    ):
        factor += 1
    if image_format == "JPEG":
        stored_mode = mode if mode in {"L", "RGB"} else "RGB"  # CMYK, and anything unusual
    elif image_format == "WEBP":
        stored_mode = "RGBA" if has_alpha else "RGB"
    elif mode in _PNG_MODES and not (factor > 1 and mode in {"1", "P"}):
        stored_mode = mode
    else:
        # Palettes and single bits cannot be averaged when reducing: full colours or greys.
        stored_mode = "L" if mode == "1" else ("RGBA" if has_alpha else "RGB")
    return _Plan(sixteen_bit=sixteen_bit, to_srgb=to_srgb, mode=stored_mode, factor=factor)


def _converted(band, plan):
    if plan.sixteen_bit:
        # Pillow would clip 16-bit greys to 8 bits; scale them instead.
        band = band.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if plan.to_srgb is not None:
        from PIL import ImageCms

        band = ImageCms.applyTransform(band, plan.to_srgb)
    if band.mode != plan.mode:
        band = band.convert(plan.mode)
    if plan.factor > 1:
        band = band.reduce(plan.factor)
    return band


def _stored_picture(image, image_format, target_size):
    """Return the picture to store, from the decoded `image`: at `target_size`, in a mode its
    format saves well, colours in sRGB, with no metadata left in `info`.

    The decoded picture is the one full-size copy: the stored one is made from it a band of rows
    at a time, each band converted and reduced by a whole factor, so the only other large copy
    is the result (at most 12 megapixels).
    """
    plan = _plan(image, image_format, target_size)
    transparency = image.info.get("transparency")
    if plan.mode != image.mode or plan.sixteen_bit:
        transparency = None  # it was used by the conversion, or means nothing after it
    if plan.mode == image.mode and plan.factor == 1 and not (plan.sixteen_bit or plan.to_srgb):
        # A new image all the same (resized, or copied): the decoded one holds its decoder
        # (Pillow's WebP decoder keeps three more copies of the picture) and the file.
        if image.size == target_size:
            picture = image.copy()
        else:
            picture = image.resize(target_size, Image.Resampling.LANCZOS)
    else:
        width, height = image.size
        factor = plan.factor
        picture = Image.new(plan.mode, (-(-width // factor), -(-height // factor)))
        rows = factor * -(-_BAND_ROWS // factor)  # whole blocks of `factor` rows per band
        for top in range(0, height, rows):
            band = image.crop((0, top, width, min(top + rows, height)))
            picture.paste(_converted(band, plan), (0, top // factor))
            del band
    if picture.size != target_size:
        # What the whole factor left (at most twice the size wanted), resized smoothly.
        picture = picture.resize(target_size, Image.Resampling.LANCZOS)
    # Pillow writes some of `info` back when saving (PNG the ICC profile and text, JPEG the
    # comment): keep only the transparent colour of a PNG, which is part of the picture.
    picture.info = (
        {"transparency": transparency} if transparency is not None and image_format == "PNG" else {}
    )
    return picture


def _orientation(image):
    """Return how to turn the picture upright from its EXIF orientation (None: it is)."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        # Unreadable EXIF: keep the image as it was drawn.
        return None
    return _TURNS.get(orientation)


def _webp_size(data):
    """Return (width, height) from a WebP file's first chunk, or None if it has none readable."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _check_header(data):
    """Return (format, width, height) from an image's header, refusing what is not accepted or
    too large to decode before a pixel is."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        # Pillow's WebP decoder takes memory for the whole picture as soon as the file is
        # opened, even to read the header: read the size first.
        size = _webp_size(data)
        if size is None or min(size) < 1:
            raise _damaged()
        if size[0] * size[1] > _pixel_limit("WEBP", None):
            raise _webp_too_many_pixels()
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
        # A large JPEG is decoded at a reduced scale (below); other formats whole.
        limit = _pixel_limit(image_format, probe.mode)
        if image_format != "JPEG" and width * height > limit:
            raise _webp_too_many_pixels() if image_format == "WEBP" else _too_many_pixels(limit)
        probe.verify()
    return image_format, width, height


def _decode(data):
    """Return (picture, format) for image bytes, checking them before and while decoding: the
    picture upright, converted and reduced as it is stored (`_stored_picture`)."""
    image_format, width, height = _check_header(data)
    # verify() leaves the image unusable and misses truncated data: decode a fresh copy.
    with _open(data) as image:
        if image.size != (width, height) or _ACCEPTED_FORMATS.get(image.format) != image_format:
            raise _damaged()
        picture, turn = _decoded(image, image_format)
    if turn is not None:
        picture = picture.transpose(turn)
    return picture, image_format


def _decoded(image, image_format):
    """Return (picture to store, how to turn it upright) from an opened image."""
    width, height = image.size
    turn = _orientation(image)
    upright = (height, width) if turn in _QUARTER_TURNS else (width, height)
    stored_width, stored_height = _stored_size(*upright)
    target_size = (
        (stored_height, stored_width) if turn in _QUARTER_TURNS else (stored_width, stored_height)
    )
    if image_format == "JPEG" and target_size != (width, height):
        # JPEG can be decoded at a half, a quarter or an eighth of its size, never below the
        # size asked for: most of a large photo is then never in memory at all.
        image.draft(None, target_size)
    limit = _pixel_limit(image_format, image.mode)
    if image.width * image.height > limit:
        raise _too_many_pixels(limit)
    image.load()
    return _stored_picture(image, image_format, target_size), turn


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
    """An accepted image: decoded, upright, at the size it is kept at, and re-encoded without
    metadata.

    `image` is that picture, `format` "JPEG", "PNG" or "WEBP" (the format it came in), and
    `content` the re-encoded file stored as the original.
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
        return _in_the_image_thread(self._rendition, target_width)

    def _rendition(self, target_width):
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


def _decode_and_encode(data):
    # Pillow warns about images above its own pixel limit: refuse those as well. (The warning
    # filter is process-wide while this runs; our own limit is lower anyway.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image, image_format = _decode(data)
        return image, image_format, _encode(image, image_format)


def prepare_image(uploaded):
    """Check an uploaded image and return it as a `PreparedImage`, or raise ValidationError."""
    data = _read_at_most(uploaded, MAX_IMAGE_BYTES, _image_too_large())
    try:
        image, image_format, content = _in_the_image_thread(_decode_and_encode, data)
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


class _PdfRefused(Exception):
    """Raised while reading a PDF: it is refused, with this message and code."""

    def __init__(self, message, code):
        super().__init__(code)
        self.refusal = _refusal(message, code)


def _out_of_time():
    # pypdf lets this one error through whatever it is parsing ("a security issue").
    return LimitReachedError("The time allowed to check the PDF ran out.")


class _TimedBytes(io.BytesIO):
    """Bytes for pypdf to parse, which stop being readable at a deadline. pypdf reads strings
    a byte at a time, and one string can fill the file: every read counts."""

    def __init__(self, data, deadline):
        super().__init__(data)
        self._deadline = deadline
        self._reads = 0

    def read(self, size=-1):
        self._reads += 1
        if self._reads % 1024 == 0 and time.monotonic() > self._deadline:
            raise _out_of_time()
        return super().read(size)


class _PdfObjects:
    """Every indirect object written in a PDF, parsed by pypdf, whatever its cross-reference
    table says.

    A viewer reads the objects its table points at, or, when the table is broken, every object it
    finds in the file; a crafted file can make the two disagree. So every object header in the
    bytes is parsed (``objects``: each definition, in file order), then every object inside an
    object stream, decompressed. ``trailers`` are the trailer dictionaries. All parsing shares one
    deadline and one budget of tokens; pypdf raises LimitReachedError past either, or past its
    own limits (set in `_check_pdf_content`).
    """

    # pypdf reads the length of a stream through `get_object`, and names the file in the objects
    # it makes; `strict` makes it raise on what it would otherwise repair by guessing.
    strict = True

    def __init__(self, data):
        self.data = data
        self.deadline = time.monotonic() + PDF_CHECK_SECONDS
        self.budget = StreamParsingBudget(remaining_budget=PDF_MAX_TOKENS)
        self.decoded_bytes = 0
        self.objects = []  # [(number, generation, object)]
        self.trailers = []
        self._offsets = {}  # (number, generation) -> [offset after "obj"]
        self._by_reference = {}  # (number, generation) -> [object]
        self._resolving = set()

    def read(self):
        """Parse the whole file; raise `_PdfRefused` if it is encrypted or damaged."""
        headers = []
        for found in _PDF_OBJECT_HEADER.finditer(self.data):
            if len(headers) == PDF_MAX_OBJECTS:
                raise LimitReachedError("Too many objects.")
            key = (int(found[1]), int(found[2]))
            headers.append((key, found.start(), found.end()))
            self._offsets.setdefault(key, []).append(found.end())
        # Inside a stream or a comment, bytes can look like an object header or a trailer (an
        # uncompressed page that shows "1 0 obj"): parsed too, but not an error when they do not
        # parse. `starts` and `reach`: where each object parsed starts, and how far the objects
        # up to it reach.
        damaged = False
        starts, reach = [], []

        def doubtful(position):
            before = bisect.bisect_right(starts, position) - 1
            inside = before >= 0 and reach[before] > position
            return inside or self._in_a_comment(position)

        for key, start, after_header in headers:
            try:
                obj, end = self._parse(self.data, after_header)
            except LimitReachedError:
                raise
            except Exception:
                damaged = damaged or not doubtful(start)
                continue
            starts.append(start)
            reach.append(max(end, reach[-1] if reach else 0))
            self._add(key, obj)
        for found in _PDF_TRAILER.finditer(self.data):
            if len(self.trailers) == PDF_MAX_OBJECTS:
                raise LimitReachedError("Too many trailers.")
            try:
                self.trailers.append(self._parse(self.data, found.end() - 2)[0])
            except LimitReachedError:
                raise
            except Exception:
                damaged = damaged or not doubtful(found.start())
        # Encrypted strings and streams cannot be read: say so rather than call them damaged.
        if any("/Encrypt" in each for each in self.trailers) or any(
            isinstance(obj, DictionaryObject) and "/Encrypt" in obj and obj.get("/Type") == "/XRef"
            for _, _, obj in self.objects
        ):
            raise _PdfRefused(PDF_PROTECTED, "pdf_protected")
        if damaged:
            raise _PdfRefused(PDF_DAMAGED, "pdf_damaged")
        for _number, _generation, obj in list(self.objects):
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
                self._read_object_stream(obj)

    def _in_a_comment(self, start):
        """Return True if a "%" comes before `start` on its line (looking a little way back)."""
        line = self.data[max(0, start - 256) : start]
        return b"%" in line[max(line.rfind(b"\n"), line.rfind(b"\r")) + 1 :]

    def _parse(self, data, offset):
        """Return (object, end offset) for the object written in `data` at `offset`."""
        if time.monotonic() > self.deadline:
            raise _out_of_time()
        while offset < len(data) and data[offset] in _PDF_WHITESPACE_BYTES:
            offset += 1
        stream = _TimedBytes(data, self.deadline)
        stream.seek(offset)
        obj = read_object(stream, self, parsing_budget=self.budget)
        return obj, stream.tell()

    def _add(self, key, obj):
        if len(self.objects) >= PDF_MAX_OBJECTS:
            raise LimitReachedError("Too many objects.")
        self.objects.append((key[0], key[1], obj))
        self._by_reference.setdefault(key, []).append(obj)

    def _read_object_stream(self, stream_object):
        """Parse the objects compressed in an object stream (PDF 1.5 and later)."""
        try:
            count, first = int(stream_object["/N"]), int(stream_object["/First"])
            content = stream_object.get_data()
        except LimitReachedError:
            raise
        except Exception:
            raise _PdfRefused(PDF_DAMAGED, "pdf_damaged") from None
        self.decoded_bytes += len(content)
        if self.decoded_bytes > PDF_MAX_DECODED_BYTES:
            raise LimitReachedError("Too much decompressed data.")
        # The stream starts with pairs of numbers: an object's number and its offset.
        pairs = content[:first].split()
        if not 0 <= count <= len(pairs) // 2 or not all(each.isdigit() for each in pairs):
            raise _PdfRefused(PDF_DAMAGED, "pdf_damaged")
        for index in range(count):
            number, offset = int(pairs[2 * index]), int(pairs[2 * index + 1])
            try:
                obj = self._parse(content, first + offset)[0]
            except LimitReachedError:
                raise
            except Exception:
                raise _PdfRefused(PDF_DAMAGED, "pdf_damaged") from None
            self._add((number, 0), obj)

    def get_object(self, reference):
        """What pypdf calls for a value given as a reference (a stream's length, an object
        stream's count): the last definition in the file, or None (for a length, pypdf then
        looks for the end of the stream)."""
        key = (reference.idnum, reference.generation)
        if key in self._by_reference:
            return self._by_reference[key][-1]
        offsets = self._offsets.get(key)
        if not offsets or key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            return self._parse(self.data, offsets[-1])[0]
        except LimitReachedError:
            raise
        except Exception:
            return None
        finally:
            self._resolving.discard(key)

    def definitions(self, value):
        """Return the values `value` may stand for: itself, or every definition of the object
        it refers to (followed through at most a few references)."""
        values, seen = [value], set()
        for _step in range(8):
            references = [each for each in values if isinstance(each, IndirectObject)]
            if not references:
                return values
            values = [each for each in values if not isinstance(each, IndirectObject)]
            for reference in references:
                key = (reference.idnum, reference.generation)
                if key not in seen:
                    seen.add(key)
                    values += self._by_reference.get(key, [])
        return [each for each in values if not isinstance(each, IndirectObject)]


def _is_active(objects, dictionary):
    """Return True if a PDF dictionary is, or directly carries, active content."""
    if any(key in _PDF_ACTIVE_KEYS for key in dictionary):
        return True
    for key, active in (
        ("/S", _PDF_ACTIVE_ACTIONS),
        ("/Type", _PDF_ACTIVE_TYPES),
        ("/Subtype", _PDF_ACTIVE_SUBTYPES),
    ):
        if key in dictionary and any(
            isinstance(value, str) and value in active
            for value in objects.definitions(dictionary.raw_get(key))
        ):
            return True
    if "/OpenAction" in dictionary:
        # Opening at a page (a destination, or an action going to one) is harmless and common;
        # any other action when the document opens is not.
        for value in objects.definitions(dictionary.raw_get("/OpenAction")):
            if isinstance(value, DictionaryObject):
                action = value.raw_get("/S") if "/S" in value else None
                if any(each != "/GoTo" for each in objects.definitions(action)):
                    return True
            elif not isinstance(value, _PDF_DESTINATIONS):
                return True
    return False


def _check_pdf_content(data):
    """Refuse a PDF that is damaged, encrypted, too complex to check in time, or that carries
    active content (scripts, actions run by themselves, attached files, XFA forms, multimedia).
    """
    with apply_configuration(
        maximum_declared_stream_length=MAX_PDF_BYTES,
        zlib_maximum_output_length=PDF_MAX_DECODED_BYTES,
        lzw_maximum_output_length=PDF_MAX_DECODED_BYTES,
        run_length_maximum_output_length=PDF_MAX_DECODED_BYTES,
        brotli_maximum_output_length=PDF_MAX_DECODED_BYTES,
        stream_decoding_work_maximum_length=PDF_MAX_DECODED_BYTES,
    ):
        try:
            objects = _PdfObjects(data)
            objects.read()
            # Every dictionary and array of every object, without recursion: nesting is
            # bounded by what pypdf parses, and the number of values by the token budget.
            pending = [obj for _, _, obj in objects.objects] + objects.trailers
            while pending:
                value = pending.pop()
                if isinstance(value, DictionaryObject):
                    if _is_active(objects, value):
                        raise _PdfRefused(PDF_ACTIVE_CONTENT, "pdf_active_content")
                    pending.extend(value.values())
                elif isinstance(value, ArrayObject):
                    pending.extend(value)
        except _PdfRefused as refused:
            raise refused.refusal from None
        except LimitReachedError:
            raise _refusal(PDF_TOO_COMPLEX, "pdf_too_complex") from None
        except Exception:
            # pypdf reports broken files with many kinds of exceptions.
            raise _refusal(PDF_DAMAGED, "pdf_damaged") from None


def validate_pdf(uploaded):
    """Check that an upload is a PDF by its content, and that it carries no active content;
    return it."""
    data = _read_at_most(uploaded, MAX_PDF_BYTES, _pdf_too_large())
    if not _PDF_HEAD.match(data[:8]):
        raise _refusal(PDF_NOT_A_PDF, "not_a_pdf")
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise _refusal(PDF_DAMAGED, "pdf_damaged")
    _check_pdf_content(data)
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
