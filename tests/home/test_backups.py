"""Dump, wipe, restore: every page and every uploaded file comes back."""

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from wagtail.images.models import Image
from wagtail.models import Page

from home.backups import backup_create, backup_restore


def _png(path):
    from PIL import Image as PILImage

    PILImage.new("RGB", (4, 4), "purple").save(path, "PNG")
    return path


@pytest.mark.django_db(transaction=True)
class BackupRestoreTests:
    def test_dump_wipe_restore(self, client, demo_site, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path / "media")
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
        with open(_png(tmp_path / "logo.png"), "rb") as f:
            image = Image.objects.create(
                title="Logo", file=ImageFile(f, name="logo.png")
            )
        image_path = tmp_path / "media" / image.file.name
        private_file = tmp_path / "private_media" / "entries" / "1" / "plan.pdf"
        private_file.parent.mkdir(parents=True)
        private_file.write_bytes(b"%PDF-1.7 a private entry attachment")

        pages = {
            p.pk: p.url for p in Page.objects.live().filter(depth__gt=1).specific()
        }
        assert pages
        archive = backup_create(destination=tmp_path / "backups")

        # Wipe: an empty database and no files.
        call_command("flush", interactive=False, verbosity=0)
        import shutil

        shutil.rmtree(tmp_path / "media")
        shutil.rmtree(tmp_path / "private_media")
        assert not Page.objects.exists()
        assert client.get("/about/").status_code == 404

        manifest = backup_restore(archive=archive)
        assert manifest["folders"] == ["media", "private_media"]
        restored = {
            p.pk: p.url for p in Page.objects.live().filter(depth__gt=1).specific()
        }
        assert restored == pages
        for url in pages.values():
            assert client.get(url).status_code == 200, url
        assert Image.objects.get(pk=image.pk).title == "Logo"
        assert image_path.exists()
        assert private_file.read_bytes() == b"%PDF-1.7 a private entry attachment"

    def test_restore_refuses_another_database_kind(self, demo_site, settings, tmp_path):
        import json
        import tarfile

        settings.MEDIA_ROOT = str(tmp_path / "media")
        manifest = tmp_path / "manifest.json"
        manifest.write_text(
            json.dumps(
                {"database_vendor": "oracle", "database_file": "x", "folders": []}
            )
        )
        archive = tmp_path / "bad.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(manifest, arcname="manifest.json")
        with pytest.raises(ValueError, match="oracle"):
            backup_restore(archive=archive)
        assert Page.objects.filter(depth__gt=1).exists()  # nothing was touched
