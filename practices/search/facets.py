"""Facets: how many results each option of a filter would give, with the other filters kept."""

from dataclasses import dataclass

from django.db.models import Count, Q

from practices.models import EvidenceLevel, Practice

from .filters import (
    FACETS,
    FIELD_FACETS,
    MULTIPLE_CHOICE_FACETS,
    PLACE_FILTERS,
    PROMISING,
    RELATION_FILTERS,
    field_facet_condition,
    option_condition,
)


@dataclass
class Facet:
    name: str
    label: str
    options: list  # of dicts: slug, label, count, selected
    multiple: bool


def facet_counts(filterset, base):
    """Return {filter: {option: count}}, each counted with the other active filters kept, one
    query per relation (SQLite; PostgreSQL counts them all in summary.summarise())."""
    terms = filterset.terms
    counts = {}
    for name, relation in RELATION_FILTERS.items():
        slug_of = {item["id"]: item["slug"] for item in terms[name]}
        rows = (
            filterset.filtered_without(base, {name})
            .order_by()
            .values_list(relation)
            .annotate(n=Count("pk"))
        )
        counts[name] = {slug_of[key]: n for key, n in rows if key in slug_of}
    counts.update(_place_facet_counts(filterset, base, terms))
    counts["language"] = _language_facet_counts(filterset, base)
    counts["evidence"] = _evidence_facet_counts(filterset, base)
    promising = filterset.filtered_without(base, {"promising"}).filter(is_promising=True)
    promising_count = promising.order_by().count()
    counts["promising"] = {PROMISING: promising_count} if promising_count else {}
    counts.update(_field_facet_counts(filterset, base))
    return {name: counts[name] for name in FACETS}


def facet_options(filterset, name):
    """Return the option values of a field facet, as the address carries them."""
    return [value for value, _label in filterset.filters[name].extra["choices"]]


def _field_facet_counts(filterset, base):
    # Every option of every field facet in one query: each counted with the conditions of
    # the other field facets in use (the other filters are applied to the rows).
    data = filterset.form.cleaned_data
    active = {
        name: field_facet_condition(name, data[name]) for name in FIELD_FACETS if data.get(name)
    }
    queryset = filterset.filtered_without(base, set(FIELD_FACETS)).order_by()
    aggregates, keys = {}, {}
    for name in FIELD_FACETS:
        others = Q()
        for other, condition in active.items():
            if other != name:
                others &= condition
        for index, option in enumerate(facet_options(filterset, name)):
            alias = f"{name}_{index}"
            keys[alias] = (name, option)
            aggregates[alias] = Count("pk", filter=option_condition(name, option) & others)
    counts = {name: {} for name in FIELD_FACETS}
    for alias, n in queryset.aggregate(**aggregates).items():
        name, option = keys[alias]
        if n:
            counts[name][option] = n
    return counts


def _evidence_facet_counts(filterset, base):
    rows = (
        filterset.filtered_without(base, {"evidence"})
        .order_by()
        .values_list("evidence_level")
        .annotate(n=Count("pk"))
    )
    return {str(level): n for level, n in rows if level}


def _language_facet_counts(filterset, base):
    # A practice counts once for each language it can be read in: one query, one count each.
    queryset = filterset.filtered_without(base, {"language"}).order_by()
    totals = queryset.aggregate(
        **{
            code: Count("pk", filter=Q(available_languages__contains=f",{code},"))
            for code in Practice.Language.values
        }
    )
    return {code: n for code, n in totals.items() if n}


def _place_facet_counts(filterset, base, terms):
    # Count per city once, without any of the three place filters, then apply the other two
    # filters to the rows for each facet: exact, and one query instead of three.
    rows = (
        filterset.filtered_without(base, set(PLACE_FILTERS))
        .order_by()
        .values_list("city_id")
        .annotate(n=Count("pk"))
    )
    return count_places(filterset, rows, terms)


def count_places(filterset, rows, terms):
    """Count the coalition, country and city options from (city id, practices) rows."""
    cities = {item["id"]: item for item in terms["city"]}
    coalition_slug = {item["id"]: item["slug"] for item in terms["coalition"]}
    chosen = {name: filterset.form.cleaned_data.get(name) for name in PLACE_FILTERS}
    counts = {name: {} for name in PLACE_FILTERS}
    for city_id, n in rows:
        city = cities.get(city_id)
        if city is None:
            continue
        values = {
            "coalition": coalition_slug.get(city["coalition_id"]),
            "country": city["country"],
            "city": city["slug"],
        }
        for name in PLACE_FILTERS:
            others_match = all(
                not chosen[other] or values[other] == chosen[other]
                for other in PLACE_FILTERS
                if other != name
            )
            if others_match:
                counts[name][values[name]] = counts[name].get(values[name], 0) + n
    return counts


def build_facets(filterset, counts):
    """Return the Facets to show: each filter's options with their counts, in page order."""
    terms = filterset.terms
    data = filterset.form.cleaned_data
    facets = []
    for name in counts:
        field_ = filterset.form.fields[name]
        if name == "language":
            items = [{"slug": code, "label": label} for code, label in Practice.Language.choices]
        elif name == "promising" or name in FIELD_FACETS:
            # The filter's own options (for promising, its one: "Promising practices only").
            items = [{"slug": slug, "label": label} for slug, label in field_.choices]
        elif name == "evidence":
            items = [
                {"slug": str(level.value), "label": f"{level.value} · {level.label}"}
                for level in EvidenceLevel
            ]
        else:
            items = terms[name]
        selected = data.get(name) or []
        selected = set(selected if isinstance(selected, list) else [selected])
        options = [
            {
                "slug": item["slug"],
                "label": item["label"],
                "count": counts[name].get(item["slug"], 0),
                "selected": item["slug"] in selected,
            }
            for item in items
        ]
        options = [option for option in options if option["count"] or option["selected"]]
        facets.append(
            Facet(
                name=name,
                label=field_.label,
                options=options,
                multiple=name in MULTIPLE_CHOICE_FACETS,
            )
        )
    return facets


def counts_from_summary(filterset, summary):
    """Turn the summary's facet rows into {filter: {option: count}}, like facet_counts()."""
    terms = filterset.terms
    counts = {}
    for name in RELATION_FILTERS:
        slug_of = {item["id"]: item["slug"] for item in terms[name]}
        rows = summary.rows.get(name, [])
        counts[name] = {slug_of[int(key)]: n for key, n in rows if int(key) in slug_of}
    city_rows = [(int(key), n) for key, n in summary.rows.get("city", [])]
    counts.update(count_places(filterset, city_rows, terms))
    counts["language"] = {code: n for code, n in summary.rows.get("language", []) if n}
    counts["evidence"] = {key: n for key, n in summary.rows.get("evidence", []) if key}
    counts["promising"] = {key: n for key, n in summary.rows.get("promising", []) if n}
    for name in FIELD_FACETS:
        counts[name] = {key: n for key, n in summary.rows.get(name, []) if key and n}
    return {name: counts[name] for name in FACETS}
