"""Search entries: a narrow row per published practice, kept by a trigger (PostgreSQL).

Searching read the practice rows themselves: a word found in most practices made PostgreSQL
scan the wide table and de-TOAST every large search vector (about a second at 10,000
practices). The vectors now live in practices_searchentry, one row per published practice with
only what matching, counting and ranking read; a trigger on the practice table writes, updates
and removes it, so every way a practice is saved (the workflow, the admin, bulk loads, a
restore) keeps it current. ``rank_vector`` holds the title and the opening of the summary only,
so it stays small enough to be stored in line.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# A practice's vectors, from its row: the weights and configurations of migrations 0004 and 0007.
SEARCH_VECTOR = """
    setweight(to_tsvector(iccar_search_config(p.language), p.title), 'A')
    || setweight(to_tsvector(iccar_search_config(p.language), p.summary), 'B')
    || setweight(to_tsvector('iccar_simple'::regconfig, p.search_extra), 'B')
    || setweight(to_tsvector(iccar_search_config(p.language),
         p.context || ' ' || p.implementation || ' ' || p.results || ' ' || p.why_it_works
         || ' ' || p.challenges || ' ' || p.transferability), 'C')
    || setweight(to_tsvector(iccar_search_config(p.language),
         p.partners || ' ' || p.resources), 'D')
    || p.translation_vector"""
# The summary is cut at 300 characters so the vector always stays small.
RANK_VECTOR = """
    setweight(to_tsvector(iccar_search_config(p.language), p.title), 'A')
    || setweight(to_tsvector(iccar_search_config(p.language), left(p.summary, 300)), 'B')"""
ENTRY_COLUMNS = (
    "practice_id, city_id, title, published_at, start_year, available_languages, "
    "rank_vector, search_vector, languages, theme_ids, role_ids, target_ids"
)
# The ids a practice is linked to, for its facet counts (read with unnest, no join).
LINKS = {
    "theme_ids": ("practices_practice_themes", "theme_id"),
    "role_ids": ("practices_practice_city_roles", "cityrole_id"),
    "target_ids": ("practices_practice_target_groups", "targetgroup_id"),
}


def linked_ids(practice_id):
    return ", ".join(
        f"ARRAY(SELECT {column} FROM {table} WHERE practice_id = {practice_id} ORDER BY 1)"
        for table, column in LINKS.values()
    )


def entry_values(row):
    """The values of ENTRY_COLUMNS for a practice row named `row`."""
    return (
        f"{row}.id, {row}.city_id, {row}.title, {row}.published_at, {row}.start_year, "
        f"{row}.available_languages, iccar_rank_vector({row}), iccar_search_vector({row}), "
        f"string_to_array(btrim({row}.available_languages, ','), ','), {linked_ids(row + '.id')}"
    )


POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS practice_search_vector",
    # "Did you mean" now reads the distinct words of titles (search.suggestion_words).
    "DROP INDEX IF EXISTS practice_title_trigram",
    "ALTER TABLE practices_practice DROP COLUMN search_vector",
    "ALTER TABLE practices_practice DROP COLUMN rank_vector",
    f"""CREATE FUNCTION iccar_search_vector(p practices_practice) RETURNS tsvector
        LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT {SEARCH_VECTOR} $$""",
    f"""CREATE FUNCTION iccar_rank_vector(p practices_practice) RETURNS tsvector
        LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT {RANK_VECTOR} $$""",
    """ALTER TABLE practices_searchentry
         ADD COLUMN languages text[] NOT NULL DEFAULT '{}',
         ADD COLUMN theme_ids bigint[] NOT NULL DEFAULT '{}',
         ADD COLUMN role_ids bigint[] NOT NULL DEFAULT '{}',
         ADD COLUMN target_ids bigint[] NOT NULL DEFAULT '{}'""",
    # A practice's own row: written when published, updated with it, removed otherwise. The
    # link arrays are kept by the triggers on the link tables below.
    f"""CREATE FUNCTION iccar_keep_search_entry() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM practices_searchentry WHERE practice_id = OLD.id;
          ELSIF NEW.status <> 'published' THEN
            DELETE FROM practices_searchentry WHERE practice_id = NEW.id;
          ELSE
            INSERT INTO practices_searchentry ({ENTRY_COLUMNS}) VALUES ({entry_values("NEW")})
            ON CONFLICT (practice_id) DO UPDATE SET
              city_id = EXCLUDED.city_id, title = EXCLUDED.title,
              published_at = EXCLUDED.published_at, start_year = EXCLUDED.start_year,
              available_languages = EXCLUDED.available_languages,
              languages = EXCLUDED.languages,
              rank_vector = EXCLUDED.rank_vector, search_vector = EXCLUDED.search_vector;
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE TRIGGER practice_search_entry AFTER INSERT OR UPDATE OR DELETE
       ON practices_practice FOR EACH ROW EXECUTE FUNCTION iccar_keep_search_entry()""",
    # Links added or removed: one update of the entries concerned per statement.
    f"""CREATE FUNCTION iccar_keep_entry_links() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE practices_searchentry AS e
             SET ({", ".join(LINKS)}) = ({linked_ids("e.practice_id")})
           WHERE e.practice_id IN (SELECT practice_id FROM changed_links);
          RETURN NULL;
        END $$""",
    *[
        f"""CREATE TRIGGER {table}_{event.lower()}_entry AFTER {event} ON {table}
            REFERENCING {transition} TABLE AS changed_links
            FOR EACH STATEMENT EXECUTE FUNCTION iccar_keep_entry_links()"""
        for table, _column in LINKS.values()
        for event, transition in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ],
    f"""INSERT INTO practices_searchentry ({ENTRY_COLUMNS})
        SELECT {entry_values("p")} FROM practices_practice AS p WHERE p.status = 'published'""",
    "CREATE INDEX search_entry_vector ON practices_searchentry USING gin (search_vector)",
]

POSTGRES_BACKWARD = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_{event}_entry ON {table}"
        for table, _column in LINKS.values()
        for event in ("insert", "delete")
    ],
    "DROP FUNCTION IF EXISTS iccar_keep_entry_links()",
    "DROP TRIGGER IF EXISTS practice_search_entry ON practices_practice",
    "DROP FUNCTION IF EXISTS iccar_keep_search_entry()",
    "DROP FUNCTION IF EXISTS iccar_rank_vector(practices_practice)",
    "DROP FUNCTION IF EXISTS iccar_search_vector(practices_practice)",
    f"""ALTER TABLE practices_practice ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        {SEARCH_VECTOR.replace("p.", "")}) STORED""",
    """ALTER TABLE practices_practice ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector(iccar_search_config(language), title), 'A')
         || setweight(to_tsvector(iccar_search_config(language), summary), 'B')
         || setweight(to_tsvector('iccar_simple'::regconfig, search_extra), 'C')
       ) STORED""",
    "CREATE INDEX practice_search_vector ON practices_practice USING gin (search_vector)",
    "CREATE INDEX practice_title_trigram ON practices_practice "
    "USING gin (iccar_fold(title) gin_trgm_ops)",
]


def run_on_postgres(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in statements:
                cursor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0004_translated_names"),
        ("practices", "0008_reference_translations"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "practice",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="practices.practice",
                    ),
                ),
                ("title", models.CharField(max_length=120)),
                ("published_at", models.DateTimeField(null=True)),
                ("start_year", models.PositiveSmallIntegerField(null=True)),
                ("available_languages", models.CharField(max_length=60)),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "city",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cities.city",
                    ),
                ),
            ],
            options={
                "default_permissions": (),
                "indexes": [
                    models.Index(
                        fields=["-published_at", "practice"], name="search_entry_newest"
                    )
                ],
            },
        ),
        migrations.RunPython(
            run_on_postgres(POSTGRES_FORWARD), run_on_postgres(POSTGRES_BACKWARD), elidable=False
        ),
    ]
