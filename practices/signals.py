"""Keep each practice's search text current when the names it repeats change."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from cities.models import City, Coalition

from .models import Practice, Theme
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
