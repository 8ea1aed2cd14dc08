"""The class table `exercise grade` prints once every submission is graded (the files hold the rest).

Submission names and notes are rich Text, never markup: a folder named `[bold]x[/bold]` shows as
that name.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exercise_cli.grading.batch import by_submission
from exercise_cli.learner_text import visible

NOTE_CHARS = 60


def render_gradebook(console: Console, rows: list, found) -> None:
    """`found`: the class folder's entries (batch.ClassFolder); the title counts them all."""
    graded = sum(not row.error for row in rows)
    not_graded = len(rows) - graded
    title = f"{graded} of {found.entries} submissions graded" + (f", {not_graded} not graded" if not_graded else "")
    table = Table(title=title)
    for column in ("submission", "score", "verdict", "seconds", "isolation", "note"):
        table.add_column(column)
    for row in by_submission(rows):
        verdict = "error" if row.error else "passed" if row.passed else "failed"
        table.add_row(Text(visible(row.submission)), f"{row.score:g}/{row.max_score:g}", verdict, f"{row.seconds:.1f}",
                      Text(visible(row.isolation)), Text(visible(shorten(row.note))))
    console.print(table)
    if found.hidden:
        names = ", ".join(visible(name) for name in found.hidden[:5]) + (", ..." if len(found.hidden) > 5 else "")
        console.print(Text(f"left alone: {len(found.hidden)} hidden entr{'y' if len(found.hidden) == 1 else 'ies'} ({names})",
                           style="dim"))


def shorten(note: str) -> str:
    """One line of at most NOTE_CHARS: the CSV and JSON gradebooks keep the whole text."""
    line = " ".join(note.split())
    return line if len(line) <= NOTE_CHARS else line[:NOTE_CHARS - 1].rstrip() + "…"
