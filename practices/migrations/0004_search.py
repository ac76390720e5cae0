"""Full-text search on PostgreSQL: text search configurations that ignore accents, stored
generated search vectors with a GIN index, and a trigram index for "did you mean".

On other databases (SQLite for the demo) nothing happens here: search falls back to matching
words in Python-folded text (see practices/search.py).
"""

from django.db import migrations

# Languages PostgreSQL can stem; every other language is indexed without stemming.
STEMMED = {"en": "english", "fr": "french", "es": "spanish", "de": "german", "pt": "portuguese", "ru": "russian"}

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE; indexes and generated columns need an IMMUTABLE wrapper.
    """CREATE OR REPLACE FUNCTION iccar_fold(value text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$""",
]
for _code, name in STEMMED.items():
    FORWARD += [
        f"CREATE TEXT SEARCH CONFIGURATION iccar_{name} (COPY = pg_catalog.{name})",
        f"ALTER TEXT SEARCH CONFIGURATION iccar_{name} ALTER MAPPING FOR hword, hword_part, word "
        f"WITH unaccent, {name}_stem",
    ]
FORWARD += [
    "CREATE TEXT SEARCH CONFIGURATION iccar_simple (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION iccar_simple ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, simple",
    # The configuration for a practice's language.
    """CREATE OR REPLACE FUNCTION iccar_search_config(language text) RETURNS regconfig
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT CASE language """
    + " ".join(f"WHEN '{code}' THEN 'iccar_{name}'::regconfig" for code, name in STEMMED.items())
    + """ ELSE 'iccar_simple'::regconfig END $$""",
    # Everything a practice can be found by, weighted title > summary and names > body > the rest.
    """ALTER TABLE practices_practice ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector(iccar_search_config(language), title), 'A')
         || setweight(to_tsvector(iccar_search_config(language), summary), 'B')
         || setweight(to_tsvector('iccar_simple'::regconfig, search_extra), 'B')
         || setweight(to_tsvector(iccar_search_config(language),
              context || ' ' || implementation || ' ' || results || ' ' || why_it_works || ' '
              || challenges || ' ' || transferability), 'C')
         || setweight(to_tsvector(iccar_search_config(language), partners || ' ' || resources), 'D')
       ) STORED""",
    # A small vector for ranking: reading it is cheap even when most rows match a common word.
    """ALTER TABLE practices_practice ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector(iccar_search_config(language), title), 'A')
         || setweight(to_tsvector(iccar_search_config(language), summary), 'B')
         || setweight(to_tsvector('iccar_simple'::regconfig, search_extra), 'C')
       ) STORED""",
    "CREATE INDEX practice_search_vector ON practices_practice USING gin (search_vector)",
    "CREATE INDEX practice_title_trigram ON practices_practice USING gin (iccar_fold(title) gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS practice_title_trigram",
    "DROP INDEX IF EXISTS practice_search_vector",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS rank_vector",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS iccar_search_config(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS iccar_simple",
    *[f"DROP TEXT SEARCH CONFIGURATION IF EXISTS iccar_{name}" for name in STEMMED.values()],
    "DROP FUNCTION IF EXISTS iccar_fold(text)",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_editors_group")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
