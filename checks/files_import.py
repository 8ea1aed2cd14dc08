"""files_import: every DAG file imports without errors (Airflow's DagBag import errors)."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._errors import exception_line, last_frame_in
from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    result = _check(sub)
    if sub.skipped:
        result.message += (f"; not graded: {', '.join(sub.skipped)} (symbolic links and special files are skipped, "
                           "never followed)")
    return result


def _check(sub: Submission) -> CheckResult:
    for file, (line, byte) in sub.not_utf8.items():
        return failed(f"not UTF-8: byte {byte} on line {line}; Python reads source files as UTF-8",
                      hint="Save the file as UTF-8 (your editor's encoding setting), or remove the character.",
                      file=file, line=line)
    if sub.parse_failure is not None:
        failure = sub.parse_failure
        return failed(failure.message, hint=failure.hint or None, file=failure.file)
    for file, line, why in sub.refused_locations:
        return failed(why, hint="Leave __file__ as Python sets it: a DAG's file is the file Airflow parses.", file=file, line=line)
    if not sub.import_errors:
        count = len(sub.files)
        return passed(f"{count} file{'s' if count != 1 else ''} imported by Airflow's DagBag, {len(sub.dags)} DAG(s) found")
    file, text = next(iter(sub.import_errors.items()))
    frame_file, line = last_frame_in(text, set(sub.learner_paths) | set(sub.files))
    more = len(sub.import_errors) - 1
    message = f"Airflow could not import this file: {exception_line(text)}"
    if more:
        message += f" (and {more} other file{'s' if more > 1 else ''})"
    return failed(message, hint=sub.exercise.airflow3_fix(text), file=file, line=line if frame_file else None)
