"""Transferability as data (cost, staff, set-up time, powers, partners, population band) and
the count of cities that adapted each practice. On PostgreSQL the search entries carry them
too, for their filters, facets and sort: the entry trigger's function is replaced again."""

import importlib

from django.db import migrations, models

previous = importlib.import_module("practices.migrations.0011_evidence_levels")

NEW_COLUMNS = [
    "adapted_in",
    "yearly_cost",
    "staff_needed",
    "setup_time",
    "population_band",
    "city_powers",
    "partner_kinds",
]
ENTRY_COLUMNS = previous.ENTRY_COLUMNS + ", " + ", ".join(NEW_COLUMNS)


def keep_entry_function():
    """The function of migration 0011, with the new columns copied from the practice row."""
    function = previous.keep_entry_function(previous.ENTRY_COLUMNS, previous.LINKS, evidence=True)
    function = function.replace(previous.ENTRY_COLUMNS, ENTRY_COLUMNS)
    values_end = "ORDER BY 1)"  # the last array of the VALUES list
    last = function.rindex(values_end) + len(values_end)
    function = (
        function[:last]
        + "".join(f", NEW.{column}" for column in NEW_COLUMNS)
        + function[last:]
    )
    updates = "".join(f"{column} = EXCLUDED.{column}, " for column in NEW_COLUMNS)
    return function.replace(
        "is_promising = EXCLUDED.is_promising,",
        f"is_promising = EXCLUDED.is_promising, {updates}",
    )


POSTGRES_FORWARD = [
    keep_entry_function(),
    "UPDATE practices_searchentry AS e SET "
    + ", ".join(f"{column} = p.{column}" for column in NEW_COLUMNS)
    + " FROM practices_practice AS p WHERE p.id = e.practice_id",
]
POSTGRES_BACKWARD = [
    previous.keep_entry_function(previous.ENTRY_COLUMNS, previous.LINKS, evidence=True)
]


def text_field(max_length):
    return models.CharField(max_length=max_length, default="")


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0012_reserved_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="adapted_in",
            field=models.PositiveIntegerField(db_index=True, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="practice",
            name="city_powers",
            field=models.CharField(blank=True, default="", help_text="The competences a city must hold to run the practice.", max_length=200, verbose_name="powers the city needs"),
        ),
        migrations.AddField(
            model_name="practice",
            name="partner_kinds",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="partners it relies on"),
        ),
        migrations.AddField(
            model_name="practice",
            name="population_band",
            field=models.CharField(blank=True, choices=[("small", "Under 100,000 inhabitants"), ("medium", "100,000 to 500,000 inhabitants"), ("large", "500,000 to 2 million inhabitants"), ("metropolis", "Over 2 million inhabitants")], max_length=10, verbose_name="size of the city where it ran"),
        ),
        migrations.AddField(
            model_name="practice",
            name="setup_time",
            field=models.CharField(blank=True, choices=[("weeks", "A few weeks"), ("months", "A few months"), ("year_plus", "A year or more")], max_length=10, verbose_name="time to set up"),
        ),
        migrations.AddField(
            model_name="practice",
            name="staff_needed",
            field=models.CharField(blank=True, choices=[("volunteers", "Volunteers or partners only"), ("part_time", "Part of one post"), ("team", "A dedicated team")], max_length=10, verbose_name="staff needed"),
        ),
        migrations.AddField(
            model_name="practice",
            name="yearly_cost",
            field=models.CharField(blank=True, choices=[("none", "No extra budget (within existing staff and means)"), ("low", "Low: under about 25,000 USD a year"), ("medium", "Medium: about 25,000 to 250,000 USD a year"), ("high", "High: over about 250,000 USD a year")], help_text="About how much the practice costs the city a year, besides existing means.", max_length=10, verbose_name="yearly cost"),
        ),
        migrations.AddField(
            model_name="searchentry", name="adapted_in", field=models.PositiveIntegerField(default=0)
        ),
        migrations.AddField(model_name="searchentry", name="yearly_cost", field=text_field(10)),
        migrations.AddField(model_name="searchentry", name="staff_needed", field=text_field(10)),
        migrations.AddField(model_name="searchentry", name="setup_time", field=text_field(10)),
        migrations.AddField(model_name="searchentry", name="population_band", field=text_field(10)),
        migrations.AddField(model_name="searchentry", name="city_powers", field=text_field(200)),
        migrations.AddField(model_name="searchentry", name="partner_kinds", field=text_field(200)),
        migrations.RunPython(
            previous.run_on_postgres(POSTGRES_FORWARD), previous.run_on_postgres(POSTGRES_BACKWARD)
        ),
    ]
