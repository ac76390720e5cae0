"""How many other cities adapted each practice (``Practice.adapted_in``): the cities of the
published practices that name it as their inspiration, and those that other apps report
through ``adapting_cities_wanted`` — the exchange's approved adaptation records."""

from django.db.models import Q
from django.dispatch import Signal

from practices.models import Practice

# Sent with `practice_ids` (a set, or None for every practice); each receiver returns
# {practice id: {id of a city that adapted it, …}}.
adapting_cities_wanted = Signal()

# Practices updated per statement: a bound on one statement's work in a full refresh.
CHUNK = 1_000


def refresh_adapted_in(practice_ids=None):
    """Recount the adapting cities of the given practices (of all, with None); store changes."""
    if practice_ids is not None:
        practice_ids = {pk for pk in practice_ids if pk is not None}
        if not practice_ids:
            return
    links = Practice.inspired_by.through.objects.filter(
        from_practice__status=Practice.Status.PUBLISHED
    )
    if practice_ids is not None:
        links = links.filter(to_practice_id__in=practice_ids)
    cities = {}
    for pk, city_id in links.values_list("to_practice_id", "from_practice__city_id"):
        cities.setdefault(pk, set()).add(city_id)
    for _receiver, found in adapting_cities_wanted.send(sender=Practice, practice_ids=practice_ids):
        for pk, more in (found or {}).items():
            cities.setdefault(pk, set()).update(more)
    practices = Practice.objects.all()
    if practice_ids is not None:
        practices = practices.filter(pk__in=practice_ids)
    # Only the practices whose count may change are read: those adapted, and those counted so.
    wanted = practices.filter(Q(pk__in=list(cities)) | Q(adapted_in__gt=0))
    by_count = {}
    for pk, city_id, stored in wanted.values_list("pk", "city_id", "adapted_in"):
        count = len(cities.get(pk, set()) - {city_id})  # a city's own practices never count
        if count != stored:
            by_count.setdefault(count, []).append(pk)
    for count, ids in by_count.items():
        for start in range(0, len(ids), CHUNK):
            Practice.objects.filter(pk__in=ids[start : start + CHUNK]).update(adapted_in=count)
