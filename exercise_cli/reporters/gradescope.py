"""Gradescope's results.json: a test per counted criterion, each worth its weight.

Fields as Gradescope's autograder specification names them: top-level `score`,
`execution_time`, `output` (the verdict line), `output_format`, `visibility`; per test `name`,
`score`, `max_score`, `status` ("passed"/"failed"), `output` (that criterion's checklist in
Markdown), `output_format`, `visibility`.
"""

from __future__ import annotations

import json

from exercise_cli.results import CriterionResult, Report

_MARK = {"passed": "✔", "failed": "✘", "skipped": "○", "pending": "…"}


def render_gradescope(report: Report, weights: dict[str, float] | None = None,
                      include_quiz: bool = False) -> str:
    weights = weights or {}
    tests = []
    earned = total = 0.0
    for criterion in report.criteria:
        if not criterion.counts and not (include_quiz and criterion.id == "understanding"):
            continue
        weight = weights.get(criterion.id, 1.0)
        score = weight if criterion.status == "passed" else 0.0
        earned, total = earned + score, total + weight
        tests.append({
            "name": criterion.title,
            "score": score,
            "max_score": weight,
            "status": "passed" if criterion.status == "passed" else "failed",
            "output": _markdown(criterion),
            "output_format": "md",
            "visibility": "visible",
        })
    verdict = "passed" if report.passed else "not yet passed"
    doc = {
        "score": earned,
        "execution_time": round(report.seconds, 2),
        "output": f"Exercise {report.exercise}: {verdict} ({earned:g}/{total:g}), graded in {report.mode} mode, "
                  f"isolation: {report.isolation}",
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _markdown(criterion: CriterionResult) -> str:
    lines = []
    for check in criterion.checks:
        where = f" (`{check.file}:{check.line}`)" if check.file and check.line else f" (`{check.file}`)" if check.file else ""
        lines.append(f"- {_MARK[check.status]} **{check.title or check.id}**{where}: {check.message}")
        if check.status == "failed" and check.hint:
            lines.append(f"  - hint: {check.hint}")
    return "\n".join(lines)
