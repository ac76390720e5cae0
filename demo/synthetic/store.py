"""The synthetic rows in the database: how they are marked, where the next ones start, what a
load leaves to do, and deleting them."""

from django.db import connection, transaction

from cities.models import City
from core.page_cache import forget_public_pages
from practices.models import Practice, PracticeTranslation
from practices.search.options import forget_filter_options

PREFIX = "synthetic-"


def next_index():
    """Return the number of the next synthetic practice: one after the last written."""
    last = (
        Practice.objects.filter(slug__startswith=PREFIX)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    return int(last.split("-")[1]) + 1 if last else 0


def forget_cached():
    """Bulk writes send no signal: forget the cached filter names and public pages here."""
    forget_filter_options()
    forget_public_pages()


def finish():
    """Fresh planner statistics after a bulk load, and forget what is cached."""
    forget_cached()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE cities_city, practices_practice, practices_practicetranslation, "
                "practices_practice_themes, practices_practice_city_roles, "
                "practices_practice_target_groups, practices_practice_commitments"
            )


def clear_synthetic():
    """Delete the synthetic practices (with their links and translations) and cities; return
    how many of each."""
    synthetic = Practice.objects.filter(slug__startswith=PREFIX)
    # Practices someone has worked on since (events, revisions, images…) go through the ORM, so
    # every dependent row goes with them; the untouched rest with a few plain DELETEs.
    touched = set()
    for relation in Practice._meta.related_objects:
        if relation.one_to_many and relation.related_model is not PracticeTranslation:
            lookup = f"{relation.name}__isnull"
            touched |= set(synthetic.filter(**{lookup: False}).values_list("pk", flat=True))
    deleted = 0
    with transaction.atomic():
        if touched:
            deleted += len(touched)
            Practice.objects.filter(pk__in=touched).delete()
        quote = connection.ops.quote_name
        practice_table = quote(Practice._meta.db_table)
        ids = f"SELECT id FROM {practice_table} WHERE slug LIKE %s"
        tables = []
        for field in Practice._meta.many_to_many:
            through = field.remote_field.through._meta
            for through_field in through.fields:
                if through_field.is_relation and through_field.related_model is Practice:
                    tables.append((through.db_table, through_field.column))
        tables.append(
            (
                PracticeTranslation._meta.db_table,
                PracticeTranslation._meta.get_field("practice").column,
            )
        )
        with connection.cursor() as cursor:
            for table, column in tables:
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({ids})", [f"{PREFIX}%"]
                )
            cursor.execute(f"DELETE FROM {practice_table} WHERE slug LIKE %s", [f"{PREFIX}%"])
            deleted += cursor.rowcount
        # Cities still used by a real practice or an officer stay.
        cities = City.objects.filter(
            slug__startswith=PREFIX, practices__isnull=True, officers__isnull=True
        )
        city_ids = list(cities.values_list("pk", flat=True))
        City.objects.filter(pk__in=city_ids).delete()
    forget_cached()
    return deleted, len(city_ids)
