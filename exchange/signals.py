"""The exchange's answer to the practices domain: which cities adapted a practice, from the
approved adaptation records (practices.services.adaptations counts them with its own links)."""

from practices.services.adaptations import adapting_cities_wanted

from .models import Adaptation


def adapting_cities(sender, practice_ids, **kwargs):
    records = Adaptation.objects.shown()
    if practice_ids is not None:
        records = records.filter(original_id__in=practice_ids)
    found = {}
    for practice_id, city_id in records.values_list("original_id", "city_id"):
        found.setdefault(practice_id, set()).add(city_id)
    return found


def connect_receivers():
    adapting_cities_wanted.connect(adapting_cities, dispatch_uid="exchange-adapting-cities")
