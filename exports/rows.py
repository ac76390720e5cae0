"""The rows of an export: the search's matching ids read through a cursor, their practices
fetched a chunk at a time, so memory stays the same for 100 rows or 100,000."""

from django.conf import settings
from django.utils.translation import gettext as _

from cities.models import Coalition
from practices.models import CityRole, Practice, TargetGroup, Theme
from practices.search import matching_ids

from .columns import header, labels, row

# Practices fetched per query (and ids read per round trip of the cursor).
CHUNK_SIZE = 1000
DEFAULT_MAX_ROWS = 100_000
# The relations a row names, and the models of their names.
RELATIONS = {"themes": Theme, "target_groups": TargetGroup, "city_roles": CityRole}
# The practice's fields a row reads: not its long sections, nor its contact person.
ROW_FIELDS = [
    "slug",
    "title",
    "summary",
    "start_year",
    "end_year",
    "evidence_level",
    "language",
    "published_at",
    "updated_at",
    "city__name",
    "city__country",
    "city__coalition",
]


def max_rows():
    """Return how many rows an export holds at most (settings.EXPORT_MAX_ROWS)."""
    return getattr(settings, "EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def names_in_active_language():
    """Return {relation: {id: name}} for the themes, target groups and roles, in their order,
    and the coalitions: read once, not once per row."""
    names = {
        relation: {item.pk: item.title for item in model.objects.all()}
        for relation, model in RELATIONS.items()
    }
    names["coalitions"] = {coalition.pk: coalition.name for coalition in Coalition.objects.all()}
    return names | labels()


def _practices(ids, names):
    """Return the published practices of these ids, in this order, each with `export_links`:
    {relation: [ids in the names' order]}."""
    practices = (
        Practice.objects.published().filter(pk__in=ids).select_related("city").only(*ROW_FIELDS)
    )
    by_id = {practice.pk: practice for practice in practices}
    for practice in by_id.values():
        practice.export_links = {}
    for relation in RELATIONS:
        field = Practice._meta.get_field(relation)
        links = field.remote_field.through.objects.filter(practice_id__in=by_id).values_list(
            "practice_id", field.m2m_reverse_name()
        )
        for practice_id, target_id in links:
            by_id[practice_id].export_links.setdefault(relation, []).append(target_id)
    positions = {
        relation: {pk: n for n, pk in enumerate(names[relation])} for relation in RELATIONS
    }
    for practice in by_id.values():
        for relation, linked in practice.export_links.items():
            linked.sort(key=positions[relation].get)
    return [by_id[pk] for pk in ids if pk in by_id]


def export_rows(params, limit=None):
    """Yield the header, then a row per practice the search with these GET parameters finds,
    in its order; past `limit` rows, a last row says the file was cut."""
    limit = max_rows() if limit is None else limit
    yield header()
    names = names_in_active_language()
    chunk, count = [], 0
    # One more than the limit, to know whether the file is cut. A server-side cursor on
    # PostgreSQL: the ids are read CHUNK_SIZE at a time, never all at once.
    for pk in matching_ids(params)[: limit + 1].iterator(chunk_size=CHUNK_SIZE):
        count += 1
        if count > limit:
            break
        chunk.append(pk)
        if len(chunk) == CHUNK_SIZE:
            yield from (row(practice, names) for practice in _practices(chunk, names))
            chunk = []
    if chunk:
        yield from (row(practice, names) for practice in _practices(chunk, names))
    if count > limit:
        yield [cut_note(limit)]


def cut_note(limit):
    """Return the last row of a file cut at `limit` practices."""
    return _(
        "This file stops at %(limit)s practices: the search finds more. Narrow it to get the "
        "others."
    ) % {"limit": limit}
