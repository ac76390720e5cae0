"""PDF uploads: checked to be a PDF, every object read (bounded in time, objects, tokens and
decompressed bytes) and refused when it carries active content; stored under a new name."""

import bisect
import io
import re
import time
import uuid

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
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

from .files import MB, CheckedUploadField, delete_quietly, read_at_most, refusal

# Limits. They do not depend on settings: the messages promise them to officers.
MAX_PDF_BYTES = 20 * 1024 * 1024
# Checking a PDF for active content reads every object in it, within these bounds; a PDF past
# them is refused as too complex (a report of some hundred pages stays far below).
PDF_CHECK_SECONDS = 2.0
PDF_MAX_OBJECTS = 100_000
PDF_MAX_TOKENS = 2_000_000  # names, numbers, strings… in dictionaries and arrays
PDF_MAX_DECODED_BYTES = 32 * 1024 * 1024  # of object streams, decompressed

ATTACHMENT_FOLDER = "attachments"

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


def _pdf_too_large():
    return refusal(PDF_TOO_LARGE, "pdf_too_large", limit=MAX_PDF_BYTES // MB)


class _PdfRefused(Exception):
    """Raised while reading a PDF: it is refused, with this message and code."""

    def __init__(self, message, code):
        super().__init__(code)
        self.refusal = refusal(message, code)


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
            raise refusal(PDF_TOO_COMPLEX, "pdf_too_complex") from None
        except Exception:
            # pypdf reports broken files with many kinds of exceptions.
            raise refusal(PDF_DAMAGED, "pdf_damaged") from None


def validate_pdf(uploaded):
    """Check that an upload is a PDF by its content, and that it carries no active content;
    return it."""
    data = read_at_most(uploaded, MAX_PDF_BYTES, _pdf_too_large())
    if not _PDF_HEAD.match(data[:8]):
        raise refusal(PDF_NOT_A_PDF, "not_a_pdf")
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise refusal(PDF_DAMAGED, "pdf_damaged")
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
        delete_quietly([wanted_name])
        raise
    return name, size
