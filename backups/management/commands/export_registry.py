"""Write the whole registry — rows and stored files — to one archive (docs/backup-format.md)."""

from django.core.management.base import BaseCommand, CommandError

from backups.errors import BackupError
from backups.export import export_registry


class Command(BaseCommand):
    help = (
        "Back up the whole registry to one archive: PATH ending in .zip, .tar.gz or .tgz. "
        "User accounts keep their password hashes: keep the archive as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to write (.zip, .tar.gz or .tgz).")
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace the archive if it exists."
        )
        parser.add_argument(
            "--allow-missing-files",
            action="store_true",
            help="Export even if stored files the registry refers to are missing (listed in "
            "the manifest).",
        )

    def handle(self, *args, path, overwrite, allow_missing_files, **options):
        try:
            result = export_registry(
                path, overwrite=overwrite, allow_missing_files=allow_missing_files
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for name in result.missing_files:
            self.stderr.write(self.style.WARNING(f"Missing file, not in the archive: {name}"))
        counts = ", ".join(
            f"{count} {kind.replace('_', ' ')}" for kind, count in result.counts.items()
        )
        self.stdout.write(counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.path}: {result.files} files ({result.bytes} bytes) and the records."
            )
        )
