"""The metadata DB of one grading is a throwaway copy: nothing in it must outlive the process.

Airflow opens SQLite in WAL mode, where SQLite's default syncs the log to disk at each commit: a 5.1
check commits some forty times (the scheduler's steps, every Execution API call of every task), about
0.05 s of syncs, more on a slow disk. Here a commit stays atomic for every reader in this process, but is
not made to survive a power cut: nothing is synced (SQLite's synchronous=OFF). A grading process that
dies takes its DB with it, as it always did (the grader's fault: graded again in a new one).
"""

from __future__ import annotations

import sqlite3


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
