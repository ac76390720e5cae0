"""Every message of the interface is translated, in all five other languages, with the same
placeholders as its source."""

import os
import re
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from iccar_portal.catalogues import catalogue_paths, compile_catalogues

NAMED = re.compile(r"%\([^)]+\)[sd]|\{[a-z_]+\}")
POSITIONAL = re.compile(r"%[sd]")
WORDS = re.compile(r"[^\W\d_]{2,}")
LOCALE_NAMES = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh_Hans"}


def catalogue(language):
    return polib.pofile(
        str(settings.BASE_DIR / "locale" / LOCALE_NAMES[language] / "LC_MESSAGES" / "django.po")
    )


def placeholders(text):
    return sorted(set(NAMED.findall(text))), len(POSITIONAL.findall(text.replace("%%", "")))


def test_there_is_a_catalogue_for_every_language_but_english():
    languages = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert set(LOCALE_NAMES) == languages
    assert len(catalogue_paths()) == len(languages)


@pytest.mark.parametrize("language", list(LOCALE_NAMES))
def test_catalogue_is_complete_and_consistent(language):
    po = catalogue(language)
    assert len(po) > 400
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            expected = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
            if len(forms) != expected or not all(forms.values()):
                problems.append(f"plural forms missing: {entry.msgid!r}")
            # Django renders every form with the same variables: each must name them all.
            for index, text in forms.items():
                if placeholders(text)[0] != placeholders(entry.msgid_plural)[0]:
                    problems.append(f"placeholders differ in form {index}: {entry.msgid!r}")
        else:
            if not entry.msgstr.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
            elif placeholders(entry.msgstr) != placeholders(entry.msgid):
                problems.append(f"placeholders differ: {entry.msgid!r} → {entry.msgstr!r}")
            elif entry.msgstr == entry.msgid and len(WORDS.findall(NAMED.sub("", entry.msgid))) > 2:
                # A short label may read the same ("page %(number)s"); a sentence may not.
                problems.append(f"copied, not translated: {entry.msgid!r}")
    assert not problems, "\n".join(problems[:40])
    assert "fuzzy" not in po.metadata_as_entry().flags


def test_compiled_catalogues_match_their_sources(tmp_path):
    compile_catalogues()
    for po_path in catalogue_paths():
        mo = polib.mofile(str(po_path.with_suffix(".mo")))
        po = polib.pofile(str(po_path))
        # Keyed by context and message: the same words may mean two things ("publication").
        translated = {
            (entry.msgctxt, entry.msgid): entry.msgstr
            for entry in po.translated_entries()
            if not entry.msgid_plural
        }
        compiled = {
            (entry.msgctxt, entry.msgid): entry.msgstr
            for entry in mo
            if not entry.msgid_plural and entry.msgid
        }
        assert compiled == translated, po_path


def test_every_message_of_the_code_and_templates_is_in_every_catalogue(tmp_path, monkeypatch):
    """What `makemessages` would find in the code and templates is already translated: a new
    message without its translations fails here, not in front of an Arabic reader."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            pytest.fail("xgettext not found: install Debian's package gettext")
        pytest.skip("xgettext not found: install Debian's package gettext")
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "node_modules", "tests", "var", "media", "*.mo", "*.sqlite3"
        ),
    )
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=list(LOCALE_NAMES.values()), verbosity=0)
    missing = {}
    for language, name in LOCALE_NAMES.items():
        po = polib.pofile(str(copy / "locale" / name / "LC_MESSAGES" / "django.po"))
        lacking = [entry.msgid for entry in [*po.untranslated_entries(), *po.fuzzy_entries()]]
        if lacking:
            missing[language] = lacking
    assert not missing, missing
