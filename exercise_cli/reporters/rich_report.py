"""The learner's checklist: one section per success criterion, a mark per check, a verdict.

Messages wrap under their own indentation (rich Padding), never back to column 0. Checks that
wait on another step collapse into one line per criterion unless `verbose`. Every text from the
report is a rich Text (never markup) with control characters shown as visible escapes: a title or
a message cannot style, link, or send escape sequences to the terminal.
"""

from __future__ import annotations

from typing import Callable

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from exercise_cli.learner_text import visible
from exercise_cli.protocol import StepDone
from exercise_cli.results import CheckResult, CriterionResult, Report

MARKS = {
    "passed": ("✔", "green"),
    "failed": ("✘", "bold red"),
    "skipped": ("○", "yellow"),
    "pending": ("…", "cyan"),
}
# What a terminal whose encoding lacks the marks (Latin-1, ASCII) shows instead.
ASCII_MARKS = {"passed": ("+", "green"), "failed": ("x", "bold red"), "skipped": ("o", "yellow"), "pending": ("?", "cyan")}


def symbol(console: Console, fancy: str, plain: str) -> str:
    """`fancy` if the console's encoding can show it, else `plain`."""
    try:
        fancy.encode(console.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return plain
    return fancy


def _marks(console: Console) -> dict[str, tuple[str, str]]:
    return MARKS if symbol(console, "✔✘○…·", "") else ASCII_MARKS


def step_mark(console: Console, step: StepDone) -> str:
    """The mark of a scenario step's progress line: done, failed, or waiting for a DAG not written yet."""
    status = "skipped" if step.waiting else "passed" if step.ok else "failed"
    return _marks(console)[status][0]
MODE_NOTE = {
    "static": "static checks only: your DAGs were loaded by Airflow's DagBag, not run",
    "full": "run by a real Airflow: DagBag, metadata DB, task supervisor, scheduler",
    "live": "graded on a running Airflow through its REST API",
}
_DETAIL_INDENT = 6


def _detail(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, _DETAIL_INDENT))


def _check_lines(check: CheckResult, marks: dict = MARKS) -> list[RenderableType]:
    title = visible(check.title or check.id)
    mark, style = marks[check.status]
    head = _marked(Text(mark, style=style), Text(title, style="bold" if check.status == "failed" else ""))
    detail = Text()
    if check.file:
        detail.append(visible(f"{check.file}{':' + str(check.line) if check.line else ''}: "), style="cyan")
    detail.append(visible(check.message), style="red" if check.status == "failed" else "dim")
    lines: list[RenderableType] = [head, _detail(detail)]
    if check.status == "failed" and check.hint:
        lines.append(_detail(Text.assemble(("hint: ", "yellow"), visible(check.hint))))
    return lines


def _marked(mark: Text, title: Text) -> Padding:
    """A check's mark and title; a long title wraps under itself."""
    row = Table.grid(padding=(0, 1))
    row.add_column(no_wrap=True)
    row.add_column()
    row.add_row(mark, title)
    return Padding(row, (0, 0, 0, 2))


def _waiting(skipped: list[CheckResult], marks: dict = MARKS) -> list[RenderableType]:
    """Skipped checks as one line: how many, and what they wait for."""
    reasons: list[str] = []
    for check in skipped:
        reason = visible(check.message.removeprefix("not run: "))
        if reason not in reasons:
            reasons.append(reason)
    head = _marked(Text(*marks["skipped"]), Text(f"{len(skipped)} checks not run yet"))
    return [head, _detail(Text("; ".join(reasons), style="dim"))]


def _criterion(criterion: CriterionResult, verbose: bool = True, marks: dict = MARKS) -> Group:
    mark, style = marks[criterion.status]
    head = Text.assemble((mark + " ", style), (visible(criterion.title), "bold"))
    if not criterion.counts:
        head.append("  (not scored)", style="dim")
    body: list[RenderableType] = []
    skipped = []
    for check in criterion.checks:
        if check.status == "skipped" and not verbose:
            skipped.append(check)
        else:
            body.extend(_check_lines(check, marks))
    if skipped:
        body.extend(_waiting(skipped, marks) if len(skipped) > 1 else _check_lines(skipped[0], marks))
    return Group(head, *body)


def render_checklist(
    report: Report,
    console: Console,
    weights: dict[str, float] | None = None,
    verbose: bool = False,
    command: Callable[[str], str] | None = None,
) -> None:
    """`command`: a next step's verb -> the command that runs it from where the learner stands."""
    marks = _marks(console)
    console.print(Rule(Text(visible(report.title or f"Exercise {report.exercise}")), style="blue"))
    console.print(Text(MODE_NOTE.get(report.mode, visible(report.mode)), style="dim"))
    console.print()
    for criterion in report.criteria:
        console.print(_criterion(criterion, verbose, marks))
        console.print()
    console.print(verdict_line(report, weights))
    for line in next_steps(report, command):
        console.print(_hanging(visible(line)))
    isolation = Table.grid()  # its text wraps under itself, not to column 0
    isolation.add_column(no_wrap=True)
    isolation.add_column()
    isolation.add_row(Text("Isolation: ", style="dim"), Text(visible(_isolation_line(report)), style="dim"))
    console.print(isolation)


def _hanging(line: str) -> Table:
    """A next step: its lead ("Stuck?", "Next:") and the rest wrapping under itself (a long folder in
    a command must not wrap back to column 0)."""
    lead, _, rest = line.partition(" ") if line.split(" ", 1)[0].endswith(("?", ":")) else ("", "", line)
    row = Table.grid(padding=(0, 1) if lead else 0)
    if lead:
        row.add_column(no_wrap=True)
    row.add_column()
    row.add_row(*([Text(lead, style="dim")] if lead else []), Text(rest, style="dim"))
    return row


def verdict_line(report: Report, weights: dict[str, float] | None = None) -> Text:
    counts = {status: 0 for status in MARKS}
    for criterion in report.criteria:
        for check in criterion.checks:
            counts[check.status] += 1
    if report.mode == "static":
        # A static run decides no criterion on its own: no score, its own words.
        if counts["failed"]:
            return Text.assemble(("NOT YET ", "bold red"),
                                 f"{counts['failed']} static check{'s' if counts['failed'] > 1 else ''} failed, "
                                 f"{counts['passed']} passed · {report.seconds:.1f} s")
        return Text.assemble(("STATIC CHECKS PASS ", "bold green"),
                             f"{counts['passed']} passed · run `exercise check` for the rest · {report.seconds:.1f} s")
    earned, total = report.score(weights)
    summary = (
        f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} waiting · "
        f"score {earned:g}/{total:g} · {report.seconds:.1f} s"
    )
    return Text.assemble(("PASSED " if report.passed else "NOT YET ", "bold green" if report.passed else "bold red"), summary)


def next_steps(report: Report, command: Callable[[str], str] | None = None) -> list[str]:
    command = command or (lambda verb: f"exercise {verb}")
    if report.mode == "static":
        return []
    if not report.passed:
        failed = any(c.status == "failed" for cr in report.criteria for c in cr.checks)
        return [f"Stuck? `{command('hint')}` shows the statement's hints one at a time."] if failed else []
    steps = []
    if any(c.status == "pending" for cr in report.criteria for c in cr.checks):
        steps.append(f"Next: `{command('quiz')}`, the last criterion (you understand the pattern).")
    if report.mode == "full":
        steps.append(f"Then: compare with the reference, `{command('solution')}`.")
    return steps


def render_criterion(console: Console, criterion: CriterionResult) -> None:
    """One criterion's checklist (GitHub Classroom shows it under that criterion's test)."""
    console.print(_criterion(criterion, marks=_marks(console)))


_TIERS = {
    "namespaces": "sandbox, namespace tier (no network, no privileges, read-only files, no course files, "
                  "no other processes)",
    "container": "sandbox, container tier (a uid of its own and a system-call filter: no network, no privileges, "
                 "no course files, no other grading's files)",
}


def _isolation_line(report: Report) -> str:
    """What kept the learner's code apart, after "Isolation: "."""
    if report.mode == "live":
        where = "in the sandbox" if report.isolation in _TIERS else "in plain child processes"
        return f"your tasks ran on the deployment; its DAG files were parsed here {where}."
    if report.isolation in _TIERS:
        return f"{_TIERS[report.isolation]}."
    return f"plain child processes: {report.isolation_note}."
