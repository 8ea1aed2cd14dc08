"""quiz: the understanding criterion, met by passing `exercise quiz`; it never affects the verdict."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import passed, pending


def check(sub: Submission) -> CheckResult:
    if sub.quiz_passed:
        return passed("quiz passed")
    return pending("take the quiz with `exercise quiz` to show you understand the pattern")
