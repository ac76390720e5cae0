"""The registry as plain data, ready to compare before and after a backup and a restore."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse

from backups.records import REGISTRY_MODELS
from cities.models import City, CityOfficer, Coalition
from core.editors import EDITORS_GROUP
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

PASSWORD = "a-strong-password-42"  # what UserFactory sets


def stored_files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


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
    from exchange.models import (
        Adaptation,
        AdaptationEvent,
        Conversation,
        ConversationEvent,
        ConversationRead,
        Message,
    )

    conversations = {
        "practice_id": practices,
        "asking_city_id": cities,
        "answering_city_id": cities,
        "author_city_id": cities,
        "city_id": cities,
        "started_by_id": usernames,
        "closed_by_id": usernames,
        "author_id": usernames,
        "actor_id": usernames,
        "original_id": practices,
        "own_practice_id": practices,
        "public_own_practice_id": {**practices, None: None},
        "recorded_by_id": usernames,
    }
    conversations["own_practice_id"] = {**practices, None: None}
    models = (
        Conversation,
        Message,
        ConversationEvent,
        ConversationRead,
        Adaptation,
        AdaptationEvent,
    )
    for model in models:
        state[model.__name__] = [
            {
                key: conversations[key][value] if key in conversations else value
                for key, value in row.items()
            }
            for row in _values(model)
        ]
    from publications.models import (
        Chapter,
        ClosingSection,
        Publication,
        PublicationEntry,
        PublicationEvent,
    )

    # Ids kept; the quoted practice (or none, once deleted) by slug, people by username.
    publications = {"practice_id": {**practices, None: None}, "actor_id": usernames}
    for model in (Publication, Chapter, PublicationEntry, ClosingSection, PublicationEvent):
        state[model.__name__] = [
            {
                key: publications[key][value] if key in publications else value
                for key, value in row.items()
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
    from exchange.models import Adaptation, Conversation
    from publications.models import Publication

    Publication.objects.all().delete()  # with its chapters, quoted practices, sections, events
    Conversation.objects.all().delete()  # with its messages, decisions and read marks
    Adaptation.objects.all().delete()  # with its events
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
