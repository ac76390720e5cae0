"""The one place that accepts files from city officers: images (`images.py`) and PDFs
(`pdfs.py`), with what both share (`files.py`).

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

from .files import FILE_SIZE_UNKNOWN, CheckedUploadField, delete_stored_file
from .images import (
    IMAGE_DAMAGED,
    IMAGE_NOT_AN_IMAGE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_UNSUPPORTED_FORMAT,
    IMAGE_WEBP_TOO_MANY_PIXELS,
    MAX_DECODING_BYTES,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    RENDITION_WIDTHS,
    STORED_MAX_PIXELS,
    STORED_MAX_WIDTH,
    ImageUploadField,
    PreparedImage,
    delete_stored_image,
    prepare_image,
    rendition_size,
    store_image,
)
from .pdfs import (
    MAX_PDF_BYTES,
    PDF_ACTIVE_CONTENT,
    PDF_CHECK_SECONDS,
    PDF_DAMAGED,
    PDF_MAX_OBJECTS,
    PDF_MAX_TOKENS,
    PDF_NOT_A_PDF,
    PDF_PROTECTED,
    PDF_TOO_COMPLEX,
    PDF_TOO_LARGE,
    PdfUploadField,
    store_pdf,
    validate_pdf,
)

__all__ = [
    "FILE_SIZE_UNKNOWN",
    "IMAGE_DAMAGED",
    "IMAGE_NOT_AN_IMAGE",
    "IMAGE_TOO_LARGE",
    "IMAGE_TOO_MANY_PIXELS",
    "IMAGE_UNSUPPORTED_FORMAT",
    "IMAGE_WEBP_TOO_MANY_PIXELS",
    "MAX_DECODING_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_PDF_BYTES",
    "PDF_ACTIVE_CONTENT",
    "PDF_CHECK_SECONDS",
    "PDF_DAMAGED",
    "PDF_MAX_OBJECTS",
    "PDF_MAX_TOKENS",
    "PDF_NOT_A_PDF",
    "PDF_PROTECTED",
    "PDF_TOO_COMPLEX",
    "PDF_TOO_LARGE",
    "RENDITION_WIDTHS",
    "STORED_MAX_PIXELS",
    "STORED_MAX_WIDTH",
    "CheckedUploadField",
    "ImageUploadField",
    "PdfUploadField",
    "PreparedImage",
    "delete_stored_file",
    "delete_stored_image",
    "prepare_image",
    "rendition_size",
    "store_image",
    "store_pdf",
    "validate_pdf",
]
