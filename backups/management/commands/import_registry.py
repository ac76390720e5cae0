"""Restore the registry from an archive made by export_registry (docs/backup-format.md)."""

from django.core.management.base import BaseCommand, CommandError

from backups.archive import open_archive
from backups.errors import BackupError
from backups.records import KINDS
from backups.restore import import_registry


class Command(BaseCommand):
    help = (
        "Restore a registry archive into an empty database (after `migrate`), with its files. "
        "All or nothing; sends no e-mail. With --check, only verify the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive (.zip or .tar.gz) to restore.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify the archive (checksums, references) and change nothing.",
        )

    def handle(self, *args, path, check, **options):
        try:
            with open_archive(path) as archive:
                counts = ", ".join(
                    f"{archive.counts[kind]} {kind.replace('_', ' ')}" for kind in KINDS
                )
                if check:
                    self.stdout.write(counts)
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"{path} is complete: every checksum matches "
                            f"({len(archive.media)} files). Nothing was changed."
                        )
                    )
                    return
                result = import_registry(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path}: {result.files_written} files written, "
                f"{result.files_already_present} already in storage."
            )
        )
