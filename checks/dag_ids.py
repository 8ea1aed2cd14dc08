"""dag_ids: both DAG ids exist, each defined once; near misses get a did-you-mean."""

from __future__ import annotations

from ._support import Outcome, Submission, did_you_mean, failed, first_todo_line, passed


def check(sub: Submission) -> Outcome:
    course = sub.course
    wanted = (course.producer_dag_id, course.consumer_dag_id)
    for dag_id, files in sub.duplicate_dag_ids.items():
        lines = _definition_lines(sub, dag_id)
        where = f"lines {', '.join(map(str, lines))}" if len(lines) > 1 else ", ".join(files)
        times = max(len(lines), len(files))
        return failed(
            f"DAG id {dag_id!r} is defined {times} times ({where}); Airflow keeps only one of them",
            hint=f"Give each DAG its own id: dag_id=\"{course.producer_dag_id}\" and dag_id=\"{course.consumer_dag_id}\".",
            file=files[0],
            line=lines[1] if len(lines) > 1 else None,
        )
    for file, text in sub.import_errors.items():
        if "AirflowDagDuplicatedIdException" in text or "DAG ID" in text and "already" in text:
            return failed(f"a DAG id is defined twice: {text.strip().splitlines()[-1]}", file=file)
    if not sub.dags:
        if sub.import_errors:
            return failed("no DAGs loaded: your file does not import (see the first check)")
        file = sub.files[0] if sub.files else None
        line = first_todo_line(file) if file else None
        return failed(
            "no DAGs yet: start with the first TODO",
            hint="Work through the TODOs in order; `exercise hint` reveals the statement's hints one at a time.",
            file=file,
            line=line,
        )
    found = sorted(sub.dags)
    missing = [dag_id for dag_id in wanted if dag_id not in sub.dags]
    if not missing:
        return passed(f"found {wanted[0]} and {wanted[1]}")
    parts = []
    for dag_id in missing:
        near = did_you_mean(dag_id, [d for d in found if d not in wanted])
        if near:
            dag = sub.dags[near]
            return failed(
                f"DAG id {near!r} found, wanted {dag_id!r}: did you mean {dag_id!r}?",
                hint=f'dag_id="{dag_id}"',
                file=sub.dag_file(dag),
                line=sub.dag_line(dag, "dag_id"),
            )
        parts.append(dag_id)
    return failed(f"missing DAG id(s) {', '.join(parts)}; found {', '.join(found)}")


def _definition_lines(sub: Submission, dag_id: str) -> list[int]:
    import ast
    from pathlib import Path

    lines = []
    for copied in sub.learner_paths:
        try:
            tree = ast.parse(Path(copied).read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "dag_id" and getattr(node.value, "value", None) == dag_id:
                lines.append(node.value.lineno)
    return sorted(lines)
