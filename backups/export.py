"""Writing the whole registry, rows and stored files, to one archive.

See docs/backup-format.md.
"""

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import django
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from backups.archive import (
    DATA_FOLDER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_FOLDER,
    ArchiveWriter,
    archive_kind,
    json_bytes,
    storage_name_ok,
)
from backups.errors import BackupError
from backups.records import KINDS, collect_records, referenced_files


@dataclass
class ExportResult:
    path: Path
    counts: dict
    files: int
    bytes: int
    missing_files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


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


def _files_to_archive(data, allow_missing_files):
    """Return (storage names the records refer to, those of them missing from the storage)."""
    names = referenced_files(data)
    unsafe = [name for name in names if not storage_name_ok(name)]
    if unsafe:
        raise BackupError(f"Stored file names that cannot be archived: {unsafe}")
    missing = [name for name in names if not default_storage.exists(name)]
    if missing and not allow_missing_files:
        raise BackupError(
            f"{len(missing)} stored file(s) the registry refers to are missing: "
            + ", ".join(missing[:20])
            + ". Allow missing files to export without them."
        )
    return names, missing


def _write_members(writer, data, names, missing):
    """Add the stored files, then the records; return ({member: checksum}, bytes of files)."""
    checksums = {}
    total = 0
    for name in names:
        if name in missing:
            continue
        member = f"{MEDIA_FOLDER}/{name}"
        with default_storage.open(name, "rb") as source:
            checksums[member] = writer.add(member, source)
        total += checksums[member]["size"]
    for each in KINDS:
        member = f"{DATA_FOLDER}/{each}.json"
        checksums[member] = writer.add_bytes(member, json_bytes(data[each]))
    return checksums, total


def _manifest(moment, data, checksums, missing):
    return {
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


def export_registry(path, *, allow_missing_files=False, overwrite=False):
    """Write the whole registry to an archive at `path` (.zip, .tar.gz or .tgz)."""
    path = Path(path)
    kind = archive_kind(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists; choose another name or allow overwriting.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    moment = datetime.now(UTC).replace(microsecond=0)
    # Written next to the target and renamed at the end: never a half-written archive at `path`.
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            with _consistent_read():
                data, warnings = collect_records()
                names, missing = _files_to_archive(data, allow_missing_files)
                writer = ArchiveWriter(handle, kind, moment)
                checksums, total = _write_members(writer, data, names, missing)
                manifest = _manifest(moment, data, checksums, missing)
                writer.add_bytes(MANIFEST, json_bytes(manifest))
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
