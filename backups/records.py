"""The rows of the registry as JSON-ready records: columns encoded, references by natural key.

See docs/backup-format.md.
"""

from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models

from backups.errors import ArchiveError, BackupError
from backups.tables import insert_rows, raw_rows
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

# Every kind of record, in the order they are restored.
KINDS = [
    "groups",
    "users",
    "coalitions",
    "themes",
    "commitments",
    "city_roles",
    "target_groups",
    "cities",
    "city_officers",
    "practices",
    "practice_translations",
    "practice_images",
    "practice_attachments",
    "practice_revisions",
    "review_events",
    "practice_changes",
    "conversations",
    "conversation_messages",
    "conversation_events",
    "conversation_reads",
    "adaptations",
    "adaptation_events",
    "publications",
    "publication_chapters",
    "publication_entries",
    "publication_closing_sections",
    "publication_events",
]
# The exchange between cities (an optional app on top: its models are looked up by name).
EXCHANGE_KINDS = {
    "conversations": "Conversation",
    "conversation_messages": "Message",
    "conversation_events": "ConversationEvent",
    "conversation_reads": "ConversationRead",
    "adaptations": "Adaptation",
    "adaptation_events": "AdaptationEvent",
}


# The publications (an optional app on top as well). Their PDFs (PublicationFile) are left out:
# they are made again on demand from the data.
PUBLICATION_KINDS = {
    "publications": "Publication",
    "publication_chapters": "Chapter",
    "publication_entries": "PublicationEntry",
    "publication_closing_sections": "ClosingSection",
    "publication_events": "PublicationEvent",
}


def _optional_models(app_label, kinds):
    if not apps.is_installed(app_label):
        return {}
    return {kind: apps.get_model(app_label, name) for kind, name in kinds.items()}


def exchange_models():
    """Return {kind: model} of the exchange's tables; empty where the app is not installed."""
    return _optional_models("exchange", EXCHANGE_KINDS)


def publication_models():
    """Return {kind: model} of the publications' tables; empty where the app is not installed."""
    return _optional_models("publications", PUBLICATION_KINDS)


# The classifications of a practice, as in practices.models.content.CLASSIFICATION_FIELDS.
CLASSIFICATIONS = ["themes", "commitments", "city_roles", "target_groups"]
# Rows of the registry proper: the database must hold none of them before a restore.
REGISTRY_MODELS = [
    City,
    CityOfficer,
    Practice,
    PracticeTranslation,
    PracticeImage,
    PracticeAttachment,
    PracticeRevision,
    ReviewEvent,
    PracticeChange,
    *exchange_models().values(),
    *publication_models().values(),
]


# ---------------------------------------------------------------- columns and values


def _plain_fields(model, references):
    """Return the model's concrete columns other than the primary key and the references.

    A foreign key not listed in `references` is a programming error: the archive would lose it.
    """
    fields = []
    for each in model._meta.concrete_fields:
        if each.primary_key or each.name in references:
            continue
        if each.is_relation:
            raise BackupError(f"{model.__name__}.{each.name} has no natural key in the archive")
        fields.append(each)
    return fields


def _encode(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.isoformat()  # every microsecond, unlike DjangoJSONEncoder
    if isinstance(model_field, (models.DateField, models.TimeField)):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _decode(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return value
    if isinstance(model_field, (models.DateTimeField, models.DateField, models.TimeField)):
        return model_field.to_python(value)
    if isinstance(model_field, models.DecimalField):
        return Decimal(value)
    return value


def _dump(model, references, *, keep_id=True):
    """Return every row of a model as records: plain columns encoded, references by the
    value at the given lookup path (a natural key, or an id)."""
    fields = _plain_fields(model, references)
    columns = [each.attname for each in fields]
    records = []
    for row in raw_rows(model).order_by("pk").values("pk", *columns, *references.values()):
        record = {"id": row["pk"]} if keep_id else {}
        for each in fields:
            record[each.name] = _encode(each, row[each.attname])
        for name, path in references.items():
            record[name] = row[path]
        records.append(record)
    return records


def record_columns(model, record, references, extra=()):
    """Return {attname: value} of a record's plain columns (missing ones take the default)."""
    fields = _plain_fields(model, references)
    known = {"id", *references, *extra, *(each.name for each in fields)}
    unknown = sorted(set(record) - known)
    if unknown:
        raise ArchiveError(
            f"{model.__name__} records have fields this portal does not know ({', '.join(unknown)})"
            ": the archive was made by a newer version of the portal."
        )
    return {
        each.attname: _decode(each, record[each.name]) for each in fields if each.name in record
    }


def natural_key(value):
    """A natural key as a hashable value (JSON turns tuples into lists)."""
    return tuple(value) if isinstance(value, list) else value


def insert_records(model, kind, records, references, ids):
    """Insert records under their archived ids; each reference is turned into a pk by
    ids[name] ({natural key or archived id: pk}). A reference not found is an ArchiveError."""
    objects = []
    for record in records:
        columns = record_columns(model, record, references)
        for name in references:
            key = record.get(name)
            if key is not None and natural_key(key) not in ids[name]:
                raise ArchiveError(f"{kind}: no {name} {key!r} in the archive.")
            columns[f"{name}_id"] = None if key is None else ids[name][natural_key(key)]
        objects.append(model(pk=record["id"], **columns))
    insert_rows(model, objects)


# ---------------------------------------------------------------- what is exported


def _username_path(prefix):
    return f"{prefix}__{get_user_model().USERNAME_FIELD}"


def _grouped(through, owner, *paths):
    """Return {owner id: [natural key]} from a many-to-many table, in the order of its rows."""
    grouped = {}
    for owner_id, *key in through.objects.order_by("pk").values_list(owner, *paths):
        grouped.setdefault(owner_id, []).append(key[0] if len(key) == 1 else key)
    return grouped


def _accounts():
    User = get_user_model()
    permission = ("permission__content_type__app_label", "permission__codename")
    group_permissions = _grouped(Group.permissions.through, "group_id", *permission)
    groups = [
        {"name": name, "permissions": sorted(group_permissions.get(pk, []))}
        for pk, name in Group.objects.order_by("pk").values_list("pk", "name")
    ]
    user_groups = _grouped(User.groups.through, "user_id", "group__name")
    user_permissions = _grouped(User.user_permissions.through, "user_id", *permission)
    users = _dump(User, {})
    for record in users:
        record["groups"] = sorted(user_groups.get(record["id"], []))
        record["user_permissions"] = sorted(user_permissions.get(record["id"], []))
    return {"groups": groups, "users": users}


def _reference_data():
    """Matched by natural key on restore: their ids may differ between databases."""
    return {
        "coalitions": _dump(Coalition, {"lead_city": "lead_city__slug"}, keep_id=False),
        "themes": _dump(Theme, {}, keep_id=False),
        "commitments": _dump(
            Commitment, {"coalition": "coalition__slug", "theme": "theme__slug"}, keep_id=False
        ),
        "city_roles": _dump(CityRole, {}, keep_id=False),
        "target_groups": _dump(TargetGroup, {}, keep_id=False),
    }


def _cities():
    return {
        "cities": _dump(City, {"coalition": "coalition__slug"}),
        "city_officers": _dump(CityOfficer, {"user": _username_path("user"), "city": "city__slug"}),
    }


def _practices():
    records = _dump(Practice, {"city": "city__slug", "created_by": _username_path("created_by")})
    # In the order they were added, so the link rows come back in the same order.
    links = {
        "themes": _grouped(Practice.themes.through, "practice_id", "theme__slug"),
        "commitments": _grouped(
            Practice.commitments.through,
            "practice_id",
            "commitment__coalition__slug",
            "commitment__number",
        ),
        "city_roles": _grouped(Practice.city_roles.through, "practice_id", "cityrole__slug"),
        "target_groups": _grouped(
            Practice.target_groups.through, "practice_id", "targetgroup__slug"
        ),
        "inspired_by": _grouped(
            Practice.inspired_by.through, "from_practice_id", "to_practice__slug"
        ),
    }
    for record in records:
        for name, grouped in links.items():
            record[name] = grouped.get(record["id"], [])
    by_practice = {"practice": "practice__slug"}
    return {
        "practices": records,
        "practice_translations": _dump(PracticeTranslation, by_practice),
        "practice_images": _dump(PracticeImage, by_practice),
        "practice_attachments": _dump(PracticeAttachment, by_practice),
    }


def _natural_keys():
    """Return {classification: {id: natural key}} for the reference data."""
    return {
        "themes": dict(Theme.objects.values_list("pk", "slug")),
        "commitments": {
            pk: [coalition, number]
            for pk, coalition, number in Commitment.objects.values_list(
                "pk", "coalition__slug", "number"
            )
        },
        "city_roles": dict(CityRole.objects.values_list("pk", "slug")),
        "target_groups": dict(TargetGroup.objects.values_list("pk", "slug")),
    }


def _revisions(warnings):
    """Proposed updates, the classifications in their data (ids there) by natural key."""
    records = _dump(
        PracticeRevision,
        {"practice": "practice__slug", "created_by": _username_path("created_by")},
    )
    natural = _natural_keys()
    for record in records:
        content = dict(record["data"] or {})
        for name in CLASSIFICATIONS:
            if name not in content:
                continue
            keys = []
            for pk in content[name] or []:
                if pk in natural[name]:
                    keys.append(natural[name][pk])
                else:
                    warnings.append(
                        f"Proposed update {record['id']}: {name} id {pk} no longer exists; "
                        "left out."
                    )
            content[name] = sorted(keys)
        record["data"] = content
    return records


def _history():
    references = {
        "practice": "practice__slug",
        "actor": _username_path("actor"),
        "revision": "revision_id",
    }
    return {
        "review_events": _dump(ReviewEvent, references),
        "practice_changes": _dump(PracticeChange, references),
    }


def exchange_references():
    """How each kind of the exchange refers to other records: by natural key, or by the id of a
    conversation (which keeps its id)."""
    return {
        "conversations": {
            "practice": "practice__slug",
            "asking_city": "asking_city__slug",
            "answering_city": "answering_city__slug",
            "started_by": _username_path("started_by"),
            "closed_by": _username_path("closed_by"),
        },
        "conversation_messages": {
            "conversation": "conversation_id",
            "author": _username_path("author"),
            "author_city": "author_city__slug",
        },
        "conversation_events": {
            "conversation": "conversation_id",
            "actor": _username_path("actor"),
        },
        "conversation_reads": {"conversation": "conversation_id", "city": "city__slug"},
        "adaptations": {
            "original": "original__slug",
            "city": "city__slug",
            "own_practice": "own_practice__slug",
            "public_own_practice": "public_own_practice__slug",
            "recorded_by": _username_path("recorded_by"),
        },
        "adaptation_events": {
            "adaptation": "adaptation_id",
            "actor": _username_path("actor"),
        },
    }


def _exchange():
    models_by_kind = exchange_models()
    references = exchange_references()
    return {
        kind: _dump(models_by_kind[kind], references[kind]) if models_by_kind else []
        for kind in EXCHANGE_KINDS
    }


def publication_references():
    """How each kind of the publications refers to other records: a practice and people by
    natural key, a publication or a chapter by its id (which it keeps)."""
    return {
        "publications": {},
        "publication_chapters": {"publication": "publication_id"},
        "publication_entries": {"chapter": "chapter_id", "practice": "practice__slug"},
        "publication_closing_sections": {"publication": "publication_id"},
        "publication_events": {
            "publication": "publication_id",
            "actor": _username_path("actor"),
        },
    }


def _publications():
    models_by_kind = publication_models()
    references = publication_references()
    return {
        kind: _dump(models_by_kind[kind], references[kind]) if models_by_kind else []
        for kind in PUBLICATION_KINDS
    }


def collect_records():
    """Return ({kind: [record]}, warnings): the whole registry as JSON-ready records."""
    warnings = []
    data = {**_accounts(), **_reference_data(), **_cities(), **_practices()}
    data["practice_revisions"] = _revisions(warnings)
    data.update(_history())
    data.update(_exchange())
    data.update(_publications())
    return data, warnings


def referenced_files(data):
    """Return the sorted storage names of every file the records refer to."""
    names = set()
    for record in data["practices"]:
        if record.get("image"):
            names.add(record["image"])
        names.update(value for value in (record.get("image_renditions") or {}).values() if value)
    for record in data["practice_images"]:
        if record.get("image"):
            names.add(record["image"])
        names.update(value for value in (record.get("renditions") or {}).values() if value)
    for record in data["practice_attachments"]:
        if record.get("file"):
            names.add(record["file"])
    return sorted(names)
