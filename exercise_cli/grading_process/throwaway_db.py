"""The metadata DB of one grading is a throwaway copy: nothing in it must outlive the process.

Airflow opens SQLite in WAL mode, where SQLite's default syncs the log to disk at each commit: a 5.1
check commits some forty times (the scheduler's steps, every Execution API call of every task), about
0.05 s of syncs, more on a slow disk. Here a commit stays atomic for every reader in this process, but is
not made to survive a power cut: nothing is synced (SQLite's synchronous=OFF). A grading process that
dies takes its DB with it, as it always did (the grader's fault: graded again in a new one).

A warm process's children keep its SQLAlchemy engine and open their own DB file through it. SQLAlchemy
keeps each statement it compiled by its engine's dialect: a child with an engine of its own compiled
every statement of a check again (about 0.07 s of a 5.1 check), where a child of the warm process finds those
its rehearsal compiled (grading_process/rehearsal.py). Which file a connection opens is decided as it
opens (SQLAlchemy's do_connect event), from the child's own Airflow settings; the warm process holds no
connection when it forks (Airflow's own fork hook drops the pool in the child, unclosed, as well).
"""

from __future__ import annotations

import os
import sqlite3

_database: str | None = None  # the file this process's connections open, where it is not the engine's own


def skip_durability() -> None:
    """For every SQLite connection this process opens from now on (Airflow's engine opens them)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)


def _on_connect(connection, record) -> None:
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


def share_engine() -> None:
    """In the warm process: its engines (Airflow's sync one and its async one) will open the file a child names."""
    from sqlalchemy import event

    for engine in _engines():
        if not event.contains(engine, "do_connect", _open_own_file):
            event.listen(engine, "do_connect", _open_own_file)


def open_own_file() -> None:
    """In a forked child, its Airflow settings read again: its connections open its own DB file, through the
    warm process's engines where they are shared (else through engines of its own, as a cold process has)."""
    global _database
    from airflow import settings
    from sqlalchemy import event

    path = _sqlite_file(settings.SQL_ALCHEMY_CONN)
    engines = _engines()
    if path is None or not engines or not all(event.contains(e, "do_connect", _open_own_file) for e in engines):
        settings.configure_orm()
        return
    _database = path
    for engine in engines:
        engine.dispose(close=False)  # the warm process's pool, if any: never closed from here


def release_connections() -> None:
    """Before a fork: no session open, no connection pooled (the engines stay, and what they compiled)."""
    from airflow import settings

    if settings.Session is not None:
        settings.Session.remove()
    for engine in _engines():
        engine.dispose()


def _engines() -> list:
    from airflow import settings

    found = [settings.engine] if settings.engine is not None else []
    if getattr(settings, "async_engine", None) is not None:
        found.append(settings.async_engine.sync_engine)
    return found


def _sqlite_file(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or not os.path.isabs(parsed.database):
        return None
    return parsed.database


def _open_own_file(dialect, record, cargs, cparams) -> None:
    if _database is not None and cargs:
        cargs[0] = _database
