"""files_import: every DAG file imports without errors (Airflow's DagBag import errors)."""

from __future__ import annotations

import ast
import re

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import not_a_cron
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
    hint = sub.exercise.airflow3_fix(text)
    definitions = [d for copy, learner in sub.learner_paths.items() if learner == file for d in sub.source.of(copy).dags]
    keyword = _UNEXPECTED_KEYWORD.search(text)
    if keyword:  # the call at the bottom of the file is where Python raised it; the keyword is in the @dag(...)
        line = next((d.keyword_lines[keyword[1]] for d in definitions if keyword[1] in d.keyword_lines), line)
        frame_file = frame_file or (file if line else None)
    elif "AirflowTimetableInvalid" in text:  # raised while Airflow validated the DAG: no frame of the learner's
        bad = [(d, schedule) for d in definitions if (schedule := _string(d.keyword_texts.get("schedule")))
               and not_a_cron(schedule)]
        if bad:
            definition, schedule = bad[0]
            frame_file, line = file, definition.keyword_lines["schedule"]
            message += f" schedule={schedule!r} is neither a cron expression nor a preset"
            hint = hint or (f'A schedule string is a cron expression of five fields, such as "0 * * * *", or a preset '
                            f'such as "@hourly" or "@daily"; {schedule!r} is neither.')
    if more:
        message += f" (and {more} other file{'s' if more > 1 else ''})"
    return failed(message, hint=hint, file=file, line=line if frame_file else None)


_UNEXPECTED_KEYWORD = re.compile(r"unexpected keyword argument '(\w+)'")


def _string(written: str | None) -> str | None:
    """A keyword written as a string literal (source_facts keeps it as its repr), else None."""
    try:
        value = ast.literal_eval(written) if written else None
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None
