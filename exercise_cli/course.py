"""The course: a list of exercises, each one data (data/<folder>/exercise.toml), read here and nowhere else.

An exercise names its statement, starter and solution, its DAGs by role, its Assets, its criteria
with their checks and hints, its quiz and its scenario (the steps one engine runs in every mode).
The machinery never names an exercise: adding one is adding its folders (README, "Adding an exercise").

Layout, for the built-in course and for any other course file (`--course FILE`):
    <root>/course.toml                 format_version, title, [[exercises]] id + folder
    <root>/data/<folder>/exercise.toml and its statement
    <root>/starter/<folder>/, <root>/solution/<folder>/   DAG files
    <root>/checks/<folder>/<check id>.py                  the exercise's own checks (else checks/<id>.py)
The built-in course's folders are packages of the tool (found through the import system, so that the
repository, an editable install and a wheel all work).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import tomllib

FORMAT_VERSION = 1
DEFAULT_EXERCISE = "5.1"
ROLES = ("producer", "consumer")
STEPS = ("register", "run", "not_triggered", "triggered", "assets_view")
COURSE_ENV = "EXERCISE_COURSE"  # a course file other than the built-in one (an instructor's, the tests')


class CourseError(Exception):
    """A course or exercise file that does not hold what it must: the instructor's error, in one line."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    kind: str  # "static", "dynamic" or "quiz"
    title: str
    hint: str
    requires: tuple[str, ...] = ()  # the checks that must pass first (the file: one id or a list)
    needs: str | None = None  # "producer", "consumer" or "either": the role of the DAG the check is about
    phase: str | None = None  # dynamic checks: the step of the run that decides them


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    title: str
    checks: tuple[CheckSpec, ...]
    counts: bool = True  # False: never affects the verdict (the quiz)


@dataclass(frozen=True)
class AssetSpec:
    key: str  # the variable name the statement gives the Asset object (messages and hints use it)
    uri: str


@dataclass(frozen=True)
class DagSpec:
    key: str  # the name the scenario and the checks use for this DAG
    id: str
    role: str  # "producer" or "consumer"
    tags: tuple[str, ...]
    schedule: str | None = None  # producers: a cron expression or preset; None: schedule=None (triggered)
    outlets: tuple[str, ...] = ()  # producers: the Asset keys its tasks list in outlets
    schedule_on: tuple[str, ...] = ()  # consumers: the Asset keys it is scheduled on
    logic: str = "all"  # consumers: "all" (every Asset updated) or "any" (one is enough)
    message: str = ""  # consumers: a text the task must print, if the exercise asks for one


@dataclass(frozen=True)
class Step:
    step: str  # one of STEPS
    dag: str = ""  # the DagSpec key it is about
    how: str = ""  # "run" of a producer: "schedule" (the scheduler's due run, else a trigger) or "trigger"


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    folder: str
    statement: str
    starter: str
    solution: str
    start_date: str
    assets: dict[str, AssetSpec]
    dags: dict[str, DagSpec]
    scenario: tuple[Step, ...]
    criteria: tuple[CriterionSpec, ...]
    quiz: dict[str, Any]
    root: Path  # the course's root (the built-in course: None's stand-in, see _folder)
    builtin: bool = True
    airflow2_habits: tuple[tuple[str, str], ...] = ()

    # the data
    @property
    def producers(self) -> tuple[DagSpec, ...]:
        return tuple(d for d in self.dags.values() if d.role == "producer")

    @property
    def consumers(self) -> tuple[DagSpec, ...]:
        return tuple(d for d in self.dags.values() if d.role == "consumer")

    @property
    def dag_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dags.values())

    def phase(self, step: Step) -> str:
        """The phase of a scenario step: what a check's `phase` names and the progress shows."""
        if step.step in ("triggered", "not_triggered"):
            return "scheduler"
        if step.step == "run":
            return f"{self.dags[step.dag].role}_run"
        return step.step

    def asset(self, key: str) -> AssetSpec:
        return self.assets[key]

    def uris(self, keys: tuple[str, ...]) -> list[str]:
        return [self.assets[k].uri for k in keys]

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

    # the files
    @property
    def statement_path(self) -> Path:
        return self._folder("data") / self.statement

    @property
    def starter_path(self) -> Path:
        return self._folder("starter") / self.starter

    @property
    def solution_dir(self) -> Path:
        """The folder of the reference solution (a real folder: Airflow parses it)."""
        return self._folder("solution")

    @property
    def checks_dir(self) -> Path:
        return self._folder("checks")

    def statement_text(self) -> str:
        return self.statement_path.read_text(encoding="utf-8")

    def _folder(self, kind: str) -> Path:
        if self.builtin:
            return _package_dir({"data": "exercise_cli.data_root", "starter": "exercise_cli.starter",
                                 "solution": "exercise_cli.solution", "checks": "exercise_cli.checks"}[kind]) / self.folder
        return self.root / kind / self.folder


@dataclass(frozen=True)
class Course:
    title: str
    exercise_ids: tuple[str, ...]
    folders: dict[str, str]
    file: Path | None = None  # None: the built-in course

    def exercise(self, exercise_id: str | None = None) -> Exercise:
        wanted = exercise_id or (DEFAULT_EXERCISE if DEFAULT_EXERCISE in self.folders else self.exercise_ids[0])
        if wanted not in self.folders:
            raise CourseError(f"no exercise {wanted!r} in this course (it has {', '.join(self.exercise_ids)}); "
                              "`exercise list` shows them")
        return _load_exercise(self.file, wanted, self.folders[wanted])

    def exercises(self) -> list[Exercise]:
        return [self.exercise(i) for i in self.exercise_ids]


def course_file() -> Path | None:
    """The course file chosen for this process (EXERCISE_COURSE), or None for the built-in course."""
    chosen = os.environ.get(COURSE_ENV)
    return Path(chosen).resolve() if chosen else None


def load_course(path: Path | None = None) -> Course:
    return _load_course(path if path is not None else course_file())


def load_exercise(exercise_id: str | None = None, path: Path | None = None) -> Exercise:
    return load_course(path).exercise(exercise_id)


@cache
def _load_course(path: Path | None) -> Course:
    raw = _toml(path if path is not None else _package_dir("exercise_cli.data_root") / "course.toml")
    _version(raw, path or "course.toml")
    entries = raw.get("exercises") or []
    if not entries:
        raise CourseError(f"{path or 'course.toml'}: no [[exercises]]")
    folders = {str(e["id"]): str(e["folder"]) for e in entries}
    return Course(title=raw.get("title", ""), exercise_ids=tuple(folders), folders=folders, file=path)


@cache
def _load_exercise(course: Path | None, exercise_id: str, folder: str) -> Exercise:
    root = course.parent if course is not None else Path()
    data = (root / "data" / folder) if course is not None else _package_dir("exercise_cli.data_root") / folder
    raw = _toml(data / "exercise.toml")
    _version(raw, data / "exercise.toml")
    try:
        exercise = _parse(raw, folder, root, builtin=course is None)
    except (KeyError, TypeError, ValueError) as exc:
        raise CourseError(f"{data / 'exercise.toml'}: {type(exc).__name__}: {exc}") from None
    if exercise.id != exercise_id:
        raise CourseError(f"{data / 'exercise.toml'} is exercise {exercise.id!r}, the course lists it as {exercise_id!r}")
    return exercise


def _parse(raw: dict, folder: str, root: Path, builtin: bool) -> Exercise:
    assets = {key: AssetSpec(key, a["uri"]) for key, a in raw["assets"].items()}
    dags = {
        key: DagSpec(
            key=key, id=d["id"], role=_one_of(d["role"], ROLES, "role"), tags=tuple(d.get("tags", ())),
            schedule=None if d.get("schedule", "none") == "none" else d["schedule"],
            outlets=_keys(d.get("outlets", ()), assets), schedule_on=_keys(d.get("schedule_on", ()), assets),
            logic=_one_of(d.get("logic", "all"), ("all", "any"), "logic"), message=d.get("message", ""),
        )
        for key, d in raw["dags"].items()
    }
    scenario = tuple(Step(_one_of(s["step"], STEPS, "step"), s.get("dag", ""), s.get("how", "")) for s in raw["scenario"])
    for step in scenario:
        if step.step not in ("register", "assets_view") and step.dag not in dags:
            raise ValueError(f"scenario step {step.step!r} names no DAG of this exercise: {step.dag!r}")
        if step.step == "run" and dags[step.dag].role == "producer" and step.how not in ("schedule", "trigger"):
            raise ValueError(f"scenario: run of producer {step.dag!r} needs how = \"schedule\" or \"trigger\"")
    criteria = tuple(
        CriterionSpec(
            id=c["id"],
            title=c["title"],
            counts=c.get("counts", True),
            checks=tuple(
                CheckSpec(id=k["id"], kind=k["kind"], title=k["title"], hint=k["hint"], requires=_ids(k.get("requires")),
                          needs=k.get("needs"), phase=k.get("phase"))
                for k in c["checks"]
            ),
        )
        for c in raw["criteria"]
    )
    return Exercise(
        id=str(raw["id"]), title=raw["title"], folder=folder, statement=raw["statement"], starter=raw["starter"],
        solution=raw["solution"], start_date=raw["start_date"], assets=assets, dags=dags, scenario=scenario,
        criteria=criteria, quiz=raw.get("quiz", {}), root=root, builtin=builtin,
        airflow2_habits=tuple((h["found"], h["fix"]) for h in raw.get("airflow2_habits", [])),
    )


def _keys(keys: Any, assets: dict[str, AssetSpec]) -> tuple[str, ...]:
    for key in keys:
        if key not in assets:
            raise ValueError(f"no Asset {key!r} in [assets]")
    return tuple(keys)


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _ids(value: str | list[str] | None) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def _version(raw: dict, where: object) -> None:
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise CourseError(f"{where}: format_version {version!r}, this tool reads {FORMAT_VERSION}")


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from None


def _package_dir(name: str) -> Path:
    # starter/, solution/ and checks/ sit at the repository's top level and inside exercise_cli in the
    # wheel: found through the import system, so that the repo, an editable and a wheel install all work.
    if name == "exercise_cli.data_root":
        return _package_dir("exercise_cli") / "data"
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the installed package has no {name}")
    return Path(next(iter(spec.submodule_search_locations)))
