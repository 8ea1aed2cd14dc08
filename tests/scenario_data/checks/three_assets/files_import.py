"""The test course's import check: every file imported (the check a run stopped before any phase fails)."""

from exercise_cli.results import CheckResult


def check(sub) -> CheckResult:
    if sub.import_errors:
        file, text = next(iter(sub.import_errors.items()))
        return CheckResult("", "failed", f"{file}: {text.strip().splitlines()[-1]}")
    return CheckResult("", "passed", f"{len(sub.dags)} DAG(s) loaded")
