"""Restoring an archive into an empty database, all or nothing: checks first, then every row
and file in one transaction, then the derived data. See docs/backup-format.md.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from backups.archive import copy_with_checksum
from backups.errors import RestoreRefused
from backups.records import REGISTRY_MODELS
from backups.restore_accounts import restore_accounts
from backups.restore_cities import restore_cities
from backups.restore_exchange import restore_exchange
from backups.restore_practices import restore_practices
from backups.restore_publications import restore_publications
from backups.restore_reference_data import restore_reference_data
from backups.tables import reset_sequences
from cities.models import Coalition
from core.page_cache import public_content_changed
from practices.models import CityRole, Commitment, Practice, TargetGroup, Theme
from practices.search.index import refresh_languages, refresh_search_extra
from practices.search.options import forget_filter_options
from practices.services.adaptations import refresh_adapted_in


@dataclass
class ImportResult:
    counts: dict
    files_written: int
    files_already_present: int
    warnings: list = field(default_factory=list)


def _refuse_unless_empty(data):
    """No row of the registry and no account of the archive may exist yet."""
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
    User = get_user_model()
    username = User.USERNAME_FIELD
    wanted = [record[username] for record in data["users"]]
    taken = sorted(
        User._base_manager.filter(**{f"{username}__in": wanted}).values_list(username, flat=True)
    )
    if taken:
        raise RestoreRefused(
            "User accounts with these names already exist: "
            + ", ".join(taken[:20])
            + ". Remove them or restore into a fresh database; nothing was changed."
        )


def _files_already_stored(archive):
    """Return the archived files already in storage, identical (kept); refuse different ones."""
    present, clashes = [], []
    for name in sorted(archive.media):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as source:
                sha256 = copy_with_checksum(source)["sha256"]
            if sha256 == archive.checksums[name]:
                present.append(name)
            else:
                clashes.append(name)
    if clashes:
        raise RestoreRefused(
            "The storage already holds different files under these names: "
            + ", ".join(clashes[:20])
            + ". Nothing was changed."
        )
    return present


class Restore:
    """One restore, inside one transaction. `written` lists the files saved so far."""

    def __init__(self, archive):
        self.archive = archive
        self.data = archive.data
        self.written = []
        self.already_present = []
        self.warnings = []

    def write_rows(self):
        data = self.data
        user_ids = restore_accounts(data, self.warnings)
        coalition_ids, classification_ids = restore_reference_data(data)
        city_ids = restore_cities(data, coalition_ids=coalition_ids, user_ids=user_ids)
        restore_practices(
            data, city_ids=city_ids, user_ids=user_ids, classification_ids=classification_ids
        )
        restore_exchange(data, city_ids=city_ids, user_ids=user_ids)
        restore_publications(data, user_ids=user_ids)

    def write_files(self):
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

    def refresh_derived_data(self):
        """Recompute the denormalised search data, continue the id sequences, forget caches."""
        refresh_search_extra(Practice.objects.all())
        refresh_languages(list(Practice.objects.values_list("pk", flat=True)))
        refresh_adapted_in()
        reset_sequences(
            [
                Group,
                get_user_model(),
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
        _refuse_unless_empty(self.data)
        self.already_present = _files_already_stored(self.archive)
        self.write_rows()
        self.write_files()
        self.refresh_derived_data()


def import_registry(archive):
    """Restore a checked `Archive` (see `open_archive`) into an empty database, all or nothing."""
    restore = Restore(archive)
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
