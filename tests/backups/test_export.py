"""export_registry writes one archive with a manifest, a checksum per member and password
hashes only, readable by its owner alone."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from practices.models import Practice, ReviewEvent
from tests.backups.state import PASSWORD, referenced_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_archive_holds_a_manifest_with_a_checksum_per_file(registry, tmp_path):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        names = set(opened.namelist())
        users = json.loads(opened.read("data/users.json"))
    assert manifest["format"] == "iccar-registry"
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["counts"]["practices"] == Practice.objects.count()
    assert manifest["counts"]["review_events"] == ReviewEvent.objects.count()
    assert {f"media/{name}" for name in referenced_names()} <= names
    # Password hashes, never a password.
    assert all(user["password"].startswith("md5$") for user in users)
    assert PASSWORD not in json.dumps(users)
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_registry", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"must end in \.zip, \.tar\.gz or \.tgz"):
        call_command("export_registry", str(tmp_path / "registry.json"), stdout=io.StringIO())
    # Password hashes inside: only the owner may read the archive.
    assert archive.stat().st_mode & 0o077 == 0
