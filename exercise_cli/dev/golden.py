"""Golden fixtures: each fixture submission folder keeps its expected verdict beside it in
expected_results.json (as Exercism's test runners keep theirs): every check's status, and for each check
that failed, phrases its message must contain. One comparison for every fixture of every exercise.

Written by `exercise dev check --update-golden` from a real grading; an author may then trim the phrases
to the words that matter (the comparison asks only that each phrase appears), and pin more of any check:
`message_contains` on a passed or skipped one, `message_lacks`, `hint_contains`, the `line` it points at. A rewrite keeps
each check's entry that still holds, so what an author pinned stays.
"""

from __future__ import annotations

import json
from pathlib import Path

from exercise_cli.atomic_file import write_atomically
from exercise_cli.results import CheckResult, Report

GOLDEN = "expected_results.json"
DEFAULT_TASK_TIMEOUT = 60.0


def golden_path(fixture: Path) -> Path:
    return fixture / GOLDEN


def read(fixture: Path) -> dict | None:
    path = golden_path(fixture)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def task_timeout(fixture: Path) -> float:
    """The task timeout the fixture is graded with: its golden file's, so that a fixture that hangs fails fast."""
    return float((read(fixture) or {}).get("task_timeout", DEFAULT_TASK_TIMEOUT))


def timeout(fixture: Path) -> float | None:
    """The import timeout the fixture is graded with, where its golden file sets one (a fixture that never
    finishes importing need not wait out the default)."""
    value = (read(fixture) or {}).get("timeout")
    return float(value) if value is not None else None


def of(report: Report, timeout: float = DEFAULT_TASK_TIMEOUT, kept: dict | None = None) -> dict:
    """The golden record of a grading: the verdict, each criterion's and check's status, phrases of messages.
    `kept`: the record it replaces, whose entry for a check stays wherever it still holds."""
    doc: dict = {"exercise": report.exercise, "mode": report.mode, "passed": report.passed}
    if timeout != DEFAULT_TASK_TIMEOUT:
        doc["task_timeout"] = timeout
    if (kept or {}).get("timeout") is not None:
        doc["timeout"] = kept["timeout"]
    doc["criteria"] = {c.id: c.status for c in report.criteria}
    doc["checks"] = {}
    before = (kept or {}).get("checks", {})
    for criterion in report.criteria:
        for check in criterion.checks:
            if check.id in before and not _check_differences(check.id, before[check.id], check):
                doc["checks"][check.id] = before[check.id]  # what an author pinned, still true
                continue
            entry: dict = {"status": check.status}
            if check.status == "failed":  # a skipped check's reason names the failed one: that one is kept
                entry["message_contains"] = phrases(check.message)
            doc["checks"][check.id] = entry
    return doc


def phrases(message: str) -> list[str]:
    """The message's runs of words that hold no digit and no path: what stays the same from one grading to
    the next (run ids, times, line numbers and temporary folders do not)."""
    found, words = [], []
    for word in message.split():
        if any(ch.isdigit() for ch in word) or word.startswith(("/", "'/", '"/', "(/")):
            if words:
                found.append(" ".join(words))
            words = []
        else:
            words.append(word)
    if words:
        found.append(" ".join(words))
    return [phrase for phrase in found if len(phrase) > 3]


def differences(golden: dict, report: Report) -> list[str]:
    """How a grading differs from its golden record, one line each (none: it matches)."""
    out = []
    if golden.get("passed") != report.passed:
        out.append(f"passed is {report.passed}, golden says {golden.get('passed')}")
    criteria = {c.id: c.status for c in report.criteria}
    for criterion_id, status in golden.get("criteria", {}).items():
        if criteria.get(criterion_id) != status:
            out.append(f"criterion {criterion_id} is {criteria.get(criterion_id)}, golden says {status}")
    checks = {k.id: k for c in report.criteria for k in c.checks}
    for check_id, want in golden.get("checks", {}).items():
        got = checks.get(check_id)
        out += [f"check {check_id}: not in the report"] if got is None else _check_differences(check_id, want, got)
    return out


def _check_differences(check_id: str, want: dict, got: CheckResult) -> list[str]:
    out = []
    if got.status != want["status"]:
        out.append(f"check {check_id} is {got.status}, golden says {want['status']}: {got.message[:200]}")
    for phrase in want.get("message_contains", ()):
        if phrase not in got.message:
            out.append(f"check {check_id}'s message lacks {phrase!r}: {got.message[:200]}")
    for phrase in want.get("message_lacks", ()):
        if phrase in got.message:
            out.append(f"check {check_id}'s message says {phrase!r}: {got.message[:200]}")
    for phrase in want.get("hint_contains", ()):
        if phrase not in (got.hint or ""):
            out.append(f"check {check_id}'s hint lacks {phrase!r}: {(got.hint or '')[:200]}")
    if "line" in want and got.line != want["line"]:
        out.append(f"check {check_id} points at line {got.line}, golden says {want['line']}")
    return out


def write(fixture: Path, report: Report, timeout: float = DEFAULT_TASK_TIMEOUT) -> Path:
    path = golden_path(fixture)
    write_atomically(path, json.dumps(of(report, timeout, read(fixture)), indent=2, ensure_ascii=False) + "\n")
    return path
