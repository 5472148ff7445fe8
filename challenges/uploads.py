"""Checks on entry attachments: by parsing the content, never by the name or the
browser's word.

`upload_check` refuses, with a message for the field, anything that is not plainly one
of the allowed types: an empty or oversized file; a type we do not take (executables,
SVG, HTML, archives…) whatever its name says; a name whose extension disagrees with the
content; polyglots (web-page markup, a PHP opening tag, a ZIP archive or a PDF anywhere
in the file, or data after a PDF's end); and then, by type:

- **Images** must open in Pillow, within 40 megapixels, with nothing after a PNG's end.
- **PDFs** must open in pikepdf (qpdf): a file is a PDF only if it parses. Encrypted
  PDFs are refused, even those that open without a password. Every object is walked
  (those in object streams too) and every stream is decoded by qpdf whatever its
  filters; JavaScript, launch, submit-form, import-data, reset-form, remote go-to
  actions, additional actions (`/AA`), an opening action other than "go to a page",
  links to anything but a web or email address, embedded or attached files, rich
  media, sound, movies, 3D and XFA forms are refused. As a second line, the raw file
  and every stream decoded are searched for those names, and the file is parsed a
  second time with its cross-reference table ignored, so that objects the table does
  not list (a hidden object stream, say) are read too. Decoding is bounded by qpdf's
  memory limits, set for the process below.
- **Office files** (DOCX, XLSX, PPTX) are judged by `[Content_Types].xml` and the
  relationships, never by part names: the main part's type decides the kind; macros
  (VBA projects, macro-enabled types), ActiveX, OLE objects, embedded packages,
  altChunk imports, any external relationship other than a web or email hyperlink
  (remote templates, linked pictures), parts that are themselves archives, OLE
  compound files or PDFs, unsafe member names, encryption and zip bombs are refused.
  oletools is not used: any OLE compound file inside the package is refused outright,
  so there is nothing left for it to tell apart.

What passes is stored under a random name outside MEDIA_ROOT and served only as a
download (`Content-Disposition: attachment`, the checked content type, `nosniff`): see
`challenges.views.attachment_download`.
"""

import io
import posixpath
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import filetype  # pinned in requirements.txt
import pikepdf  # pinned in requirements.txt
from defusedxml import ElementTree  # pinned in requirements.txt
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from .models import EntryAttachment

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PNG = "image/png"
JPEG = "image/jpeg"
# Content type → (what people call it, the extensions a name may end in).
ALLOWED = {
    PDF: ("PDF", ("pdf",)),
    DOCX: ("DOCX", ("docx",)),
    XLSX: ("XLSX", ("xlsx",)),
    PPTX: ("PPTX", ("pptx",)),
    PNG: ("PNG", ("png",)),
    JPEG: ("JPEG", ("jpg", "jpeg")),
}
NAME_MAX_LENGTH = 150

# --- Polyglots: looked for in the whole file -----------------------------------------

# Markup a browser would sniff as a web page, and PHP's opening tag. Each needs the
# character after the word too, so compressed data does not match by chance.
MARKUP = re.compile(
    rb"<\s*(?:script|html|svg|body|iframe|object|embed|!doctype\s+html)[\s>/]"
    rb"|<\?php[\s]",
    re.I,
)
# A ZIP local-file header with a plausible "version needed" (1.0, 2.0, 4.5).
ZIP_HEADER = re.compile(rb"PK\x03\x04[\x0a\x14\x2d]\x00")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- PDFs ----------------------------------------------------------------------------

# Every stream decoded, in total, and any one stream (qpdf's own limits, below).
MAX_PDF_DECODED_BYTES = 200 * 1024 * 1024
MAX_PDF_OBJECTS = 200_000
# qpdf has no memory limit for LZW, which can expand a few thousandfold: an LZW stream
# is decoded only when it is the first filter and its encoded data is this small.
MAX_PDF_LZW_BYTES = 64 * 1024
# Process-wide (qpdf's limits are global); nothing else in the site uses pikepdf.
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=MAX_PDF_DECODED_BYTES,
    run_length_max_memory=MAX_PDF_DECODED_BYTES,
    png_max_memory=MAX_PDF_DECODED_BYTES,
    tiff_max_memory=MAX_PDF_DECODED_BYTES,
)
JAVASCRIPT = "JavaScript"
ATTACHED = "attached or embedded files"
MEDIA = "rich media (video, sound, Flash or 3D content)"
# PDF names (as keys or values, anywhere) → what the message calls them.
PDF_FORBIDDEN = {
    "/JavaScript": JAVASCRIPT,
    "/JS": JAVASCRIPT,
    "/Launch": "an action that starts a program",
    "/SubmitForm": "a form that sends what is typed to a website",
    "/ImportData": "an action that imports data from another file",
    "/ResetForm": "an action that changes a form",
    "/GoToR": "a link that opens another file",
    "/GoToE": "a link that opens an embedded file",
    "/AA": "actions that run by themselves (when a page opens or closes, say)",
    "/EmbeddedFiles": ATTACHED,
    "/EmbeddedFile": ATTACHED,
    "/EF": ATTACHED,
    "/FileAttachment": ATTACHED,
    "/RichMedia": MEDIA,
    "/RichMediaContent": MEDIA,
    "/RichMediaExecute": MEDIA,
    "/Rendition": MEDIA,
    "/Movie": MEDIA,
    "/Sound": MEDIA,
    "/Screen": MEDIA,
    "/3D": MEDIA,
    "/XFA": "an XFA form",
}
# The same names searched for in raw and decoded bytes (after #xx escapes are
# undone). Short names only where PDF syntax follows them, so binary data (images,
# fonts) does not match by chance.
PDF_MARKERS = re.compile(
    rb"/(JavaScript|Launch|SubmitForm|ImportData|ResetForm|GoToR|GoToE"
    rb"|EmbeddedFiles?|RichMedia\w*|Rendition)(?![A-Za-z0-9])"
    rb"|/(JS|AA|XFA)(?=\s*(?:<<|\(|<[0-9A-Fa-f]|\[|\d+\s+\d+\s+R))"
)
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
LINK_SCHEMES = {"http", "https", "mailto"}
# Filters qpdf decodes at its "specialized" level; images codecs are left encoded.
PDF_IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}
PDF_END = re.compile(rb"%%EOF[\s\x00]*\Z")

# --- Office files --------------------------------------------------------------------

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
# Office XML compresses well, but not a hundredfold once a part is past a megabyte.
MAX_COMPRESSION_RATIO = 100
MAX_XML_PART_BYTES = 5 * 1024 * 1024
# The main part's content type → the kind of file.
OFFICE_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        DOCX
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        PPTX
    ),
}
MACROS, ACTIVEX, EMBEDDED, ALT_CHUNK, EXTERNAL = (
    "macros",
    "activex",
    "embedded",
    "alt_chunk",
    "external",
)
# Words in a part's content type (lower case) → what they are.
OFFICE_TYPE_WORDS = {
    "macroenabled": MACROS,
    "vbaproject": MACROS,
    "vbadata": MACROS,
    "macrosheet": MACROS,
    "activex": ACTIVEX,
    "oleobject": EMBEDDED,
}
# Whole content types of parts that are files of their own.
OFFICE_EMBEDDED_TYPES = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/pdf",
    "application/zip",
    "application/x-zip-compressed",
    DOCX,
    XLSX,
    PPTX,
}
# The last segment of a relationship's type → what it is.
OFFICE_RELATIONSHIPS = {
    "vbaproject": MACROS,
    "wordvbadata": MACROS,
    "activex": ACTIVEX,
    "activexcontrolbinary": ACTIVEX,
    "control": ACTIVEX,
    "oleobject": EMBEDDED,
    "package": EMBEDDED,
    "afchunk": ALT_CHUNK,
    "subdocument": EXTERNAL,
    "attachedtemplate": EXTERNAL,
    "externallink": EXTERNAL,
    "externallinkpath": EXTERNAL,
}
OFFICE_PACKAGE_RELS = "_rels/.rels"
OFFICE_CONTENT_TYPES = "[Content_Types].xml"


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


# --- Images --------------------------------------------------------------------------


def _check_image(data: bytes, label: str) -> None:
    max_pixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    megapixels = max_pixels // 1_000_000
    too_big = _refuse(
        f"The selected image must be {megapixels} megapixels or smaller",
        "too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
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
    if label == "PNG":
        end = data.rfind(b"IEND")
        # IEND's 4-byte type is followed only by its 4-byte checksum.
        if end == -1 or len(data) - (end + 8) > 0:
            raise _refuse(
                "The selected image has extra data after the picture: save it again "
                "from an image editor and upload that copy",
                "polyglot",
            )


# --- PDFs ----------------------------------------------------------------------------


def _pdf_active(what: str) -> ValidationError:
    return _refuse(
        f"The selected PDF contains {what}, which we do not accept: print it to a "
        "new PDF, or save a copy without it, and upload that copy",
        "pdf_active",
    )


def _pdf_too_big() -> ValidationError:
    return _refuse(
        "The selected PDF is too large to check once decompressed: save it again as "
        "a smaller PDF (for example with images compressed) and upload that copy",
        "pdf_too_large_inflated",
    )


def _pdf_markers(data: bytes) -> None:
    """Refuse bytes (the raw file, or a stream decoded) that name active content."""
    if b"#" in data:
        data = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    found = PDF_MARKERS.search(data)
    if found:
        name = found[0].decode()
        raise _pdf_active(
            PDF_FORBIDDEN.get(name, MEDIA if "RichMedia" in name else JAVASCRIPT)
        )


def _pdf_open(data: bytes) -> pikepdf.Pdf:
    encrypted = _refuse(
        "The selected PDF is encrypted or password-protected: save a copy without "
        "a password or restrictions and upload that",
        "encrypted",
    )
    broken = _refuse(
        "The selected file is not a PDF that can be opened, or is damaged: save it "
        "again as a PDF and upload that copy",
        "broken_pdf",
    )
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise encrypted from None
    except Exception:  # qpdf raises several kinds of error for a broken file
        raise broken from None
    if pdf.is_encrypted:
        pdf.close()
        raise encrypted
    if pdf.get_warnings():
        # qpdf had to repair the file (a damaged or missing cross-reference table,
        # say): readers repair in different ways, so it is not one PDF but several.
        pdf.close()
        raise broken
    return pdf


def _pdf_without_xref(data: bytes) -> bytes:
    """The file with its cross-reference table hidden from qpdf, and a one-page
    catalogue of our own added, so that qpdf rebuilds the table by reading every
    `N G obj` in the file (a stream the real table does not list is read too)."""
    numbers = [int(m[1]) for m in re.finditer(rb"(\d{1,10})\s+\d{1,5}\s+obj\b", data)]
    top = max(numbers, default=0) + 1
    catalogue, pages, page = top, top + 1, top + 2
    tail = (
        b"\n%d 0 obj<</Type/Catalog/Pages %d 0 R>>endobj\n"
        b"%d 0 obj<</Type/Pages/Kids[%d 0 R]/Count 1>>endobj\n"
        b"%d 0 obj<</Type/Page/Parent %d 0 R/MediaBox[0 0 1 1]>>endobj\n"
        b"trailer<</Root %d 0 R/Size %d>>\n%%%%EOF\n"
    ) % (catalogue, pages, pages, page, page, pages, catalogue, page + 1)
    return (
        data.replace(b"startxref", b" " * len(b"startxref")).replace(b"/XRef", b"/XXef")
        + tail
    )


def _check_pdf(data: bytes) -> None:
    if not PDF_END.search(data):
        raise _refuse(
            "The selected PDF has extra data after its end, which may hide another "
            "file: save it again as a new PDF and upload that copy",
            "polyglot",
        )
    _pdf_markers(data)
    budget = [MAX_PDF_DECODED_BYTES]
    with _pdf_open(data) as pdf:
        if len(pdf.pages) == 0:
            raise _refuse("The selected PDF has no pages", "broken_pdf")
        _pdf_read(lambda: (_pdf_names(pdf.trailer), _pdf_walk(pdf, budget)))
    # The second reading: what qpdf finds with the cross-reference table ignored.
    # A file that opened cleanly above but cannot be read this way hides something
    # we cannot check, so it is refused too.
    _pdf_read(lambda: _pdf_walk_rebuilt(_pdf_without_xref(data), budget))


def _pdf_walk_rebuilt(data: bytes, budget: list[int]) -> None:
    with pikepdf.open(io.BytesIO(data)) as rebuilt:
        _pdf_walk(rebuilt, budget)


def _pdf_read(read) -> None:
    """Run `read`, turning any error qpdf raises on the way into a refusal."""
    try:
        read()
    except ValidationError:
        raise
    except Exception:  # qpdf raises several kinds of error for a damaged object
        raise _refuse(
            "The selected PDF is damaged and cannot be checked: save it again as a "
            "new PDF and upload that copy",
            "broken_pdf",
        ) from None


def _pdf_walk(pdf: pikepdf.Pdf, budget: list[int]) -> None:
    """Every object of the file: its names checked, its streams decoded and read."""
    for n, obj in enumerate(pdf.objects):
        if n == MAX_PDF_OBJECTS:
            raise _refuse(
                "The selected PDF has too many parts to check: save it again as a "
                "new PDF and upload that copy",
                "pdf_too_many_streams",
            )
        _pdf_names(obj)
        if isinstance(obj, pikepdf.Stream):
            decoded = _pdf_decoded(obj)
            budget[0] -= len(decoded)
            if budget[0] < 0:
                raise _pdf_too_big()
            _pdf_markers(decoded)


def _pdf_names(top: pikepdf.Object) -> None:
    """Refuse an object (with the direct objects inside it) that names active
    content. Indirect objects inside are left to the walk over every object."""
    pending = [top]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            items = list(obj.items())
            if "/S" in obj:
                _pdf_action(obj)
            opening = obj.get("/OpenAction")
            if isinstance(opening, pikepdf.Dictionary) and opening.get("/S") not in (
                pikepdf.Name.GoTo,
                None,
            ):
                raise _pdf_active("an action that runs when it is opened")
        elif isinstance(obj, pikepdf.Array):
            items = [(None, value) for value in obj]
        else:
            continue
        for key, value in items:
            if key in PDF_FORBIDDEN:
                raise _pdf_active(PDF_FORBIDDEN[key])
            if isinstance(value, pikepdf.Name):
                if str(value) in PDF_FORBIDDEN:
                    raise _pdf_active(PDF_FORBIDDEN[str(value)])
            elif (
                isinstance(value, (pikepdf.Dictionary, pikepdf.Array))
                and not value.is_indirect
            ):
                pending.append(value)


def _pdf_action(action: pikepdf.Dictionary) -> None:
    """A link may go to a web or email address; any other URI (javascript:, file:,
    smb:, data:…) is refused."""
    if action.get("/S") != pikepdf.Name.URI:
        return
    address = str(action.get("/URI", "")).strip()
    scheme = urlsplit(address).scheme.lower()
    if scheme not in LINK_SCHEMES:
        raise _pdf_active("a link that is not to a web or email address")


def _pdf_decoded(stream: pikepdf.Stream) -> bytes:
    """The stream's data with every filter but image codecs undone, by qpdf."""
    filters = stream.stream_dict.get("/Filter")
    if filters is None:
        names = []
    elif isinstance(filters, pikepdf.Array):
        names = [str(f) for f in filters]
    else:
        names = [str(filters)]
    lzw = [i for i, name in enumerate(names) if name in ("/LZWDecode", "/LZW")]
    if lzw and (lzw != [0] or len(stream.read_raw_bytes()) > MAX_PDF_LZW_BYTES):
        raise _pdf_too_big()
    images = [i for i, name in enumerate(names) if name in PDF_IMAGE_FILTERS]
    try:
        if not images:
            return stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized)
        if images[0] == 0:
            return stream.read_raw_bytes()
        return _pdf_decoded_before(stream, names, images[0])
    except pikepdf.DataDecodingError as error:
        if "limit" in str(error):
            raise _pdf_too_big() from None
        return stream.read_raw_bytes()  # damaged data: read as it is
    except pikepdf.PdfError:
        return stream.read_raw_bytes()


def _pdf_decoded_before(stream: pikepdf.Stream, names: list[str], stop: int) -> bytes:
    """A stream whose filters end in an image codec: the filters before it undone
    (qpdf decodes a chain whole or not at all, so the first ones go on their own)."""
    parms = stream.stream_dict.get("/DecodeParms")
    with pikepdf.new() as scratch:
        part = scratch.make_stream(stream.read_raw_bytes())
        part.Filter = pikepdf.Array([pikepdf.Name(n) for n in names[:stop]])
        if isinstance(parms, pikepdf.Array):
            part.DecodeParms = pikepdf.Array(
                [scratch.copy_foreign(p) if p.is_indirect else p for p in parms[:stop]]
            )
        return part.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized)


# --- Office files --------------------------------------------------------------------


def _office_refusal(reason: str, label: str) -> ValidationError:
    messages = {
        MACROS: f"The selected {label} contains macros: save it as a {label} "
        "without macros and upload that copy",
        ACTIVEX: f"The selected {label} contains ActiveX controls: remove them, save "
        "it again and upload that copy",
        EMBEDDED: f"The selected {label} has another file or object embedded in it: "
        "remove it, save it again and upload that copy",
        ALT_CHUNK: f"The selected {label} imports content from another document "
        "(altChunk): open it, save it again and upload that copy",
        EXTERNAL: f"The selected {label} loads something from outside the file (a "
        "remote template, picture or linked file): remove it, save it again and "
        "upload that copy",
    }
    return _refuse(messages[reason], f"office_{reason}")


def _xml(archive: zipfile.ZipFile, name: str):
    """A package's XML part, parsed without entities or network access."""
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_PART_BYTES:
        raise ValueError(name)
    with archive.open(info) as part:
        content = part.read(MAX_XML_PART_BYTES + 1)
    return ElementTree.fromstring(
        content, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_office(data: bytes) -> tuple[str, str]:
    """The Office file's content type, judged by its package's content types and
    relationships, and its label; or a refusal."""
    not_office = _refuse(f"The selected file must be a {_types_text()}", "wrong_type")
    broken = _refuse(
        "The selected file is not an Office document that can be opened: save it "
        "again as a DOCX, XLSX or PPTX and upload that copy",
        "broken",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise broken
            if any(m.flag_bits & 0x1 for m in members):
                raise _refuse(
                    "The selected file is password-protected: remove the password "
                    "and upload it again",
                    "encrypted",
                )
            names = [m.filename for m in members]
            if len(set(n.lower() for n in names)) != len(names):
                raise broken
            if OFFICE_CONTENT_TYPES not in names or OFFICE_PACKAGE_RELS not in names:
                raise not_office
            for name in names:
                if (
                    name.startswith(("/", "\\"))
                    or "\\" in name
                    or ".." in name.split("/")
                    or ":" in name
                ):
                    raise broken
            types = _office_content_types(archive)
            main = _office_main_part(archive, names)
            main_type = types(main)
            if main_type in OFFICE_MAIN_TYPES:
                mime = OFFICE_MAIN_TYPES[main_type]
                label = ALLOWED[mime][0]
            elif main_type and "macroenabled" in main_type:
                raise _office_refusal(MACROS, "Office file")
            else:
                raise not_office
            for name in names:
                if name.endswith("/"):
                    continue
                part_type = types(name)
                if part_type is None:
                    raise broken
                for word, reason in OFFICE_TYPE_WORDS.items():
                    if word in part_type:
                        raise _office_refusal(reason, label)
                if part_type in OFFICE_EMBEDDED_TYPES:
                    raise _office_refusal(EMBEDDED, label)
            for name in names:
                if name.endswith(".rels"):
                    _office_relationships(archive, name, label)
            _check_parts(archive, members, label)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
        DefusedXmlException,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        NotImplementedError,  # a compression method zipfile cannot read
        RuntimeError,  # zipfile's word for an encrypted member
    ):
        raise broken from None
    return mime, label


def _office_content_types(archive: zipfile.ZipFile):
    """A function giving each part's content type (lower case), from
    `[Content_Types].xml`: its Override by name, else its Default by extension."""
    defaults, overrides = {}, {}
    for element in _xml(archive, OFFICE_CONTENT_TYPES):
        tag = _local(element.tag)
        content_type = element.get("ContentType", "").strip().lower()
        if tag == "Default":
            defaults[element.get("Extension", "").lower()] = content_type
        elif tag == "Override":
            overrides[element.get("PartName", "").lstrip("/").lower()] = content_type

    def content_type_of(name: str) -> str | None:
        if name == OFFICE_CONTENT_TYPES:
            return "content-types"
        lower = name.lower()
        if lower in overrides:
            return overrides[lower]
        leaf = lower.rsplit("/", 1)[-1]
        return defaults.get(leaf.rsplit(".", 1)[-1]) if "." in leaf else None

    return content_type_of


def _office_main_part(archive: zipfile.ZipFile, names: list[str]) -> str:
    for relationship in _xml(archive, OFFICE_PACKAGE_RELS):
        if relationship.get("Type", "").rsplit("/", 1)[-1] == "officeDocument":
            target = relationship.get("Target", "").lstrip("/")
            target = posixpath.normpath(target)
            if target in names:
                return target
    raise ValueError("no main part")


def _office_relationships(archive: zipfile.ZipFile, name: str, label: str) -> None:
    for relationship in _xml(archive, name):
        kind = relationship.get("Type", "").rsplit("/", 1)[-1].lower()
        if kind in OFFICE_RELATIONSHIPS:
            raise _office_refusal(OFFICE_RELATIONSHIPS[kind], label)
        if relationship.get("TargetMode", "").lower() == "external":
            target = relationship.get("Target", "").strip()
            scheme = urlsplit(target).scheme.lower()
            if kind != "hyperlink" or scheme not in LINK_SCHEMES:
                raise _office_refusal(EXTERNAL, label)


def _check_parts(archive: zipfile.ZipFile, members, label: str) -> None:
    """Refuse a zip bomb: by the sizes the archive declares, then by actually
    unzipping (declared sizes can lie), stopping as soon as the budget is spent.
    Each part's first bytes are looked at on the way: a part that is itself an
    archive, an OLE compound file (macros, embedded objects) or a PDF is refused."""
    bomb = _refuse(
        f"The selected {label} unzips to far more than its size: it may be a "
        "'zip bomb'. Save it again from the program that made it and upload that copy",
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
                if read == 0 and chunk.startswith(
                    (b"PK\x03\x04", b"PK\x05\x06", OLE_MAGIC, b"%PDF")
                ):
                    raise _office_refusal(EMBEDDED, label)
                read += len(chunk)
                if read > allowed:
                    raise bomb
        budget -= read


# --- The check -----------------------------------------------------------------------


def _kind(data: bytes) -> str | None:
    """The type the content says, before each type's own check: Office files are
    any ZIP archive here, judged by their content types later."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in (PDF, PNG, JPEG):
        return None
    return kind.mime


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """The content type and the safe name to store, or a ValidationError for `file`."""
    if upload.size == 0:
        raise _refuse("The selected file is empty", "empty")
    if upload.size > EntryAttachment.MAX_BYTES:
        raise _refuse("The selected file must be smaller than 10 MB", "too_big")
    data = _read_all(upload)
    if len(data) != upload.size:
        raise _refuse("The selected file could not be read: try again", "unreadable")
    kind = _kind(data)
    if kind is None:
        raise _refuse(f"The selected file must be a {_types_text()}", "wrong_type")
    if MARKUP.search(data):
        raise _refuse("The selected file hides a web page inside it", "polyglot")
    if kind != "zip" and (ZIP_HEADER.search(data) or _ends_as_zip(data)):
        raise _refuse("The selected file hides another file inside it", "polyglot")
    if kind != PDF and b"%PDF-" in data:
        raise _refuse("The selected file hides another file inside it", "polyglot")
    if kind == "zip":
        mime, label = _check_office(data)
    else:
        mime, label = kind, ALLOWED[kind][0]
    name = _checked_name(upload.name, mime, label)
    if mime in (PNG, JPEG):
        _check_image(data, label)
    elif mime == PDF:
        _check_pdf(data)
    return CheckedUpload(content_type=mime, name=name)


def _checked_name(sent: str | None, mime: str, label: str) -> str:
    extensions = ALLOWED[mime][1]
    name = safe_name(sent)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name or 'attachment'}.{extensions[0]}"
    if ext.lower() not in extensions:
        raise _refuse(
            f"The selected file is a {label} but its name ends in .{ext}: rename it "
            f"to end in .{extensions[0]}",
            "extension_mismatch",
        )
    return name


def _ends_as_zip(data: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(data))
