"""Grading results as plain records. Reporters render them; the verdict and exit code derive from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from exercise_cli.course import Exercise, load_exercise
from exercise_cli.learner_text import clean

Status = Literal["passed", "failed", "skipped", "pending"]
Mode = Literal["static", "full", "live"]

# The results JSON's version: 1 is what reports without a "version" field were (5.1 only, before
# exercises had ids in the course); 2 adds "version" itself. `exercise report` reads both.
REPORT_VERSION = 2

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
            "version": REPORT_VERSION,
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


STATUSES = ("passed", "failed", "skipped", "pending")
MODES = ("static", "full", "live")
MAX_REPORT_BYTES = 8 * 1024 * 1024  # a real report is a few KiB, a hundred with long messages
_MAX_CRITERIA = 100
_MAX_CHECKS = 200  # per criterion


def report_from_dict(doc: object) -> Report:
    """A report read back from `exercise check --json`; ValueError (saying where) if it is not one.

    A report file is foreign data: every field the reporters use is checked for its type and
    value, unknown fields are ignored, and every text is cleaned as learner text is.
    """
    top = _object(doc, "the report")
    version = top.get("version", 1)
    if type(version) is not int or version < 1:
        raise ValueError("the report's version is not a whole number")
    if version > REPORT_VERSION:
        raise ValueError(f"it is a version {version} report, written by a newer `exercise` (this one reads up to "
                         f"{REPORT_VERSION}): upgrade it")
    criteria = []
    for i, item in enumerate(_list(top, "criteria", "the report", _MAX_CRITERIA)):
        where = f"criteria[{i}]"
        c = _object(item, where)
        checks = []
        for j, check_item in enumerate(_list(c, "checks", where, _MAX_CHECKS)):
            check_where = f"{where}.checks[{j}]"
            check = _object(check_item, check_where)
            line = check.get("line")
            if line is not None and (type(line) is not int or not 0 <= line <= 10**9):
                raise ValueError(f"{check_where}.line is not a line number")
            checks.append(CheckResult(
                _text(check, "id", check_where), _status(check, check_where), _text(check, "message", check_where),
                _text(check, "hint", check_where, required=False), _text(check, "file", check_where, required=False) or None,
                line, _text(check, "title", check_where, required=False),
            ))
        # The oldest 5.1 reports had no `counts`: their one unscored criterion was the quiz's.
        counts = c.get("counts", not (version == 1 and c.get("id") == "understanding"))
        if type(counts) is not bool:
            raise ValueError(f"{where}.counts is not true or false")
        criteria.append(CriterionResult(_text(c, "id", where), _text(c, "title", where), _status(c, where), counts, checks))
    mode = _text(top, "mode", "the report")
    if mode not in MODES:
        raise ValueError(f"the report's mode is not one of {', '.join(MODES)}")
    isolation = _text(top, "isolation", "the report", required=False) or "process"
    isolation = {"sandbox": "namespaces"}.get(isolation, isolation)  # reports written before the tiers had names
    exercise = _known_exercise(_text(top, "exercise", "the report"))
    report = Report(_text(top, "exercise", "the report"), mode, criteria,  # type: ignore[arg-type]
                    isolation=isolation,
                    title=_text(top, "title", "the report", required=False) or (exercise.title if exercise else ""))
    titles = {check.id: check.title for check in exercise.checks} if exercise else {}
    for criterion in report.criteria:
        for check in criterion.checks:
            check.title = check.title or titles.get(check.id, check.id)  # reports written before titles travelled
    return report


def _known_exercise(exercise_id: str) -> Exercise | None:
    """The course's exercise a report names (for titles older reports lack), if this course has it."""
    from exercise_cli.course import CourseError

    try:
        return load_exercise(exercise_id)
    except CourseError:
        return None


def _object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not a JSON object")
    return value


def _list(doc: dict, key: str, where: str, most: int) -> list:
    value = doc.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{where} has no list {key!r}")
    if len(value) > most:
        raise ValueError(f"{where} has {len(value)} {key}; a report has at most {most}")
    return value


def _text(doc: dict, key: str, where: str, required: bool = True) -> str:
    value = doc.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where}.{key} is not a text")
    return clean(value)


def _status(doc: dict, where: str) -> Status:
    status = doc.get("status")
    if status not in STATUSES:
        raise ValueError(f"{where}.status is not one of {', '.join(STATUSES)}")
    return status  # type: ignore[return-value]


def criterion_status(checks: list[CheckResult]) -> Status:
    statuses = {check.status for check in checks}
    for status in ("failed", "pending", "skipped"):
        if status in statuses:
            return status  # type: ignore[return-value]
    return "passed"


def build_report(course: Exercise, mode: Mode, by_id: dict[str, CheckResult]) -> Report:
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
