"""Backup and restore of the whole registry: export_registry then import_registry into an empty
database gives back every row, every file and a working site; a refused or failed restore
changes nothing."""

import hashlib
import io
import json
import tarfile
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from PIL import Image

from backups.registry import REGISTRY_MODELS, _Restore
from cities.models import City, CityOfficer, Coalition
from core.editors import EDITORS_GROUP
from practices import services
from practices.models import (
    CityRole,
    Commitment,
    OutgoingEmail,
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
from practices.uploads import prepare_image
from tests.cities.factories import CityFactory, CityOfficerFactory, CoalitionFactory, UserFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
PASSWORD = "a-strong-password-42"  # what UserFactory sets
PAST = datetime(2019, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def picture(name="photo.png", size=(1300, 400), colour=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ---------------------------------------------------------------- a registry with everything


@pytest.fixture
def registry(officer, editor, superuser, inactive_officer, other_city, make_practice):
    """Practices in every state, translations, images, a PDF, proposed updates, review events
    with private notes, officers and editors, edited reference data and old timestamps."""
    ghent = officer.city_officer.city
    # Reference data as editors left it: a translated name changed, a coalition of their own.
    Coalition.objects.filter(slug="eccar").update(
        name_fr="Coalition européenne des villes contre le racisme (revue)",
        lead_city=ghent,
        description="Founded in Nuremberg.",
    )
    Theme.objects.filter(slug="housing").update(title_fr="Logement équitable pour toutes et tous")
    new_coalition = CoalitionFactory(
        slug="nordic", name="Nordic Cities Network", name_fr="Réseau nordique", region="Nordic"
    )
    Commitment.objects.create(
        coalition=new_coalition, number=1, title="Listen first", theme=Theme.objects.get(order=3)
    )
    editors = Group.objects.get(name=EDITORS_GROUP)
    editors.permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    editor.user_permissions.add(Permission.objects.get(codename="view_practicechange"))
    get_user_model().objects.filter(pk=officer.pk).update(last_login=PAST)

    City.objects.filter(pk=ghent.pk).update(
        latitude=Decimal("51.05434"),
        longitude=Decimal("3.71742"),
        member_since=2005,
        profile="A port city on the Scheldt.",
        website="https://ghent.example.org",
        contact_email="equality@ghent.example.org",
        coalition=Coalition.objects.get(slug="eccar"),
    )
    City.objects.filter(pk=other_city.pk).update(is_active_member=False, coalition=new_coalition)
    french_officer = CityOfficerFactory(
        city=other_city, user__username="agent-liege", preferred_language="fr"
    ).user
    CityOfficer.objects.filter(user=officer).update(created_at=PAST)

    practices = {status: make_practice(status) for status in Status.values}

    # The richest one: image, further image, PDF, translation, all classifications, then
    # published with a private note, promoted, and now carrying a proposed update in review.
    rich = PracticeFactory(
        city=ghent,
        created_by=officer,
        title="Tenant mediation service",
        partners="Housing corporation\nTenants' union",
        links="https://ghent.example.org/mediation\nhttps://example.org/report",
        contact_role="Coordinator",
        end_year=2023,
        resources="Two mediators.",
        image_alt="Mediators and tenants around a table",
        themes=[Theme.objects.get(slug="housing"), Theme.objects.get(slug="education")],
        city_roles=list(CityRole.objects.all()[:2]),
        target_groups=list(TargetGroup.objects.all()[:3]),
    )
    rich.commitments.set(Commitment.objects.filter(coalition__slug="eccar")[:2])
    services.practice_set_main_image(
        practice=rich, actor=officer, prepared=prepare_image(picture())
    )
    services.practice_add_image(
        practice=rich,
        actor=officer,
        prepared=prepare_image(picture("second.png", (640, 480), (20, 90, 200))),
        alt_text="The mediation room",
    )
    services.practice_add_attachment(
        practice=rich,
        actor=officer,
        uploaded=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        title="Evaluation report 2023",
    )
    services.practice_save_translation(
        practice=rich,
        actor=officer,
        language="fr",
        fields={
            "title": "Service de médiation locative",
            "summary": "Des médiateurs règlent les conflits entre bailleurs et locataires.",
            "context": "Le vent de tramontane soufflait sur les quartiers.",
        },
    )
    services.practice_submit(practice=rich, actor=officer, message="Ready.")
    services.practice_approve(
        practice=rich, actor=editor, message="Thank you.", note="Private: best of the year."
    )
    rich.inspired_by.add(practices[Status.PUBLISHED])
    Practice.objects.filter(pk=rich.pk).update(
        is_promising=True, promising_note="Cut conflicts by half.", created_at=PAST
    )
    revision = services.revision_save(
        practice=rich,
        actor=officer,
        data={
            "summary": "Mediators settle disputes between landlords and tenants, now citywide.",
            "themes": [Theme.objects.get(slug="housing").pk],
            "commitments": list(
                Commitment.objects.filter(coalition__slug="eccar").values_list("pk", flat=True)[:3]
            ),
        },
    )
    services.revision_submit(revision=revision, actor=officer, message="Updated figures.")
    services.revision_request_changes(
        revision=revision,
        actor=editor,
        message="Please add the 2024 figures.",
        note="Private: check the budget line.",
    )

    # An update that was approved, so changes and events point at a revision.
    published = practices[Status.PUBLISHED]
    approved = services.revision_save(
        practice=published, actor=officer, data={"results": "Six hundred residents advised."}
    )
    services.revision_submit(revision=approved, actor=officer)
    services.revision_approve(revision=approved, actor=editor, note="Private: fine.")

    # A practice in French from another city, published without any known creator.
    liege = PracticeFactory(
        city=other_city,
        language="fr",
        title="Maison de quartier ouverte",
        summary="Un lieu d'accueil pour signaler les discriminations.",
    )
    services.practice_submit(practice=liege, actor=french_officer)
    services.practice_approve(practice=liege, actor=superuser, note="Vu.")
    ReviewEvent.objects.filter(practice=liege).update(created_at=PAST)
    return {"rich": rich, "liege": liege, **practices}


# ---------------------------------------------------------------- the registry as plain data


def _rows(model):
    queryset = model._base_manager.all()
    return queryset.rewrite(False) if hasattr(queryset, "rewrite") else queryset


def _values(model, exclude=()):
    rows = []
    for row in _rows(model).order_by("pk").values():
        rows.append({key: value for key, value in row.items() if key not in exclude})
    return rows


def registry_state():
    """Every row that makes up the registry, with references by natural key, ready to compare.

    Rows of the registry keep their ids (the restore keeps them); reference data, whose ids may
    differ between databases, is compared by natural key only."""
    User = get_user_model()
    usernames = dict(User.objects.values_list("pk", "username"))
    usernames[None] = None
    cities = dict(City.objects.values_list("pk", "slug"))
    practices = dict(Practice.objects.values_list("pk", "slug"))
    coalitions = dict(Coalition.objects.values_list("pk", "slug"))
    natural = {
        "themes": dict(Theme.objects.values_list("pk", "slug")),
        "commitments": {
            c.pk: (c.coalition.slug, c.number)
            for c in Commitment.objects.select_related("coalition")
        },
        "city_roles": dict(CityRole.objects.values_list("pk", "slug")),
        "target_groups": dict(TargetGroup.objects.values_list("pk", "slug")),
    }

    def perms(queryset):
        return sorted(queryset.values_list("content_type__app_label", "codename"))

    state = {
        "groups": {g.name: perms(g.permissions) for g in Group.objects.all()},
        "users": {
            row["username"]: {
                **row,
                "groups": sorted(
                    Group.objects.filter(user__pk=row["id"]).values_list("name", flat=True)
                ),
                "permissions": perms(Permission.objects.filter(user__pk=row["id"])),
            }
            for row in _values(User)
        },
        "coalitions": {
            row["slug"]: {**row, "lead_city_id": cities.get(row["lead_city_id"])}
            for row in _values(Coalition, exclude={"id"})
        },
        "commitments": {
            (coalitions[row["coalition_id"]], row["number"]): {
                **row,
                "coalition_id": coalitions[row["coalition_id"]],
                "theme_id": natural["themes"][row["theme_id"]],
            }
            for row in _values(Commitment, exclude={"id"})
        },
        "cities": [
            {**row, "coalition_id": coalitions[row["coalition_id"]]} for row in _values(City)
        ],
        "city_officers": [
            {**row, "user_id": usernames[row["user_id"]], "city_id": cities[row["city_id"]]}
            for row in _values(CityOfficer)
        ],
    }
    for model in (Theme, CityRole, TargetGroup):
        state[model.__name__] = {row["slug"]: row for row in _values(model, exclude={"id"})}

    def links(practice, name):
        through = getattr(Practice, name).through
        if name == "inspired_by":
            return sorted(
                through.objects.filter(from_practice=practice).values_list(
                    "to_practice__slug", flat=True
                )
            )
        return sorted(natural[name][item.pk] for item in getattr(practice, name).all())

    state["practices"] = []
    for row in _values(Practice):
        practice = Practice.objects.get(pk=row["id"])
        row["city_id"] = cities[row["city_id"]]
        row["created_by_id"] = usernames[row["created_by_id"]]
        for name in [*natural, "inspired_by"]:
            row[name] = links(practice, name)
        state["practices"].append(row)
    for model in (PracticeTranslation, PracticeImage, PracticeAttachment):
        state[model.__name__] = [
            {**row, "practice_id": practices[row["practice_id"]]} for row in _values(model)
        ]
    state["revisions"] = []
    for row in _values(PracticeRevision):
        data = dict(row["data"])
        for name, keys in natural.items():
            if name in data:
                data[name] = sorted(keys[pk] for pk in data[name])
        state["revisions"].append(
            {
                **row,
                "data": data,
                "practice_id": practices[row["practice_id"]],
                "created_by_id": usernames[row["created_by_id"]],
            }
        )
    for model in (ReviewEvent, PracticeChange):
        state[model.__name__] = [
            {
                **row,
                "practice_id": practices[row["practice_id"]],
                "actor_id": usernames[row["actor_id"]],
            }
            for row in _values(model)
        ]
    if connection.vendor == "postgresql":
        # The generated and recomputed search vectors, exactly.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, translation_vector::text FROM practices_practice ORDER BY id"
            )
            state["practice_vectors"] = cursor.fetchall()
            # The search entries the trigger rebuilt, links by slug (a theme may get a new id).
            slugs = {
                column: dict(model.objects.values_list("pk", "slug"))
                for column, model in (
                    ("theme_ids", Theme),
                    ("role_ids", CityRole),
                    ("target_ids", TargetGroup),
                )
            }
            cursor.execute(
                "SELECT practice_id, search_vector::text, rank_vector::text, languages, "
                "theme_ids, role_ids, target_ids FROM practices_searchentry ORDER BY practice_id"
            )
            state["search_entries"] = [
                (
                    *row[:4],
                    *(
                        sorted(slugs[column][pk] for pk in ids)
                        for column, ids in zip(slugs, row[4:], strict=True)
                    ),
                )
                for row in cursor.fetchall()
            ]
            cursor.execute(
                "SELECT id, search_vector::text FROM practices_practicetranslation ORDER BY id"
            )
            state["translation_vectors"] = cursor.fetchall()
    return state


def referenced_names():
    names = set()
    for practice in Practice.objects.all():
        if practice.image:
            names |= {practice.image.name, *practice.image_renditions.values()}
    for image in PracticeImage.objects.all():
        names |= {image.image.name, *image.renditions.values()}
    names |= set(PracticeAttachment.objects.values_list("file", flat=True))
    return names


def wipe(media_root, *, keep_files=False):
    """Delete the registry with plain deletes, and change the reference data the migrations
    loaded, as a fresh database with an older state of it would have."""
    ReviewEvent.objects.all().delete()
    PracticeChange.objects.all().delete()
    Practice.objects.all().delete()
    CityOfficer.objects.all().delete()
    Coalition.objects.update(lead_city=None)
    City.objects.all().delete()
    get_user_model().objects.all().delete()
    OutgoingEmail.objects.all().delete()
    # Reference data: a renamed theme, one deleted (and so new ids on restore), one extra, a
    # coalition gone, a permission taken away.
    Theme.objects.filter(slug="education").update(title_fr="Éducation", order=99)
    Commitment.objects.filter(theme__slug="housing").delete()
    Theme.objects.filter(slug="housing").delete()
    Theme.objects.create(slug="extra", title="A theme the archive does not have", order=11)
    Coalition.objects.filter(slug="nordic").delete()
    Group.objects.get(name=EDITORS_GROUP).permissions.remove(
        Permission.objects.get(codename="view_outgoingemail")
    )
    if not keep_files:
        for path in sorted(Path(media_root).rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
            else:
                path.rmdir()
    for model in REGISTRY_MODELS:
        assert not model.objects.exists()


def search_titles(client, text):
    response = client.get(reverse("public:practice_list"), {"q": text})
    assert response.status_code == 200
    return sorted(practice.title for practice in response.context["outcome"].page)


SEARCHES = ["tramontane", "liege", "mediation", "Maison quartier"]


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
    assert default_storage.url(rich.image_renditions["page"]) in html
    assert "Evaluation report 2023" in html
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(archived.get_absolute_url()).status_code == 404
    assert client.login(username="officer", password=PASSWORD)
    new_city = CityFactory()  # the sequences continue after the restored ids
    assert new_city.pk > max(row["id"] for row in before["cities"])


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

    monkeypatch.setattr(_Restore, "derived", fail)

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
