"""The class table `exercise grade` prints once every submission is graded (the files hold the rest).

Submission names and notes are rich Text, never markup: a folder named `[bold]x[/bold]` shows as
that name.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exercise_cli.grading.batch import by_submission
from exercise_cli.learner_text import visible

NOTE_CHARS = 60


def render_gradebook(console: Console, rows: list, submissions: list[Path]) -> None:
    table = Table(title=f"{len(rows)} of {len(submissions)} submissions graded")
    for column in ("submission", "score", "verdict", "seconds", "isolation", "note"):
        table.add_column(column)
    for row in by_submission(rows):
        verdict = "error" if row.error else "passed" if row.passed else "failed"
        table.add_row(Text(visible(row.submission)), f"{row.score:g}/{row.max_score:g}", verdict, f"{row.seconds:.1f}",
                      Text(visible(row.isolation)), Text(visible(shorten(row.note))))
    console.print(table)


def shorten(note: str) -> str:
    """One line of at most NOTE_CHARS: the CSV and JSON gradebooks keep the whole text."""
    line = " ".join(note.split())
    return line if len(line) <= NOTE_CHARS else line[:NOTE_CHARS - 1].rstrip() + "…"
