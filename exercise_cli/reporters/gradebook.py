"""The class table `exercise grade` prints once every submission is graded (the files hold the rest).

Submission names and errors are rich Text, never markup: a folder named `[bold]x[/bold]` shows as
that name.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exercise_cli.grading.batch import submission_name
from exercise_cli.learner_text import visible


def render_gradebook(console: Console, rows: list, submissions: list[Path]) -> None:
    table = Table(title=f"{len(rows)} of {len(submissions)} submissions graded")
    for column in ("submission", "score", "verdict", "seconds", "isolation", "note"):
        table.add_column(column)
    order = {submission_name(p): i for i, p in enumerate(submissions)}
    for row in sorted(rows, key=lambda r: order.get(r.submission, 0)):
        verdict = "error" if row.error else "passed" if row.passed else "failed"
        table.add_row(Text(visible(row.submission)), f"{row.score:g}/{row.max_score:g}", verdict, f"{row.seconds:.1f}",
                      Text(visible(row.isolation)), Text(visible(row.error[:60])))
    console.print(table)
