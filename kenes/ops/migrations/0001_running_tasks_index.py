"""An index of the running tasks, for /health/ (kenes.ops.health.check_task_queue).

The task table keeps every finished task until it is pruned (kenes-prune-tasks.timer): /health/
counts the queued tasks through the library's own index of them and the running ones through
this one, so a probe reads the few active rows, not the whole table. Partial indexes exist on
PostgreSQL and SQLite alike.
"""

from django.db import migrations

INDEX = "kenes_tasks_running_idx"


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON django_tasks_database_dbtaskresult (id)"
            " WHERE status = 'RUNNING'",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
