"""French full-text search on PostgreSQL (blog.search); nothing on other databases.

- the `unaccent` extension (trusted: the database owner may create it);
- a text search configuration `french_unaccent`: French words unaccented, then stemmed;
- a GIN index on the weighted vector of the title (A) and the body (B), written exactly as
  `blog.search.post_vector()` makes it, so that the planner uses it.
"""

from django.db import migrations

VECTOR = (
    "(setweight(to_tsvector('french_unaccent'::regconfig, COALESCE(\"title\", '')), 'A') || "
    "setweight(to_tsvector('french_unaccent'::regconfig, COALESCE(\"body\", '')), 'B'))"
)

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    f"CREATE INDEX IF NOT EXISTS blog_post_search_idx ON blog_post USING gin ({VECTOR})",
]

BACKWARD = [
    "DROP INDEX IF EXISTS blog_post_search_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_tags_cover_reading_time")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
