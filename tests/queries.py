"""Helpers for tests that count the SQL a piece of code runs."""

from __future__ import annotations

from django.test.utils import CaptureQueriesContext


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements that do the work: without transaction control (BEGIN, COMMIT and the
    savepoints the test's own transaction turns atomic blocks into) and the receipt log's
    PostgreSQL advisory lock, which SQLite does not need."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(control) and "pg_advisory_xact_lock" not in q["sql"]
    ]
