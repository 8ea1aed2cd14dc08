"""The learner's DAG folder as Airflow parsed it in the sandboxed parse child, in the learner's paths.

The trusted side only reads what the child sent (validated in exercise_cli/untrusted/parse.py)
and deserializes the DAGs into the scheduler's view of them, Airflow's SerializedDAG.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from exercise_cli.course import Course
from exercise_cli.exits import ended, last_line
from exercise_cli.facts import ParseFailure, Submission
from exercise_cli.trusted.protocol import PARSE_TIMEOUT_HINT, Job
from exercise_cli.untrusted.jail import Jail
from exercise_cli.untrusted.parse import parse_in_child


def load_submission(job: Job, course: Course, jail: Jail | None, meanwhile: Callable[[], None] | None = None) -> Submission:
    from airflow.serialization.serialized_objects import DagSerialization

    learner = dict(job.learner_paths)
    parsed = parse_in_child(job.dags_folder, jail, timeout=max(1.0, job.deadline - time.time()), meanwhile=meanwhile)
    sub = Submission(
        course=course,
        files=sorted(learner.values()),
        dags={},
        import_errors={learner.get(p, p): without_home(t, learner) for p, t in parsed.import_errors.items()},
        warnings={learner.get(p, p): [without_home(w, learner) for w in ws] for p, ws in parsed.warnings.items()},
        learner_paths=learner,
        mode=job.mode,
        quiz_passed=job.quiz_passed,
        duplicate_dag_ids={d: sorted(learner.get(f, f) for f in fs) for d, fs in parsed.duplicates.items()},
        dags_folder=job.dags_folder,
        copied_import_errors=parsed.import_errors,
    )
    sub.not_utf8 = {learner[p]: where for p in learner if (where := _first_bad_byte(p)) is not None}
    if parsed.stopped:
        sub.parse_failure = _failure(parsed, job, learner)
        return sub
    for dag_id, data in parsed.dags.items():
        try:
            sub.dags[dag_id] = DagSerialization.from_dict(data)
            sub.serialized[dag_id] = data
        except Exception as exc:  # Airflow's schema passed, its deserializer did not: refuse that DAG
            sub.import_errors.setdefault(learner.get(data["dag"].get("fileloc"), job.dags_folder),
                                         f"the grader could not read back DAG {dag_id}: {type(exc).__name__}: {exc}")
    return sub


def _failure(parsed, job: Job, learner: dict[str, str]) -> ParseFailure:
    file = sorted(learner.values())[0] if len(learner) == 1 else None
    if parsed.stopped == "timeout":
        return ParseFailure(
            f"timed out after {job.timeout:g} s while importing your DAG files; all its processes were killed",
            PARSE_TIMEOUT_HINT,
            file,
        )
    if parsed.stopped == "result":
        return ParseFailure("the process importing your DAG files sent back something that is not Airflow's parse "
                            f"result ({parsed.refused})", "Does your file change Python's json module or print to fd 3?", file)
    status = parsed.exit_status or 0
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status)
    death = ended(code)
    message = (f"the process importing your DAG files {death} while importing your DAG files: your DAG file "
               "ended the process as Airflow imported it (os._exit(), a crash in C code, ...)")
    last = last_line(without_home(parsed.output_tail, learner))
    if last:
        message += f"; last output: {last}"
    return ParseFailure(message, "", file)


def _first_bad_byte(path: str) -> tuple[int, str] | None:
    """(line, the byte) of the first byte that is not UTF-8 in a file, or None."""
    data = open(path, "rb").read()
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        return data[:exc.start].count(b"\n") + 1, f"0x{data[exc.start]:02x}"


def without_home(text: str, learner: dict[str, str]) -> str:
    """Airflow's texts name the copies in the throwaway folder; name the learner's files instead."""
    for copied, shown in sorted(learner.items(), key=lambda item: -len(item[0])):
        text = text.replace(copied, shown)
    return text
