"""Gradescope's results.json: a test per counted criterion, each worth its weight.

Fields as Gradescope's autograder specification names them: top-level `score`,
`execution_time`, `output` (the verdict line), `output_format`, `visibility`; per test `name`,
`score`, `max_score`, `status` ("passed"/"failed"), `output` (that criterion's checklist in
Markdown), `output_format`, `visibility`.
"""

from __future__ import annotations

import json
import re

from exercise_cli.learner_text import visible
from exercise_cli.results import CriterionResult, Report

_MARK = {"passed": "✔", "failed": "✘", "skipped": "○", "pending": "…"}


def render_gradescope(report: Report, weights: dict[str, float] | None = None,
                      include_unscored: bool = False) -> str:
    weights = weights or {}
    tests = []
    for criterion in report.criteria:
        if not criterion.counts and not include_unscored:
            continue
        weight = weights.get(criterion.id, 1.0) if criterion.counts else 0.0
        score = weight if criterion.status == "passed" else 0.0
        tests.append({
            "name": criterion.title,
            "score": score,
            "max_score": weight,
            "status": "passed" if criterion.status == "passed" else "failed",
            "output": _markdown(criterion),
            "output_format": "md",
            "visibility": "visible",
        })
    earned, total = report.score(weights)  # the one score, as the checklist and gradebook give it
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
        where = f" ({_code(check.file)}{':' + str(check.line) if check.line else ''})" if check.file else ""
        lines.append(f"- {_MARK[check.status]} **{_text(check.title or check.id)}**{where}: {_text(check.message)}")
        if check.status == "failed" and check.hint:
            lines.append(f"  - hint: {_text(check.hint)}")
    return "\n".join(lines)


# The punctuation that can start Markdown (CommonMark and GitHub's): with each escaped by a
# backslash, no emphasis, link, autolink, image, list item, heading, table or code span can start
# in the text. `&`, `<` and `>` become entities, so no HTML either.
_MARKDOWN = re.compile(r"""([!#$()*+\-.:=@\[\\\]^_`{|}~])""")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _text(text: str) -> str:
    """Text (learner text among it) as Markdown that shows it literally: no markup, no HTML, one list item."""
    escaped = _MARKDOWN.sub(r"\\\1", visible(text))
    escaped = re.sub("[&<>]", lambda m: _HTML[m.group()], escaped)
    return escaped.replace("\n", "\\\n    ")  # a hard line break that stays inside its list item


def _code(text: str) -> str:
    """A code span around `text`, its fence longer than any run of backticks inside it."""
    text = visible(text).replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"
