"""A registry archive is data from outside: a restore never writes outside its own folders.

An archive whose manifest lists every member with a correct checksum, but one of whose member
names climbs out of the archive (or is absolute, or a link), is refused before anything is
written.
"""

import hashlib
import io
import json
import tarfile
import zipfile

import pytest
from django.core.management import CommandError, call_command

from practices.models import Practice

pytestmark = pytest.mark.django_db
Status = Practice.Status
ESCAPING_NAMES = [
    "media/../../escaped.txt",
    "media/practices/../../../escaped.txt",
    "/tmp/escaped.txt",
    "media//escaped.txt",
    "data/../escaped.json",
    "media\\..\\..\\escaped.txt",
]


@pytest.fixture
def archive(make_practice, media_root, tmp_path):
    make_practice(Status.PUBLISHED)
    path = tmp_path / "exported" / "registry.zip"
    path.parent.mkdir()
    call_command("export_registry", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as source:
        return {name: source.read(name) for name in source.namelist()}


def consistent(members, name, content):
    """The archive's members plus one more, listed in the manifest with its true checksum."""
    members = dict(members)
    manifest = json.loads(members["manifest.json"])
    manifest["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    members["manifest.json"] = json.dumps(manifest).encode()
    members[name] = content
    return members


def refused(path, tmp_path, media_root):
    stored = sorted(media_root.rglob("*"))
    with pytest.raises(CommandError, match="Unexpected member"):
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert sorted(media_root.rglob("*")) == stored
    assert list(tmp_path.rglob("escaped*")) == []


@pytest.mark.parametrize("name", ESCAPING_NAMES)
def test_a_zip_member_climbing_out_is_refused(name, archive, tmp_path, media_root):
    path = tmp_path / "evil" / "registry.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as target:
        for member, content in consistent(archive, name, b"planted").items():
            target.writestr(member, content)
    refused(path, tmp_path, media_root)


@pytest.mark.parametrize("kind", ["name", "symlink", "hardlink"])
def test_a_tar_member_climbing_out_or_linking_is_refused(kind, archive, tmp_path, media_root):
    path = tmp_path / "evil" / "registry.tar.gz"
    path.parent.mkdir()
    members = consistent(archive, "media/../../escaped.txt", b"planted")
    if kind != "name":
        members = dict(archive)
    with tarfile.open(path, "w:gz") as target:
        for member, content in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(content)
            target.addfile(info, io.BytesIO(content))
        if kind != "name":
            link = tarfile.TarInfo("media/escaped-link")
            link.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
            link.linkname = "/etc/passwd"
            target.addfile(link)
    refused(path, tmp_path, media_root)
