"""Restoring the reference data the migrations load: coalitions, themes, commitments, roles and
target groups are made to match the archive. See docs/backup-format.md.
"""

from backups.records import record_columns
from backups.tables import raw_rows
from cities.models import Coalition
from practices.models import CityRole, Commitment, TargetGroup, Theme


def _match(
    model,
    records,
    *,
    key_of_row=lambda obj: obj.slug,
    key_of_record=lambda record: record["slug"],
    references=(),
    resolve=lambda record: {},
):
    """Make the rows of a reference table the archived ones, matched by natural key (the slug
    unless told otherwise): update those that exist, create the others. Return ({key: pk}, pks
    of rows not in the archive).

    Columns are written with a raw UPDATE so django-modeltranslation cannot mix languages.
    """
    rows = raw_rows(model).select_related(*references) if references else raw_rows(model)
    existing = {key_of_row(obj): obj.pk for obj in rows}
    keys = {key_of_record(record) for record in records}
    stale = [pk for key, pk in existing.items() if key not in keys]
    wanted = {}
    for record in records:
        columns = {**record_columns(model, record, references), **resolve(record)}
        key = key_of_record(record)
        pk = existing.get(key)
        if pk is None:
            obj = model(**columns)
            model._base_manager.bulk_create([obj])
            pk = obj.pk
        raw_rows(model).filter(pk=pk).update(**columns)
        wanted[key] = pk
    return wanted, stale


def _by_slug(model, records):
    """Match a table without references by slug; delete its rows the archive does not have."""
    ids, stale = _match(model, records)
    raw_rows(model).filter(pk__in=stale).delete()
    return ids


def restore_reference_data(data):
    """Make the reference data the archive's; return ({coalition slug: pk},
    {classification: {natural key: pk}}).

    Rows the archive does not have are deleted: no practice or city refers to them yet.
    """
    # Stale coalitions go first (with their commitments): a new one may take a name.
    coalition_ids, stale = _match(Coalition, data["coalitions"], references=["lead_city"])
    raw_rows(Coalition).filter(pk__in=stale).delete()
    theme_ids, stale_themes = _match(Theme, data["themes"])
    commitment_ids, stale = _match(
        Commitment,
        data["commitments"],
        key_of_row=lambda obj: (obj.coalition.slug, obj.number),
        key_of_record=lambda record: (record["coalition"], record["number"]),
        references=["coalition", "theme"],
        resolve=lambda record: {
            "coalition_id": coalition_ids[record["coalition"]],
            "theme_id": theme_ids[record["theme"]],
        },
    )
    raw_rows(Commitment).filter(pk__in=stale).delete()
    # Only now: commitments no longer point to the themes that go.
    raw_rows(Theme).filter(pk__in=stale_themes).delete()
    classification_ids = {
        "themes": theme_ids,
        "commitments": commitment_ids,
        "city_roles": _by_slug(CityRole, data["city_roles"]),
        "target_groups": _by_slug(TargetGroup, data["target_groups"]),
    }
    return coalition_ids, classification_ids
