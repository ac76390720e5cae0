"""The public search's filters: one django-filter FilterSet whose form checks every parameter,
and which of them get counts (facets)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from practices.models import (
    CityPower,
    EvidenceLevel,
    PartnerKind,
    PopulationBand,
    Practice,
    SetupTime,
    StaffNeeded,
    YearlyCost,
)
from practices.models.transferability import budget_bands_within, similar_population_bands

from .options import filter_options

MAX_QUERY_LENGTH = 200

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("title", _("Title")),
    ("city", _("City")),
    ("evidence", _("Evidence level")),
    ("adapted", _("Most adapted")),
]

# The filters whose options get counts next to them, in the order the page shows them.
FACETS = [
    "theme",
    "evidence",
    "promising",
    "adapted",
    "coalition",
    "country",
    "city",
    "role",
    "target",
    "commitment",
    "language",
    "cost",
    "staff",
    "setup",
    "population",
    "needs",
    "partner",
]
# Filter name → the many-to-many field of practices it matches through (several options each).
RELATION_FILTERS = {
    "theme": "themes",
    "role": "city_roles",
    "target": "target_groups",
    "commitment": "commitments",
}
# Filter name → the practice's field of one condition of transferability (one option each).
CONDITION_FILTERS = {
    "cost": "yearly_cost",
    "staff": "staff_needed",
    "setup": "setup_time",
    "population": "population_band",
}
# Filter name → the practice's stored set of powers or partners (several options each).
OPTION_SET_FILTERS = {"needs": "city_powers", "partner": "partner_kinds"}
# The facets whose options and conditions are simple fields of the practice (and of its
# search entry), counted together (facets.py, summary.py).
FIELD_FACETS = ("adapted", *CONDITION_FILTERS, *OPTION_SET_FILTERS)
# The filters whose options are ticked (several at once); the others are chosen from a list.
MULTIPLE_CHOICE_FACETS = (*RELATION_FILTERS, "evidence", "promising", *FIELD_FACETS)
# A visitor's own city, for "what fits my city": not facets, they narrow the results.
FIT_FILTERS = ("size", "budget", "powers")
# The one option of the promising filter, as the address carries it.
PROMISING = "1"
# The filters that depend only on a practice's city.
PLACE_FILTERS = ("coalition", "country", "city")


def option_condition(name, option):
    """Return the condition a practice (or its search entry) meets for one option of a field
    facet."""
    if name == "adapted":
        return Q(adapted_in__gt=0)
    if name in CONDITION_FILTERS:
        return Q(**{CONDITION_FILTERS[name]: option})
    return Q(**{f"{OPTION_SET_FILTERS[name]}__contains": f",{option},"})


def field_facet_condition(name, options):
    """Return the condition of a field facet with the options chosen: any of them."""
    condition = Q()
    for option in options:
        condition |= option_condition(name, option)
    return condition


def fit_conditions(data):
    """Return the conditions of "what fits my city" for the visitor's choices: a practice
    with its conditions recorded, of a cost the budget covers, that ran in a city of a
    similar size, needing no power the city lacks."""
    conditions = []
    if data.get("size"):
        conditions.append(Q(population_band__in=similar_population_bands(data["size"])))
    if data.get("budget"):
        conditions.append(Q(yearly_cost__in=budget_bands_within(data["budget"])))
    if data.get("powers"):
        lacking = [power for power in CityPower.values if power not in data["powers"]]
        condition = ~Q(yearly_cost="")
        for power in lacking:
            condition &= ~Q(city_powers__contains=f",{power},")
        conditions.append(condition)
    return conditions


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        strip=True,
    )
    theme = django_filters.MultipleChoiceFilter(label=_("Themes"), method="filter_related")
    coalition = django_filters.ChoiceFilter(
        label=_("Coalition"), field_name="city__coalition__slug"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), field_name="city__country")
    city = django_filters.ChoiceFilter(label=_("City"), field_name="city__slug")
    role = django_filters.MultipleChoiceFilter(label=_("Role of the city"), method="filter_related")
    target = django_filters.MultipleChoiceFilter(label=_("Target groups"), method="filter_related")
    commitment = django_filters.MultipleChoiceFilter(
        label=_("Commitments of the plan of action"), method="filter_related"
    )
    evidence = django_filters.MultipleChoiceFilter(
        label=_("Evidence level"),
        method="filter_evidence",
        choices=[(str(level.value), level.label) for level in EvidenceLevel],
    )
    promising = django_filters.MultipleChoiceFilter(
        label=_("Promising practices"),
        method="filter_promising",
        choices=[("1", _("Promising practices only"))],
    )
    adapted = django_filters.MultipleChoiceFilter(
        label=_("Adapted elsewhere"),
        method="filter_field_facet",
        choices=[("1", _("Adapted by other cities"))],
    )
    cost = django_filters.MultipleChoiceFilter(
        label=_("Yearly cost"), method="filter_field_facet", choices=YearlyCost.choices
    )
    staff = django_filters.MultipleChoiceFilter(
        label=_("Staff needed"), method="filter_field_facet", choices=StaffNeeded.choices
    )
    setup = django_filters.MultipleChoiceFilter(
        label=_("Time to set up"), method="filter_field_facet", choices=SetupTime.choices
    )
    population = django_filters.MultipleChoiceFilter(
        label=_("Size of the city where it ran"),
        method="filter_field_facet",
        choices=PopulationBand.choices,
    )
    needs = django_filters.MultipleChoiceFilter(
        label=_("Powers it needs"), method="filter_field_facet", choices=CityPower.choices
    )
    partner = django_filters.MultipleChoiceFilter(
        label=_("Partners it relies on"), method="filter_field_facet", choices=PartnerKind.choices
    )
    size = django_filters.ChoiceFilter(
        label=_("Size of your city"), method="filter_fits", choices=PopulationBand.choices
    )
    budget = django_filters.ChoiceFilter(
        label=_("Your yearly budget for it"), method="filter_fits", choices=YearlyCost.choices
    )
    powers = django_filters.MultipleChoiceFilter(
        label=_("Powers your city has"), method="filter_fits", choices=CityPower.choices
    )
    year_from = django_filters.NumberFilter(
        label=_("Started in or after"),
        field_name="start_year",
        lookup_expr="gte",
        min_value=1900,
        max_value=2100,
    )
    year_to = django_filters.NumberFilter(
        label=_("Started in or before"),
        field_name="start_year",
        lookup_expr="lte",
        min_value=1900,
        max_value=2100,
    )
    language = django_filters.ChoiceFilter(
        label=_("Readable in"), method="filter_language", choices=Practice.Language.choices
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="filter_sort", choices=SORT_CHOICES, empty_label=None
    )

    class Meta:
        model = Practice
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The names of every option, read once for the whole search.
        self.terms = filter_options()
        for name in [*RELATION_FILTERS, *PLACE_FILTERS]:
            choices = [(item["slug"], item["label"]) for item in self.terms[name]]
            self.filters[name].extra["choices"] = choices

    @property
    def inverted_years(self):
        """Return (from, to) as the visitor typed them when the first year is after the second,
        as texts; the search keeps both bounds (so finds nothing) and the page says why."""
        data = getattr(self.form, "cleaned_data", None) or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is None or end is None or start <= end:
            return None
        return tuple(format(year.normalize(), "f") for year in (start, end))

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)

    def selected_ids(self, name, value=None):
        """Return the ids of the options chosen for a theme, role, target or commitment filter."""
        value = set(value if value is not None else self.form.cleaned_data.get(name) or [])
        return [item["id"] for item in self.terms[name] if item["slug"] in value]

    def filter_related(self, queryset, name, value):
        if not value:
            return queryset
        relation = Practice._meta.get_field(RELATION_FILTERS[name])
        ids = self.selected_ids(name, value)
        links = relation.remote_field.through.objects.filter(
            practice_id=OuterRef("pk"), **{f"{relation.m2m_reverse_name()}__in": ids}
        )
        return queryset.filter(Exists(links))

    def filter_evidence(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(evidence_level__in=[int(level) for level in value])

    def filter_promising(self, queryset, name, value):
        return queryset.filter(is_promising=True) if value else queryset

    def filter_field_facet(self, queryset, name, value):
        return queryset.filter(field_facet_condition(name, value)) if value else queryset

    def filter_fits(self, queryset, name, value):
        for condition in fit_conditions({name: value}):
            queryset = queryset.filter(condition)
        return queryset

    def filter_language(self, queryset, name, value):
        # Its own language or any of its translations.
        return queryset.filter(available_languages__contains=f",{value},") if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # the search sorts, after counting

    def filtered_without(self, queryset, excluded):
        """Apply every valid filter except those named, for their options' counts."""
        for name, value in self.form.cleaned_data.items():
            if name not in excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
