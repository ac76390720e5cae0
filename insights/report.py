"""What /insights/ shows, computed from the published practices (through the practices
domain's selectors) in a fixed number of queries: coverage tables, the commitments of the plans,
where more work is needed, and trends. Every count links to the search that finds the same
practices, so a coordinator can open what is behind a number."""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practices import selectors
from practices.search.filters import PracticeFilter
from practices.search.options import filter_options

from .charts import bar_chart, year_series

# The coverage tables: (name, rows, columns), each a pair of selectors.DIMENSIONS.
TABLES = [
    ("themes-coalitions", "theme", "coalition"),
    ("themes-targets", "theme", "target"),
    ("roles-themes", "role", "theme"),
]
# A target group with this many practices or fewer in a coalition that has practices is a gap.
FEW = 1
# A coalition needs this many practices before its thin target groups are worth naming.
ENOUGH_TO_COMPARE = 5
# The lowest evidence level counted as proven ("a change attributed to the practice").
PROVEN_LEVEL = 3
STALE_AFTER = timedelta(days=2 * 365)
# The trends of the practices, by year: those the choice of a theme narrows.
TRENDS = ("started", "published")
MAX_GAPS_OF_A_KIND = 12


def search_url(**params):
    return f"{reverse('public:practice_list')}?{urlencode(params)}"


@dataclass
class Table:
    name: str
    title: str
    row_label: str
    columns: list  # of options: {"id", "slug", "label"}
    rows: list = field(default_factory=list)  # of {"option", "cells": [{"count", "url"}], "total"}

    def as_rows(self):
        """The table as plain rows, header first, for the CSV download."""
        yield [
            str(self.row_label),
            *[str(column.get("short", column["label"])) for column in self.columns],
        ]
        for row in self.rows:
            yield [str(row["option"]["label"]), *[cell["count"] for cell in row["cells"]]]


def dimension_titles():
    """The search's own names of its filters: the tables speak as the search page does."""
    return {name: PracticeFilter.base_filters[name].label for name in selectors.DIMENSIONS}


def coverage_table(name, rows, columns, options, coalition=None):
    titles = dimension_titles()
    counts = selectors.coverage(rows, columns, coalition=coalition)
    column_options = options[columns]
    if coalition is not None and columns == "coalition":
        column_options = [item for item in column_options if item["id"] == coalition.pk]
    table = Table(
        name=name,
        title=_("%(rows)s by %(columns)s") % {"rows": titles[rows], "columns": titles[columns]},
        row_label=titles[rows],
        columns=column_options,
    )
    extra = {"coalition": coalition.slug} if coalition is not None else {}
    for option in options[rows]:
        cells = []
        for column in column_options:
            count = counts.get((option["id"], column["id"]), 0)
            params = {rows: option["slug"], columns: column["slug"], **extra}
            cells.append({"count": count, "url": search_url(**params) if count else ""})
        table.rows.append({"option": option, "cells": cells})
    return table


def commitments(coalition=None):
    """The commitments of each plan with their practices, grouped by coalition."""
    groups = {}
    for commitment in selectors.commitments_with_counts(coalition):
        group = groups.setdefault(
            commitment.coalition_id, {"coalition": commitment.coalition, "commitments": []}
        )
        commitment.url = search_url(commitment=commitment.search_slug)
        group["commitments"].append(commitment)
    return list(groups.values())


def gaps(options, plans, targets_by_coalition, coalition=None):
    """Return where more work is needed, each item with a sentence and a link nearby."""
    found = {"commitments": [], "targets": [], "evidence": [], "stale": None}
    for group in plans:
        for commitment in group["commitments"]:
            if commitment.num_practices == 0 and len(found["commitments"]) < MAX_GAPS_OF_A_KIND:
                nearby = {"coalition": group["coalition"].slug}
                if commitment.theme_id:
                    nearby["theme"] = commitment.theme.slug
                found["commitments"].append(
                    {
                        "text": _(
                            "%(coalition)s, commitment %(number)s (“%(title)s”): no published "
                            "practice serves it yet."
                        )
                        % {
                            "coalition": group["coalition"],
                            "number": commitment.number,
                            "title": commitment.title,
                        },
                        "link": _("Practices on its theme in the coalition"),
                        "url": search_url(**nearby),
                    }
                )
    coalitions = options["coalition"]
    if coalition is not None:
        coalitions = [item for item in coalitions if item["id"] == coalition.pk]
    for item in coalitions:
        per_target = {
            target: n for (target, place), n in targets_by_coalition.items() if place == item["id"]
        }
        if sum(per_target.values()) < ENOUGH_TO_COMPARE:
            continue
        for target in options["target"]:
            count = per_target.get(target["id"], 0)
            if count <= FEW and len(found["targets"]) < MAX_GAPS_OF_A_KIND:
                names = {"target": target["label"], "coalition": item["short"]}
                found["targets"].append(
                    {
                        "text": (
                            _("%(target)s: no published practice in %(coalition)s.")
                            if count == 0
                            else _("%(target)s: only one published practice in %(coalition)s.")
                        )
                        % names,
                        "link": _("Practices for this group in every coalition"),
                        "url": search_url(target=target["slug"]),
                    }
                )
    proven = selectors.proven_by_theme(PROVEN_LEVEL, coalition=coalition)
    extra = {"coalition": coalition.slug} if coalition is not None else {}
    for theme in options["theme"]:
        if not proven.get(theme["id"]):
            found["evidence"].append(
                {
                    "text": _("%(theme)s: no practice proven at evidence level %(level)s or above.")
                    % {"theme": theme["label"], "level": PROVEN_LEVEL},
                    "link": _("Its practices, best proven first"),
                    "url": search_url(theme=theme["slug"], sort="evidence", **extra),
                }
            )
    count, oldest = selectors.unchanged_since(timezone.now() - STALE_AFTER, coalition=coalition)
    found["stale"] = {"count": count, "oldest": oldest}
    return found


def describe(values, theme=None):
    """Say in a sentence what a chart by year shows: its span, total and highest year (and the
    theme it counts, if one)."""
    if not values:
        return ""
    busiest = max(values, key=lambda year: (values[year], year))
    names = {
        "first": min(values),
        "last": max(values),
        "total": sum(values.values()),
        "most": values[busiest],
        "busiest": busiest,
    }
    if theme is not None:
        return _(
            "From %(first)s to %(last)s: %(total)s practices of the theme “%(theme)s” in all; "
            "the most, %(most)s, in %(busiest)s."
        ) % {**names, "theme": theme["label"]}
    return (
        _(
            "From %(first)s to %(last)s: %(total)s practices in all; the most, %(most)s, in "
            "%(busiest)s."
        )
        % names
    )


def find_theme(slug):
    """Return the theme option ({"id", "slug", "label"}) of this slug, from the search's cached
    names (no query of its own), or None."""
    return next((item for item in filter_options()["theme"] if item["slug"] == slug), None)


def trend_titles(theme=None):
    """Return {trend name: its title}: the practices by start year and by year of publication,
    of one theme if given."""
    if theme is None:
        return {
            "started": _("Practices by the year they started"),
            "published": _("Practices by the year they were published"),
        }
    names = {"theme": theme["label"]}
    return {
        "started": _("Practices of the theme “%(theme)s” by the year they started") % names,
        "published": _("Practices of the theme “%(theme)s” by the year they were published")
        % names,
    }


def trends_by_year(coalition=None, theme=None):
    """Return {trend name: {year: n}} of the published practices (of one coalition, of one
    theme), every year from the first to the last, in one query."""
    theme_id = theme["id"] if theme is not None else None
    started, published = selectors.practices_by_year(coalition=coalition, theme=theme_id)
    return {"started": year_series(started), "published": year_series(published)}


def current_gaps(coalition=None):
    """Return where more work is needed, as /insights/ shows it, without its other parts."""
    plans = commitments(coalition)
    targets_by_coalition = selectors.coverage("target", "coalition", coalition=coalition)
    return gaps(filter_options(), plans, targets_by_coalition, coalition)


def insights(coalition=None, theme=None):
    """Return everything /insights/ shows, for all coalitions or one; the trends of the
    practices for all themes or one (the rest counts every theme)."""
    options = filter_options()
    tables = [
        coverage_table(name, rows, columns, options, coalition) for name, rows, columns in TABLES
    ]
    plans = commitments(coalition)
    targets_by_coalition = selectors.coverage("target", "coalition", coalition=coalition)
    titles = trend_titles(theme)
    trends = [
        (name, titles[name], values) for name, values in trends_by_year(coalition, theme).items()
    ]
    return {
        # The choices of coalition and theme, from the search's cached names: no query of
        # their own.
        "coalitions": sorted(options["coalition"], key=lambda item: str(item["label"])),
        "themes": options["theme"],
        "tables": tables,
        "plans": plans,
        "gaps": gaps(options, plans, targets_by_coalition, coalition),
        "trends": [
            {
                "name": name,
                "title": title,
                "values": values,
                "chart": bar_chart(values),
                "summary": describe(values, theme),
            }
            for name, title, values in trends
        ],
    }


def download_rows(name, coalition=None, theme=None):
    """Return the rows of one table or trend for its CSV (header first), computing that one
    only; None for an unknown name. The theme narrows the trends only."""
    for table_name, rows, columns in TABLES:
        if table_name == name:
            return list(coverage_table(name, rows, columns, filter_options(), coalition).as_rows())
    if name not in TRENDS:
        return None
    values = trends_by_year(coalition, theme)[name]
    return [[_("Year"), _("Practices")], *values.items()]
