"""Small real files for upload tests, built in memory (nothing binary is committed).

PDFs are made with pikepdf, Office files with zipfile, images with Pillow. The PDF
filter encoders below (ASCIIHex, ASCII85, RunLength, LZW, PNG predictors) exist
because qpdf decodes these filters but only writes Flate: the attack corpus needs
streams encoded every way a reader decodes them.
"""

import base64
import binascii
import io
import re
import struct
import zipfile
import zlib

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Dictionary, Name

# --- PDFs ----------------------------------------------------------------------------

PAGE_TEXT = b"BT /F1 24 Tf 72 700 Td (Our plan for damp homes) Tj ET\nq 40 0 0 40 72 600 cm /Im1 Do Q\n"


def pdf_bytes(build=None, **save) -> bytes:
    """A one-page PDF with a line of text and a small image; `build(pdf)` changes it
    before it is saved (with `save` as pikepdf's save options)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    image = pdf.make_stream(zlib.compress(bytes([0, 90, 160]) * 16))
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height, image.BitsPerComponent = 4, 4, 8
    image.ColorSpace, image.Filter = Name.DeviceRGB, Name.FlateDecode
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    page.Resources = Dictionary(
        Font=Dictionary(F1=pdf.make_indirect(font)),
        XObject=Dictionary(Im1=image),
    )
    page.Contents = pdf.make_stream(PAGE_TEXT)
    if build:
        build(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, **save)
    return buffer.getvalue()


PDF = pdf_bytes()


def ascii_hex(data: bytes) -> bytes:
    return binascii.hexlify(data) + b">"


def ascii85(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def run_length(data: bytes) -> bytes:
    """Literal runs of up to 128 bytes, then the end-of-data mark."""
    out = bytearray()
    for start in range(0, len(data), 128):
        chunk = data[start : start + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


def lzw(data: bytes) -> bytes:
    """PDF's LZW (12-bit codes at most, early change), as TIFF and PDF readers
    decode it."""
    table = {bytes([n]): n for n in range(256)}
    clear, end, next_code, width = 256, 257, 258, 9
    bits, count, codes = 0, 0, bytearray()

    def emit(code):
        nonlocal bits, count
        bits, count = (bits << width) | code, count + width
        while count >= 8:
            count -= 8
            codes.append((bits >> count) & 0xFF)

    emit(clear)
    current = b""
    for byte in data:
        candidate = current + bytes([byte])
        if candidate in table:
            current = candidate
            continue
        emit(table[current])
        table[candidate] = next_code
        next_code += 1
        if next_code + 1 > (1 << width) and width < 12:
            width += 1
        if next_code >= 4094:
            emit(clear)
            table = {bytes([n]): n for n in range(256)}
            next_code, width = 258, 9
        current = bytes([byte])
    if current:
        emit(table[current])
    emit(end)
    if count:
        codes.append((bits << (8 - count)) & 0xFF)
    return bytes(codes)


def flate_with_predictor(data: bytes, columns: int = 8) -> bytes:
    """Flate after the PNG "Up" predictor, row by row (/Predictor 12)."""
    data += b"\x00" * (-len(data) % columns)
    rows, previous = [], bytes(columns)
    for start in range(0, len(data), columns):
        row = data[start : start + columns]
        rows.append(
            b"\x02" + bytes((a - b) % 256 for a, b in zip(row, previous, strict=True))
        )
        previous = row
    return zlib.compress(b"".join(rows))


def flate_with_early_endstream(decoy: bytes, hidden: bytes) -> bytes:
    """A zlib stream whose first block is stored (its bytes, `decoy`, appear as they
    are, `endstream` and all) and whose second block is compressed `hidden`."""
    stored = b"\x00" + struct.pack("<HH", len(decoy), 0xFFFF ^ len(decoy)) + decoy
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    rest = packer.compress(hidden) + packer.flush()
    check = struct.pack(">I", zlib.adler32(decoy + hidden))
    return b"\x78\x9c" + stored + rest + check


# --- Office files --------------------------------------------------------------------

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
        b'main"><w:body><w:p><w:r><w:t>Our plan</w:t></w:r></w:p></w:body></w:document>',
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/'
        b'2006/main"/>',
    ),
}
SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>'
)


def office_bytes(
    kind: str = "docx",
    *,
    parts: dict | None = None,
    types: dict | None = None,
    rels: list | None = None,
    main_type: str | None = None,
    method: int = zipfile.ZIP_DEFLATED,
    flag_bits: int = 0,
) -> bytes:
    """A real, minimal OOXML package: `parts` adds members, `types` adds content-type
    Overrides ({part: type}), `rels` adds relationships of the main part
    ([(type, target, external)]), `main_type` replaces the main part's type."""
    main, main_content_type, main_xml = OFFICE_MAIN[kind]
    members = {main: main_xml}
    overrides = {main: main_type or main_content_type}
    main_rels = [("hyperlink", "https://impactlab.example/plan", True)]
    if kind == "xlsx":
        members["xl/worksheets/sheet1.xml"] = SHEET
        overrides["xl/worksheets/sheet1.xml"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        )
        main_rels = [("worksheet", "worksheets/sheet1.xml", False)]
    members.update(parts or {})
    overrides.update(types or {})
    main_rels += rels or []
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        + "".join(
            f'<Override PartName="/{name}" ContentType="{content_type}"/>'
            for name, content_type in overrides.items()
        )
        + "</Types>"
    )
    folder, _, leaf = main.rpartition("/")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _relationships([("officeDocument", main, False)])),
            (f"{folder}/_rels/{leaf}.rels", _relationships(main_rels)),
            *members.items(),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, content)
    data = bytearray(buffer.getvalue())
    if flag_bits:  # zipfile clears the flags it does not write itself
        for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            for found in re.finditer(re.escape(header), data):
                data[found.start() + offset] |= flag_bits
    return bytes(data)


def _relationships(relationships) -> str:
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{REL}{kind}" Target="{target}"'
            + (' TargetMode="External"' if external else "")
            + "/>"
            for n, (kind, target, external) in enumerate(relationships, start=1)
        )
        + "</Relationships>"
    )


def docx_bytes() -> bytes:
    return office_bytes("docx")


def xlsx_bytes() -> bytes:
    return office_bytes("xlsx")


def pptx_bytes() -> bytes:
    return office_bytes("pptx")


# --- Images and others ---------------------------------------------------------------


def _png() -> bytes:
    # A real image: attachments are opened and checked (challenges/uploads.py).
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
# A Windows executable's header (MZ … PE): what a renamed .exe starts with.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 50
    + b"PE\x00\x00"
    + b"\x00" * 200
)


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
