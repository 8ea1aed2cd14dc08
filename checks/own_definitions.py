"""own_definitions: every graded DAG, each of its tasks and the function each task runs is defined in the
learner's own files (facts.DefinedDag, DefinedTask, read from the source's syntax tree on the trusted side).

Airflow only says which file a DAG came from; a file can make a DAG from code that is not in it (exec of a
string, compile() of another file's text). Such a DAG earns nothing, and this check says why."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._definitions import dag_definitions_anywhere, function_defined, task_definitions
from ._support import failed, join_and, passed

ELSEWHERE = ("its code is not in your file (run from a string with exec(), compiled from another file's text, "
             "or made elsewhere): a DAG earns credit only where your own code defines it")
HINT = "Write the DAG in your file: a @dag(...) function you call, or `with DAG(...)`, with its tasks in it."


def check(sub: Submission) -> CheckResult:
    graded = sub.found()
    for _, dag in graded:
        file = sub.dag_file(dag)
        if not dag_definitions_anywhere(sub.source, dag.fileloc, dag.dag_id):
            return failed(f"DAG {dag.dag_id} was loaded from {file}, but no DAG(...) call or called @dag function "
                          f"there or in your other files gives that id: {ELSEWHERE}", hint=HINT, file=file)
        loaded = sub.loaded.get(dag.dag_id)
        for task in loaded.tasks if loaded is not None else ():
            if not task_definitions(sub.source, task.task_id):
                return failed(f"task {task.task_id} of DAG {dag.dag_id} is defined nowhere in your files (no @task "
                              f"function or task_id=... gives that id): {ELSEWHERE}", hint=HINT, file=file)
            outcome = _code_of(sub, dag.dag_id, task, file)
            if outcome is not None:
                return outcome
    if not graded:
        return passed("no exercise DAG loaded yet")
    return passed(f"{join_and([dag.dag_id for _, dag in graded])}: defined in your files, with every task")


def _code_of(sub: Submission, dag_id: str, task, file: str | None) -> CheckResult | None:
    """A task's function must be a def of the submission, at the line its code object starts on (as the parse
    child says; a claim checked against the syntax tree). A library's function is not the learner's code,
    but credits nothing either."""
    what = f"task {task.task_id} of DAG {dag_id} runs {task.function or 'a function'}()"
    if task.code_in in ("library", ""):  # "": no code object (a functools.partial, a callable object)
        return None
    if task.code_in == "elsewhere":
        return failed(f"{what}, whose code comes from {task.code_file[:200]!r}, not from your files: {ELSEWHERE}",
                      hint=HINT, file=file)
    if task.function is not None and not function_defined(sub.source, task.function):
        return failed(f"{what}, which no def in your files defines: {ELSEWHERE}", hint=HINT, file=file)
    if task.code_in == "submission" and task.function is not None:
        name = task.function.rsplit(".", 1)[-1]
        if (task.code_file, name, task.code_line) not in sub.source.functions_at:
            shown = sub.learner_path(task.code_file)
            return failed(f"{what}, whose code says it starts on line {task.code_line} of {shown}, where your file "
                          f"defines no {name}: {ELSEWHERE}", hint=HINT, file=shown, line=task.code_line)
        written = sub.source.code_at.get((task.code_file, name, task.code_line))
        if task.code_fingerprint and written is not None and written != task.code_fingerprint:
            shown = sub.learner_path(task.code_file)
            return failed(f"{what}, whose code says it starts on line {task.code_line} of {shown}, but that is not the "
                          f"code your file has at that line: {ELSEWHERE}",
                          hint=HINT, file=shown, line=task.code_line)
    return None
