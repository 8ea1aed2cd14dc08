"""What the learner's code says, as the checks ask it: read from the Submission's SourceFacts, which
the trusted side gathered once from the files when it loaded the submission (exercise_cli/grading_process/source_facts.py).
No check opens a file."""

from __future__ import annotations

from exercise_cli.facts import Submission

TRIGGERING_EVENTS = "triggering_asset_events"
AIRFLOW2_TRIGGERING_EVENTS = "triggering_dataset_events"


def task_reads(sub: Submission, task, key: str = TRIGGERING_EVENTS) -> set[str]:
    """Which of the context keys `key` and Airflow 2's triggering events a task's code reads (its function,
    its templates)."""
    code = sub.task_code(task)
    names = set(code.reads) if code is not None else set()
    for field in getattr(task, "template_fields", ()):
        value = getattr(task, field, None)
        if isinstance(value, str):
            names.update(word for word in (key, AIRFLOW2_TRIGGERING_EVENTS) if word in value)
    return names & {key, AIRFLOW2_TRIGGERING_EVENTS}


def imported_names(sub: Submission, path: str | None, module_prefix: str) -> dict[str, int]:
    """Names a file imports from modules starting with `module_prefix`, with their lines."""
    found: dict[str, int] = {}
    for module, name, line in sub.source.of(path).imports:
        if module.startswith(module_prefix):
            found.setdefault(name, line)
    return found


def literal_line(sub: Submission, path: str | None, value: str) -> int | None:
    """The first line of a file that has this string constant."""
    return sub.source.of(path).literals.get(value)


def module_asset_line(sub: Submission, path: str | None) -> int | None:
    """The line of a module-level `name = Asset(...)` (the starter's first step), or None."""
    return sub.source.of(path).asset_line
