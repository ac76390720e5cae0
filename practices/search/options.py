"""The options the public search filters by — themes, roles, target groups, the commitments of
the coalitions' plans, coalitions, cities and countries — with their names in the visitor's
language: read in one query and kept in the cache until an editor changes one of them
(forget_filter_options, connected in the app's ready())."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from django_countries.fields import Country

from cities.models import City, Coalition
from practices.models import CityRole, Commitment, TargetGroup, Theme

CACHE_KEY = "practices:filter-options"
CACHE_SECONDS = 3600


# The models whose names are options; a change to any of them forgets the cached options.
OPTION_MODELS = (Theme, CityRole, TargetGroup, Commitment, Coalition, City)


def filter_options():
    """Return {kind: [{"id", "slug", "label", …}]} for every filterable classification."""
    return cache.get_or_set(f"{CACHE_KEY}:{translation.get_language()}", _load, CACHE_SECONDS)


def _translated(column, table=""):
    """The column in the visitor's language, falling back to English (django-modeltranslation)."""
    language = (translation.get_language() or "en").replace("-", "_")
    prefix = f"{table}." if table else ""
    columns = [f"{column}_{language}", f"{column}_en", column]
    return (
        "COALESCE("
        + ", ".join(f"NULLIF({prefix}{_q(name)}, '')" for name in columns[:-1])
        + f", {prefix}{_q(column)})"
    )


def _load():
    # One query for all of them: the search page has a fixed budget of queries.
    no_city, order = "'', CAST(NULL AS BIGINT)", _q("order")
    title, name, short = _translated("title"), _translated("name"), _translated("short_name")
    sql = " UNION ALL ".join(
        [
            f"SELECT 'theme', id, slug, {title}, {order}, {no_city} FROM {_table(Theme)}",
            f"SELECT 'role', id, slug, {title}, {order}, {no_city} FROM {_table(CityRole)}",
            f"SELECT 'target', id, slug, {title}, {order}, {no_city} FROM {_table(TargetGroup)}",
            f"SELECT 'coalition', id, slug, {name}, 0, {short}, NULL FROM {_table(Coalition)}",
            # A commitment's slug is its coalition's and its number: "eccar-7".
            f"SELECT 'commitment', c.id, co.slug || '-' || CAST(c.number AS TEXT), "
            f"{_translated('title', 'c')}, c.{_q('number')}, '', c.coalition_id "
            f"FROM {_table(Commitment)} AS c JOIN {_table(Coalition)} AS co "
            f"ON co.id = c.coalition_id",
            f"SELECT 'city', id, slug, name, 0, country, coalition_id FROM {_table(City)}",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    kinds = ["theme", "role", "target", "commitment", "coalition", "city", "country"]
    data = {kind: [] for kind in kinds}
    countries = {}
    for kind, pk, slug, label, order, extra, coalition_id in rows:
        item = {"id": pk, "slug": slug, "label": label, "order": order}
        if kind == "coalition":
            item["short"] = extra or label
        elif kind == "city":
            item["country"] = extra
            item["coalition_id"] = coalition_id
            countries[extra] = str(Country(code=extra).name)
        elif kind == "commitment":
            item["coalition_id"] = coalition_id
        data[kind].append(item)
    short_names = {item["id"]: item["short"] for item in data["coalition"]}
    for item in data["commitment"]:
        # "ECCAR 7. Fair Access to Housing": the plan's own numbering, as its members know it.
        number, title = item["order"], item["label"]
        item["label"] = f"{short_names.get(item['coalition_id'], '')} {number}. {title}"
    for kind in ["theme", "role", "target"]:
        data[kind].sort(key=lambda item: (item["order"], item["label"]))
    for kind in ["coalition", "city"]:
        data[kind].sort(key=lambda item: item["label"])
    data["commitment"].sort(key=lambda item: (item["slug"].rsplit("-", 1)[0], item["order"]))
    data["country"] = [
        {"id": code, "slug": code, "label": name}
        for code, name in sorted(countries.items(), key=lambda item: item[1])
    ]
    return data


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _q(name):
    return connection.ops.quote_name(name)


def forget_filter_options(**kwargs):
    """Forget the cached options in every language (a model signal receiver too)."""
    cache.delete_many([f"{CACHE_KEY}:{code}" for code, _name in settings.LANGUAGES])
