"""Grading results as plain records. Reporters render them; the verdict and exit code derive from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from exercise_cli.course import Course, load_course

Status = Literal["passed", "failed", "skipped", "pending"]
Mode = Literal["static", "full", "live"]

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass
class CheckResult:
    """One check's result, the one record from the checks through the runner to every reporter."""

    id: str
    status: Status
    message: str
    hint: str = ""  # shown when it failed: the check's own, else the course's
    file: str | None = None
    line: int | None = None
    title: str = ""  # the course's title of the check

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CriterionResult:
    id: str
    title: str
    status: Status
    counts: bool
    checks: list[CheckResult] = field(default_factory=list)


@dataclass
class Report:
    exercise: str
    mode: Mode
    criteria: list[CriterionResult]
    seconds: float = 0.0
    submission: str = ""
    isolation: str = "process"  # the sandbox tier the learner code ran in ("namespaces", "container"), or "process"
    isolation_note: str = ""  # why no stronger tier was used
    title: str = ""  # the exercise's title, from the course

    @property
    def passed(self) -> bool:
        """No counted check failed and, in full and live mode, none was skipped."""
        for criterion in self.criteria:
            if not criterion.counts:
                continue
            for check in criterion.checks:
                if check.status == "failed":
                    return False
                if check.status == "skipped" and self.mode != "static":
                    return False
        return True

    @property
    def exit_code(self) -> int:
        return EXIT_PASSED if self.passed else EXIT_FAILED

    def score(self, weights: dict[str, float] | None = None) -> tuple[float, float]:
        """(points, max points): a counted criterion earns its weight when all its checks passed."""
        earned = total = 0.0
        for criterion in self.criteria:
            if not criterion.counts:
                continue
            weight = (weights or {}).get(criterion.id, 1.0)
            total += weight
            if criterion.status == "passed":
                earned += weight
        return earned, total

    def check(self, check_id: str) -> CheckResult:
        for criterion in self.criteria:
            for check in criterion.checks:
                if check.id == check_id:
                    return check
        raise KeyError(check_id)

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise,
            "title": self.title,
            "mode": self.mode,
            "passed": self.passed,
            "isolation": self.isolation,
            "criteria": [
                {
                    "id": c.id,
                    "title": c.title,
                    "status": c.status,
                    "counts": c.counts,
                    "checks": [check.to_dict() for check in c.checks],
                }
                for c in self.criteria
            ],
        }


def report_from_dict(doc: dict) -> Report:
    """A report read back from `exercise check --json` (ValueError if it is not one)."""
    try:
        criteria = [
            CriterionResult(c["id"], c["title"], c["status"], c.get("counts", c["id"] != "understanding"),
                            [CheckResult(**check) for check in c["checks"]])
            for c in doc["criteria"]
        ]
        report = Report(doc["exercise"], doc["mode"], criteria, isolation=doc.get("isolation", "process"),
                        title=doc.get("title") or load_course().title)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not an `exercise check --json` report ({type(exc).__name__}: {exc})") from None
    titles = {check.id: check.title for check in load_course().checks}
    for criterion in report.criteria:
        for check in criterion.checks:
            check.title = check.title or titles.get(check.id, check.id)  # reports written before titles travelled
    return report


def criterion_status(checks: list[CheckResult]) -> Status:
    statuses = {check.status for check in checks}
    for status in ("failed", "pending", "skipped"):
        if status in statuses:
            return status  # type: ignore[return-value]
    return "passed"


def build_report(course: Course, mode: Mode, by_id: dict[str, CheckResult]) -> Report:
    """Arrange check results in the course's order; a check nobody reported is an internal error."""
    criteria = []
    for spec in course.criteria:
        checks = [
            by_id.get(check.id)
            or CheckResult(check.id, "failed", "the grader produced no result for this check", check.hint)
            for check in spec.checks
        ]
        for result, check in zip(checks, spec.checks):
            result.title = result.title or check.title
        criteria.append(CriterionResult(spec.id, spec.title, criterion_status(checks), spec.counts, checks))
    return Report(exercise=course.id, mode=mode, criteria=criteria, title=course.title)
