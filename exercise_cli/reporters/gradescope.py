"""Gradescope's results.json: a test per criterion, each worth its weight, partial credit by criterion."""

from __future__ import annotations

import json

from exercise_cli.results import Report


def render_gradescope(report: Report, titles: dict[str, str], weights: dict[str, float] | None = None) -> str:
    weights = weights or {}
    tests = []
    for criterion in report.criteria:
        if not criterion.counts:
            continue
        weight = weights.get(criterion.id, 1.0)
        lines = []
        for check in criterion.checks:
            where = f" ({check.file}:{check.line})" if check.file and check.line else ""
            lines.append(f"[{check.status}] {titles.get(check.id, check.id)}: {check.message}{where}")
            if check.status == "failed" and check.hint:
                lines.append(f"    hint: {check.hint}")
        tests.append({
            "name": criterion.title,
            "score": weight if criterion.status == "passed" else 0.0,
            "max_score": weight,
            "status": "passed" if criterion.status == "passed" else "failed",
            "output": "\n".join(lines),
            "visibility": "visible",
        })
    earned, total = report.score(weights)
    doc = {
        "score": earned,
        "max_score": total,
        "execution_time": round(report.seconds, 2),
        "output": f"Exercise {report.exercise} graded in {report.mode} mode: {'passed' if report.passed else 'not yet passed'}",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(doc, indent=2)
