"""The newest rows of each kind, with each kind's total, in one query (window functions, on
SQLite as on PostgreSQL) — for lists like "the ten newest adaptations within the coalition,
and the ten newest across it", whose pages have a query budget."""

from django.db.models import Case, Count, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber


def newest_of_each_kind(queryset, kinds, order_by, limit):
    """Return {kind: {"total": n, "items": [rows]}} for the rows of `queryset` that meet one of
    the `kinds` ({name: Q}, tried in order: a row counts for the first it meets), the first
    `limit` of each in `order_by`."""
    names = list(kinds)
    kind = Case(
        *[When(condition, then=Value(index)) for index, condition in enumerate(kinds.values())],
        default=Value(-1),
        output_field=IntegerField(),
    )
    rows = (
        queryset.annotate(kind_index=kind)
        .exclude(kind_index=-1)
        .annotate(
            position=Window(RowNumber(), partition_by=["kind_index"], order_by=order_by),
            kind_total=Window(Count("pk"), partition_by=["kind_index"]),
        )
        .filter(position__lte=limit)
        .order_by("kind_index", "position")
    )
    found = {name: {"total": 0, "items": []} for name in names}
    for row in rows:
        group = found[names[row.kind_index]]
        group["total"] = row.kind_total
        group["items"].append(row)
    return found
