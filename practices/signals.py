"""Keep each practice's search text current when the names it repeats change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from cities.models import City, Coalition

from .models import Practice, PracticeTranslation, Theme
from .search import refresh_search_extra


@receiver(post_save, sender=Practice)
def practice_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_extra(Practice.objects.filter(pk=instance.pk))


@receiver(m2m_changed, sender=Practice.themes.through)
def practice_themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # called from the theme's side: pk_set holds practices (None after a clear)
        practices = Practice.objects.all()
        refresh_search_extra(practices if pk_set is None else practices.filter(pk__in=pk_set))
    else:
        refresh_search_extra(Practice.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Theme)
def theme_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_search_extra(Practice.objects.filter(themes=instance))


@receiver(post_save, sender=City)
def city_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_search_extra(Practice.objects.filter(city=instance))


@receiver(post_save, sender=Coalition)
def coalition_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_search_extra(Practice.objects.filter(city__coalition=instance))


def refresh_languages(practice_ids):
    """Recompute which languages practices can be read in and, on PostgreSQL, their
    translations' search vectors."""
    from django.db import connection

    from .models import PracticeTranslation

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


@receiver(post_save, sender=PracticeTranslation)
@receiver(post_delete, sender=PracticeTranslation)
def translation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_languages([instance.practice_id])


@receiver(post_save, sender=Practice)
def practice_language_saved(sender, instance, raw=False, **kwargs):
    if not raw and f",{instance.language}," not in instance.available_languages:
        refresh_languages([instance.pk])


def public_content_changed(**kwargs):
    """Forget cached public pages now and, for requests racing the commit, once more after it."""
    from django.db import transaction

    from iccar_portal.page_cache import forget_public_pages

    forget_public_pages()
    transaction.on_commit(forget_public_pages)


for _model in (PracticeTranslation, Practice, Theme, City, Coalition):
    post_save.connect(
        public_content_changed, sender=_model, dispatch_uid=f"pages-save-{_model.__name__}"
    )
    post_delete.connect(
        public_content_changed, sender=_model, dispatch_uid=f"pages-del-{_model.__name__}"
    )


def _connect_remaining():
    from .models import CityRole, Commitment, PracticeAttachment, PracticeImage, TargetGroup

    for model in (CityRole, Commitment, PracticeAttachment, PracticeImage, TargetGroup):
        post_save.connect(
            public_content_changed, sender=model, dispatch_uid=f"pages-save-{model.__name__}"
        )
        post_delete.connect(
            public_content_changed, sender=model, dispatch_uid=f"pages-del-{model.__name__}"
        )
    for through in (
        Practice.themes.through,
        Practice.city_roles.through,
        Practice.target_groups.through,
        Practice.commitments.through,
        Practice.inspired_by.through,
    ):
        m2m_changed.connect(
            public_content_changed, sender=through, dispatch_uid=f"pages-m2m-{through.__name__}"
        )


_connect_remaining()
