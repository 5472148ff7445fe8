"""Checks on entry attachments: by content, size and type, never by the name
or the browser's word.

`upload_check` refuses, with a message for the field, anything that is not plainly one
of the allowed types: an empty or oversized file; a type we do not take (executables,
SVG, HTML, archives…) whatever its name says; a name whose extension disagrees with the
content; an image too big to open safely (a decompression bomb, or over 40 megapixels)
or one that does not parse; a PDF with scripts, launch actions or embedded files (in
its plain text or in its Flate-compressed streams, inflated within a budget); a
DOCX or PPTX that is not a real Office document, holds macros, has unsafe member names,
or unzips to too much (a zip bomb); and polyglots (a second file hidden after or inside
the first). What passes is stored under a random name outside MEDIA_ROOT and served
only as a download (`Content-Disposition: attachment`, the checked content type,
`nosniff`): see `challenges.views.attachment_download`.
"""

import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import filetype  # pinned in requirements.txt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from .models import EntryAttachment

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PNG = "image/png"
JPEG = "image/jpeg"
# Content type → (what people call it, the extensions a name may end in).
ALLOWED = {
    PDF: ("PDF", ("pdf",)),
    DOCX: ("DOCX", ("docx",)),
    PPTX: ("PPTX", ("pptx",)),
    PNG: ("PNG", ("png",)),
    JPEG: ("JPEG", ("jpg", "jpeg")),
}
# The part an Office file of each kind must have.
OFFICE_MAIN_PART = {DOCX: "word/document.xml", PPTX: "ppt/presentation.xml"}
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
# Office XML compresses well, but not a hundredfold once a part is past a megabyte.
MAX_COMPRESSION_RATIO = 100
NAME_MAX_LENGTH = 150
# Markup a browser would sniff as a web page, looked for in the first kilobyte.
MARKUP = re.compile(rb"<\s*(script|html|svg|body|iframe|!doctype\s+html)", re.I)
# PDF names for active content. Names may hide letters as #xx escapes: decoded first.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)\b")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Compressed object streams (PDF 1.5 and later) can carry the same names, so every
# Flate-compressed stream is inflated and read too, within a budget.
MAX_PDF_INFLATED_BYTES = 100 * 1024 * 1024
MAX_PDF_STREAMS = 100_000
PDF_INFLATE_CHUNK = 1024 * 1024
# Input is fed to zlib in pieces this size: on an error zlib copies the input it was
# given, so a decoy costs at most this much however long the file after it is.
PDF_INFLATE_PIECE = 8 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    name: str


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"file": message}, code=code)


def _types_text() -> str:
    labels = [label for label, _ in ALLOWED.values()]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def safe_name(name: str | None) -> str:
    """The file's name as people see it, with no path, no control or invisible
    characters (including right-to-left overrides) and a sensible length."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or ch.isspace()
    )
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = re.sub(r" +\.(?=[^.]*$)", ".", name)  # "report .pdf" → "report.pdf"
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 10:
            name = stem[: NAME_MAX_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:NAME_MAX_LENGTH].rstrip(" .")
    return name


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _check_image(data: bytes, upload: UploadedFile, label: str) -> None:
    max_pixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    megapixels = max_pixels // 1_000_000
    too_big = _refuse(
        f"The selected image must be {megapixels} megapixels or smaller",
        "too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise too_big
                image.verify()  # structure and checksums, without decoding pixels
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of error for a broken file
        raise _refuse(
            f"The selected file is not a {label} image that can be opened",
            "broken_image",
        ) from None
    finally:
        upload.seek(0)
    if label == "PNG":
        end = data.rfind(b"IEND")
        # IEND's 4-byte type is followed only by its 4-byte checksum.
        if end == -1 or len(data) - (end + 8) > 0:
            raise _refuse(
                "The selected image has extra data after the picture: save it again "
                "from an image editor and upload that copy",
                "polyglot",
            )


def _check_pdf(data: bytes) -> None:
    for text in _pdf_texts(data):
        decoded = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text)
        if PDF_ACTIVE.search(decoded):
            raise _refuse(
                "The selected PDF contains scripts, actions or attached files: print "
                "it to a new PDF, or save it without them, and upload that copy",
                "pdf_active",
            )


def _pdf_texts(data: bytes):
    """The file as it is, then each Flate-compressed stream inflated, in chunks that
    overlap by a name's length (so no name is split between two of them)."""
    yield data
    budget = MAX_PDF_INFLATED_BYTES
    for n, body in enumerate(_pdf_stream_bodies(data)):
        if n == MAX_PDF_STREAMS:
            raise _refuse(
                "The selected PDF has too many parts to check: save it again as a new "
                "PDF and upload that copy",
                "pdf_too_many_streams",
            )
        if not _zlib_header(body[:2]):
            continue  # not Flate (an image, say): nothing of ours to read in it
        inflater, tail = zlib.decompressobj(), b""
        try:
            for start in range(0, len(body), PDF_INFLATE_PIECE):
                pending = body[start : start + PDF_INFLATE_PIECE]
                while pending and not inflater.eof:
                    chunk = inflater.decompress(pending, PDF_INFLATE_CHUNK)
                    pending = inflater.unconsumed_tail
                    budget -= len(chunk)
                    if budget < 0:
                        raise _refuse(
                            "The selected PDF is too large to check once decompressed: "
                            "save it again as a smaller PDF (for example with images "
                            "compressed) and upload that copy",
                            "pdf_too_large_inflated",
                        )
                    yield tail + chunk
                    tail = chunk[-64:]
                if inflater.eof:
                    break
        except zlib.error:
            continue  # damaged or not Flate after all: what inflated was read


def _zlib_header(two: bytes) -> bool:
    """Whether two bytes open a zlib stream (RFC 1950: method 8, check bits)."""
    return len(two) == 2 and two[0] & 0x0F == 8 and (two[0] * 256 + two[1]) % 31 == 0


def _pdf_stream_bodies(data: bytes):
    """What lies between each `stream` keyword and the next `endstream`, without
    copying. Every `stream` is tried, even one inside another's body or a string, so
    a decoy cannot hide the real stream after it; the `endstream` positions are found
    once, so the work stays linear in the file's size."""
    view = memoryview(data)
    ends = [m.start() for m in re.finditer(rb"endstream", data)]
    e = 0
    for m in re.finditer(rb"(?<!end)stream(?:\r\n|\r|\n)", data):
        while e < len(ends) and ends[e] < m.end():
            e += 1
        if e == len(ends):
            return
        yield view[m.end() : ends[e]]


def _check_office(upload: UploadedFile, data: bytes, mime: str, label: str) -> None:
    not_office = _refuse(
        f"The selected file is not a {label} document that can be opened", "broken"
    )
    if b"%PDF" in data[:1024]:
        raise _refuse("The selected file hides another file inside it", "polyglot")
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise not_office
            names = {m.filename for m in members}
            if (
                "[Content_Types].xml" not in names
                or OFFICE_MAIN_PART[mime] not in names
            ):
                raise not_office
            for member in members:
                name = member.filename
                if (
                    name.startswith(("/", "\\"))
                    or "\\" in name
                    or ".." in name.split("/")
                    or ":" in name
                ):
                    raise not_office
                if name.lower().endswith("vbaproject.bin"):
                    raise _refuse(
                        f"The selected {label} contains macros: save it as a {label} "
                        "without macros and upload that copy",
                        "macros",
                    )
                if member.flag_bits & 0x1:
                    raise _refuse(
                        f"The selected {label} is password-protected: remove the "
                        "password and upload it again",
                        "encrypted",
                    )
            _check_unzipped_size(archive, members, label)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise not_office from None
    except NotImplementedError:  # a compression method zipfile cannot read
        raise not_office from None
    finally:
        upload.seek(0)


def _check_unzipped_size(archive: zipfile.ZipFile, members, label: str) -> None:
    """Refuse a zip bomb: by the sizes the archive declares, then by actually
    unzipping (declared sizes can lie), stopping as soon as the budget is spent."""
    bomb = _refuse(
        f"The selected {label} unzips to far more than its size: it may be a "
        "'zip bomb'. Save it again from your word processor and upload that copy",
        "zip_bomb",
    )
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNZIPPED_BYTES:
        raise bomb
    for member in members:
        if (
            member.file_size > 1024 * 1024
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise bomb
    budget = MAX_UNZIPPED_BYTES
    for member in members:
        allowed = min(member.file_size, budget)
        with archive.open(member) as stream:
            read = 0
            while chunk := stream.read(64 * 1024):
                read += len(chunk)
                if read > allowed:
                    raise bomb
        budget -= read


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """The content type and the safe name to store, or a ValidationError for `file`."""
    if upload.size == 0:
        raise _refuse("The selected file is empty", "empty")
    if upload.size > EntryAttachment.MAX_BYTES:
        raise _refuse("The selected file must be smaller than 10 MB", "too_big")
    data = _read_all(upload)
    if len(data) != upload.size:
        raise _refuse("The selected file could not be read: try again", "unreadable")
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED:
        raise _refuse(f"The selected file must be a {_types_text()}", "wrong_type")
    mime = kind.mime
    label, extensions = ALLOWED[mime]
    name = safe_name(upload.name)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        name = f"{name or 'attachment'}.{extensions[0]}"
    elif ext.lower() not in extensions:
        raise _refuse(
            f"The selected file is a {label} but its name ends in .{ext}: rename it "
            f"to end in .{extensions[0]}",
            "extension_mismatch",
        )
    if MARKUP.search(data[:1024]):
        raise _refuse("The selected file hides a web page inside it", "polyglot")
    if mime in (PDF, PNG, JPEG) and _has_zip_inside(upload):
        raise _refuse("The selected file hides another file inside it", "polyglot")
    if mime in (PNG, JPEG):
        _check_image(data, upload, label)
    elif mime == PDF:
        _check_pdf(data)
    else:
        _check_office(upload, data, mime, label)
    return CheckedUpload(content_type=mime, name=name)


def _has_zip_inside(upload: UploadedFile) -> bool:
    try:
        upload.seek(0)
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)
