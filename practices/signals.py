"""The receivers that keep derived data current when a model is saved or deleted; connected
in PracticesConfig.ready(), so every process has them, whatever it imports first.

- a practice's search text follows the names it repeats (city, country, coalition, themes);
- the languages it can be read in follow its translations;
- the cached filter options follow the names of themes, roles, target groups, cities and
  coalitions;
- every cached public page is forgotten when anything the public sees changes;
- the count of cities that adapted a practice follows the published practices that name it.

Writes that send no signal (queryset updates in the services, bulk loads, the restore) call the
same functions themselves.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save

from cities.models import City, Coalition
from core.page_cache import public_content_changed

from .models import (
    CityRole,
    Commitment,
    Practice,
    PracticeAttachment,
    PracticeImage,
    PracticeTranslation,
    TargetGroup,
    Theme,
)
from .models.matching import register_sqlite_fold
from .search.index import refresh_languages, refresh_search_extra
from .search.options import OPTION_MODELS, forget_filter_options
from .services.adaptations import refresh_adapted_in

# Everything the public pages show comes from these models and links.
PUBLIC_MODELS = (
    Practice,
    PracticeTranslation,
    PracticeImage,
    PracticeAttachment,
    Theme,
    Commitment,
    CityRole,
    TargetGroup,
    City,
    Coalition,
)
PUBLIC_LINKS = (
    Practice.themes.through,
    Practice.city_roles.through,
    Practice.target_groups.through,
    Practice.commitments.through,
    Practice.inspired_by.through,
)


def practice_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh_search_extra(Practice.objects.filter(pk=instance.pk))
    if f",{instance.language}," not in instance.available_languages:
        refresh_languages([instance.pk])


def practice_themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # called from the theme's side: pk_set holds practices (None after a clear)
        practices = Practice.objects.all()
        refresh_search_extra(practices if pk_set is None else practices.filter(pk__in=pk_set))
    else:
        refresh_search_extra(Practice.objects.filter(pk=instance.pk))


def names_changed(sender, instance, raw=False, created=False, **kwargs):
    """A theme, city or coalition renamed: the practices that repeat its name follow."""
    if raw or created:
        return
    practices = {
        Theme: lambda: Practice.objects.filter(themes=instance),
        City: lambda: Practice.objects.filter(city=instance),
        Coalition: lambda: Practice.objects.filter(city__coalition=instance),
    }[sender]
    refresh_search_extra(practices())


def inspiration_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A practice's "inspired by" links changed: recount the practices it names (before a
    clear, those it named; after it, none are left to name)."""
    if action == "pre_clear":
        if reverse:
            instance._inspiring_before_clear = {instance.pk}
        else:
            instance._inspiring_before_clear = set(
                sender.objects.filter(from_practice=instance).values_list(
                    "to_practice_id", flat=True
                )
            )
    elif action == "post_clear":
        refresh_adapted_in(getattr(instance, "_inspiring_before_clear", set()))
    elif action in {"post_add", "post_remove"}:
        refresh_adapted_in({instance.pk} if reverse else pk_set)


def practice_status_saved(sender, instance, raw=False, **kwargs):
    """Only published practices count as adaptations: recount those this one names."""
    if raw:
        return
    named = Practice.inspired_by.through.objects.filter(from_practice=instance)
    refresh_adapted_in(set(named.values_list("to_practice_id", flat=True)))


def translation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_languages([instance.practice_id])


def connect_receivers():
    """Connect every receiver of the practices domain (once, whatever calls it)."""
    connection_created.connect(register_sqlite_fold, dispatch_uid="iccar-sqlite-fold")
    post_save.connect(practice_saved, sender=Practice, dispatch_uid="search-practice")
    m2m_changed.connect(
        practice_themes_changed, sender=Practice.themes.through, dispatch_uid="search-themes"
    )
    m2m_changed.connect(
        inspiration_changed, sender=Practice.inspired_by.through, dispatch_uid="adapted-in"
    )
    post_save.connect(practice_status_saved, sender=Practice, dispatch_uid="adapted-in-status")
    for model in (Theme, City, Coalition):
        post_save.connect(names_changed, sender=model, dispatch_uid=f"search-{model.__name__}")
    for signal, when in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            translation_changed, sender=PracticeTranslation, dispatch_uid=f"languages-{when}"
        )
        for model in OPTION_MODELS:
            signal.connect(
                forget_filter_options,
                sender=model,
                dispatch_uid=f"options-{when}-{model.__name__}",
            )
        for model in PUBLIC_MODELS:
            signal.connect(
                public_content_changed,
                sender=model,
                dispatch_uid=f"pages-{when}-{model.__name__}",
            )
    for through in PUBLIC_LINKS:
        m2m_changed.connect(
            public_content_changed, sender=through, dispatch_uid=f"pages-m2m-{through.__name__}"
        )
