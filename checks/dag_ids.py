"""dag_ids: every DAG id of the exercise exists, each defined once; near misses get a did-you-mean."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._decorated import plain_functions, todo_lines, todo_naming, uncalled_dags
from ._source import module_asset_line
from ._support import all_failed, did_you_mean, failed, join_and, passed, skipped


def check(sub: Submission) -> CheckResult:
    wanted = sub.exercise.dag_ids
    for dag_id, files in sub.duplicate_dag_ids.items():
        lines = _definition_lines(sub, dag_id)
        where = f"lines {', '.join(map(str, lines))}" if len(lines) > 1 else ", ".join(files)
        times = max(len(lines), len(files))
        return failed(
            f"DAG id {dag_id!r} is defined {times} times ({where}); Airflow keeps only one of them",
            hint="Give each DAG its own id: " + join_and([f'dag_id="{i}"' for i in wanted]) + ".",
            file=files[0],
            line=lines[1] if len(lines) > 1 else None,
        )
    if not sub.dags:
        return _no_dags_yet(sub)
    found = sorted(sub.dags)
    missing = [dag_id for dag_id in wanted if dag_id not in sub.dags]
    if not missing:
        return passed(f"found {join_and(wanted)}")
    uncalled = _never_called(sub, missing)
    if uncalled is not None:
        return uncalled
    renamed = _renamed(sub, missing)
    if renamed:
        return all_failed([failed(_wrong_id(sub, dag_id, dag), hint=f'dag_id="{dag_id}"', file=sub.dag_file(dag),
                                  line=_id_line(sub, dag)) for dag_id, dag in renamed])
    return _never_called(sub) or _still_to_come(sub, missing, found)


def _renamed(sub: Submission, missing: list[str]) -> list[tuple[str, object]]:
    """(wanted id, the learner's DAG) for each missing id the learner wrote under another id: the DAG found by
    its role, else the closest unclaimed id."""
    wanted = set(sub.exercise.dag_ids)
    specs = {spec.id: spec for spec in sub.exercise.dags.values()}
    pairs: list[tuple[str, object]] = []
    claimed: set[str] = set()
    for dag_id in missing:
        dag = sub.dag(specs[dag_id]) if dag_id in specs else None
        if dag is None:
            near = did_you_mean(dag_id, [d for d in sub.dags if d not in wanted and d not in claimed])
            dag = sub.dags[near] if near else None
        if dag is not None and dag.dag_id not in claimed:
            claimed.add(dag.dag_id)
            pairs.append((dag_id, dag))
    return pairs


def _wrong_id(sub: Submission, dag_id: str, dag) -> str:
    if did_you_mean(dag_id, [dag.dag_id]):
        return f"DAG id {dag.dag_id!r}: did you mean {dag_id!r}?"
    role = next((spec.role for spec in sub.exercise.dags.values() if spec.id == dag_id), "")
    return f"DAG id {dag.dag_id!r} (your {role}, by what it does), wanted {dag_id!r}"


def _id_line(sub: Submission, dag) -> int | None:
    """The line that gives the DAG its id: its dag_id keyword, else the line holding the id's text, else its call."""
    line = sub.dag_line(dag, "dag_id")
    if line is None:
        line = sub.source.of(getattr(dag, "fileloc", None)).literals.get(dag.dag_id)
    return line


def _never_called(sub: Submission, dag_ids: list[str] | None = None) -> CheckResult | None:
    """A @dag function the file never calls (one defining one of `dag_ids`, if given): Airflow has no DAG from it."""
    candidates = [(file, uncalled) for copy, file in sorted(sub.learner_paths.items(), key=lambda item: item[1])
                  for uncalled in uncalled_dags(sub, copy) if dag_ids is None or uncalled.dag_id in dag_ids]
    if not candidates:
        return None
    file, uncalled = candidates[0]
    return failed(f"{uncalled.function} is decorated with @dag (dag_id {uncalled.dag_id!r}) but never called, so Airflow "
                  f"creates no DAG from it: add `{uncalled.function}()` at the bottom of the file",
                  hint=f"Airflow creates a DAG when the decorated function is called: {uncalled.function}()",
                  file=file, line=uncalled.line)


def _still_to_come(sub: Submission, missing: list[str], found: list[str]) -> CheckResult:
    """An id missing: the starter's TODO that adds it, if the file still has it, else what was found."""
    for dag_id in missing:
        for copy, file in sorted(sub.learner_paths.items(), key=lambda item: item[1]):
            todo = todo_naming(sub, copy, f'"{dag_id}"')
            if todo is not None:
                line, name = todo
                taskless = next((dag.dag_id for _, dag in sub.found() if not dag.tasks), None)
                if taskless is not None:  # the starter's next step is that DAG's task: producer_outlet names it
                    return skipped(f"found {', '.join(found)}; no {dag_id} yet: {name} (line {line}) adds it, "
                                   f"once {taskless} has its task")
                return failed(f"found {', '.join(found)}; no {dag_id} yet: {name} (line {line}) adds it",
                              hint="Work through the TODOs in order; `exercise check` credits each one you finish.",
                              file=file, line=line)
    return failed(f"missing DAG id(s) {', '.join(missing)}; found {', '.join(found)}")


def _definition_lines(sub: Submission, dag_id: str) -> list[int]:
    return sorted(line for copied in sub.learner_paths for line in sub.source.of(copied).dag_id_keyword_lines.get(dag_id, []))


def _no_dags_yet(sub: Submission) -> CheckResult:
    """No DAG at all: point at the next step of the starter (its TODOs), or say this is no DAG folder."""
    hint = "Work through the TODOs in order; `exercise hint` reveals the statement's hints one at a time."
    uncalled = _never_called(sub)
    if uncalled is not None:
        return uncalled
    several = len(sub.exercise.assets) > 1
    for copy, file in sorted(sub.learner_paths.items(), key=lambda item: item[1]):
        todos = todo_lines(sub, copy)
        asset_line = module_asset_line(sub, copy)
        if asset_line is not None:
            after = [line for line in todos if line > asset_line]
            plain = [name for name, line in plain_functions(sub, copy) if line > asset_line]
            function = plain[0] if plain else "your first function"
            defined = "the Assets are defined (from" if several else "the Asset is defined (line"
            return failed(f"{defined} {asset_line}); no DAG yet: next, turn {function} into a DAG "
                          "with @dag(...)", hint=hint, file=file, line=after[0] if after else None)
        if todos:
            return failed(f"no DAGs yet: start with the first TODO, the Asset{'s' if several else ''}", hint=hint,
                          file=file, line=todos[0])
    count = len(sub.files)
    if not count:  # live mode: the deployment lists no DAG with either id, nor a close one
        ids = sub.exercise.dag_ids
        return failed(f"no DAG {' or '.join(ids) if len(ids) < 3 else ', '.join(ids[:-1]) + ' or ' + ids[-1]}, "
                      "nor one with a close id",
                      hint="Put your DAG file in the DAG folder Airflow reads, then wait for it to be parsed.")
    return failed(f"none of the {count} .py file{'s' if count != 1 else ''} defines a DAG, and none has the starter's TODOs",
                  hint="Is this your DAG folder? `exercise init DIR` writes the starter into DIR.")
