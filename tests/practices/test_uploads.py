"""Uploads from city officers: images and PDFs are checked by content and stored cleanly.

Every input is generated here, with Pillow or as bytes.
"""

import io
import re
import resource
import struct
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
    PDF_DAMAGED,
    PDF_NOT_A_PDF,
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


def png_claiming(width, height):
    """A valid 1-bit PNG of `width` × `height` pixels, all black, written without Pillow.

    However large the picture, the file stays small: the rows are all zero, so the compressed
    stream repeats one block, and its checksum is computed directly.
    """

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = 1 + (width + 7) // 8  # filter byte, then 8 pixels a byte
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
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


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
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 50 * 40)

    assert ImageUploadField().clean(upload("exact.png", png_claiming(50, 40))).width == 50
    error = refusal(ImageUploadField(), upload("over.png", png_claiming(50, 41)))
    assert error.code == "image_too_many_pixels"


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


def test_the_stored_media_folder_is_the_test_one(media_root):
    assert Path(default_storage.path("x")).parent == media_root
