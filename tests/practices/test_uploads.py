"""Uploads from city officers: images and PDFs are checked by content and stored cleanly.

Every input is generated here, with Pillow or as bytes.
"""

import gc
import io
import re
import resource
import struct
import threading
import time
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageDraw, ImageFile, PngImagePlugin

from practices import uploads
from practices.uploads import (
    FILE_SIZE_UNKNOWN,
    IMAGE_DAMAGED,
    IMAGE_NOT_AN_IMAGE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_UNSUPPORTED_FORMAT,
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    PDF_ACTIVE_CONTENT,
    PDF_DAMAGED,
    PDF_NOT_A_PDF,
    PDF_PROTECTED,
    PDF_TOO_COMPLEX,
    PDF_TOO_LARGE,
    ImageUploadField,
    PdfUploadField,
    PreparedImage,
    delete_stored_file,
    delete_stored_image,
    store_image,
    store_pdf,
)
from tests.storage import stored_files

pytestmark = pytest.mark.usefixtures("media_root")

HEX = "[0-9a-f]{32}"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


# Inputs


def picture(mode="RGB", size=(1280, 160)):
    """A picture with distinct halves, and a transparent corner when it has alpha."""
    if mode == "P":  # a palette image with a transparent colour, as logos often are
        return picture("RGBA", size).quantize(8)
    colours = {
        "RGB": ((200, 30, 30), (30, 30, 200)),
        "RGBA": ((200, 30, 30, 255), (30, 30, 200, 255)),
        "L": (60, 190),
        "CMYK": ((0, 200, 200, 0), (200, 200, 0, 0)),
        "I;16": (10_000, 50_000),
    }[mode]
    image = Image.new(mode, size, colours[0])
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 2, 0, size[0], size[1]), fill=colours[1])
    if mode == "RGBA":
        draw.rectangle((0, 0, 9, 9), fill=(0, 0, 0, 0))
    return image


def encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_claiming(width, height, colour_type=0, bit_depth=1, palette=b""):
    """A valid PNG of `width` × `height` pixels, all black (1-bit grey unless told), written
    without Pillow.

    However large the picture, the file stays small: the rows are all zero, so the compressed
    stream repeats one block, and its checksum is computed directly.
    """

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type] * width
    row = 1 + (samples * bit_depth + 7) // 8  # filter byte, then the samples
    rows_per_block = next(n for n in (1000, 100, 10, 1) if height % n == 0)
    compressor = zlib.compressobj(9)
    first = compressor.compress(bytes(row * rows_per_block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    raw_size = row * height
    adler32 = ((raw_size % 65521) << 16) | 1  # of zeros: a stays 1, b is the length
    idat = (
        first[:2]  # zlib header
        + first[2:] * (height // rows_per_block)
        + b"\x03\x00"  # an empty final block
        + struct.pack(">I", adler32)
    )
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + (chunk(b"PLTE", palette) if palette else b"")
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model X-Secret"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (50.0, 51.0, 12.5)  # GPSLatitude
    gps[3] = "E"  # GPSLongitudeRef
    gps[4] = (4.0, 21.0, 36.0)  # GPSLongitude
    return exif


def srgb_icc():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def minimal_pdf():
    return encode(Image.new("RGB", (10, 10), "white"), "PDF")


# Helpers


class Unreadable:
    """Stands in for an upload's file: any use of it fails the test."""

    def __getattr__(self, name):
        pytest.fail(f"the upload was read ({name})")


def refusal(field, uploaded):
    with pytest.raises(ValidationError) as caught:
        field.clean(uploaded)
    return caught.value


def open_stored(root, name):
    with Image.open(root / name) as image:
        image.load()
        return image


def assert_generated_names(name, renditions, extension):
    match = re.fullmatch(rf"practices/({HEX})\.{extension}", name)
    assert match, name
    stem = match.group(1)
    assert renditions == {
        "card": f"practices/{stem}-card.webp",
        "page": f"practices/{stem}-page.webp",
    }


# Accepted images


@pytest.mark.parametrize(
    ("image_format", "mode", "extension", "stored_mode"),
    [
        ("JPEG", "RGB", "jpg", "RGB"),
        ("JPEG", "L", "jpg", "L"),
        ("JPEG", "CMYK", "jpg", "RGB"),
        ("PNG", "RGB", "png", "RGB"),
        ("PNG", "RGBA", "png", "RGBA"),
        ("PNG", "P", "png", "P"),
        ("PNG", "I;16", "png", "L"),
        ("WEBP", "RGB", "webp", "RGB"),
        ("WEBP", "RGBA", "webp", "RGBA"),
    ],
)
def test_accepted_formats_round_trip(media_root, image_format, mode, extension, stored_mode):
    content = encode(picture(mode), image_format)

    prepared = ImageUploadField().clean(upload("my holiday photo.jpg", content, "image/jpeg"))

    assert isinstance(prepared, PreparedImage)
    assert (prepared.format, prepared.extension) == (image_format, extension)
    assert (prepared.width, prepared.height) == (1280, 160)
    name, renditions = store_image(prepared)
    assert_generated_names(name, renditions, extension)
    assert stored_files(media_root) == sorted([name, *renditions.values()])
    assert "holiday" not in " ".join(stored_files(media_root))

    original = open_stored(media_root, name)
    assert (original.format, original.size, original.mode) == (
        image_format,
        (1280, 160),
        stored_mode,
    )
    for size, width in [("card", 480), ("page", 1200)]:
        copy = open_stored(media_root, renditions[size])
        assert copy.format == "WEBP"
        assert copy.size == (width, width // 8)
        assert copy.mode == ("RGBA" if mode in {"RGBA", "P"} else "RGB")
    if mode in {"RGBA", "P"}:
        # The transparent corner stays transparent, the rest opaque.
        assert original.convert("RGBA").getpixel((0, 0))[3] == 0
        assert original.convert("RGBA").getpixel((640, 80))[3] == 255
        assert open_stored(media_root, renditions["page"]).getpixel((0, 0))[3] == 0
    if mode == "I;16":
        # 16-bit greys are scaled to 8 bits, not clipped to white.
        assert original.getpixel((10, 80)) == 10_000 // 256


def test_a_small_image_is_never_enlarged(media_root):
    prepared = ImageUploadField().clean(
        upload("small.png", encode(picture(size=(300, 200)), "PNG"))
    )

    name, renditions = store_image(prepared)

    for size in ("card", "page"):
        assert open_stored(media_root, renditions[size]).size == (300, 200)


def test_a_very_tall_image_gets_copies_webp_can_hold():
    assert uploads.rendition_size(1500, 26_000, 1200) == (945, 16383)
    assert uploads.rendition_size(1600, 900, 480) == (480, 270)
    assert uploads.rendition_size(100, 50, 480) == (100, 50)


def test_the_uploaded_name_is_never_used(media_root):
    content = encode(picture(), "PNG")

    prepared = ImageUploadField().clean(upload("../../etc/passwd.png", content, "image/png"))
    name, renditions = store_image(prepared)

    stored = stored_files(media_root)
    assert stored == sorted([name, *renditions.values()])
    assert all(re.fullmatch(rf"practices/{HEX}(-card|-page)?\.(png|webp)", each) for each in stored)
    assert not any("passwd" in each or "etc" in each or ".." in each for each in stored)


def test_the_format_is_decided_by_content_not_by_name_or_content_type(media_root):
    content = encode(picture(), "JPEG")

    prepared = ImageUploadField().clean(upload("drawing.png", content, "image/png"))

    assert prepared.format == "JPEG"
    name, _ = store_image(prepared)
    assert name.endswith(".jpg")


def test_the_field_works_in_a_form():
    class PracticeImageForm(forms.Form):
        image = ImageUploadField()
        report = PdfUploadField(required=False)

    files = {"image": upload("photo.webp", encode(picture(), "WEBP"))}
    form = PracticeImageForm(data={}, files=files)

    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["image"], PreparedImage)
    assert form.cleaned_data["report"] is None
    assert 'accept="image/jpeg,image/png,image/webp"' in str(form["image"])
    assert 'accept="application/pdf,.pdf"' in str(form["report"])

    form = PracticeImageForm(data={}, files={"image": upload("notes.jpg", b"Dear editors,")})
    assert not form.is_valid()
    assert form.errors["image"] == [str(IMAGE_NOT_AN_IMAGE)]


def test_an_empty_optional_field_gives_none_and_a_required_one_is_refused():
    assert ImageUploadField(required=False).clean(None) is None
    assert PdfUploadField(required=False).clean(None) is None
    assert refusal(ImageUploadField(), None).code == "required"
    assert refusal(PdfUploadField(), None).code == "required"


# Metadata


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_gps_and_all_other_metadata_are_removed(media_root, image_format):
    options = {"exif": gps_exif(), "icc_profile": srgb_icc()}
    if image_format == "JPEG":
        options |= {
            "comment": b"taken at 12 Secret Street",
            "xmp": b"<x:xmpmeta>Secret</x:xmpmeta>",
        }
    elif image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Secret Officer")
        options["pnginfo"] = text
    else:
        options["xmp"] = b"<x:xmpmeta>Secret</x:xmpmeta>"
    content = encode(picture(size=(320, 240)), image_format, **options)
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the input really carries a position
        assert "icc_profile" in original.info

    prepared = ImageUploadField().clean(upload("photo", content))
    name, renditions = store_image(prepared)

    for each in [name, *renditions.values()]:
        raw = (media_root / each).read_bytes()
        for secret in (b"SpyCam", b"X-Secret", b"Secret", b"Exif", b"xmpmeta", b"Street"):
            assert secret not in raw
        stored = open_stored(media_root, each)
        assert len(stored.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Author"} & set(
            stored.info
        )


def test_exif_orientation_is_applied(media_root):
    # Stored sideways, left half red, right half blue; Orientation 6 means "turn right to view".
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    content = encode(picture(size=(400, 200)), "JPEG", exif=exif)

    prepared = ImageUploadField().clean(upload("phone.jpg", content))
    name, renditions = store_image(prepared)

    stored = open_stored(media_root, name)
    assert stored.size == (200, 400)
    assert ORIENTATION not in stored.getexif()
    red, _, blue = stored.getpixel((100, 50))
    assert red > 150 and blue < 80  # the left half is now on top
    red, _, blue = stored.getpixel((100, 350))
    assert blue > 150 and red < 80
    assert open_stored(media_root, renditions["card"]).size == (200, 400)


# Refused images


def test_a_text_file_named_jpg_is_refused():
    error = refusal(
        ImageUploadField(), upload("photo.jpg", b"Hello, this is not a photo.\n" * 20, "image/jpeg")
    )

    assert error.messages == [str(IMAGE_NOT_AN_IMAGE)]
    assert error.code == "not_an_image"


def test_a_truncated_jpeg_is_refused():
    content = encode(picture(size=(800, 600)), "JPEG")

    error = refusal(ImageUploadField(), upload("photo.jpg", content[: len(content) // 2]))

    assert error.messages == [str(IMAGE_DAMAGED)]


def test_a_truncated_png_is_refused():
    content = encode(picture(size=(800, 600)), "PNG")

    error = refusal(ImageUploadField(), upload("photo.png", content[: len(content) // 2]))

    assert error.messages == [str(IMAGE_DAMAGED)]


def test_a_png_with_a_corrupt_chunk_is_refused():
    content = bytearray(encode(picture(size=(200, 100)), "PNG"))
    idat = content.index(b"IDAT")
    content[idat + 20] ^= 0xFF  # the checksum no longer matches

    error = refusal(ImageUploadField(), upload("photo.png", bytes(content)))

    assert error.messages == [str(IMAGE_DAMAGED)]


def test_a_decompression_bomb_is_refused_fast_and_without_decoding():
    content = png_claiming(50_000, 50_000)  # 2.5 gigapixels; decoding would need 312 MB at least
    assert len(content) < 400_000
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()

    error = refusal(ImageUploadField(), upload("bomb.png", content, "image/png"))

    assert time.perf_counter() - started < 1
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before
    assert grown_kb < 50_000
    assert error.messages == [str(IMAGE_TOO_MANY_PIXELS % {"limit": 40})]
    assert error.code == "image_too_many_pixels"


def test_an_image_over_pillows_warning_limit_is_refused_not_warned():
    content = png_claiming(10_000, 10_000)  # above Pillow's warning limit, below its error limit

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping would fail the test
        error = refusal(ImageUploadField(), upload("huge.png", content))

    assert error.messages == [str(IMAGE_TOO_MANY_PIXELS % {"limit": 40})]


def test_a_41_megapixel_header_is_refused_before_decoding(monkeypatch):
    content = png_claiming(8_200, 5_000)  # 41 megapixels

    def no_decoding(self):
        pytest.fail("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    error = refusal(ImageUploadField(), upload("big.png", content))

    assert error.messages == [
        "This image has more than 40 megapixels. Please reduce it, for example to 4000 × 3000 "
        "pixels, and upload it again."
    ]


def test_the_pixel_limit_itself_is_allowed(monkeypatch):
    # The same check with a small limit, so the images at the boundary are quick to decode.
    monkeypatch.setattr(uploads.images, "MAX_IMAGE_PIXELS", 50 * 40)

    assert ImageUploadField().clean(upload("exact.png", png_claiming(50, 40))).width == 50
    error = refusal(ImageUploadField(), upload("over.png", png_claiming(50, 41)))
    assert error.code == "image_too_many_pixels"


# Memory: what decoding one image may take, whatever its kind


def resident_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/self/status")


def peak_memory_growth_mb(function):
    """Run `function`; return (its result, how far this process's peak resident memory rose
    above what it used just before, in MB). Linux lets the peak be started again from now."""
    clear_refs = Path("/proc/self/clear_refs")
    if not clear_refs.exists():
        pytest.fail("measuring peak memory needs Linux's /proc/self/clear_refs")
    gc.collect()
    clear_refs.write_text("5")
    before = resident_kb("VmRSS")
    result = function()
    return result, (resident_kb("VmHWM") - before) / 1024


def test_a_40_megapixel_colour_png_is_refused_without_decoding(monkeypatch):
    """The attack: a small PNG of 6,320 × 6,320 colour pixels took 3 s and 430 MB to accept."""
    content = png_claiming(6_320, 6_320, colour_type=2, bit_depth=8)
    assert len(content) < 400_000

    def no_decoding(self):
        pytest.fail("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()
    error = refusal(ImageUploadField(), upload("poster.png", content, "image/png"))

    assert time.perf_counter() - started < 1
    assert error.code == "image_too_many_pixels"
    assert error.messages == [
        "This image has more than 16 megapixels. Please reduce it, for example to 4000 × 3000 "
        "pixels, and upload it again."
    ]


def test_greys_and_palettes_keep_the_40_megapixel_limit_and_colours_get_what_fits_in_memory(
    monkeypatch,
):
    # Each kind at its limit and one row over, with a small memory allowance so that the
    # images are quick to decode: 1 byte a pixel for greys and palettes, 4 for colours.
    monkeypatch.setattr(uploads.images, "MAX_DECODING_BYTES", 4 * 50 * 40)
    black = b"\x00\x00\x00"

    assert ImageUploadField().clean(upload("rgb.png", png_claiming(50, 40, 2, 8))).width == 50
    assert refusal(ImageUploadField(), upload("rgb.png", png_claiming(50, 41, 2, 8))).code == (
        "image_too_many_pixels"
    )
    for colour_type, palette in [(0, b""), (3, black)]:
        big = png_claiming(100, 80, colour_type, 8, palette)  # 4 × the colour limit, in pixels
        prepared = ImageUploadField().clean(upload("big.png", big))
        assert (prepared.width, prepared.height) == (100, 80)


def test_a_large_webp_is_refused_before_pillow_opens_it(monkeypatch):
    """Pillow's WebP decoder takes memory for the whole picture as soon as it reads the
    header: the size is read from the file first."""
    from PIL import WebPImagePlugin

    width, height = 6_000, 6_000
    header = b"VP8X" + struct.pack("<I", 10) + bytes(4)
    header += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    content = b"RIFF" + struct.pack("<I", 4 + len(header)) + b"WEBP" + header

    def no_decoder(*args, **kwargs):
        pytest.fail("Pillow's WebP decoder was created")

    monkeypatch.setattr(WebPImagePlugin._webp, "WebPAnimDecoder", no_decoder)
    error = refusal(ImageUploadField(), upload("huge.webp", content, "image/webp"))

    assert error.code == "image_too_many_pixels"
    assert error.messages == [
        "This WebP image has more than 4 megapixels. Please save it as JPEG, or reduce it, and "
        "upload it again."
    ]


def _photo(size, **options):
    """A picture with a red top half and a blue bottom half, as JPEG."""
    image = Image.new("RGB", size, (200, 30, 30))
    ImageDraw.Draw(image).rectangle((0, size[1] // 2, size[0], size[1]), fill=(30, 30, 200))
    return encode(image, "JPEG", quality=80, **options)


LARGEST_ACCEPTED = {
    "colour PNG, 16 megapixels": lambda: png_claiming(4_096, 4_096, colour_type=6, bit_depth=8),
    "palette PNG, 40 megapixels": lambda: png_claiming(6_320, 6_320, 3, 8, b"\x00\x00\x00"),
    "16-bit grey PNG, 32 megapixels": lambda: png_claiming(5_600, 5_600, 0, 16),
    "JPEG, 40 megapixels": lambda: _photo((6_320, 6_320)),
    "WebP, 4 megapixels": lambda: encode(picture(size=(2_048, 2_048)), "WEBP"),
}


@pytest.mark.parametrize("kind", LARGEST_ACCEPTED)
def test_the_largest_accepted_images_take_a_bounded_amount_of_memory(media_root, kind):
    """Decoding takes at most MAX_DECODING_BYTES (a JPEG, much less: it is decoded at a reduced
    scale), and the picture kept is smaller still: one upload stays within twice that."""
    content = LARGEST_ACCEPTED[kind]()
    assert len(content) <= MAX_IMAGE_BYTES

    def accept_and_store():
        prepared = ImageUploadField().clean(upload("large", content))
        return store_image(prepared)

    (name, renditions), grown_mb = peak_memory_growth_mb(accept_and_store)

    assert grown_mb < 2 * uploads.MAX_DECODING_BYTES / 1024 / 1024, f"{grown_mb:.0f} MB"
    stored = open_stored(media_root, name)
    assert stored.width <= uploads.STORED_MAX_WIDTH
    assert stored.width * stored.height <= uploads.STORED_MAX_PIXELS
    assert open_stored(media_root, renditions["page"]).width == min(1_200, stored.width)


def test_uploads_at_once_in_one_process_are_decoded_one_after_the_other():
    """Threads of one worker must not multiply what decoding takes: four large uploads at once
    take about what one does, plus the (smaller) pictures kept."""
    content = png_claiming(4_096, 4_096, colour_type=6, bit_depth=8)
    prepared = []

    def four_at_once():
        threads = [
            threading.Thread(
                target=lambda: prepared.append(ImageUploadField().clean(upload("a.png", content)))
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    _, grown_mb = peak_memory_growth_mb(four_at_once)

    assert len(prepared) == 4
    kept_mb = sum(len(each.image.tobytes()) for each in prepared) / 1024 / 1024
    assert grown_mb < 2 * uploads.MAX_DECODING_BYTES / 1024 / 1024 + kept_mb, f"{grown_mb:.0f} MB"


def test_a_large_image_is_kept_reduced_and_upright(media_root):
    # 6,000 × 4,000 stored sideways (EXIF: turn right to view): upright it is 4,000 wide, kept
    # at half that, as a whole factor brings it within the stored width.
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    content = _photo((6_000, 4_000), exif=exif)

    prepared = ImageUploadField().clean(upload("camera.jpg", content))
    name, renditions = store_image(prepared)

    stored = open_stored(media_root, name)
    assert stored.size == (2_000, 3_000)
    red, _, blue = stored.getpixel((1_900, 1_500))  # the top half was on the left, upright
    assert red > 150 and blue < 80
    red, _, blue = stored.getpixel((100, 1_500))
    assert blue > 150 and red < 80
    assert open_stored(media_root, renditions["page"]).size == (1_200, 1_800)
    assert open_stored(media_root, renditions["card"]).size == (480, 720)


def test_a_long_screenshot_keeps_its_width(media_root):
    # 1,080 × 8,000: within the stored width and 12 megapixels, so kept as it is.
    content = encode(picture(size=(1_080, 8_000)), "PNG")

    name, renditions = store_image(ImageUploadField().clean(upload("screen.png", content)))

    assert open_stored(media_root, name).size == (1_080, 8_000)
    assert open_stored(media_root, renditions["page"]).size == (1_080, 8_000)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "logo.svg",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>',
        ),
        ("logo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5"/></svg>'),
        ("animation.gif", encode(picture(size=(40, 20)), "GIF")),
        ("animation.jpg", encode(picture(size=(40, 20)), "GIF")),
        ("scan.bmp", encode(picture(size=(40, 20)), "BMP")),
        ("scan.tiff", encode(picture(size=(40, 20)), "TIFF")),
        ("photo.jpg", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)),
    ],
    ids=["svg", "svg-named-jpg", "gif", "gif-named-jpg", "bmp", "tiff", "heic"],
)
def test_other_image_formats_are_refused(name, content):
    error = refusal(ImageUploadField(), upload(name, content, "image/jpeg"))

    assert error.messages == [str(IMAGE_UNSUPPORTED_FORMAT)]
    assert error.code == "unsupported_image_format"


def test_an_image_over_10_mb_is_refused():
    error = refusal(ImageUploadField(), upload("big.jpg", bytes(MAX_IMAGE_BYTES + 1)))

    assert error.messages == ["This image is larger than 10 MB. Please upload a smaller image."]
    assert error.messages == [str(IMAGE_TOO_LARGE % {"limit": 10})]


def test_a_large_upload_is_refused_before_it_is_read():
    uploaded = upload("big.jpg", b"x")
    uploaded.size = MAX_IMAGE_BYTES + 1

    uploaded.file = Unreadable()
    error = refusal(ImageUploadField(), uploaded)

    assert error.code == "image_too_large"


def test_an_upload_larger_than_it_claims_is_refused_while_reading():
    uploaded = upload("big.jpg", bytes(MAX_IMAGE_BYTES + 1))
    uploaded.size = 1000

    assert refusal(ImageUploadField(), uploaded).code == "image_too_large"


def test_an_upload_of_unknown_size_is_refused():
    uploaded = upload("photo.jpg", encode(picture(size=(40, 20)), "JPEG"))
    uploaded.size = None

    # Django's own check of empty files reads the size too: call the checking function.
    with pytest.raises(ValidationError) as caught:
        uploads.prepare_image(uploaded)

    assert caught.value.messages == [str(FILE_SIZE_UNKNOWN)]


# Storing and deleting images


@pytest.mark.parametrize("fail_on_call", [1, 2, 3])
@pytest.mark.parametrize("after_writing", [False, True], ids=["before-writing", "after-writing"])
def test_a_failed_save_leaves_no_files(media_root, monkeypatch, fail_on_call, after_writing):
    content = encode(picture(size=(600, 400)), "JPEG")
    prepared = ImageUploadField().clean(upload("photo.jpg", content))
    real_save = default_storage.save
    calls = []

    def failing_save(name, content, max_length=None):
        calls.append(name)
        if len(calls) == fail_on_call:
            if after_writing:  # e.g. the disk filled up while writing
                real_save(name, content, max_length=max_length)
            raise OSError("No space left on device")
        return real_save(name, content, max_length=max_length)

    monkeypatch.setattr(default_storage, "save", failing_save)

    with pytest.raises(OSError, match="No space left"):
        store_image(prepared)

    assert len(calls) == fail_on_call
    assert stored_files(media_root) == []


def test_a_stored_image_can_be_deleted(media_root):
    content = encode(picture(size=(300, 200)), "PNG")
    prepared = ImageUploadField().clean(upload("photo.png", content))
    name, renditions = store_image(prepared)
    other = store_image(prepared)
    (media_root / renditions["card"]).unlink()  # already gone: fine

    delete_stored_image(name, renditions)

    assert stored_files(media_root) == sorted([other[0], *other[1].values()])
    delete_stored_image(name, renditions)  # twice: fine
    delete_stored_image("", {})


# PDFs


def test_a_pdf_is_accepted_and_stored(media_root):
    content = minimal_pdf()

    uploaded = PdfUploadField().clean(upload("../../Evaluation report.pdf", content))
    name, size = store_pdf(uploaded)

    assert re.fullmatch(rf"attachments/{HEX}\.pdf", name)
    assert size == len(content)
    assert stored_files(media_root) == [name]
    assert (media_root / name).read_bytes() == content

    delete_stored_file(name)
    assert stored_files(media_root) == []
    delete_stored_file(name)  # already gone: fine


def test_a_pdf_with_an_incremental_update_is_accepted():
    content = minimal_pdf() + b"1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"

    assert PdfUploadField().clean(upload("report.pdf", content)).size == len(content)


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body>Report</body></html>\n%%EOF",
        encode(picture(size=(40, 20)), "JPEG"),
        b"Minutes of the meeting\n%%EOF\n",
        b"\n%PDF-1.7\n%%EOF\n",  # not at the very start
        b"%PDF-\n%%EOF\n",
    ],
    ids=["html", "jpeg", "text", "junk-before-header", "no-version"],
)
def test_files_that_are_not_pdfs_are_refused(content):
    error = refusal(PdfUploadField(), upload("report.pdf", content, "application/pdf"))

    assert error.messages == [str(PDF_NOT_A_PDF)]
    assert error.code == "not_a_pdf"


def test_a_zip_named_pdf_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.pdf", minimal_pdf())

    error = refusal(PdfUploadField(), upload("report.pdf", buffer.getvalue(), "application/pdf"))

    assert error.messages == [str(PDF_NOT_A_PDF)]


def test_a_truncated_pdf_is_refused():
    content = minimal_pdf()

    error = refusal(PdfUploadField(), upload("report.pdf", content[: len(content) // 2]))

    assert error.messages == [str(PDF_DAMAGED)]
    assert error.code == "pdf_damaged"


def test_a_pdf_whose_end_marker_is_far_from_the_end_is_refused():
    content = minimal_pdf() + b"\n" * 2048

    assert refusal(PdfUploadField(), upload("report.pdf", content)).code == "pdf_damaged"


def test_a_pdf_over_20_mb_is_refused():
    content = b"%PDF-1.4\n" + bytes(MAX_PDF_BYTES - 9 - 6 + 1) + b"%%EOF\n"
    assert len(content) == MAX_PDF_BYTES + 1

    error = refusal(PdfUploadField(), upload("report.pdf", content))

    assert error.messages == ["This PDF is larger than 20 MB. Please upload a smaller file."]
    assert error.messages == [str(PDF_TOO_LARGE % {"limit": 20})]


def test_a_pdf_of_exactly_20_mb_is_accepted():
    content = b"%PDF-1.4\n" + bytes(MAX_PDF_BYTES - 9 - 6) + b"%%EOF\n"

    assert PdfUploadField().clean(upload("report.pdf", content)).size == MAX_PDF_BYTES


def test_a_large_pdf_is_refused_before_it_is_read_and_one_larger_than_it_claims_while_reading():
    uploaded = upload("report.pdf", b"%PDF-1.4\n%%EOF")
    uploaded.size = MAX_PDF_BYTES + 1

    uploaded.file = Unreadable()
    assert refusal(PdfUploadField(), uploaded).code == "pdf_too_large"

    uploaded = upload("report.pdf", b"%PDF-1.4\n" + bytes(MAX_PDF_BYTES) + b"%%EOF")
    uploaded.size = 100
    assert refusal(PdfUploadField(), uploaded).code == "pdf_too_large"


def test_a_failed_pdf_save_leaves_no_file(media_root, monkeypatch):
    real_save = default_storage.save

    def failing_save(name, content, max_length=None):
        real_save(name, content, max_length=max_length)
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", failing_save)
    uploaded = PdfUploadField().clean(upload("report.pdf", minimal_pdf()))

    with pytest.raises(OSError):
        store_pdf(uploaded)

    assert stored_files(media_root) == []


# PDFs: active content


def pdf_of(*objects, trailer=b"", unlisted=(), version=b"1.7"):
    """A PDF of `objects` (the bodies of objects 1, 2, …) with a correct cross-reference table;
    `unlisted` are (number, body) written in the file but left out of the table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    for number, body in unlisted:
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % table
    return bytes(out)


def document(catalog=b"", page=b"", *more, **options):
    """A one-page PDF: catalog, pages, page (with extra entries), then `more` objects (4, 5…)."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b" >>",
        *more,
        **options,
    )


def stream(data, entries=b""):
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def object_stream(*numbered):
    """An object stream (compressed) holding (number, body) objects."""
    header, bodies = [], b""
    for number, body in numbered:
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += body + b"\n"
    head = b" ".join(header) + b"\n"
    data = zlib.compress(head + bodies)
    entries = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(numbered), len(head))
    return stream(data, entries)


SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"
ACTIVE_PDFS = {
    # The finding: a script run as soon as the document opens.
    "script on opening": lambda: document(b"/OpenAction " + SCRIPT),
    "script on opening, by reference": lambda: document(b"/OpenAction 4 0 R", b"", SCRIPT),
    "document scripts": lambda: document(
        b"/Names << /JavaScript 4 0 R >>", b"", b"<< /Names [(init) 5 0 R] >>", SCRIPT
    ),
    "action when a page opens": lambda: document(b"", b"/AA << /O " + SCRIPT + b" >>"),
    "a link launching a program": lambda: document(
        b"",
        b"/Annots [4 0 R]",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /Launch /F (cmd.exe) >> >>",
    ),
    "launch, its type given by reference": lambda: document(
        b"",
        b"/Annots [4 0 R]",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S 5 0 R /F (cmd.exe) >> >>",
        b"/Launch",
    ),
    "an attached file": lambda: document(
        b"/Names << /EmbeddedFiles << /Names [(invoice.exe) 4 0 R] >> >>",
        b"",
        b"<< /Type /Filespec /F (invoice.exe) /EF << /F 5 0 R >> >>",
        stream(b"MZ...", b"/Type /EmbeddedFile"),
    ),
    "an XFA form": lambda: document(
        b"/AcroForm << /Fields [] /XFA 4 0 R >>", b"", stream(b"<xdp:xdp/>")
    ),
    "rich media": lambda: document(
        b"",
        b"/Annots [4 0 R]",
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 50 50] >>",
    ),
    "names written with escapes": lambda: document(
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
    ),
    "script in a compressed object stream": lambda: document(
        b"/OpenAction 5 0 R", b"", object_stream((5, SCRIPT))
    ),
    "script the cross-reference table leaves out": lambda: document(
        b"/OpenAction 4 0 R", unlisted=[(4, SCRIPT)]
    ),
    "an earlier definition of the catalog": lambda: pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        unlisted=[(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + SCRIPT + b" >>")],
    ),
    "written by pypdf": lambda: _pypdf_with_script(),
}


def _pypdf_with_script():
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_open_action(JavaScript("app.alert(1);"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused(kind):
    content = ACTIVE_PDFS[kind]()

    error = refusal(PdfUploadField(), upload("report.pdf", content, "application/pdf"))

    assert error.code == "pdf_active_content"
    assert error.messages == [str(PDF_ACTIVE_CONTENT)]


def test_the_script_hidden_in_an_object_stream_is_not_in_the_raw_bytes():
    content = ACTIVE_PDFS["script in a compressed object stream"]()

    assert b"JavaScript" not in content and b"/JS" not in content


PLAIN_PDFS = {
    # LibreOffice opens its exports at the first page this way.
    "opening at a page": lambda: document(b"/OpenAction [3 0 R /XYZ null null 0]"),
    "opening through a go-to action": lambda: document(
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"
    ),
    "links to web pages and a fillable form": lambda: document(
        b"/AcroForm << /Fields [] >> /Outlines 5 0 R",
        b"/Annots [4 0 R]",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] "
        b"/A << /S /URI /URI (https://en.unesco.org/) >> >>",
        b"<< /Type /Outlines /Count 0 >>",
    ),
    # pdfTeX writes a stream's length as an object that comes after it.
    "a stream whose length comes later": lambda: document(
        b"",
        b"/Contents 4 0 R",
        b"<< /Length 5 0 R >>\nstream\nBT /F1 12 Tf (Report) Tj ET\nendstream",
        b"27",
    ),
    # A page drawn with text that looks like the start of an object or a trailer, uncompressed.
    "a page showing PDF syntax": lambda: document(
        b"", b"/Contents 4 0 R", stream(b"BT (how 9 0 obj [ starts, and trailer << [ too) Tj ET")
    ),
    "an object stream": lambda: document(
        b"", b"", object_stream((5, b"<< /Title (Evaluation) >>"), (6, b"[1 2 3]"))
    ),
    "written by pypdf, many pages": lambda: _pypdf_pages(300),
}


def _pypdf_pages(count):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(595, 842)
    writer.add_outline_item(title="Summary", page_number=0)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", PLAIN_PDFS)
def test_a_pdf_without_active_content_is_accepted(kind):
    content = PLAIN_PDFS[kind]()

    assert PdfUploadField().clean(upload("report.pdf", content)).size == len(content)


def test_an_encrypted_pdf_is_refused_as_it_cannot_be_checked():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("", "owner-password", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)

    error = refusal(PdfUploadField(), upload("protected.pdf", buffer.getvalue()))

    assert error.code == "pdf_protected"
    assert error.messages == [str(PDF_PROTECTED)]


BROKEN_PDFS = {
    "a dictionary never closed": lambda: document(b"/OpenAction [3 0 R /Fit"),
    "a stream without its end": lambda: document(
        b"", b"/Contents 4 0 R", b"<< /Length 500 >>\nstream\nBT ET"
    ),
    "an object stream that is not compressed data": lambda: document(
        b"", b"", stream(b"not zlib at all", b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")
    ),
    "an object stream with a wrong table": lambda: document(
        b"",
        b"",
        stream(zlib.compress(b"5 x\n<< >>"), b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"),
    ),
    "a string never closed": lambda: document(b"/Lang (en"),
    "cut in the middle": lambda: document(b"/Lang (en)")[:60] + b"\n%%EOF\n",
    "nested a hundred thousand times": lambda: document(b"/Kids " + b"[" * 100_000),
}


@pytest.mark.parametrize("kind", BROKEN_PDFS)
def test_a_broken_pdf_is_refused_as_damaged_never_an_error(kind):
    content = BROKEN_PDFS[kind]()
    started = time.perf_counter()

    error = refusal(PdfUploadField(), upload("report.pdf", content))

    assert error.messages == [str(PDF_DAMAGED)]
    assert time.perf_counter() - started < 2


def test_checking_a_pdf_is_bounded_in_time(monkeypatch):
    # One string filling the file: pypdf reads hexadecimal strings a byte at a time.
    monkeypatch.setattr(uploads.pdfs, "PDF_CHECK_SECONDS", 0.2)
    content = document(b"/Title <" + b"41" * 8_000_000 + b">")
    started = time.perf_counter()

    error = refusal(PdfUploadField(), upload("report.pdf", content))

    assert time.perf_counter() - started < 1.5
    assert error.code == "pdf_too_complex"
    assert error.messages == [str(PDF_TOO_COMPLEX)]


def test_checking_a_pdf_is_bounded_in_objects_and_tokens():
    many_objects = b"%PDF-1.4\n" + b"".join(
        b"%d 0 obj null endobj\n" % number for number in range(1, uploads.PDF_MAX_OBJECTS + 2)
    )
    many_tokens = document(b"/Numbers [" + b"0 " * (uploads.PDF_MAX_TOKENS + 1) + b"]")
    for content in (many_objects + b"%%EOF\n", many_tokens):
        assert len(content) <= MAX_PDF_BYTES
        started = time.perf_counter()
        error = refusal(PdfUploadField(), upload("report.pdf", content))
        assert error.code == "pdf_too_complex"
        assert time.perf_counter() - started < uploads.pdfs.PDF_CHECK_SECONDS + 1


def test_a_compressed_object_stream_may_not_unfold_without_bound():
    # 200 MB of zeros, compressed to some 200 KB.
    compressor = zlib.compressobj(9)
    bomb = b"".join(compressor.compress(bytes(1024 * 1024)) for _ in range(200))
    bomb += compressor.flush()
    content = document(b"", b"", stream(bomb, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"))

    error, grown_mb = peak_memory_growth_mb(
        lambda: refusal(PdfUploadField(), upload("report.pdf", content))
    )

    assert error.code == "pdf_too_complex"
    assert grown_mb < 100, f"{grown_mb:.0f} MB"


@pytest.mark.django_db
def test_an_officer_uploading_a_pdf_with_a_script_is_told_and_nothing_is_kept(officer, media_root):
    from django.test import Client
    from django.urls import reverse

    from tests.practices.factories import PracticeFactory

    practice = PracticeFactory(city=officer.city_officer.city)
    client = Client()
    client.force_login(officer)
    pdf = io.BytesIO(ACTIVE_PDFS["script on opening"]())
    pdf.name = "report.pdf"

    response = client.post(
        reverse("members:attachment_add", args=[practice.pk]),
        {"document-upload": pdf, "document-title": "Evaluation"},
    )

    assert response.status_code == 400
    assert "contains active content" in response.content.decode()
    assert not practice.attachments.exists()
    assert stored_files(media_root) == []


def test_the_stored_media_folder_is_the_test_one(media_root):
    assert Path(default_storage.path("x")).parent == media_root
