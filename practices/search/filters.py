"""The public search's filters: one django-filter FilterSet whose form checks every parameter,
and which of them get counts (facets)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from practices.models import EvidenceLevel, Practice

from .options import filter_options

MAX_QUERY_LENGTH = 200

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("title", _("Title")),
    ("city", _("City")),
    ("evidence", _("Evidence level")),
]

# The filters whose options get counts next to them, in the order the page shows them.
FACETS = [
    "theme",
    "evidence",
    "promising",
    "coalition",
    "country",
    "city",
    "role",
    "target",
    "commitment",
    "language",
]
# Filter name → the many-to-many field of practices it matches through (several options each).
RELATION_FILTERS = {
    "theme": "themes",
    "role": "city_roles",
    "target": "target_groups",
    "commitment": "commitments",
}
# The filters whose options are ticked (several at once); the others are chosen from a list.
MULTIPLE_CHOICE_FACETS = (*RELATION_FILTERS, "evidence", "promising")
# The one option of the promising filter, as the address carries it.
PROMISING = "1"
# The filters that depend only on a practice's city.
PLACE_FILTERS = ("coalition", "country", "city")


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
