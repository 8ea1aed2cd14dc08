"""The exercise's metadata, read from data/exercise.toml: the one place ids, titles and hints live."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import tomllib


@dataclass(frozen=True)
class CheckSpec:
    id: str
    kind: str  # "static", "dynamic" or "quiz"
    title: str
    hint: str
    requires: tuple[str, ...] = ()  # the checks that must pass first (the course file: one id or a list)
    needs: str | None = None  # "producer", "consumer" or "either": the DAG the check is about
    phase: str | None = None  # dynamic checks: the step of the run that decides them


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    title: str
    checks: tuple[CheckSpec, ...]
    counts: bool = True  # False: never affects the verdict (the quiz)


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    statement: str
    starter: str
    solution: str
    producer_dag_id: str
    consumer_dag_id: str
    asset_uri: str
    asset_variable: str
    start_date: str
    producer_tags: tuple[str, ...]
    consumer_tags: tuple[str, ...]
    consumer_message: str
    criteria: tuple[CriterionSpec, ...]
    airflow2_habits: tuple[tuple[str, str], ...] = ()

    def airflow3_fix(self, text: str) -> str | None:
        """The Airflow 3 fix for the first Airflow 2 habit that `text` shows, if any."""
        for found, fix in self.airflow2_habits:
            if found in text:
                return fix
        return None

    @property
    def checks(self) -> tuple[CheckSpec, ...]:
        return tuple(check for criterion in self.criteria for check in criterion.checks)

    def check_for_phase(self, phase: str) -> CheckSpec:
        """The check a run stopped in `phase` fails: the phase's first check; before any run, the import."""
        for check in self.checks:
            if check.phase == phase:
                return check
        return self.check("files_import")

    def check(self, check_id: str) -> CheckSpec:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)


def _parse(raw: dict) -> Course:
    criteria = tuple(
        CriterionSpec(
            id=c["id"],
            title=c["title"],
            counts=c.get("counts", True),
            checks=tuple(
                CheckSpec(
                    id=k["id"],
                    kind=k["kind"],
                    title=k["title"],
                    hint=k["hint"],
                    requires=_ids(k.get("requires")),
                    needs=k.get("needs"),
                    phase=k.get("phase"),
                )
                for k in c["checks"]
            ),
        )
        for c in raw["criteria"]
    )
    return Course(
        id=raw["id"],
        title=raw["title"],
        statement=raw["statement"],
        starter=raw["starter"],
        solution=raw["solution"],
        producer_dag_id=raw["producer_dag_id"],
        consumer_dag_id=raw["consumer_dag_id"],
        asset_uri=raw["asset_uri"],
        asset_variable=raw["asset_variable"],
        start_date=raw["start_date"],
        producer_tags=tuple(raw["producer_tags"]),
        consumer_tags=tuple(raw["consumer_tags"]),
        consumer_message=raw["consumer_message"],
        criteria=criteria,
        airflow2_habits=tuple((h["found"], h["fix"]) for h in raw.get("airflow2_habits", [])),
    )


def _ids(value: str | list[str] | None) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


@cache
def load_course() -> Course:
    text = resources.files("exercise_cli").joinpath("data/exercise.toml").read_text(encoding="utf-8")
    return _parse(tomllib.loads(text))


def statement_text() -> str:
    return resources.files("exercise_cli").joinpath("data", load_course().statement).read_text(encoding="utf-8")


def _package_dir(name: str) -> Path:
    # starter/ and solution/ hold DAG files, not modules: they are folders without __init__.py,
    # found through the import system so that the repo, an editable and a wheel install all work.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the installed package has no {name}")
    return Path(next(iter(spec.submodule_search_locations)))


def starter_file() -> Path:
    return _package_dir("exercise_cli.starter") / load_course().starter


def solution_dir() -> Path:
    """The folder of the reference solution (a real folder: Airflow parses it)."""
    return _package_dir("exercise_cli.solution")
