"""`check`'s live progress lines (the scenario's steps, the grader's notes) wrap under their own text."""

from __future__ import annotations

import io

from rich.console import Console

from exercise_cli.app import _progress_line


def _rendered(line, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, no_color=True).print(line)
    return out.getvalue().rstrip("\n").split("\n")


def test_a_step_line_wraps_under_its_summary_and_folds_a_long_word() -> None:
    summary = "ran exercise_5_1_producer: asset event #1 s3://data-lake/processed_data " + "x" * 70
    lines = _rendered(_progress_line("✔", summary), 40)
    assert lines[0].startswith("✔ ran exercise_5_1_producer"), lines
    assert len(lines) > 2 and all(line.startswith("  ") and line.strip() for line in lines[1:]), lines
    assert "".join(line.strip() for line in lines).replace("✔", "", 1).replace(" ", "") == summary.replace(" ", "")


def test_a_note_wraps_under_itself() -> None:
    lines = _rendered(_progress_line("", "triggered exercise_5_1_producer on the deployment " * 3), 40)
    assert len(lines) > 1 and all(line.startswith("  ") and not line.startswith("   ") for line in lines), lines
