"""The learner's DAG folder as Airflow parsed it in the sandboxed parse child, in the learner's paths.

The trusted side only reads what the child sent (validated in exercise_cli/sandbox/parse.py)
and deserializes the DAGs into the scheduler's view of them, Airflow's SerializedDAG. A DAG's
file location is never taken from the child: as Airflow's DAG processor does, it is the copy
Airflow was asked to parse, checked against this side's own list of copies, and a DAG that
claims any other file (its module reassigned __file__) is refused with an import error. That
location is what the grading process later opens (DAG code, lines for messages) and what each
task child is told to run.
"""

from __future__ import annotations

import ast
import os
import time
from typing import Callable

from exercise_cli.regular_file import MAX_BYTES, regular_file_bytes
from exercise_cli.course import Exercise
from exercise_cli.exits import ended, last_line
from exercise_cli.facts import ParseFailure, Submission
from exercise_cli.protocol import PARSE_TIMEOUT_HINT, Job
from exercise_cli.grading_process.loaded_shapes import loaded_dag
from exercise_cli.grading_process.source_facts import gather, source_encoding, syntax_tree, with_definitions_anywhere
from exercise_cli.sandbox.jail import Jail
from exercise_cli.sandbox.parse import parse_in_child


def load_submission(job: Job, course: Exercise, jail: Jail | None, meanwhile: Callable[[], None] | None = None) -> Submission:
    from airflow.serialization.serialized_objects import DagSerialization

    learner = dict(job.learner_paths)
    parsed = parse_in_child(job.dags_folder, jail, timeout=max(1.0, job.deadline - time.time()), meanwhile=meanwhile)
    sub = Submission(
        exercise=course,
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
    sub.skipped = list(job.skipped or [])
    _keep_own_files(sub, learner)
    if parsed.stopped:
        sub.parse_failure = _failure(parsed, job, learner)
        sub.source = gather(learner)
        return sub
    for dag_id, data in parsed.dags.items():
        if not _located(sub, dag_id, data, parsed.parsed_from.get(dag_id), job.dags_folder):
            continue
        try:
            sub.dags[dag_id] = DagSerialization.from_dict(data)
            sub.serialized[dag_id] = data
            sub.loaded[dag_id] = loaded_dag(sub.dags[dag_id], data, parsed.code_lines.get(dag_id), learner)
        except Exception as exc:  # Airflow's schema passed, its deserializer did not: refuse that DAG
            sub.import_errors.setdefault(learner.get(data["dag"].get("fileloc"), job.dags_folder),
                                         f"the grader could not read back DAG {dag_id}: {type(exc).__name__}: {exc}")
    defining = {d.fileloc for d in sub.dags.values()} | {f for fs in parsed.duplicates.values() for f in fs if f in learner}
    # What the checks read of the files that define DAGs (of all, while none does), and the tasks and functions of all.
    sub.source = with_definitions_anywhere(gather(defining or learner), learner)
    return sub


def _keep_own_files(sub: Submission, learner: dict[str, str]) -> None:
    """Drop the child's claims about files that are not copies of the submission (they name nothing to read)."""
    shown = set(learner.values())
    own = {dag_id: [f for f in files if f in shown] for dag_id, files in sub.duplicate_dag_ids.items()}
    sub.duplicate_dag_ids = {dag_id: files for dag_id, files in own.items() if files}
    sub.warnings = {f: ws for f, ws in sub.warnings.items() if f in shown}
    first = sorted(learner)[0] if learner else None
    for copied, text in list(sub.copied_import_errors.items()):
        if copied not in learner and first is not None:  # keep the error, under a file of the submission
            del sub.copied_import_errors[copied]
            del sub.import_errors[learner.get(copied, copied)]
            sub.copied_import_errors.setdefault(first, text)
            sub.import_errors.setdefault(learner[first], without_home(text, learner))


def _located(sub: Submission, dag_id: str, data: dict, parsed_from: str | None, dags_folder: str) -> bool:
    """Set the DAG's file to the copy Airflow parsed it from; False (and an import error) if it claims another."""
    learner = sub.learner_paths
    claimed = data["dag"].get("fileloc")
    if parsed_from in learner and claimed == parsed_from:
        data["dag"]["fileloc"] = parsed_from
        data["dag"]["relative_fileloc"] = os.path.relpath(parsed_from, dags_folder)
        return True
    copy = parsed_from if parsed_from in learner else min(learner, default=None)
    if copy is None:
        return False
    why = (f"DAG {dag_id} claims to be defined in {str(claimed)[:200]!r}, not in this file, which Airflow parsed: "
           "the grader refuses DAGs of a module that reassigns __file__")
    sub.refused_locations.append((learner[copy], _file_assignment_line(copy), why))
    sub.copied_import_errors.setdefault(copy, why)  # the metadata DB records the file as broken, as the UI would show it
    return False


def _file_assignment_line(path: str) -> int | None:
    """The first line that assigns __file__ (`__file__ = ...`, `globals()["__file__"] = ...`), if the file reads."""
    tree = syntax_tree(path)
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Name) and node.id == "__file__" and isinstance(node.ctx, ast.Store):
            return node.lineno
        if isinstance(node, ast.Constant) and node.value == "__file__":
            return node.lineno
    return None


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
    """(line, the byte) of the first byte that is not UTF-8 in a file Python reads as UTF-8, or None.

    A file whose coding line declares another encoding is Python's to decode: Airflow's import
    error then says what it could not."""
    data = regular_file_bytes(path, MAX_BYTES)
    if data is None:
        return None
    try:
        if source_encoding(data) not in ("utf-8", "utf-8-sig"):
            return None
        data.decode("utf-8")
        return None
    except SyntaxError:  # an unknown encoding, or a coding line contradicting the BOM: Airflow's import says so
        return None
    except UnicodeDecodeError as exc:
        return data[:exc.start].count(b"\n") + 1, f"0x{data[exc.start]:02x}"


def without_home(text: str, learner: dict[str, str]) -> str:
    """Airflow's texts name the copies in the throwaway folder; name the learner's files instead."""
    for copied, shown in sorted(learner.items(), key=lambda item: -len(item[0])):
        text = text.replace(copied, shown)
    return text
