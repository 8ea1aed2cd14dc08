"""airflow3_imports: no Airflow 2 import paths (they fail or are deprecated in Airflow 3)."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._errors import last_frame_in
from ._source import imported_names
from ._support import failed, passed, skipped

_AIRFLOW2_MARKERS = ("DeprecatedImportWarning", "airflow.datasets", "airflow.decorators", "schedule_interval")


def check(sub: Submission) -> CheckResult:
    for file, text in sub.import_errors.items():
        fix = sub.exercise.airflow3_fix(text)
        if fix and any(marker in text for marker in _AIRFLOW2_MARKERS):
            _, line = last_frame_in(text, set(sub.learner_paths) | set(sub.files))
            return failed(f"an Airflow 2 API breaks the import of {file}", hint=fix, file=file, line=line)
    for file, texts in sub.warnings.items():
        for text in texts:
            if "Deprecat" in text:
                fix = sub.exercise.airflow3_fix(text)
                _, line = _warning_line(text)
                return failed(f"deprecated import: {_first_sentence(text)}", hint=fix, file=file, line=line)
    for copied, file in sub.learner_paths.items():
        line = imported_names(sub, copied, "airflow").get("Dataset")
        if line is not None:
            return failed(
                "Dataset is imported: Airflow 2's name for an Asset",
                hint=sub.exercise.airflow3_fix("Dataset"),
                file=file,
                line=line,
            )
    if not sub.dags and not any(imported_names(sub, copied, "airflow") for copied in sub.learner_paths):
        return skipped("no Airflow import in your files yet: nothing to check")
    return passed("only Airflow 3 APIs (airflow.sdk) in use")


def _warning_line(text: str) -> tuple[str | None, int | None]:
    # Airflow's captured warnings read "<file>:<line>: <Category>: <message>".
    head, _, _ = text.partition(": ")
    file, _, line = head.rpartition(":")
    return (file or None, int(line)) if line.isdigit() else (None, None)


def _first_sentence(text: str) -> str:
    _, _, rest = text.partition(": ")
    rest = rest.split("airflow.utils.deprecation_tools.DeprecatedImportWarning: ")[-1]
    return rest.strip().split("\n")[0]


