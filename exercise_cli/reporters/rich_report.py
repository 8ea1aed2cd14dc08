"""The learner's checklist: one section per success criterion, a mark per check, a verdict."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from exercise_cli.results import CheckResult, CriterionResult, Report

MARKS = {
    "passed": ("✔", "green"),
    "failed": ("✘", "bold red"),
    "skipped": ("○", "yellow"),
    "pending": ("…", "cyan"),
}
MODE_NOTE = {
    "static": "static checks only (--static): your DAGs were loaded by Airflow's DagBag, not run",
    "full": "your DAGs were loaded and run by Airflow (DagBag, metadata DB, task runner, scheduler)",
    "live": "graded on a running Airflow through its REST API",
}


def _check_lines(check: CheckResult, title: str) -> list[Text]:
    mark, style = MARKS[check.status]
    line = Text.assemble(("  " + mark + " ", style), (title, "bold" if check.status == "failed" else ""))
    lines = [line]
    detail = Text("      ")
    if check.file:
        detail.append(f"{check.file}{':' + str(check.line) if check.line else ''}: ", style="cyan")
    detail.append(check.message, style="red" if check.status == "failed" else "dim")
    lines.append(detail)
    if check.status == "failed" and check.hint:
        lines.append(Text.assemble(("      hint: ", "yellow"), check.hint))
    return lines


def _criterion(criterion: CriterionResult, titles: dict[str, str]) -> Group:
    mark, style = MARKS[criterion.status]
    head = Text.assemble((mark + " ", style), (criterion.title, "bold"))
    if not criterion.counts:
        head.append("  (does not count towards the verdict)", style="dim")
    body: list[Text] = []
    for check in criterion.checks:
        body.extend(_check_lines(check, titles.get(check.id, check.id)))
    return Group(head, *body)


def render_checklist(
    report: Report,
    console: Console,
    titles: dict[str, str],
    hints_available: bool = True,
    weights: dict[str, float] | None = None,
) -> None:
    console.print(Rule(f"Exercise {report.exercise}: Basic Producer/Consumer", style="blue"))
    console.print(Text(MODE_NOTE.get(report.mode, report.mode), style="dim"))
    console.print()
    for criterion in report.criteria:
        console.print(_criterion(criterion, titles))
        console.print()
    counts = {status: 0 for status in MARKS}
    for criterion in report.criteria:
        for check in criterion.checks:
            counts[check.status] += 1
    earned, total = report.score(weights)
    summary = (
        f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, "
        f"{counts['pending']} pending · score {earned:g}/{total:g} · {report.seconds:.1f} s"
    )
    if report.passed:
        verdict = Text.assemble(("PASSED ", "bold green"), summary)
    else:
        verdict = Text.assemble(("NOT YET ", "bold red"), summary)
    console.print(verdict)
    if not report.passed and hints_available and counts["failed"]:
        console.print(Padding(Text("Stuck? `exercise hint` shows the statement's hints one at a time.", style="dim"), (0, 0)))
    console.print(Text(_isolation_line(report), style="dim"))


def render_criterion(console: Console, criterion: CriterionResult) -> None:
    """One criterion's checklist (GitHub Classroom shows it under that criterion's test)."""
    from exercise_cli.course import load_course

    console.print(_criterion(criterion, {c.id: c.title for c in load_course().checks}))


def _isolation_line(report: Report) -> str:
    if report.mode == "live":
        return "Isolation: none here; your code ran on the deployment you named."
    if report.isolation == "sandbox":
        return "Isolation: sandbox (your code ran with no network, no privileges and a read-only view of the files)."
    return f"Isolation: process only (plain child processes; {report.isolation_note})."
