"""What the search reads besides a practice's own text, kept on the practice: the names it is
found by (``search_extra``), the languages it can be read in (``available_languages``) and, on
PostgreSQL, its translations' vectors. The receivers of practices/signals.py keep them current;
bulk loaders and the restore call these functions themselves."""

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch
from django.utils import translation

from practices.models import Practice, PracticeTranslation, Theme


def search_extra_for(practice):
    """Return the names a practice should be found by besides its own text, in every language."""
    city = practice.city
    coalition = city.coalition
    parts = [city.name]
    themes = list(practice.themes.all())
    for code, _name in settings.LANGUAGES:
        suffix = code.replace("-", "_")
        with translation.override(code):
            parts.append(str(city.country.name))
        parts += [getattr(coalition, f"name_{suffix}"), getattr(coalition, f"short_name_{suffix}")]
        parts += [getattr(theme, f"title_{suffix}") for theme in themes]
    unique = dict.fromkeys(part for part in parts if part)  # keeps the order, drops repeats
    return " ".join(unique)


def refresh_search_extra(queryset):
    """Recompute the stored search text of the given practices."""
    practices = queryset.select_related("city__coalition").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("title"))
    )
    for practice in practices.distinct():
        text = search_extra_for(practice)
        if text != practice.search_extra:
            Practice.objects.filter(pk=practice.pk).update(search_extra=text)


def refresh_languages(practice_ids):
    """Recompute which languages practices can be read in and, on PostgreSQL, their
    translations' search vectors."""
    translated = {}
    for practice_id, language in PracticeTranslation.objects.filter(
        practice_id__in=practice_ids
    ).values_list("practice_id", "language"):
        translated.setdefault(practice_id, set()).add(language)
    for practice_id, language in Practice.objects.filter(pk__in=practice_ids).values_list(
        "pk", "language"
    ):
        codes = sorted({language, *translated.get(practice_id, set())})
        Practice.objects.filter(pk=practice_id).update(available_languages=f",{','.join(codes)},")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE practices_practice AS p SET translation_vector = COALESCE(
                     (SELECT iccar_tsvector_agg(t.search_vector)
                        FROM practices_practicetranslation AS t WHERE t.practice_id = p.id), '')
                   WHERE p.id = ANY(%s)""",
                [list(practice_ids)],
            )
