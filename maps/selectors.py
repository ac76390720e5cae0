"""What the map shows: the cities with their coalition, colour and published practices, narrowed
by the search's own filters (practices.search.filters.PracticeFilter), in three queries at most
whatever the number of practices."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.models import City
from practices.models import Practice
from practices.search.cards import show_in_visitors_language
from practices.search.filters import PracticeFilter

# The filters of the map page, as the search names them; the GeoJSON also takes a city.
MAP_FILTERS = ("theme", "coalition", "target")
GEOJSON_FILTERS = (*MAP_FILTERS, "city")
# The filters about the practices: with one of them, a city without a matching practice is left
# out. The place filters (coalition, city) only choose the cities.
PRACTICE_FILTERS = ("theme", "target")
# A popup lists a city's newest practices, and links to the search for the rest.
POPUP_PRACTICES = 10
# Okabe and Ito's eight colours, told apart with every common kind of colour blindness
# (https://jfly.uni-koeln.de/color/); markers and swatches draw them inside a dark ring, so each
# stands out on any map. A coalition keeps its colour in every language and filter: the colours
# go to the coalitions by id, and come round again past eight.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


@dataclass
class MapCity:
    """A city on the map: its coalition's colour, its matching practices (the newest
    POPUP_PRACTICES of them) and how many there are, with the search that lists them all."""

    city: City
    colour: str
    count: int = 0
    practices: list = field(default_factory=list)
    search_url: str = ""

    @property
    def more(self):
        """How many of its practices the popup leaves to the search."""
        return self.count - len(self.practices)

    @property
    def on_map(self):
        return self.city.latitude is not None and self.city.longitude is not None


@dataclass
class CityMap:
    """The cities the map shows, by coalition, with the filters as the visitor chose them."""

    filterset: PracticeFilter
    cities: list
    notes: list
    filtered: bool

    @property
    def total(self):
        return sum(item.count for item in self.cities)

    @property
    def coalitions(self):
        """Return [{"coalition", "colour", "cities", "count"}], by the coalition's name."""
        groups = {}
        for item in self.cities:
            coalition = item.city.coalition
            group = groups.setdefault(
                coalition.pk,
                {"coalition": coalition, "colour": item.colour, "cities": [], "count": 0},
            )
            group["cities"].append(item)
            group["count"] += item.count
        return sorted(groups.values(), key=lambda group: str(group["coalition"].name))

    @property
    def not_on_map(self):
        """The cities listed whose location is not recorded."""
        return [item for item in self.cities if not item.on_map]


def selected_parameters(params, names):
    """Return a QueryDict of the parameters among `names`, every value kept."""
    kept = QueryDict(mutable=True)
    for name in names:
        values = [value for value in params.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept


def city_map(params, names=MAP_FILTERS):
    """Return the CityMap for the GET parameters among `names` (an invalid one is left out,
    with a note, as on the search page)."""
    chosen = selected_parameters(params, names)
    filterset = PracticeFilter(chosen, queryset=Practice.objects.published())
    filterset.is_valid()
    form = filterset.form
    notes = [
        _("%(field)s: %(error)s This part of the search was left out.")
        % {"field": form.fields[name].label, "error": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    data = {name: value for name, value in form.cleaned_data.items() if value}
    # One query: each city's newest practices and how many match, whatever their number.
    newest_first = [F("published_at").desc(nulls_last=True), F("pk").desc()]
    rows = (
        filterset.qs.annotate(
            position=Window(RowNumber(), partition_by=[F("city_id")], order_by=newest_first),
            city_total=Window(Count("pk"), partition_by=[F("city_id")]),
        )
        .filter(position__lte=POPUP_PRACTICES)
        .only("pk", "title", "slug", "language", "city_id")
        .order_by("city_id", "position")
    )
    found = {}
    for practice in rows:
        found.setdefault(practice.city_id, {"count": practice.city_total, "practices": []})
        found[practice.city_id]["practices"].append(practice)
    show_in_visitors_language([p for item in found.values() for p in item["practices"]])

    cities = City.objects.select_related("coalition").order_by("name", "pk")
    if any(name in data for name in PRACTICE_FILTERS):
        cities = cities.filter(pk__in=found)
    else:
        # The member cities, and any other city whose practices are still published.
        cities = cities.filter(Q(is_active_member=True) | Q(pk__in=found))
    if "coalition" in data:
        cities = cities.filter(coalition__slug=data["coalition"])
    if "city" in data:
        cities = cities.filter(slug=data["city"])
    colours = coalition_colours(filterset)
    items = []
    for city in cities:
        item = MapCity(city=city, colour=colours.get(city.coalition_id, PALETTE[0]))
        if city.pk in found:
            item.count = found[city.pk]["count"]
            item.practices = found[city.pk]["practices"]
        item.search_url = search_url(data, city)
        items.append(item)
    return CityMap(filterset=filterset, cities=items, notes=notes, filtered=bool(data))


def coalition_colours(filterset):
    """Return {coalition id: colour}, from the filter options the filters read anyway."""
    ids = sorted(item["id"] for item in filterset.terms["coalition"])
    return {pk: PALETTE[index % len(PALETTE)] for index, pk in enumerate(ids)}


def search_url(data, city):
    """The search page with the map's valid filters and the city: the practices a popup
    counts (the city stands for its coalition)."""
    params = [("city", city.slug)]
    for name in PRACTICE_FILTERS:
        params += [(name, value) for value in data.get(name, [])]
    return f"{reverse('public:practice_list')}?{urlencode(params)}"
