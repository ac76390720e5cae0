"""The archive format: member names and their safety checks, writing members with checksums,
unpacking and checking a whole archive. See docs/backup-format.md.
"""

import hashlib
import io
import json
import tarfile
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.contrib.auth import get_user_model

from backups.errors import ArchiveError, BackupError
from backups.records import CLASSIFICATIONS, KINDS, natural_key, referenced_files

FORMAT = "iccar-registry"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data"
MEDIA_FOLDER = "media"
CHUNK = 1024 * 1024
ARCHIVE_SUFFIXES = {".zip": "zip", ".tar.gz": "tar", ".tgz": "tar"}
# Media that is already compressed is stored as it is in a zip archive.
_STORED_AS_IS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip", ".gz"}


def archive_kind(path):
    """Return "zip" or "tar" from an archive's file name, or raise BackupError."""
    name = str(path).lower()
    for suffix, kind in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise BackupError(f"The archive's name must end in .zip, .tar.gz or .tgz: {path}")


def _member_name_ok(name):
    """Return True for a safe member name: manifest.json, data/<kind>.json or media/<path>."""
    if name == MANIFEST:
        return True
    if not isinstance(name, str) or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or len(path.parts) < 2 or path.as_posix() != name:
        return False
    if any(part in {"", ".", ".."} for part in path.parts):
        return False
    if path.parts[0] == DATA_FOLDER:
        return len(path.parts) == 2 and path.suffix == ".json" and path.stem in KINDS
    return path.parts[0] == MEDIA_FOLDER


def storage_name_ok(name):
    return _member_name_ok(f"{MEDIA_FOLDER}/{name}")


def copy_with_checksum(source, target=None):
    """Copy a readable binary file object into `target` (if any); return its checksum and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def json_bytes(value):
    # Key order kept as it is: JSON columns come back exactly as they were stored.
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------- writing an archive


class ArchiveWriter:
    """Adds members to a zip or tar.gz archive, returning each one's checksum and size."""

    def __init__(self, fileobj, kind, moment):
        self.kind = kind
        self.moment = moment
        if kind == "zip":
            self.archive = zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        else:
            self.archive = tarfile.open(fileobj=fileobj, mode="w:gz", format=tarfile.PAX_FORMAT)

    def add(self, name, source):
        """Copy a readable binary file object into the archive under `name`."""
        if self.kind == "zip":
            info = zipfile.ZipInfo(name, date_time=self.moment.timetuple()[:6])
            stored = PurePosixPath(name).suffix.lower() in _STORED_AS_IS
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with self.archive.open(info, "w", force_zip64=True) as target:
                return copy_with_checksum(source, target)
        # A tar header needs the size first: spool the file (on disk when large).
        with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spool:
            checksum = copy_with_checksum(source, spool)
            spool.seek(0)
            info = tarfile.TarInfo(name)
            info.size = checksum["size"]
            info.mtime = int(self.moment.timestamp())
            info.mode = 0o644
            self.archive.addfile(info, spool)
        return checksum

    def add_bytes(self, name, content):
        return self.add(name, io.BytesIO(content))

    def close(self):
        self.archive.close()


# ---------------------------------------------------------------- reading an archive


@dataclass
class Archive:
    """A checked archive, unpacked into a temporary folder (see `open_archive`)."""

    manifest: dict
    data: dict
    media: dict  # storage name -> local path of the unpacked file
    checksums: dict  # storage name -> sha256

    @property
    def counts(self):
        return self.manifest["counts"]


def _unpack(path, folder):
    """Copy every member of the archive into `folder`; return {name: (path, sha256, size)}."""
    members = {}

    def take(name, source):
        if not _member_name_ok(name):
            raise ArchiveError(f"Unexpected member in the archive: {name!r}")
        if name in members:
            raise ArchiveError(f"The archive holds {name!r} twice.")
        target = folder / f"{len(members):08d}"
        with open(target, "wb") as out:
            checksum = copy_with_checksum(source, out)
        members[name] = (target, checksum["sha256"], checksum["size"])

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    with archive.open(info) as source:
                        take(info.filename, source)
        else:
            with open(path, "rb") as probe:
                if probe.read(2) != b"\x1f\x8b":
                    raise ArchiveError(
                        f"{path} is not a readable zip or tar.gz archive: it is damaged, "
                        "incomplete, or of another kind."
                    )
            with tarfile.open(path, "r:gz") as archive:
                for info in archive:
                    if info.isdir():
                        continue
                    if not info.isfile():
                        raise ArchiveError(f"Unexpected member in the archive: {info.name!r}")
                    take(info.name, archive.extractfile(info))
    except ArchiveError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise ArchiveError(f"The archive cannot be read ({error}): it is damaged.") from error
    return members


def _check_references(data, media, missing):
    """Refuse an archive whose records refer to records or files it does not hold."""
    usernames = {record.get(get_user_model().USERNAME_FIELD) for record in data["users"]}
    groups = {record["name"] for record in data["groups"]}
    coalitions = {record["slug"] for record in data["coalitions"]}
    cities = {record["slug"] for record in data["cities"]}
    practices = {record["slug"] for record in data["practices"]}
    revisions = {record["id"] for record in data["practice_revisions"]}
    keys = {
        "themes": {record["slug"] for record in data["themes"]},
        "commitments": {(record["coalition"], record["number"]) for record in data["commitments"]},
        "city_roles": {record["slug"] for record in data["city_roles"]},
        "target_groups": {record["slug"] for record in data["target_groups"]},
        "inspired_by": practices,
    }
    problems = []

    def need(value, known, what, nullable=False):
        if value is None and nullable:
            return
        if natural_key(value) not in known:
            problems.append(f"{what} {value!r}")

    for record in data["users"]:
        for name in record.get("groups", []):
            need(name, groups, "group")
    for record in data["coalitions"]:
        need(record.get("lead_city"), cities, "lead city", nullable=True)
    for record in data["commitments"]:
        need(record["coalition"], coalitions, "coalition")
        need(record["theme"], keys["themes"], "theme")
    for record in data["cities"]:
        need(record["coalition"], coalitions, "coalition")
    for record in data["city_officers"]:
        need(record["user"], usernames, "user")
        need(record["city"], cities, "city")
    for record in data["practices"]:
        need(record["city"], cities, "city")
        need(record.get("created_by"), usernames, "user", nullable=True)
        for name in [*CLASSIFICATIONS, "inspired_by"]:
            for value in record.get(name, []):
                need(value, keys[name], name)
    for kind in ["practice_translations", "practice_images", "practice_attachments"]:
        for record in data[kind]:
            need(record["practice"], practices, "practice")
    for record in data["practice_revisions"]:
        need(record["practice"], practices, "practice")
        need(record.get("created_by"), usernames, "user", nullable=True)
        for name in CLASSIFICATIONS:
            for value in (record.get("data") or {}).get(name) or []:
                need(value, keys[name], name)
    for kind in ["review_events", "practice_changes"]:
        for record in data[kind]:
            need(record["practice"], practices, "practice")
            need(record.get("actor"), usernames, "user", nullable=True)
            need(record.get("revision"), revisions, "proposed update", nullable=True)
    publications = {record["id"] for record in data["publications"]}
    chapters = {record["id"] for record in data["publication_chapters"]}
    for kind in ["publication_chapters", "publication_closing_sections"]:
        for record in data[kind]:
            need(record["publication"], publications, "publication")
    for record in data["publication_entries"]:
        need(record["chapter"], chapters, "chapter")
        need(record.get("practice"), practices, "practice", nullable=True)
    for record in data["publication_events"]:
        need(record["publication"], publications, "publication")
        need(record.get("actor"), usernames, "user", nullable=True)
    for name in referenced_files(data):
        if not storage_name_ok(name):
            problems.append(f"unsafe file name {name!r}")
        elif name not in media and name not in missing:
            problems.append(f"file {name!r}")
    if problems:
        shown = ", ".join(sorted(set(problems))[:20])
        raise ArchiveError(f"The archive refers to things it does not hold: {shown}.")


def _read_json(members, name, label):
    try:
        return json.loads(members[name][0].read_bytes())
    except ValueError as error:
        raise ArchiveError(f"{label} cannot be read ({error}).") from error


def _read_manifest(path, members):
    if MANIFEST not in members:
        raise ArchiveError(f"{path} is not a registry archive: it has no {MANIFEST}.")
    manifest = _read_json(members, MANIFEST, "The manifest")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path} is not a registry archive.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ArchiveError(
            f"The archive is in format version {version}; this portal reads version "
            f"{FORMAT_VERSION}."
        )
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("counts"), dict):
        raise ArchiveError("The manifest is incomplete.")
    return manifest


def _check_checksums(members, listed):
    """Every member but the manifest is listed in it, with the size and checksum it has."""
    present = set(members) - {MANIFEST}
    if present != set(listed):
        extra = sorted(present - set(listed))
        absent = sorted(set(listed) - present)
        raise ArchiveError(
            f"The archive does not match its manifest (missing: {absent[:10]}, "
            f"not listed: {extra[:10]}): it is damaged or was altered."
        )
    for name, (_local, sha256, size) in sorted(members.items()):
        if name == MANIFEST:
            continue
        expected = listed[name]
        if not isinstance(expected, dict) or (sha256, size) != (
            expected.get("sha256"),
            expected.get("size"),
        ):
            raise ArchiveError(
                f"{name}: checksum does not match the manifest: the archive is damaged."
            )


def _read_records(members, counts):
    data = {}
    for kind in KINDS:
        member = f"{DATA_FOLDER}/{kind}.json"
        if member not in members:
            raise ArchiveError(f"The archive has no {member}.")
        records = _read_json(members, member, member)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ArchiveError(f"{member} is not a list of records.")
        if counts.get(kind) != len(records):
            raise ArchiveError(f"{member} holds {len(records)} records, not {counts.get(kind)}.")
        data[kind] = records
    return data


@contextmanager
def open_archive(path):
    """Unpack and check an archive completely; yield an `Archive`. Raises ArchiveError."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path} does not exist.")
    with tempfile.TemporaryDirectory(prefix="iccar-restore-") as folder:
        members = _unpack(path, Path(folder))
        manifest = _read_manifest(path, members)
        _check_checksums(members, manifest["files"])
        data = _read_records(members, manifest["counts"])
        media = {}
        checksums = {}
        for name, (local, sha256, _size) in members.items():
            if name.startswith(f"{MEDIA_FOLDER}/"):
                media[name[len(MEDIA_FOLDER) + 1 :]] = local
                checksums[name[len(MEDIA_FOLDER) + 1 :]] = sha256
        missing = set(manifest.get("missing_files") or [])
        try:
            _check_references(data, media, missing)
        except (KeyError, TypeError) as error:
            raise ArchiveError(f"A record lacks a required field ({error}).") from error
        yield Archive(manifest=manifest, data=data, media=media, checksums=checksums)
