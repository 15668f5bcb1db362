"""Full-text search indexes over Proposal.search_text (terms already stemmed and folded by
kenes.nlp.text.search_terms).

SQLite: an FTS5 external-content table kept in step by triggers. Note: if a later migration
makes Django rebuild proposals_proposal on SQLite (some ALTERs do), the triggers go with the old
table; such a migration must re-run `sqlite_forwards` below.
PostgreSQL: a GIN index on to_tsvector('simple', search_text) (the 'simple' config: no stemming,
since the stemming is ours).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposals_proposal_fts USING fts5("
    "search_text, content='proposals_proposal', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_ai AFTER INSERT ON proposals_proposal BEGIN "
    "INSERT INTO proposals_proposal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_ad AFTER DELETE ON proposals_proposal BEGIN "
    "INSERT INTO proposals_proposal_fts(proposals_proposal_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_au AFTER UPDATE OF search_text ON proposals_proposal BEGIN "
    "INSERT INTO proposals_proposal_fts(proposals_proposal_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO proposals_proposal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO proposals_proposal_fts(proposals_proposal_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_ai",
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_au",
    "DROP TABLE IF EXISTS proposals_proposal_fts",
]
POSTGRES_CREATE = [
    "CREATE INDEX IF NOT EXISTS proposal_search_gin ON proposals_proposal "
    "USING gin (to_tsvector('simple', search_text))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS proposal_search_gin"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


sqlite_forwards = run({"sqlite": SQLITE_CREATE})


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0002_changes"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
            elidable=False,
        ),
    ]
