"""PostgreSQL: the search vector gets its own stored column, so a search no longer computes
`to_tsvector` for every row the planner visits (at 100,000 proposals it walked the created_at index
and did exactly that). `search_vector` is a generated column, always equal to
`to_tsvector('simple', search_text)`: every write path (actions, bulk imports, raw updates) keeps it
right without code. It is not a Django field: only `ProposalQuerySet.search` reads it.

The GIN index moves from the expression to the column. SQLite is untouched (its FTS5 table and
triggers from 0003 stay as they are: this migration rebuilds nothing there).
"""

from django.db import migrations

POSTGRES_FORWARDS = [
    "ALTER TABLE proposals_proposal ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS proposal_search_vector_gin ON proposals_proposal USING gin (search_vector)",
    "DROP INDEX IF EXISTS proposal_search_gin",
    "ANALYZE proposals_proposal",
]
POSTGRES_BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS proposal_search_gin ON proposals_proposal "
    "USING gin (to_tsvector('simple', search_text))",
    "DROP INDEX IF EXISTS proposal_search_vector_gin",
    "ALTER TABLE proposals_proposal DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(run(POSTGRES_FORWARDS), run(POSTGRES_BACKWARDS), elidable=False),
    ]
