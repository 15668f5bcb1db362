"""Backups of the whole database: SQLite through its online backup API, PostgreSQL through
pg_dump's custom format (one consistent snapshot; restored in a single transaction).

A backup file says what it is by its first bytes ("SQLite format 3" or "PGDMP"); restoring a
file of the wrong kind is refused before anything is touched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for a person."""


def file_kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Kenes backup (neither an SQLite database nor a pg_dump custom archive)")


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _pg_env_and_dsn(using: str) -> tuple[dict[str, str], list[str]]:
    settings: dict[str, Any] = connections[using].settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def backup_database(output: Path, *, using: str = "default") -> str:
    """Write a backup of database `using` to `output` (written beside it, then renamed). Returns its kind."""
    vendor = connections[using].vendor
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor == "sqlite":
            target = sqlite3.connect(partial)
            try:
                _raw_sqlite(using).backup(target)
            finally:
                target.close()
        elif vendor == "postgresql":
            env, args = _pg_env_and_dsn(using)
            command = [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(partial),
                *args,
            ]
            result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (argument list from settings, no shell)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"backups of {vendor} databases are not supported")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return vendor


def restore_database(source: Path, *, using: str = "default") -> str:
    """Replace the whole content of database `using` with the backup in `source`."""
    kind = file_kind(source)
    vendor = connections[using].vendor
    if kind != vendor:
        raise BackupError(f"{source} is a {kind} backup but the database is {vendor}: nothing was changed")
    if vendor == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.execute("PRAGMA quick_check").fetchone()
            backup.backup(_raw_sqlite(using))
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is damaged: {error}") from error
        finally:
            backup.close()
    else:
        connections[using].close()
        env, args = _pg_env_and_dsn(using)
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (argument list from settings, no shell)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
    return vendor
