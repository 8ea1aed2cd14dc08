"""The class table `exercise grade` prints once every submission is graded (the files hold the rest)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table


def render_gradebook(console: Console, rows: list, submissions: list[Path]) -> None:
    table = Table(title=f"{len(rows)} of {len(submissions)} submissions graded")
    for column in ("submission", "score", "verdict", "seconds", "isolation", "note"):
        table.add_column(column)
    order = {p.name: i for i, p in enumerate(submissions)}
    for row in sorted(rows, key=lambda r: order.get(r.submission, 0)):
        verdict = "error" if row.error else "passed" if row.passed else "failed"
        table.add_row(row.submission, f"{row.score:g}/{row.max_score:g}", verdict, f"{row.seconds:.1f}", row.isolation,
                      row.error[:60])
    console.print(table)
