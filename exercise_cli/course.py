"""The course: a list of exercises, each one data (data/<folder>/exercise.toml), read here and nowhere else.

An exercise names its statement, starter and solution, its DAGs by role, its Assets, its criteria
with their checks and hints, its quiz and its scenario (the steps one engine runs in every mode).
The machinery never names an exercise: adding one is adding its folders (docs/writing-exercises.md).
The files are read strictly (course_schema.py: a typo or a wrong type is one line naming file:line);
course.toml's [defaults] give what an exercise leaves out; a check's parameters are its module's PARAMS
with the exercise's `with = {...}`, and its title and hint may say {name} for each.

Layout, for the built-in course and for any other course file (`--course FILE`):
    <root>/course.toml                 format_version, title, [[exercises]] id + folder
    <root>/data/<folder>/exercise.toml and its statement
    <root>/starter/<folder>/, <root>/solution/<folder>/   DAG files
    <root>/checks/<folder>/<check id>.py                  the exercise's own checks (else checks/<id>.py)
The built-in course's folders are packages of the tool (found through the import system, so that the
repository, an editable install and a wheel all work).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import tomllib

import exercise_cli.course_schema as schema
from exercise_cli.course_schema import FORMAT_VERSION, PHASES, ROLES, STEPS, CourseError, LiveCase

__all__ = ["FORMAT_VERSION", "PHASES", "ROLES", "STEPS", "CourseError", "LiveCase"]
COURSE_ENV = "EXERCISE_COURSE"  # a course file other than the built-in one (an instructor's, the tests')


@dataclass(frozen=True)
class CheckSpec:
    id: str
    kind: str  # "static", "dynamic" or "quiz"
    title: str
    hint: str
    requires: tuple[str, ...] = ()  # the checks that must pass first (the file: one id or a list)
    needs: str | None = None  # "producer", "consumer" or "either": the role of the DAG the check is about
    phase: str | None = None  # one of PHASES: a run stopped in it fails this check (dynamic checks: decided in it)
    params: dict[str, Any] = field(default_factory=dict, hash=False)  # the module's PARAMS, with the exercise's `with`


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
    # "event": the grader posts an asset event to this Asset key, as the Assets view's "Create Asset Event"
    # does, with `extra` and a whole number picked at each grading for each key of `random_ints` (no
    # submission can know it: a consumer that logs it read it from the event)
    asset: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False)
    random_ints: tuple[str, ...] = ()


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
    airflow2_habits: tuple[tuple[str, str], ...] = ()  # the exercise's, then the course's
    trigger_blockers: tuple[str, ...] = ()  # static checks whose failure means no consumer run can come
    live: tuple[LiveCase, ...] = ()  # the cases `make compat` grades live (the course file's [[exercises.live]])

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
        if step.step == "event":
            return "producer_run"  # an update of the Asset, as a producer run makes
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
        """The check a run stopped in `phase` fails: the phase's first check; else the parse phase's (the
        DAG files' import); else the first check."""
        for wanted in (phase, "parse"):
            for check in self.checks:
                if check.phase == wanted:
                    return check
        return self.checks[0]

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
    live: dict[str, tuple[LiveCase, ...]] = field(default_factory=dict, hash=False)  # by exercise id
    defaults: schema.Defaults = field(default_factory=schema.Defaults, hash=False)

    def exercise(self, exercise_id: str | None = None) -> Exercise:
        wanted = exercise_id or self.exercise_ids[0]  # the default: the course's first
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
    where = path if path is not None else _package_dir("exercise_cli.data_root") / "course.toml"
    raw, text = _toml(where)
    parsed: schema.CourseFile = schema.read(schema.CourseFile, raw, where, text)
    folders = {entry.id: entry.folder for entry in parsed.exercises}
    return Course(title=parsed.title, exercise_ids=tuple(folders), folders=folders, file=path, defaults=parsed.defaults,
                  live={entry.id: tuple(entry.live) for entry in parsed.exercises})


@cache
def _load_exercise(course: Path | None, exercise_id: str, folder: str) -> Exercise:
    root = course.parent if course is not None else Path()
    data = (root / "data" / folder) if course is not None else _package_dir("exercise_cli.data_root") / folder
    where = data / "exercise.toml"
    raw, text = _toml(where)
    parsed: schema.ExerciseFile = schema.read(schema.ExerciseFile, raw, where, text)
    the_course = load_course(course)
    exercise = _Build(parsed, where, text, the_course.defaults).exercise(folder, root, builtin=course is None)
    if exercise.id != exercise_id:
        raise CourseError(f"{schema.where(where, text, ('id',))}: this is exercise {exercise.id!r}, the course lists it "
                          f"as {exercise_id!r}")
    return replace(exercise, live=the_course.live.get(exercise_id, ()))


class _Build:
    """An exercise file, read, turned into the Exercise: the course's defaults applied, and what its keys
    refer to (Assets, DAGs, checks and their modules, phases) checked, each error naming its line."""

    def __init__(self, parsed: schema.ExerciseFile, path: Path, text: str, defaults: schema.Defaults) -> None:
        self.parsed, self.path, self.text, self.defaults = parsed, path, text, defaults

    def fail(self, loc: tuple, message: str) -> CourseError:
        return CourseError(f"{schema.where(self.path, self.text, loc)}: {message}")

    def exercise(self, folder: str, root: Path, builtin: bool) -> Exercise:
        p = self.parsed
        assets = {key: AssetSpec(key, a.uri) for key, a in p.assets.items()}
        dags = {key: self._dag(key, d, assets) for key, d in p.dags.items()}
        scenario = (tuple(self._step(index, s, dags, assets) for index, s in enumerate(p.scenario)) if p.scenario is not None
                    else derived_scenario(dags))
        exercise = Exercise(
            id=p.id, title=p.title, folder=folder, statement=p.statement, starter=p.starter, solution=p.solution,
            start_date=p.start_date, assets=assets, dags=dags, scenario=scenario, criteria=(), quiz=self._quiz(),
            root=root, builtin=builtin,
        )
        self.words = exercise_words(exercise)
        own = {h.found for h in p.airflow2_habits}  # the exercise's fix for a habit replaces the course's
        habits = [*p.airflow2_habits, *(h for h in self.defaults.airflow2_habits if h.found not in own)]
        exercise = replace(exercise, airflow2_habits=tuple(
            (h.found, self._filled(("airflow2_habits", i, "fix"), h.fix, {})) for i, h in enumerate(habits)))
        phases = {exercise.phase(step) for step in scenario} | {"parse"}
        criteria = self._criteria(exercise, phases)
        listed = {check.id for criterion in criteria for check in criterion.checks}
        for check_id in p.checks:
            if check_id not in listed:
                raise self.fail(("checks", check_id), f"checks.{check_id}: no criterion lists check {check_id!r}")
        ids = {check.id for criterion in criteria for check in criterion.checks}
        if p.trigger_blockers is not None:
            for index, check_id in enumerate(p.trigger_blockers):
                if check_id not in ids:
                    raise self.fail(("trigger_blockers", index), f"trigger_blockers: {check_id!r} is no check of this exercise")
        blockers = p.trigger_blockers if p.trigger_blockers is not None else self.defaults.trigger_blockers
        return replace(exercise, criteria=criteria, trigger_blockers=tuple(c for c in blockers if c in ids))

    def _dag(self, key: str, d: schema.DagEntry, assets: dict[str, AssetSpec]) -> DagSpec:
        for field in ("outlets", "schedule_on"):
            for index, asset in enumerate(getattr(d, field)):
                if asset not in assets:
                    raise self.fail(("dags", key, field), f"dags.{key}.{field}: no Asset {asset!r} in [assets]")
        return DagSpec(key=key, id=d.id, role=d.role, tags=tuple(d.tags), schedule=None if d.schedule == "none" else d.schedule,
                       outlets=tuple(d.outlets), schedule_on=tuple(d.schedule_on), logic=d.logic, message=d.message)

    def _step(self, index: int, s: schema.StepEntry, dags: dict[str, DagSpec], assets: dict[str, AssetSpec]) -> Step:
        at = ("scenario", index, "step")
        if s.step == "event":
            if s.dag or s.how:
                raise self.fail(at, "scenario step 'event' takes asset, extra and random_ints, not dag or how")
            if s.asset not in assets:
                raise self.fail(at, f"scenario step 'event' names no Asset of this exercise: {s.asset!r}")
            return Step(s.step, asset=s.asset, extra=dict(s.extra), random_ints=tuple(s.random_ints))
        if s.asset or s.extra or s.random_ints:
            raise self.fail(at, f"scenario step {s.step!r}: asset, extra and random_ints belong to an 'event' step")
        if s.step not in ("register", "assets_view") and s.dag not in dags:
            raise self.fail(("scenario", index, "dag"), f"scenario step {s.step!r} names no DAG of this exercise: {s.dag!r}")
        if s.step == "run" and dags[s.dag].role == "producer" and s.how not in ("schedule", "trigger"):
            raise self.fail(("scenario", index), f"scenario: run of producer {s.dag!r} needs how = \"schedule\" or \"trigger\"")
        return Step(s.step, s.dag, s.how)

    def _quiz(self) -> dict[str, Any]:
        quiz, path, text, at = self.parsed.quiz, self.path, self.text, ("quiz",)
        if quiz is None:
            return {}
        if isinstance(quiz, str):  # its own file beside the exercise's
            path = self.path.parent / quiz
            raw, text = _toml(path)
            quiz, at = schema.read(schema.Quiz, raw, path, text, versioned=False), ()

        def fail(loc: tuple, message: str) -> CourseError:
            return CourseError(f"{schema.where(path, text, at + loc)}: {message}")

        for index, question in enumerate(quiz.questions):
            if not 0 <= question.answer < len(question.choices):
                raise fail(("questions", index, "answer"), f"quiz question {index + 1}: answer {question.answer} "
                           f"is not the index of one of its {len(question.choices)} choices (0-based)")
        if not 0 < quiz.pass_mark <= len(quiz.questions):
            raise fail(("pass_mark",), f"quiz.pass_mark {quiz.pass_mark} is not between 1 and the "
                       f"{len(quiz.questions)} questions")
        return quiz.model_dump()

    def _criteria(self, exercise: Exercise, phases: set[str]) -> tuple[CriterionSpec, ...]:
        seen: set[str] = set()
        criteria = []
        for i, c in enumerate(self.parsed.criteria):
            checks = []
            for j, entry in enumerate(c.checks):
                check = self._check(("criteria", i, "checks", j), entry, exercise, phases, seen)
                seen.add(check.id)
                checks.append(check)
            criteria.append(CriterionSpec(id=c.id, title=c.title, counts=c.counts, checks=tuple(checks)))
        return tuple(criteria)

    def _check(self, loc: tuple, entry: schema.CheckEntry | str, exercise: Exercise, phases: set[str],
               seen: set[str]) -> CheckSpec:
        if isinstance(entry, str):
            entry = schema.CheckEntry(id=entry)
        if entry.id is None:
            raise self.fail(loc, "a check needs its id")
        if entry.id in self.parsed.checks:
            loc = ("checks", entry.id)  # what it states is there (the criterion only lists it)
        stated = {**self.defaults.checks.get(entry.id, schema.CheckEntry()).model_dump(exclude_none=True),
                  **self.parsed.checks.get(entry.id, schema.CheckEntry()).model_dump(exclude_none=True),
                  **entry.model_dump(exclude_none=True)}
        for key in ("kind", "title", "hint"):
            if key not in stated:
                raise self.fail(loc, f"check {entry.id!r} has no {key} (nor has the course's [defaults.checks.{entry.id}])")
        module = check_source(entry.id, exercise)
        if module is None:
            raise self.fail(loc + ("id",), f"check {entry.id!r} has no module: checks/{entry.id}.py or "
                            f"checks/{exercise.folder}/{entry.id}.py")
        if entry.id in seen:
            raise self.fail(loc + ("id",), f"check {entry.id!r} is listed twice")
        requires = (stated["requires"],) if isinstance(stated.get("requires"), str) else tuple(stated.get("requires", ()))
        for required in requires:
            if required not in seen:
                raise self.fail(loc + ("requires",), f"check {entry.id!r} requires {required!r}, which is no check "
                                "listed before it")
        phase = stated.get("phase")
        if stated["kind"] == "dynamic" and phase not in phases:
            raise self.fail(loc + ("phase",), f"dynamic check {entry.id!r} needs a phase of this exercise's scenario: "
                            f"{', '.join(sorted(phases - {'parse'}))}")
        params = self._params(loc + ("with",), entry.id, module, stated.get("with_", {}))
        return CheckSpec(id=entry.id, kind=stated["kind"], title=self._filled(loc + ("title",), stated["title"], params),
                         hint=self._filled(loc + ("hint",), stated["hint"], params), requires=requires,
                         needs=stated.get("needs"), phase=phase, params=params)

    def _filled(self, loc: tuple, text: str, params: dict[str, Any]) -> str:
        """A title, hint or fix with each {parameter} and each {word} of the exercise (exercise_words) replaced
        by its value; other braces are left as written (hints show code)."""
        for name, value in {**self.words, **params}.items():
            text = text.replace("{" + name + "}", str(value))
        for name in WORDS:
            if "{" + name + "}" in text:
                raise self.fail(loc, f"{'.'.join(map(str, loc[-1:]))} says {{{name}}}, which this exercise cannot fill "
                                f"({WORDS[name]}): state this text in the exercise")
        return text

    def _params(self, loc: tuple, check_id: str, module: Path, given: dict[str, Any]) -> dict[str, Any]:
        declared = declared_params(module)
        for name, value in given.items():
            if name not in declared:
                raise self.fail(loc, f"check {check_id!r} takes no parameter {name!r}"
                                + (f" (it takes {', '.join(declared)})" if declared else " (its module declares no PARAMS)"))
            if type(value) is not type(declared[name]):
                raise self.fail(loc, f"check {check_id!r}: parameter {name} = {value!r} is not a "
                                f"{type(declared[name]).__name__}, as its default {declared[name]!r} is")
        return {**declared, **given}


def check_source(check_id: str, exercise: Exercise) -> Path | None:
    """The file of a check's module: the exercise's own (checks/<folder>/<id>.py), else the shared one.
    (Found without importing it: the course is read below the checks' layer.)"""
    for path in (exercise.checks_dir / f"{check_id}.py", _package_dir("exercise_cli.checks") / f"{check_id}.py"):
        if not check_id.startswith("_") and path.is_file():
            return path
    return None


def declared_params(module: Path) -> dict[str, Any]:
    """A check module's PARAMS: the parameters an exercise may give it (`with = {...}`) and their defaults,
    a literal dict at the module's top level, read from its syntax tree."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PARAMS" for t in node.targets):
            return dict(ast.literal_eval(node.value))
    return {}


# What a title, hint or habit's fix may say of the exercise itself, so that no value of its DAGs and
# Assets is written twice: the name, and when the exercise cannot fill it.
WORDS = {
    "dag_ids": "always",
    "dag_id_args": "always",  # 'dag_id="a" and dag_id="b"'
    "every_dag": "always",  # "Both DAGs", "All four DAGs"
    "start_date": "always",  # "January 1, 2024"
    "start_date_code": "always",  # "datetime(2024, 1, 1)"
    "tags_code": "always",  # each DAG's id and its tags=[...]
    "first_uri": "always",  # the first Asset's URI
    "outlets": "always",  # the producers' Assets, by the statement's variable names
    "outlet_uris": "always",
    "outlet": "only when the producers have one Asset",
    "outlet_uri": "only when the producers have one Asset",
    "the_producer": "always",  # "The producer", "Each producer"
    "producer_id": "only with one producer",
    "schedule_code": "only when every producer has the same schedule",  # 'schedule="@daily"', 'schedule=None'
    "schedule_words": "only when every producer has the same schedule",  # "every day at midnight"
    "cron": "only when the producers' schedule is a cron preset",  # "0 0 * * *" for "@daily"
    "consumer_id": "only with one consumer",
    "schedule_on": "only with one consumer",  # "orders, products, customers"
    "message": "only with one consumer, which has a message",  # the text its task must print
}
_CRON_PRESETS = {"@hourly": ("0 * * * *", "every hour on the hour"), "@daily": ("0 0 * * *", "every day at midnight"),
                 "@weekly": ("0 0 * * 0", "every Sunday at midnight"), "@monthly": ("0 0 1 * *", "on the first of each month"),
                 "@yearly": ("0 0 1 1 *", "every January 1")}
_NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def exercise_words(exercise: Exercise) -> dict[str, str]:
    """The WORDS this exercise can fill, from its [dags], [assets] and start date."""
    dags, producers, consumers = list(exercise.dags.values()), exercise.producers, exercise.consumers
    start = date.fromisoformat(exercise.start_date)
    outlets = list(dict.fromkeys(key for dag in producers for key in dag.outlets))
    words = {
        "dag_ids": _and([dag.id for dag in dags]),
        "dag_id_args": _and([f"dag_id={json.dumps(dag.id)}" for dag in dags]),
        "every_dag": {1: "The DAG", 2: "Both DAGs"}.get(len(dags), f"All {_NUMBERS.get(len(dags), len(dags))} DAGs"),
        "start_date": f"{start:%B} {start.day}, {start.year}",
        "start_date_code": f"datetime({start.year}, {start.month}, {start.day})",
        "tags_code": "; ".join(f"{dag.id}: tags={json.dumps(list(dag.tags))}" for dag in dags),
        "first_uri": next(iter(exercise.assets.values())).uri if exercise.assets else "",
        "outlets": _and(outlets),
        "outlet_uris": _and(exercise.uris(tuple(outlets))),
        "the_producer": "The producer" if len(producers) < 2 else "Each producer",
    }
    if len(outlets) == 1:
        words["outlet"], words["outlet_uri"] = outlets[0], exercise.assets[outlets[0]].uri
    if len(producers) == 1:
        words["producer_id"] = producers[0].id
    schedules = {dag.schedule for dag in producers}
    if len(schedules) == 1:
        schedule = schedules.pop()
        words["schedule_code"] = "schedule=None" if schedule is None else f"schedule={json.dumps(schedule)}"
        cron, said = _CRON_PRESETS.get(schedule or "", (None, f"on schedule {json.dumps(schedule)}"))
        words["schedule_words"] = "only when triggered (schedule=None)" if schedule is None else said
        if cron:
            words["cron"] = cron
    if len(consumers) == 1:
        words["consumer_id"] = consumers[0].id
        words["schedule_on"] = ", ".join(consumers[0].schedule_on)
        if consumers[0].message:
            words["message"] = consumers[0].message
    return words


def derived_scenario(dags: dict[str, DagSpec]) -> tuple[Step, ...]:
    """The scenario of an exercise that states none: register; run each producer (by its schedule, else a
    trigger); each consumer triggered by the events, then run; the Assets view."""
    producers = [Step("run", key, "schedule" if dag.schedule else "trigger") for key, dag in dags.items()
                 if dag.role == "producer"]
    consumers = [Step(step, key) for key, dag in dags.items() if dag.role == "consumer" for step in ("triggered", "run")]
    return (Step("register"), *producers, *consumers, Step("assets_view"))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _toml(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
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
