"""Backup and restore of the whole registry: export_registry then import_registry into an empty
database gives back every row, every file and a working site; a refused or failed restore
changes nothing."""

import hashlib
import io
import json
import tarfile
import zipfile

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import translation

from backups.restore import Restore
from exchange.models import Adaptation
from practices.models import OutgoingEmail, Practice, ReviewEvent, Theme
from publications.models import Publication, PublicationEntry, PublicationFile
from tests.backups.conftest import PDF
from tests.backups.state import (
    PASSWORD,
    SEARCHES,
    referenced_names,
    registry_state,
    search_titles,
    stored_files,
    wipe,
)
from tests.cities.factories import CityFactory, UserFactory

Status = Practice.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


# ---------------------------------------------------------------- the round trip


@pytest.mark.parametrize(
    "archive_name, keep_files", [("registry.zip", False), ("registry.tar.gz", True)]
)
def test_round_trip_loses_nothing(
    registry,
    media_root,
    tmp_path,
    client,
    archive_name,
    keep_files,
    django_capture_on_commit_callbacks,
):
    rich, draft, archived = registry["rich"], registry[Status.DRAFT], registry[Status.ARCHIVED]
    before = registry_state()
    files = stored_files(media_root)
    # The main image, its two renditions, the further image and its two, the PDF.
    assert len(files) == 7 and set(files) == referenced_names()
    found_before = {text: search_titles(client, text) for text in SEARCHES}
    assert found_before["tramontane"] == ["Tenant mediation service"]  # its French translation
    assert found_before["liege"] == ["Maison de quartier ouverte"]  # its city's name
    archive = tmp_path / archive_name
    housing_pk = Theme.objects.get(slug="housing").pk

    call_command("export_registry", str(archive), stdout=io.StringIO())

    wipe(media_root, keep_files=keep_files)
    assert registry_state() != before
    mail.outbox.clear()
    emails_before = OutgoingEmail.objects.count()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_registry", str(archive), stdout=out)
    if keep_files:
        assert "0 files written, 7 already in storage" in out.getvalue()
    else:
        assert "7 files written, 0 already in storage" in out.getvalue()
    # The housing theme was deleted and is back under a new id: classifications, commitments
    # and the data of proposed updates were mapped to it by slug.
    assert Theme.objects.get(slug="housing").pk != housing_pk
    assert not Theme.objects.filter(slug="extra").exists()

    after = registry_state()
    for kind in before:  # one kind at a time: a difference is easier to read
        assert after[kind] == before[kind], kind
    assert after == before
    assert stored_files(media_root) == files
    # No e-mail, no review event of its own.
    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == emails_before
    assert ReviewEvent.objects.count() == len(before["ReviewEvent"])

    # The site works: search, public pages, logins, the ids of new rows.
    assert {text: search_titles(client, text) for text in SEARCHES} == found_before
    page = client.get(rich.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tenant mediation service" in html
    rich.refresh_from_db()
    assert rich.image_url("page") in html
    assert client.get(rich.image_url("page")).status_code == 200  # the restored file itself
    assert "Evaluation report 2023" in html
    # The question shown under a practice is back, with its city named.
    shown = registry["conversation"].practice
    shown_html = client.get(shown.get_absolute_url()).content.decode()
    assert "Comment avez-vous recruté" in shown_html
    # So is the adaptation of that practice, in the version the editors approved.
    assert "Nous avons testé les offres" in shown_html and "Deux agences" not in shown_html
    assert Adaptation.objects.get().status == "changes_requested"
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(archived.get_absolute_url()).status_code == 404
    # The publication is still published, on its version, quoting what it froze (not the
    # practice's summary changed since); the draft publication is still a draft.
    report = Publication.objects.get(slug=registry["publication"].slug)
    assert report.is_published and report.version == registry["publication"].version
    entry = PublicationEntry.objects.get(chapter__publication=report, practice__slug=rich.slug)
    assert rich.summary == "Changed after the publication." != entry.frozen["summary"]
    report_html = client.get(report.get_absolute_url()).content.decode()
    assert "Cities against racism" in report_html and "Housing" in report_html
    assert entry.frozen["summary"] in report_html and rich.summary not in report_html
    with translation.override("fr"):
        french = client.get(report.get_absolute_url()).content.decode()
    assert "Les villes contre le racisme" in french and "Logement" in french
    draft_report = registry["draft_publication"]
    assert client.get(draft_report.get_absolute_url()).status_code == 404
    assert client.login(username="officer", password=PASSWORD)
    new_city = CityFactory()  # the sequences continue after the restored ids
    assert new_city.pk > max(row["id"] for row in before["cities"])


# ---------------------------------------------------------------- refusals change nothing


def test_refuses_a_database_that_already_holds_a_registry(registry, media_root, tmp_path):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    before, files = registry_state(), stored_files(media_root)

    with pytest.raises(CommandError, match="already holds .*cities.*practices"):
        call_command("import_registry", str(archive), stdout=io.StringIO())

    assert registry_state() == before
    assert stored_files(media_root) == files


def test_refuses_existing_accounts_with_the_same_names(registry, media_root, tmp_path):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    wipe(media_root)
    UserFactory(username="editor")
    before = registry_state()

    with pytest.raises(CommandError, match="User accounts with these names already exist: editor"):
        call_command("import_registry", str(archive), stdout=io.StringIO())

    assert registry_state() == before
    assert stored_files(media_root) == {}


def _rewrite_zip(source, target, change, *, fix_manifest=False):
    """Copy a zip archive, letting change(name, content) alter or drop (None) each member;
    with fix_manifest, the manifest gets the new checksums (a consistent, altered archive)."""
    with zipfile.ZipFile(source) as old:
        members = {name: change(name, old.read(name)) for name in old.namelist()}
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        for name, content in members.items():
            if name != "manifest.json":
                digest = hashlib.sha256(content).hexdigest()
                manifest["files"][name] = {"sha256": digest, "size": len(content)}
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as new:
        for name, content in members.items():
            if content is not None:
                new.writestr(name, content)


def _alter_the_pdf(name, content):
    if name.startswith("media/attachments/"):
        return content[:-2] + b"X\n"
    return content


def _edit_a_title(name, content):
    if name == "data/practices.json":
        return content.replace(b"Tenant mediation service", b"Tenant mediation servICE")
    return content


def _drop_the_pdf(name, content):
    return None if name.startswith("media/attachments/") else content


@pytest.mark.parametrize(
    "damage, message",
    [
        (_alter_the_pdf, r"media/attachments/\w+\.pdf: checksum does not match"),
        (_edit_a_title, "data/practices.json: checksum does not match"),
        (_drop_the_pdf, "does not match its manifest"),
        ("truncate", "not a readable zip or tar.gz archive"),
    ],
)
def test_refuses_a_damaged_archive(registry, media_root, tmp_path, damage, message):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.zip"
    if damage == "truncate":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        _rewrite_zip(archive, damaged, damage)
    wipe(media_root)
    before = registry_state()

    with pytest.raises(CommandError, match=message):
        call_command("import_registry", str(damaged), stdout=io.StringIO())
    with pytest.raises(CommandError, match=message):
        call_command("import_registry", "--check", str(damaged), stdout=io.StringIO())

    assert registry_state() == before
    assert stored_files(media_root) == {}


def test_refuses_a_damaged_tar_archive(registry, media_root, tmp_path):
    archive = tmp_path / "registry.tar.gz"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(damaged, "w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member).read()
            if member.name.startswith("media/") and member.name.endswith(".png"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            new.addfile(member, io.BytesIO(content))
    wipe(media_root)
    before = registry_state()

    with pytest.raises(CommandError, match=r"media/practices/\w+\.png: checksum does not match"):
        call_command("import_registry", str(damaged), stdout=io.StringIO())

    assert registry_state() == before
    assert stored_files(media_root) == {}


def test_a_failure_half_way_leaves_no_rows_and_no_files(
    registry, media_root, tmp_path, monkeypatch
):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    wipe(media_root)
    before = registry_state()
    written = []

    def fail(restore):
        # Every row and every file is in place by now.
        written.extend(restore.written)
        assert Practice.objects.exists() and len(stored_files(media_root)) == 7
        raise RuntimeError("disk full")

    monkeypatch.setattr(Restore, "refresh_derived_data", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        call_command("import_registry", str(archive), stdout=io.StringIO())

    assert len(written) == 7
    assert registry_state() == before
    assert stored_files(media_root) == {}


def test_check_only_verifies(registry, media_root, tmp_path):
    archive = tmp_path / "registry.tar.gz"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    wipe(media_root)
    before = registry_state()
    out = io.StringIO()

    call_command("import_registry", "--check", str(archive), stdout=out)

    assert "every checksum matches (7 files)" in out.getvalue()
    assert registry_state() == before
    assert stored_files(media_root) == {}


def test_denormalised_search_data_is_recomputed(registry, media_root, tmp_path, client):
    """Even from an archive whose stored search text and languages are out of date."""
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())

    def stale(name, content):
        if name != "data/practices.json":
            return content
        records = json.loads(content)
        for record in records:
            record.update(search_extra="", available_languages=",en,")
        return json.dumps(records).encode()

    stale_archive = tmp_path / "stale.zip"
    _rewrite_zip(archive, stale_archive, stale, fix_manifest=True)
    wipe(media_root)

    call_command("import_registry", str(stale_archive), stdout=io.StringIO())

    rich = Practice.objects.get(slug=registry["rich"].slug)
    assert rich.available_languages == ",en,fr,"
    assert "Ghent" in rich.search_extra and "Belgium" in rich.search_extra
    assert Practice.objects.get(slug=registry["liege"].slug).available_languages == ",fr,"
    assert search_titles(client, "liege") == ["Maison de quartier ouverte"]
    assert search_titles(client, "tramontane") == ["Tenant mediation service"]


# ---------------------------------------------------------------- publications


def test_the_pdfs_of_publications_are_left_out(registry, media_root, tmp_path):
    """They are made again on demand from the data: neither their rows nor their files are in
    the archive, and the restored publication has none until a reader asks."""
    report = registry["publication"]
    PublicationFile.objects.create(
        publication=report,
        language="en",
        version=report.version,
        file=ContentFile(PDF, name=f"{report.slug}-v{report.version}-en.pdf"),
        size=len(PDF),
    )
    pdf_name = PublicationFile.objects.get().file.name
    assert (media_root / pdf_name).read_bytes() == PDF
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert f"media/{pdf_name}" not in names
    assert not [name for name in names if name.startswith("media/publications/")]
    assert "data/publication_files.json" not in names
    wipe(media_root)

    out = io.StringIO()
    call_command("import_registry", str(archive), stdout=out)

    assert "7 files written" in out.getvalue()
    assert Publication.objects.get(slug=report.slug).is_published
    assert not PublicationFile.objects.exists()
    assert pdf_name not in stored_files(media_root)


def _entry_without_its_chapter(name, content):
    if name != "data/publication_entries.json":
        return content
    records = json.loads(content)
    records[0]["chapter"] = 999
    return json.dumps(records).encode()


def _event_of_an_unknown_account(name, content):
    if name != "data/publication_events.json":
        return content
    records = json.loads(content)
    records[-1]["actor"] = "nobody"
    return json.dumps(records).encode()


@pytest.mark.parametrize(
    "damage, message",
    [(_entry_without_its_chapter, "chapter 999"), (_event_of_an_unknown_account, "'nobody'")],
)
def test_refuses_publications_referring_to_what_the_archive_lacks(
    registry, media_root, tmp_path, damage, message
):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    inconsistent = tmp_path / "inconsistent.zip"
    _rewrite_zip(archive, inconsistent, damage, fix_manifest=True)
    wipe(media_root)
    before = registry_state()

    for check in (["--check"], []):
        with pytest.raises(CommandError, match=f"refers to things it does not hold: .*{message}"):
            call_command("import_registry", *check, str(inconsistent), stdout=io.StringIO())

    assert registry_state() == before
    assert stored_files(media_root) == {}
