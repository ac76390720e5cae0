"""Restoring member cities, their officers and the coalitions' lead cities.

See docs/backup-format.md.
"""

from backups.records import record_columns
from backups.tables import insert_rows, raw_rows
from cities.models import City, CityOfficer, Coalition


def restore_cities(data, *, coalition_ids, user_ids):
    """Insert cities and officers under their archived ids; return {city slug: pk}."""
    cities = []
    for record in data["cities"]:
        columns = record_columns(City, record, {"coalition": None})
        cities.append(
            City(pk=record["id"], coalition_id=coalition_ids[record["coalition"]], **columns)
        )
    insert_rows(City, cities)
    city_ids = {record["slug"]: record["id"] for record in data["cities"]}
    for record in data["coalitions"]:
        if record.get("lead_city"):
            raw_rows(Coalition).filter(pk=coalition_ids[record["slug"]]).update(
                lead_city_id=city_ids[record["lead_city"]]
            )
    officers = []
    for record in data["city_officers"]:
        columns = record_columns(CityOfficer, record, {"user": None, "city": None})
        officers.append(
            CityOfficer(
                pk=record["id"],
                user_id=user_ids[record["user"]],
                city_id=city_ids[record["city"]],
                **columns,
            )
        )
    insert_rows(CityOfficer, officers)
    return city_ids
