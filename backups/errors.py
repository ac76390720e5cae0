"""Why a backup or a restore cannot be done, in words for the operator (docs/backup-format.md)."""


class BackupError(Exception):
    """The export or the restore cannot be done; the message says why, for the operator."""


class ArchiveError(BackupError):
    """The archive is not a backup archive, is damaged, or is inconsistent."""


class RestoreRefused(BackupError):
    """The database or the storage is not in a state the archive can be restored into."""
