"""Restoring practices with their classifications, translations, images, attachments, proposed
updates and review history. See docs/backup-format.md.
"""

from backups.errors import ArchiveError
from backups.records import CLASSIFICATIONS, natural_key, record_columns
from backups.tables import BATCH, insert_rows
from practices.models import (
    Practice,
    PracticeAttachment,
    PracticeChange,
    PracticeImage,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
)

# The column of each classification's link table that points to the classification.
_LINK_COLUMNS = {
    "themes": "theme_id",
    "commitments": "commitment_id",
    "city_roles": "cityrole_id",
    "target_groups": "targetgroup_id",
}


def _insert_practices(data, *, city_ids, user, classification_ids):
    practices = []
    for record in data["practices"]:
        columns = record_columns(
            Practice,
            record,
            {"city": None, "created_by": None},
            extra=[*CLASSIFICATIONS, "inspired_by"],
        )
        practices.append(
            Practice(
                pk=record["id"],
                city_id=city_ids[record["city"]],
                created_by_id=user(record.get("created_by")),
                **columns,
            )
        )
    insert_rows(Practice, practices)
    for name in CLASSIFICATIONS:
        through = getattr(Practice, name).through
        rows = [
            through(
                practice_id=record["id"],
                **{_LINK_COLUMNS[name]: classification_ids[name][natural_key(value)]},
            )
            for record in data["practices"]
            for value in record.get(name, [])
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)
    practice_ids = {record["slug"]: record["id"] for record in data["practices"]}
    through = Practice.inspired_by.through
    through.objects.bulk_create(
        [
            through(from_practice_id=record["id"], to_practice_id=practice_ids[slug])
            for record in data["practices"]
            for slug in record.get("inspired_by", [])
        ],
        batch_size=BATCH,
    )
    return practice_ids


def _insert_practice_rows(model, records, practice_ids, **resolvers):
    """Insert rows that belong to a practice; `resolvers` turn other references into ids."""
    objects = []
    references = {"practice": None, **dict.fromkeys(resolvers)}
    for record in records:
        columns = record_columns(model, record, references)
        for name, resolve in resolvers.items():
            columns[f"{name}_id"] = resolve(record.get(name))
        objects.append(
            model(pk=record["id"], practice_id=practice_ids[record["practice"]], **columns)
        )
    insert_rows(model, objects)


def _insert_revisions(records, *, practice_ids, user, classification_ids):
    """Insert proposed updates, the classifications in their data back from natural keys to ids."""
    objects = []
    for record in records:
        columns = record_columns(PracticeRevision, record, {"practice": None, "created_by": None})
        content = dict(columns.get("data") or {})
        for name in CLASSIFICATIONS:
            if name in content:
                content[name] = sorted(
                    classification_ids[name][natural_key(value)] for value in content[name] or []
                )
        columns["data"] = content
        objects.append(
            PracticeRevision(
                pk=record["id"],
                practice_id=practice_ids[record["practice"]],
                created_by_id=user(record.get("created_by")),
                **columns,
            )
        )
    insert_rows(PracticeRevision, objects)


def restore_practices(data, *, city_ids, user_ids, classification_ids):
    """Insert every practice and what belongs to it, under the archived ids."""

    def user(username):
        return None if username is None else user_ids[username]

    practice_ids = _insert_practices(
        data, city_ids=city_ids, user=user, classification_ids=classification_ids
    )
    for model, kind in [
        (PracticeTranslation, "practice_translations"),
        (PracticeImage, "practice_images"),
        (PracticeAttachment, "practice_attachments"),
    ]:
        _insert_practice_rows(model, data[kind], practice_ids)
    _insert_revisions(
        data["practice_revisions"],
        practice_ids=practice_ids,
        user=user,
        classification_ids=classification_ids,
    )
    revision_ids = {record["id"] for record in data["practice_revisions"]}

    def revision(pk):
        if pk is not None and pk not in revision_ids:
            raise ArchiveError(f"No proposed update {pk} in the archive.")
        return pk

    for model, kind in [(ReviewEvent, "review_events"), (PracticeChange, "practice_changes")]:
        _insert_practice_rows(model, data[kind], practice_ids, actor=user, revision=revision)
