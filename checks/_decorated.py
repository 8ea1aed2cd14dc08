"""What the learner's source says about DAGs Airflow did not get: @dag functions never called, the
functions the starter turns into DAGs, and the starter's TODO that brings a DAG id or a keyword.
Read from the Submission's SourceFacts (the trusted side gathered them from the files)."""

from __future__ import annotations

from exercise_cli.facts import Submission, UncalledDag


def uncalled_dags(sub: Submission, path: str | None) -> list[UncalledDag]:
    """Module-level @dag functions the file never calls: Airflow creates a DAG only when one is called."""
    return list(sub.source.of(path).uncalled_dags)


def plain_functions(sub: Submission, path: str | None) -> list[tuple[str, int]]:
    """(name, line) of the module-level functions without a decorator: the starter's DAGs-to-be."""
    return list(sub.source.of(path).plain_functions)


def todo_lines(sub: Submission, path: str | None) -> list[int]:
    """The lines of the starter's `# TODO` comments still in a file."""
    return [todo.line for todo in sub.source.of(path).todos]


def todo_naming(sub: Submission, path: str | None, text: str) -> tuple[int, str] | None:
    """(line, "TODO N") of the first `# TODO` comment (with the comment lines that continue it) that mentions
    `text`: the starter names in each TODO the DAG id or the keyword that step adds."""
    for todo in sub.source.of(path).todos:
        if any(text in line for line in todo.lines):
            return todo.line, todo.name
    return None
