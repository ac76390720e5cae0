"""Compile the gettext catalogues (locale/*/LC_MESSAGES/django.po) into .mo files.

polib does it in Python, so a fresh machine needs no GNU gettext tools to run the portal.
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_paths():
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_catalogues(force=False):
    """Write each catalogue's .mo file when it is missing or older; return those written."""
    written = []
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written
