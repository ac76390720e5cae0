"""export_registry writes one archive with a manifest, a checksum per member and password
hashes only, readable by its owner alone."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from backups.records import (
    KINDS,
    PUBLICATION_KINDS,
    REGISTRY_MODELS,
    exchange_models,
    publication_models,
)
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
from tests.backups.state import PASSWORD, referenced_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_archive_holds_a_manifest_with_a_checksum_per_file(registry, tmp_path):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        names = set(opened.namelist())
        users = json.loads(opened.read("data/users.json"))
    assert manifest["format"] == "iccar-registry"
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["counts"]["practices"] == Practice.objects.count()
    assert manifest["counts"]["review_events"] == ReviewEvent.objects.count()
    assert {f"media/{name}" for name in referenced_names()} <= names
    # Password hashes, never a password.
    assert all(user["password"].startswith("md5$") for user in users)
    assert PASSWORD not in json.dumps(users)
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_registry", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"must end in \.zip, \.tar\.gz or \.tgz"):
        call_command("export_registry", str(tmp_path / "registry.json"), stdout=io.StringIO())
    # Password hashes inside: only the owner may read the archive.
    assert archive.stat().st_mode & 0o077 == 0


# Every table of the project is in the archive as a kind of record, or left out for a reason
# (docs/backup-format.md says which and why).
NOT_ARCHIVED = {
    "admin.LogEntry": "the admin's own log of changes, which names rows by id",
    "auth.Permission": "made by migrate; groups and accounts name theirs by natural key",
    "contenttypes.ContentType": "made by migrate",
    "sessions.Session": "everyone signs in again after a restore",
    "axes": "login-attempt records",
    "practices.SearchEntry": "derived: rebuilt from the practices by the restore",
    "practices.OutgoingEmail": "the e-mail outbox: a restore sends nothing",
    "publications.PublicationFile": "the PDFs of publications, made again on demand from the data",
}


def archived_models():
    """{kind: model} for every kind of record in the archive."""
    return {
        "groups": Group,
        "users": get_user_model(),
        "coalitions": Coalition,
        "themes": Theme,
        "commitments": Commitment,
        "city_roles": CityRole,
        "target_groups": TargetGroup,
        "cities": City,
        "city_officers": CityOfficer,
        "practices": Practice,
        "practice_translations": PracticeTranslation,
        "practice_images": PracticeImage,
        "practice_attachments": PracticeAttachment,
        "practice_revisions": PracticeRevision,
        "review_events": ReviewEvent,
        "practice_changes": PracticeChange,
        **exchange_models(),
        **publication_models(),
    }


def test_every_table_is_archived_or_left_out_for_a_reason(registry, tmp_path):
    kinds = archived_models()
    assert list(kinds) == KINDS
    assert set(PUBLICATION_KINDS) <= set(KINDS) and len(publication_models()) == 5
    for model in apps.get_models():
        label = model._meta.label
        left_out = label in NOT_ARCHIVED or model._meta.app_label in NOT_ARCHIVED
        assert left_out != (model in kinds.values()), label
    # Rows of the registry proper: a restore needs a database without any.
    assert set(kinds.values()) - set(REGISTRY_MODELS) == {
        Group,
        get_user_model(),
        Coalition,
        Theme,
        Commitment,
        CityRole,
        TargetGroup,
    }

    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        data = {kind: json.loads(opened.read(f"data/{kind}.json")) for kind in KINDS}
    # The fixture fills every kind, and the archive holds every row of each.
    for kind, model in kinds.items():
        assert manifest["counts"][kind] == len(data[kind]) == model._base_manager.count() > 0, kind


def test_publications_are_archived_with_every_language(registry, tmp_path):
    archive = tmp_path / "registry.zip"
    call_command("export_registry", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as opened:
        data = {kind: json.loads(opened.read(f"data/{kind}.json")) for kind in PUBLICATION_KINDS}
    report = next(
        row for row in data["publications"] if row["slug"] == registry["publication"].slug
    )
    # Composed in French: the untranslated column holds the French title, every language is there.
    assert report["title"] == report["title_fr"] == "Les villes contre le racisme"
    assert report["title_en"] == "Cities against racism"
    assert report["subtitle_ar"] == "ما تعلمته المدن"
    assert report["introduction_zh_hans"] == "十年的实践。"
    assert report["status"] == "published" and report["published_at"]
    chapters = {row["title_en"]: row for row in data["publication_chapters"]}
    assert chapters["Housing"]["publication"] == report["id"]
    assert chapters["Housing"]["text_ru"] == "Где встречаются жильцы."
    entries = data["publication_entries"]
    rich = next(row for row in entries if row["practice"] == registry["rich"].slug)
    assert rich["chapter"] == chapters["Housing"]["id"]
    assert rich["commentary_es"] == "Reduce los conflictos a la mitad."
    assert rich["frozen"]["slug"] == registry["rich"].slug and rich["frozen_version"]
    assert any(row["practice"] is None for row in entries)  # its practice deleted since
    gaps = next(row for row in data["publication_closing_sections"] if row["kind"] == "gaps")
    assert set(gaps["frozen"]["languages"]) == {"en", "fr", "es", "ar", "ru", "zh-hans"}
    events = {(row["publication"], row["action"]): row for row in data["publication_events"]}
    assert events[report["id"], "published"]["actor"] == "editor"
    assert events[report["id"], "created"]["actor"] is None
    assert events[report["id"], "published"]["note"] == "For the conference."
