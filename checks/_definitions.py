"""Which definitions in the learner's source account for a loaded DAG or task (facts.DefinedDag, DefinedTask)."""

from __future__ import annotations

import re

from exercise_cli.facts import DefinedDag, DefinedTask, FileFacts, SourceFacts

_REPEATED = re.compile(r"__\d+$")  # Airflow's suffix for a task function called again in one DAG: load__1


def dag_definitions(facts: FileFacts, dag_id: str) -> list[DefinedDag]:
    """The definitions in use that give this id: those naming it literally, else those whose pattern matches."""
    in_use = [d for d in facts.defined_dags if d.in_use and re.fullmatch(d.id_pattern, dag_id)]
    literal = [d for d in in_use if d.id_pattern == re.escape(dag_id)]
    return literal or in_use


def dag_definitions_anywhere(source: SourceFacts, fileloc: str | None, dag_id: str) -> list[DefinedDag]:
    """Those of the DAG's own file, else those of any file of the submission (a factory it imports)."""
    return dag_definitions(source.of(fileloc), dag_id) or dag_definitions(FileFacts(defined_dags=source.dags_anywhere), dag_id)


def task_definitions(source: SourceFacts, task_id: str) -> list[DefinedTask]:
    """The definitions of a task id anywhere in the submission (in a task group, by its own part; called again, by
    its first id), those naming it literally first."""
    names = {task_id, _REPEATED.sub("", task_id)}
    names |= {name.rsplit(".", 1)[-1] for name in names}
    matching = [t for t in source.tasks_anywhere if any(re.fullmatch(t.id_pattern, name) for name in names)]
    literal = [t for t in matching if any(t.id_pattern == re.escape(name) for name in names)]
    return literal or matching


def function_defined(source: SourceFacts, qualified_name: str) -> bool:
    """Every function of a qualified name (`producer.<locals>.load`) is a def (or lambda) of the submission."""
    parts = [part for part in qualified_name.split(".") if part != "<locals>"]
    return bool(parts) and all(part in source.functions_anywhere for part in parts)
