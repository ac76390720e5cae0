"""Image uploads (JPEG, PNG, WebP): checked, decoded within a memory bound, turned upright,
converted to sRGB, reduced and re-encoded without metadata; stored with resized copies."""

import io
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from .files import (
    MB,
    CheckedUploadField,
    delete_quietly,
    delete_stored_file,
    read_at_most,
    refusal,
)

# Limits. They do not depend on settings: the messages promise them to officers.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# The memory decoding one image may take. Pillow keeps a pixel in 1 byte (greys, palettes), 2
# (16-bit greys) or 4 (colours, or anything with transparency), and its WebP decoder keeps four
# copies of the picture: so colour PNGs have a lower limit (16 megapixels) and WebP images
# lower still (4). A large JPEG is decoded at a reduced scale, and takes much less.
MAX_DECODING_BYTES = 64 * 1024 * 1024
# Resized copies of each image, by name and width in pixels. Never wider than the original.
RENDITION_WIDTHS = {"card": 480, "page": 1200}
# The image kept as the original, which the copies are made from: at most twice as wide as the
# widest copy (for screens with dense pixels) and at most 12 megapixels (the 4000 × 3000 the
# refusal message suggests). A larger upload is reduced, by a whole factor as it is decoded.
STORED_MAX_WIDTH = 2 * max(RENDITION_WIDTHS.values())
STORED_MAX_PIXELS = 12_000_000

IMAGE_FOLDER = "practices"

JPEG_QUALITY = 85
WEBP_QUALITY = 85
RENDITION_QUALITY = 80
# The largest width or height a WebP file can have.
WEBP_MAX_SIDE = 16383

# The messages, shown to officers next to the upload field.
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


def _image_too_large():
    return refusal(IMAGE_TOO_LARGE, "image_too_large", limit=MAX_IMAGE_BYTES // MB)


def _too_many_pixels(limit=None):
    limit = MAX_IMAGE_PIXELS if limit is None else limit
    return refusal(IMAGE_TOO_MANY_PIXELS, "image_too_many_pixels", limit=limit // 1_000_000)


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
    return refusal(IMAGE_WEBP_TOO_MANY_PIXELS, "image_too_many_pixels", limit=limit)


def _damaged():
    return refusal(IMAGE_DAMAGED, "image_damaged")


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
        return refusal(IMAGE_UNSUPPORTED_FORMAT, "unsupported_image_format")
    return refusal(IMAGE_NOT_AN_IMAGE, "not_an_image")


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
            raise refusal(IMAGE_UNSUPPORTED_FORMAT, "unsupported_image_format")
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
    data = read_at_most(uploaded, MAX_IMAGE_BYTES, _image_too_large())
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


class ImageUploadField(CheckedUploadField):
    """A form field for a JPEG, PNG or WebP image: `clean()` returns a `PreparedImage`."""

    default_accept = "image/jpeg,image/png,image/webp"

    def check(self, uploaded):
        return prepare_image(uploaded)


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
        delete_quietly(dict.fromkeys(written))
        raise
    return name, renditions


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
