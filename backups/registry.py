"""Backup and restore of the whole registry: one archive with every row and every stored file.

``export_registry(path)`` writes a ``.zip`` or ``.tar.gz`` archive; ``open_archive(path)`` unpacks
and checks one, and ``import_registry(archive)`` restores it into a database that holds no cities
or practices yet (a fresh ``migrate``). The management commands of the same names call these.

The archive holds:

- ``manifest.json`` — format and version, when and from what it was made, the number of
  records of each kind, and the size and SHA-256 checksum of every other member;
- ``data/<kind>.json`` — one JSON list per kind of record (see ``KINDS``), in primary-key order.
  Every column is there, the per-language columns of translated names included. References use
  natural keys: coalitions, cities, themes, roles, target groups and practices by slug, commitments
  by (coalition slug, number), user accounts by username, groups by name, permissions by
  (app label, codename). Rows of the registry also keep their ``id``, and proposed updates and
  review events refer to each other by it. The classifications inside a proposed update's data
  (stored by id in the database) are written by natural key too;
- ``media/<name>`` — every stored file a row refers to, under its storage name: main images,
  further images, their resized copies, PDF attachments.

User accounts keep their password hashes (never a plain password), so everyone can still log in
after a restore. The e-mail outbox, sessions and login-attempt records are not part of it.

Restoring is all or nothing: the archive is checked completely (every checksum, every reference)
before anything is written; rows and files are then written in one transaction, and if anything
fails the rows roll back and the files written so far are deleted. Primary keys of the registry's
rows are kept (a user account whose id is taken gets a new one); timestamps are kept as they
were; the reference data that migrations load (themes, coalitions, commitments, roles, target
groups, the Editors group) is made to match the archive. Afterwards the denormalised search data
is recomputed. Nothing sends e-mail and no review event is added.
"""

import hashlib
import io
import json
import tarfile
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath

import django
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from cities.models import City, CityOfficer, Coalition
from practices.models import (
    CityRole,
    Commitment,
    Practice,
    PracticeAttachment,
    PracticeChange,
    PracticeImage,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
    TargetGroup,
    Theme,
)

FORMAT = "iccar-registry"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data"
MEDIA_FOLDER = "media"
CHUNK = 1024 * 1024
BATCH = 500

# Every kind of record, in the order they are restored.
KINDS = [
    "groups",
    "users",
    "coalitions",
    "themes",
    "commitments",
    "city_roles",
    "target_groups",
    "cities",
    "city_officers",
    "practices",
    "practice_translations",
    "practice_images",
    "practice_attachments",
    "practice_revisions",
    "review_events",
    "practice_changes",
]
# The classifications of a practice, as in practices.snapshots.RELATED_MODELS.
CLASSIFICATIONS = ["themes", "commitments", "city_roles", "target_groups"]
# Rows of the registry proper: the database must hold none of them before a restore.
REGISTRY_MODELS = [
    City,
    CityOfficer,
    Practice,
    PracticeTranslation,
    PracticeImage,
    PracticeAttachment,
    PracticeRevision,
    ReviewEvent,
    PracticeChange,
]
ARCHIVE_SUFFIXES = {".zip": "zip", ".tar.gz": "tar", ".tgz": "tar"}
# Media that is already compressed is stored as it is in a zip archive.
_STORED_AS_IS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip", ".gz"}


class RegistryError(Exception):
    """The export or the restore cannot be done; the message says why, for the operator."""


class ArchiveError(RegistryError):
    """The archive is not a registry archive, is damaged, or is inconsistent."""


class RestoreRefused(RegistryError):
    """The database or the storage is not in a state the archive can be restored into."""


def archive_kind(path):
    """Return "zip" or "tar" from an archive's file name, or raise RegistryError."""
    name = str(path).lower()
    for suffix, kind in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise RegistryError(f"The archive's name must end in .zip, .tar.gz or .tgz: {path}")


# ---------------------------------------------------------------- columns and values


def _rows(model):
    """A queryset reading raw columns: no per-language rewriting by django-modeltranslation."""
    queryset = model._base_manager.all()
    return queryset.rewrite(False) if hasattr(queryset, "rewrite") else queryset


def _plain_fields(model, references):
    """Return the model's concrete columns other than the primary key and the references.

    A foreign key not listed in `references` is a programming error: the archive would lose it.
    """
    fields = []
    for each in model._meta.concrete_fields:
        if each.primary_key or each.name in references:
            continue
        if each.is_relation:
            raise RegistryError(f"{model.__name__}.{each.name} has no natural key in the archive")
        fields.append(each)
    return fields


def _encode(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.isoformat()  # every microsecond, unlike DjangoJSONEncoder
    if isinstance(model_field, (models.DateField, models.TimeField)):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _decode(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return value
    if isinstance(model_field, (models.DateTimeField, models.DateField, models.TimeField)):
        return model_field.to_python(value)
    if isinstance(model_field, models.DecimalField):
        return Decimal(value)
    return value


def _dump(model, references, *, keep_id=True):
    """Return every row of a model as records: plain columns encoded, references by the
    value at the given lookup path (a natural key, or an id)."""
    fields = _plain_fields(model, references)
    columns = [each.attname for each in fields]
    records = []
    for row in _rows(model).order_by("pk").values("pk", *columns, *references.values()):
        record = {"id": row["pk"]} if keep_id else {}
        for each in fields:
            record[each.name] = _encode(each, row[each.attname])
        for name, path in references.items():
            record[name] = row[path]
        records.append(record)
    return records


def _columns(model, record, references, extra=()):
    """Return {attname: value} of a record's plain columns (missing ones take the default)."""
    fields = _plain_fields(model, references)
    known = {"id", *references, *extra, *(each.name for each in fields)}
    unknown = sorted(set(record) - known)
    if unknown:
        raise ArchiveError(
            f"{model.__name__} records have fields this portal does not know ({', '.join(unknown)})"
            ": the archive was made by a newer version of the portal."
        )
    return {
        each.attname: _decode(each, record[each.name]) for each in fields if each.name in record
    }


def _key(value):
    """A natural key as a hashable value (JSON turns tuples into lists)."""
    return tuple(value) if isinstance(value, list) else value


# ---------------------------------------------------------------- what is exported


def _username_path(prefix):
    return f"{prefix}__{get_user_model().USERNAME_FIELD}"


def _grouped(through, owner, *paths):
    """Return {owner id: [natural key]} from a many-to-many table, in the order of its rows."""
    grouped = {}
    for owner_id, *key in through.objects.order_by("pk").values_list(owner, *paths):
        grouped.setdefault(owner_id, []).append(key[0] if len(key) == 1 else key)
    return grouped


def _natural_keys():
    """Return {classification: {id: natural key}} for the reference data."""
    return {
        "themes": dict(Theme.objects.values_list("pk", "slug")),
        "commitments": {
            pk: [coalition, number]
            for pk, coalition, number in Commitment.objects.values_list(
                "pk", "coalition__slug", "number"
            )
        },
        "city_roles": dict(CityRole.objects.values_list("pk", "slug")),
        "target_groups": dict(TargetGroup.objects.values_list("pk", "slug")),
    }


def collect_records():
    """Return ({kind: [record]}, warnings): the whole registry as JSON-ready records."""
    User = get_user_model()
    warnings = []
    data = {}

    def permission_key(prefix):
        return (f"{prefix}content_type__app_label", f"{prefix}codename")

    group_permissions = {}
    for group_id, app_label, codename in Group.permissions.through.objects.values_list(
        "group_id", *permission_key("permission__")
    ):
        group_permissions.setdefault(group_id, []).append([app_label, codename])
    data["groups"] = [
        {"name": name, "permissions": sorted(group_permissions.get(pk, []))}
        for pk, name in Group.objects.order_by("pk").values_list("pk", "name")
    ]

    user_groups = {}
    for user_id, name in User.groups.through.objects.values_list("user_id", "group__name"):
        user_groups.setdefault(user_id, []).append(name)
    user_permissions = {}
    for user_id, app_label, codename in User.user_permissions.through.objects.values_list(
        "user_id", *permission_key("permission__")
    ):
        user_permissions.setdefault(user_id, []).append([app_label, codename])
    data["users"] = _dump(User, {})
    for record in data["users"]:
        record["groups"] = sorted(user_groups.get(record["id"], []))
        record["user_permissions"] = sorted(user_permissions.get(record["id"], []))

    # Reference data, matched by natural key on restore (ids may differ between databases).
    data["coalitions"] = _dump(Coalition, {"lead_city": "lead_city__slug"}, keep_id=False)
    data["themes"] = _dump(Theme, {}, keep_id=False)
    data["commitments"] = _dump(
        Commitment, {"coalition": "coalition__slug", "theme": "theme__slug"}, keep_id=False
    )
    data["city_roles"] = _dump(CityRole, {}, keep_id=False)
    data["target_groups"] = _dump(TargetGroup, {}, keep_id=False)

    data["cities"] = _dump(City, {"coalition": "coalition__slug"})
    data["city_officers"] = _dump(
        CityOfficer, {"user": _username_path("user"), "city": "city__slug"}
    )

    data["practices"] = _dump(
        Practice, {"city": "city__slug", "created_by": _username_path("created_by")}
    )
    # In the order they were added, so the link rows come back in the same order.
    links = {
        "themes": _grouped(Practice.themes.through, "practice_id", "theme__slug"),
        "commitments": _grouped(
            Practice.commitments.through,
            "practice_id",
            "commitment__coalition__slug",
            "commitment__number",
        ),
        "city_roles": _grouped(Practice.city_roles.through, "practice_id", "cityrole__slug"),
        "target_groups": _grouped(
            Practice.target_groups.through, "practice_id", "targetgroup__slug"
        ),
        "inspired_by": _grouped(
            Practice.inspired_by.through, "from_practice_id", "to_practice__slug"
        ),
    }
    for record in data["practices"]:
        for name, grouped in links.items():
            record[name] = grouped.get(record["id"], [])

    by_practice = {"practice": "practice__slug"}
    data["practice_translations"] = _dump(PracticeTranslation, by_practice)
    data["practice_images"] = _dump(PracticeImage, by_practice)
    data["practice_attachments"] = _dump(PracticeAttachment, by_practice)

    data["practice_revisions"] = _dump(
        PracticeRevision, {**by_practice, "created_by": _username_path("created_by")}
    )
    natural = _natural_keys()
    for record in data["practice_revisions"]:
        content = dict(record["data"] or {})
        for name in CLASSIFICATIONS:
            if name not in content:
                continue
            keys = []
            for pk in content[name] or []:
                if pk in natural[name]:
                    keys.append(natural[name][pk])
                else:
                    warnings.append(
                        f"Proposed update {record['id']}: {name} id {pk} no longer exists; "
                        "left out."
                    )
            content[name] = sorted(keys)
        record["data"] = content

    data["review_events"] = _dump(
        ReviewEvent, {**by_practice, "actor": _username_path("actor"), "revision": "revision_id"}
    )
    data["practice_changes"] = _dump(
        PracticeChange,
        {**by_practice, "actor": _username_path("actor"), "revision": "revision_id"},
    )
    return data, warnings


def referenced_files(data):
    """Return the sorted storage names of every file the records refer to."""
    names = set()
    for record in data["practices"]:
        if record.get("image"):
            names.add(record["image"])
        names.update(value for value in (record.get("image_renditions") or {}).values() if value)
    for record in data["practice_images"]:
        if record.get("image"):
            names.add(record["image"])
        names.update(value for value in (record.get("renditions") or {}).values() if value)
    for record in data["practice_attachments"]:
        if record.get("file"):
            names.add(record["file"])
    return sorted(names)


# ---------------------------------------------------------------- writing an archive


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


class _Writer:
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
        digest = hashlib.sha256()
        size = 0
        if self.kind == "zip":
            info = zipfile.ZipInfo(name, date_time=self.moment.timetuple()[:6])
            stored = PurePosixPath(name).suffix.lower() in _STORED_AS_IS
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with self.archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        else:
            # A tar header needs the size first: spool the file (on disk when large).
            with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spool:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    spool.write(chunk)
                spool.seek(0)
                info = tarfile.TarInfo(name)
                info.size = size
                info.mtime = int(self.moment.timestamp())
                info.mode = 0o644
                self.archive.addfile(info, spool)
        return {"sha256": digest.hexdigest(), "size": size}

    def add_bytes(self, name, content):
        return self.add(name, io.BytesIO(content))

    def close(self):
        self.archive.close()


def _json_bytes(value):
    # Key order kept as it is: JSON columns come back exactly as they were stored.
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def _applied_migrations():
    latest = {}
    recorder = MigrationRecorder(connection)
    for app, name in recorder.migration_qs.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    return {app: latest[app] for app in ("auth", "cities", "practices") if app in latest}


@contextmanager
def _consistent_read():
    """One snapshot of the database for the whole export, even while editors keep working."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@dataclass
class ExportResult:
    path: Path
    counts: dict
    files: int
    bytes: int
    missing_files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def export_registry(path, *, allow_missing_files=False, overwrite=False):
    """Write the whole registry to an archive at `path` (.zip, .tar.gz or .tgz)."""
    path = Path(path)
    kind = archive_kind(path)
    if path.exists() and not overwrite:
        raise RegistryError(f"{path} already exists; choose another name or allow overwriting.")
    if not path.parent.is_dir():
        raise RegistryError(f"The folder {path.parent} does not exist.")
    moment = datetime.now(UTC).replace(microsecond=0)
    # Written next to the target and renamed at the end: never a half-written archive at `path`.
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            with _consistent_read():
                data, warnings = collect_records()
                names = referenced_files(data)
                unsafe = [name for name in names if not storage_name_ok(name)]
                if unsafe:
                    raise RegistryError(f"Stored file names that cannot be archived: {unsafe}")
                missing = [name for name in names if not default_storage.exists(name)]
                if missing and not allow_missing_files:
                    raise RegistryError(
                        f"{len(missing)} stored file(s) the registry refers to are missing: "
                        + ", ".join(missing[:20])
                        + ". Allow missing files to export without them."
                    )
                writer = _Writer(handle, kind, moment)
                checksums = {}
                total = 0
                for name in names:
                    if name in missing:
                        continue
                    with default_storage.open(name, "rb") as source:
                        checksums[f"{MEDIA_FOLDER}/{name}"] = writer.add(
                            f"{MEDIA_FOLDER}/{name}", source
                        )
                    total += checksums[f"{MEDIA_FOLDER}/{name}"]["size"]
                for each in KINDS:
                    member = f"{DATA_FOLDER}/{each}.json"
                    checksums[member] = writer.add_bytes(member, _json_bytes(data[each]))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": moment.isoformat(),
                    "source": {
                        "database": connection.vendor,
                        "django": django.get_version(),
                        "migrations": _applied_migrations(),
                    },
                    "counts": {each: len(data[each]) for each in KINDS},
                    "files": dict(sorted(checksums.items())),
                    "missing_files": missing,
                }
                writer.add_bytes(MANIFEST, _json_bytes(manifest))
                writer.close()
        Path(handle.name).replace(path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return ExportResult(
        path=path,
        counts=manifest["counts"],
        files=len(names) - len(missing),
        bytes=total,
        missing_files=missing,
        warnings=warnings,
    )


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
        digest = hashlib.sha256()
        size = 0
        with open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        members[name] = (target, digest.hexdigest(), size)

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
        if _key(value) not in known:
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
    for name in referenced_files(data):
        if not storage_name_ok(name):
            problems.append(f"unsafe file name {name!r}")
        elif name not in media and name not in missing:
            problems.append(f"file {name!r}")
    if problems:
        shown = ", ".join(sorted(set(problems))[:20])
        raise ArchiveError(f"The archive refers to things it does not hold: {shown}.")


@contextmanager
def open_archive(path):
    """Unpack and check an archive completely; yield an `Archive`. Raises ArchiveError."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path} does not exist.")
    with tempfile.TemporaryDirectory(prefix="iccar-restore-") as folder:
        members = _unpack(path, Path(folder))
        if MANIFEST not in members:
            raise ArchiveError(f"{path} is not a registry archive: it has no {MANIFEST}.")
        try:
            manifest = json.loads(members[MANIFEST][0].read_bytes())
        except ValueError as error:
            raise ArchiveError(f"The manifest cannot be read ({error}).") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(f"{path} is not a registry archive.")
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise ArchiveError(
                f"The archive is in format version {version}; this portal reads version "
                f"{FORMAT_VERSION}."
            )
        listed = manifest.get("files")
        counts = manifest.get("counts")
        if not isinstance(listed, dict) or not isinstance(counts, dict):
            raise ArchiveError("The manifest is incomplete.")
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
        data = {}
        for kind in KINDS:
            member = f"{DATA_FOLDER}/{kind}.json"
            if member not in members:
                raise ArchiveError(f"The archive has no {member}.")
            try:
                records = json.loads(members[member][0].read_bytes())
            except ValueError as error:
                raise ArchiveError(f"{member} cannot be read ({error}).") from error
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise ArchiveError(f"{member} is not a list of records.")
            if counts.get(kind) != len(records):
                raise ArchiveError(
                    f"{member} holds {len(records)} records, not {counts.get(kind)}."
                )
            data[kind] = records
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


# ---------------------------------------------------------------- restoring


def _insert(model, objects):
    """Insert rows as they are, keeping the timestamps auto_now fields would overwrite."""
    if not objects:
        return
    stamped = [
        each
        for each in model._meta.concrete_fields
        if getattr(each, "auto_now", False) or getattr(each, "auto_now_add", False)
    ]
    kept = [[getattr(obj, each.attname) for each in stamped] for obj in objects]
    model._base_manager.bulk_create(objects, batch_size=BATCH)
    if stamped:
        for obj, values in zip(objects, kept, strict=True):
            for each, value in zip(stamped, values, strict=True):
                setattr(obj, each.attname, value)
        # bulk_update writes the values given: no pre_save, no auto_now.
        model._base_manager.bulk_update(objects, [each.name for each in stamped], batch_size=BATCH)


def _reset_sequences(models_list):
    statements = connection.ops.sequence_reset_sql(no_style(), models_list)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _sha256_of_stored(name):
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class ImportResult:
    counts: dict
    files_written: int
    files_already_present: int
    warnings: list = field(default_factory=list)


class _Restore:
    """One restore, inside one transaction. `written` lists the files saved so far."""

    def __init__(self, archive):
        self.archive = archive
        self.data = archive.data
        self.written = []
        self.already_present = []
        self.warnings = []
        self.User = get_user_model()

    # -- checks before anything is written

    def refuse_unless_empty(self):
        present = [
            f"{model.objects.count()} {model._meta.verbose_name_plural}"
            for model in REGISTRY_MODELS
            if model._base_manager.exists()
        ]
        if present:
            raise RestoreRefused(
                "The database already holds " + ", ".join(present) + ". Restore into an empty "
                "database (a fresh `migrate`); nothing was changed."
            )
        username = self.User.USERNAME_FIELD
        wanted = [record[username] for record in self.data["users"]]
        taken = sorted(
            self.User._base_manager.filter(**{f"{username}__in": wanted}).values_list(
                username, flat=True
            )
        )
        if taken:
            raise RestoreRefused(
                "User accounts with these names already exist: "
                + ", ".join(taken[:20])
                + ". Remove them or restore into a fresh database; nothing was changed."
            )

    def check_storage(self):
        """Files already in storage must be the archived ones (kept); others are refused."""
        clashes = []
        for name in sorted(self.archive.media):
            if default_storage.exists(name):
                if _sha256_of_stored(name) == self.archive.checksums[name]:
                    self.already_present.append(name)
                else:
                    clashes.append(name)
        if clashes:
            raise RestoreRefused(
                "The storage already holds different files under these names: "
                + ", ".join(clashes[:20])
                + ". Nothing was changed."
            )

    # -- rows

    def groups(self):
        permissions = {
            (app_label, codename): pk
            for pk, app_label, codename in Permission.objects.values_list(
                "pk", "content_type__app_label", "codename"
            )
        }
        self.permission_ids = permissions
        self.group_ids = dict(Group.objects.values_list("name", "pk"))
        for record in self.data["groups"]:
            if record["name"] not in self.group_ids:
                group = Group.objects.create(name=record["name"])
                self.group_ids[group.name] = group.pk
            ids = []
            for key in record.get("permissions", []):
                if _key(key) in permissions:
                    ids.append(permissions[_key(key)])
                else:
                    self.warnings.append(f"Group {record['name']}: no permission {key}; skipped.")
            Group.objects.get(pk=self.group_ids[record["name"]]).permissions.set(ids)

    def users(self):
        User = self.User
        taken = set(User._base_manager.values_list("pk", flat=True))
        keep, renumber = [], []
        for record in self.data["users"]:
            columns = _columns(User, record, {}, extra=("groups", "user_permissions"))
            pk = record.get("id")
            if pk is not None and pk not in taken:
                keep.append(User(pk=pk, **columns))
            else:
                renumber.append(User(**columns))
        _insert(User, keep)
        _reset_sequences([User])  # ids given explicitly: new ones must come after them
        _insert(User, renumber)
        username = User.USERNAME_FIELD
        self.user_ids = dict(
            User._base_manager.filter(
                **{f"{username}__in": [record[username] for record in self.data["users"]]}
            ).values_list(username, "pk")
        )
        memberships, grants = [], []
        for record in self.data["users"]:
            user_id = self.user_ids[record[username]]
            for name in record.get("groups", []):
                memberships.append(
                    User.groups.through(user_id=user_id, group_id=self.group_ids[name])
                )
            for key in record.get("user_permissions", []):
                if _key(key) in self.permission_ids:
                    grants.append(
                        User.user_permissions.through(
                            user_id=user_id, permission_id=self.permission_ids[_key(key)]
                        )
                    )
                else:
                    self.warnings.append(f"User {record[username]}: no permission {key}; skipped.")
        User.groups.through.objects.bulk_create(memberships, batch_size=BATCH)
        User.user_permissions.through.objects.bulk_create(grants, batch_size=BATCH)

    def _user(self, username):
        return None if username is None else self.user_ids[username]

    def reference(self, model, kind, *, key_of_row, key_of_record, references, resolve):
        """Make the rows of a reference table the archived ones, matched by natural key: update
        those that exist, create the others. Return ({key: pk}, pks of rows not in the archive).

        Columns are written with a raw UPDATE so django-modeltranslation cannot mix languages.
        """
        rows = _rows(model).select_related(*references) if references else _rows(model)
        existing = {key_of_row(obj): obj.pk for obj in rows}
        keys = {key_of_record(record) for record in self.data[kind]}
        stale = [pk for key, pk in existing.items() if key not in keys]
        wanted = {}
        for record in self.data[kind]:
            columns = {**_columns(model, record, references), **resolve(record)}
            key = key_of_record(record)
            pk = existing.get(key)
            if pk is None:
                obj = model(**columns)
                model._base_manager.bulk_create([obj])
                pk = obj.pk
            _rows(model).filter(pk=pk).update(**columns)
            wanted[key] = pk
        return wanted, stale

    def reference_data(self):
        """Themes, coalitions, commitments, roles and target groups become the archive's.

        Rows the archive does not have are deleted: no practice or city refers to them yet.
        """
        by_slug = {"key_of_row": lambda obj: obj.slug, "key_of_record": lambda r: r["slug"]}
        none = {"references": [], "resolve": lambda r: {}}
        # Stale coalitions go first (with their commitments): a new one may take a name.
        coalitions = {**by_slug, "references": ["lead_city"], "resolve": lambda r: {}}
        self.coalition_ids, stale = self.reference(Coalition, "coalitions", **coalitions)
        _rows(Coalition).filter(pk__in=stale).delete()
        self.theme_ids, stale_themes = self.reference(Theme, "themes", **by_slug, **none)
        self.commitment_ids, stale = self.reference(
            Commitment,
            "commitments",
            key_of_row=lambda obj: (obj.coalition.slug, obj.number),
            key_of_record=lambda r: (r["coalition"], r["number"]),
            references=["coalition", "theme"],
            resolve=lambda r: {
                "coalition_id": self.coalition_ids[r["coalition"]],
                "theme_id": self.theme_ids[r["theme"]],
            },
        )
        _rows(Commitment).filter(pk__in=stale).delete()
        # Only now: commitments no longer point to the themes that go.
        _rows(Theme).filter(pk__in=stale_themes).delete()
        self.role_ids, stale = self.reference(CityRole, "city_roles", **by_slug, **none)
        _rows(CityRole).filter(pk__in=stale).delete()
        self.target_ids, stale = self.reference(TargetGroup, "target_groups", **by_slug, **none)
        _rows(TargetGroup).filter(pk__in=stale).delete()
        self.classification_ids = {
            "themes": self.theme_ids,
            "commitments": self.commitment_ids,
            "city_roles": self.role_ids,
            "target_groups": self.target_ids,
        }

    def cities(self):
        cities = []
        for record in self.data["cities"]:
            columns = _columns(City, record, {"coalition": None})
            cities.append(
                City(
                    pk=record["id"], coalition_id=self.coalition_ids[record["coalition"]], **columns
                )
            )
        _insert(City, cities)
        self.city_ids = {record["slug"]: record["id"] for record in self.data["cities"]}
        for record in self.data["coalitions"]:
            if record.get("lead_city"):
                _rows(Coalition).filter(pk=self.coalition_ids[record["slug"]]).update(
                    lead_city_id=self.city_ids[record["lead_city"]]
                )
        officers = []
        for record in self.data["city_officers"]:
            columns = _columns(CityOfficer, record, {"user": None, "city": None})
            officers.append(
                CityOfficer(
                    pk=record["id"],
                    user_id=self.user_ids[record["user"]],
                    city_id=self.city_ids[record["city"]],
                    **columns,
                )
            )
        _insert(CityOfficer, officers)

    def practices(self):
        references = {"city": None, "created_by": None}
        extra = [*CLASSIFICATIONS, "inspired_by"]
        practices = []
        for record in self.data["practices"]:
            columns = _columns(Practice, record, references, extra=extra)
            practices.append(
                Practice(
                    pk=record["id"],
                    city_id=self.city_ids[record["city"]],
                    created_by_id=self._user(record.get("created_by")),
                    **columns,
                )
            )
        _insert(Practice, practices)
        self.practice_ids = {record["slug"]: record["id"] for record in self.data["practices"]}
        targets = {"themes": "theme", "commitments": "commitment", "city_roles": "cityrole"}
        targets["target_groups"] = "targetgroup"
        for name in CLASSIFICATIONS:
            through = getattr(Practice, name).through
            rows = [
                through(
                    practice_id=record["id"],
                    **{f"{targets[name]}_id": self.classification_ids[name][_key(value)]},
                )
                for record in self.data["practices"]
                for value in record.get(name, [])
            ]
            through.objects.bulk_create(rows, batch_size=BATCH)
        through = Practice.inspired_by.through
        through.objects.bulk_create(
            [
                through(from_practice_id=record["id"], to_practice_id=self.practice_ids[slug])
                for record in self.data["practices"]
                for slug in record.get("inspired_by", [])
            ],
            batch_size=BATCH,
        )

    def practice_rows(self, model, kind, **resolvers):
        objects = []
        references = {"practice": None, **dict.fromkeys(resolvers)}
        for record in self.data[kind]:
            columns = _columns(model, record, references)
            for name, resolve in resolvers.items():
                columns[f"{name}_id"] = resolve(record.get(name))
            objects.append(
                model(pk=record["id"], practice_id=self.practice_ids[record["practice"]], **columns)
            )
        _insert(model, objects)

    def revisions(self):
        objects = []
        for record in self.data["practice_revisions"]:
            columns = _columns(PracticeRevision, record, {"practice": None, "created_by": None})
            content = dict(columns.get("data") or {})
            for name in CLASSIFICATIONS:
                if name in content:
                    content[name] = sorted(
                        self.classification_ids[name][_key(value)] for value in content[name] or []
                    )
            columns["data"] = content
            objects.append(
                PracticeRevision(
                    pk=record["id"],
                    practice_id=self.practice_ids[record["practice"]],
                    created_by_id=self._user(record.get("created_by")),
                    **columns,
                )
            )
        _insert(PracticeRevision, objects)

    # -- files and derived data

    def files(self):
        for name in sorted(self.archive.media):
            if name in self.already_present:
                continue
            with open(self.archive.media[name], "rb") as source:
                # Recorded before saving: a failed save may leave part of a file behind.
                self.written.append(name)
                saved = default_storage.save(name, File(source, name=name))
            if saved != name:
                self.written.append(saved)
                raise RestoreRefused(f"The storage saved {name} as {saved}; nothing was changed.")

    def derived(self):
        from core.page_cache import public_content_changed
        from practices.search.index import refresh_languages, refresh_search_extra
        from practices.search.options import forget_filter_options

        refresh_search_extra(Practice.objects.all())
        refresh_languages(list(Practice.objects.values_list("pk", flat=True)))
        _reset_sequences(
            [
                Group,
                self.User,
                Coalition,
                Theme,
                Commitment,
                CityRole,
                TargetGroup,
                *REGISTRY_MODELS,
            ]
        )
        forget_filter_options()
        transaction.on_commit(forget_filter_options)
        public_content_changed()

    def run(self):
        self.refuse_unless_empty()
        self.check_storage()
        self.groups()
        self.users()
        self.reference_data()
        self.cities()
        self.practices()
        self.practice_rows(PracticeTranslation, "practice_translations")
        self.practice_rows(PracticeImage, "practice_images")
        self.practice_rows(PracticeAttachment, "practice_attachments")
        self.revisions()
        revision_ids = {record["id"] for record in self.data["practice_revisions"]}

        def revision(pk):
            if pk is not None and pk not in revision_ids:
                raise ArchiveError(f"No proposed update {pk} in the archive.")
            return pk

        for model, kind in [(ReviewEvent, "review_events"), (PracticeChange, "practice_changes")]:
            self.practice_rows(model, kind, actor=self._user, revision=revision)
        self.files()
        self.derived()


def import_registry(archive):
    """Restore a checked `Archive` (see `open_archive`) into an empty database, all or nothing."""
    restore = _Restore(archive)
    try:
        with transaction.atomic():
            restore.run()
    except BaseException:
        for name in dict.fromkeys(reversed(restore.written)):
            try:
                default_storage.delete(name)
            except Exception:  # noqa: S110 - the original error matters more
                pass
        raise
    missing = [
        f"{name} was missing when the archive was made: it is still missing."
        for name in archive.manifest.get("missing_files") or []
    ]
    return ImportResult(
        counts=dict(archive.counts),
        files_written=len(archive.media) - len(restore.already_present),
        files_already_present=len(restore.already_present),
        warnings=missing + restore.warnings,
    )
