"""Evidence levels: the level an officer proposes with their evidence, and the level editors set.
On PostgreSQL the search entries also carry the level, the promising flag and the commitments,
for their facets and filters: the triggers of migration 0009 are replaced by ones that keep them.
"""

from django.db import migrations, models




ENTRY_COLUMNS = (
    "practice_id, city_id, title, published_at, start_year, available_languages, "
    "evidence_level, is_promising, rank_vector, search_vector, languages, "
    "theme_ids, role_ids, target_ids, commitment_ids"
)
LINKS = {
    "theme_ids": ("practices_practice_themes", "theme_id"),
    "role_ids": ("practices_practice_city_roles", "cityrole_id"),
    "target_ids": ("practices_practice_target_groups", "targetgroup_id"),
    "commitment_ids": ("practices_practice_commitments", "commitment_id"),
}


def linked_ids(practice_id, links):
    return ", ".join(
        f"ARRAY(SELECT {column} FROM {table} WHERE practice_id = {practice_id} ORDER BY 1)"
        for table, column in links.values()
    )


def keep_entry_function(columns, links, evidence):
    row = "NEW"
    values = (
        f"{row}.id, {row}.city_id, {row}.title, {row}.published_at, {row}.start_year, "
        f"{row}.available_languages, "
        + (f"{row}.evidence_level, {row}.is_promising, " if evidence else "")
        + f"iccar_rank_vector({row}), iccar_search_vector({row}), "
        f"string_to_array(btrim({row}.available_languages, ','), ','), "
        f"{linked_ids(row + '.id', links)}"
    )
    also = "evidence_level = EXCLUDED.evidence_level, is_promising = EXCLUDED.is_promising,"
    return f"""CREATE OR REPLACE FUNCTION iccar_keep_search_entry() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM practices_searchentry WHERE practice_id = OLD.id;
          ELSIF NEW.status <> 'published' THEN
            DELETE FROM practices_searchentry WHERE practice_id = NEW.id;
          ELSE
            INSERT INTO practices_searchentry ({columns}) VALUES ({values})
            ON CONFLICT (practice_id) DO UPDATE SET
              city_id = EXCLUDED.city_id, title = EXCLUDED.title,
              published_at = EXCLUDED.published_at, start_year = EXCLUDED.start_year,
              available_languages = EXCLUDED.available_languages,
              languages = EXCLUDED.languages, {also if evidence else ""}
              rank_vector = EXCLUDED.rank_vector, search_vector = EXCLUDED.search_vector;
          END IF;
          RETURN NULL;
        END $$"""


def keep_links_function(links):
    return f"""CREATE OR REPLACE FUNCTION iccar_keep_entry_links() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE practices_searchentry AS e
             SET ({", ".join(links)}) = ({linked_ids("e.practice_id", links)})
           WHERE e.practice_id IN (SELECT practice_id FROM changed_links);
          RETURN NULL;
        END $$"""


OLD_COLUMNS = (
    "practice_id, city_id, title, published_at, start_year, available_languages, "
    "rank_vector, search_vector, languages, theme_ids, role_ids, target_ids"
)
OLD_LINKS = {name: LINKS[name] for name in ("theme_ids", "role_ids", "target_ids")}
COMMITMENTS = "practices_practice_commitments"

POSTGRES_FORWARD = [
    "ALTER TABLE practices_searchentry ADD COLUMN commitment_ids bigint[] NOT NULL DEFAULT '{}'",
    keep_entry_function(ENTRY_COLUMNS, LINKS, evidence=True),
    keep_links_function(LINKS),
    *[
        f"""CREATE TRIGGER {COMMITMENTS}_{event.lower()}_entry AFTER {event} ON {COMMITMENTS}
            REFERENCING {transition} TABLE AS changed_links
            FOR EACH STATEMENT EXECUTE FUNCTION iccar_keep_entry_links()"""
        for event, transition in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ],
    f"""UPDATE practices_searchentry AS e
           SET evidence_level = p.evidence_level, is_promising = p.is_promising,
               commitment_ids = ARRAY(SELECT commitment_id FROM {COMMITMENTS}
                                       WHERE practice_id = p.id ORDER BY 1)
          FROM practices_practice AS p WHERE p.id = e.practice_id""",
]
POSTGRES_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {COMMITMENTS}_{event}_entry ON {COMMITMENTS}" for event in ("insert", "delete")],
    keep_links_function(OLD_LINKS),
    keep_entry_function(OLD_COLUMNS, OLD_LINKS, evidence=False),
    "ALTER TABLE practices_searchentry DROP COLUMN commitment_ids",
]


def run_on_postgres(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ('practices', '0010_text_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='practice',
            name='evidence',
            field=models.TextField(blank=True, help_text='Why this level: evaluations, figures, reports (with their web addresses), and whether others have reproduced the practice.', max_length=5000, verbose_name='your evidence'),
        ),
        migrations.AddField(
            model_name='practice',
            name='evidence_level',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Described'), (2, 'Change observed'), (3, 'Change attributed'), (4, 'Independently confirmed'), (5, 'Ready to transfer')], db_index=True, help_text="Editors only: set in review, from the city's proposal and evidence.", null=True, verbose_name='evidence level'),
        ),
        migrations.AddField(
            model_name='practice',
            name='proposed_evidence_level',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Described'), (2, 'Change observed'), (3, 'Change attributed'), (4, 'Independently confirmed'), (5, 'Ready to transfer')], help_text="How well the results are proven, on the portal's five-level scale.", null=True, verbose_name='evidence level you propose'),
        ),
        migrations.AddField(
            model_name='searchentry',
            name='evidence_level',
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='searchentry',
            name='is_promising',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(
            run_on_postgres(POSTGRES_FORWARD), run_on_postgres(POSTGRES_BACKWARD)
        ),
    ]
