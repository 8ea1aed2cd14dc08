"""Reading the course's files into the course (exercise_cli/course.py): each file validated by its schema
(course_schema.py) and each exercise built with the course's defaults, every key it refers to checked.
Only a course that is not cached reads its files (course_cache.py), and only then is pydantic imported.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import tomllib

import exercise_cli.course_schema as schema
from exercise_cli.course import (
    WORDS,
    AssetSpec,
    CheckSpec,
    Course,
    CourseError,
    CriterionSpec,
    DagSpec,
    Exercise,
    LiveCase,
    Step,
    check_source,
    declared_params,
    derived_scenario,
    exercise_words,
    package_dir,
)


def read_course(path: Path | None) -> Course:
    """The course file at `path` (None: the built-in one), read strictly; its exercises are read when asked for."""
    parsed = course_file(path)
    folders = {entry.id: entry.folder for entry in parsed.exercises}
    live = {entry.id: tuple(LiveCase(fixture=case.fixture, fails=case.fails, statuses=dict(case.statuses),
                                     contains={key: list(words) for key, words in case.contains.items()})
                            for case in entry.live) for entry in parsed.exercises}
    return Course(title=parsed.title, exercise_ids=tuple(folders), folders=folders, file=path, live=live)


@cache
def course_file(path: Path | None) -> schema.CourseFile:
    where = path if path is not None else package_dir("exercise_cli.data_root") / "course.toml"
    raw, text = _toml(where)
    return schema.read(schema.CourseFile, raw, where, text)


def build_exercise(course: Path | None, exercise_id: str, folder: str) -> Exercise:
    """The exercise in `folder` of the course at `course` (None: the built-in one), read strictly and built
    with the course's defaults; its `live` cases are the course file's to add."""
    root = course.parent if course is not None else Path()
    data = (root / "data" / folder) if course is not None else package_dir("exercise_cli.data_root") / folder
    where = data / "exercise.toml"
    raw, text = _toml(where)
    parsed: schema.ExerciseFile = schema.read(schema.ExerciseFile, raw, where, text)
    exercise = _Build(parsed, where, text, course_file(course).defaults).exercise(folder, root, builtin=course is None)
    if exercise.id != exercise_id:
        raise CourseError(f"{schema.where(where, text, ('id',))}: this is exercise {exercise.id!r}, the course lists it "
                          f"as {exercise_id!r}")
    return exercise


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


def _toml(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except OSError as exc:
        raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from None
