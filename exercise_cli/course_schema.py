"""What a course file and an exercise file may hold, as typed models: a key they do not name, or a value
of the wrong type, is an error naming the file and the line (`CourseError`). exercise_cli/course.py reads
the files through these and builds the course from them; nothing else reads the files.

The models say only what a file holds; what a key refers to (a check's module, an Asset key, a DAG of
the scenario) is checked by course.py, which knows where modules live. course.py imports this module only
to read files, which a cached course does not (course_cache.py): pydantic's import is 0.15 s of a check.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictInt, StrictStr, Tag, ValidationError

from exercise_cli.course import FORMAT_VERSION, ROLES, STEPS, CourseError
from exercise_cli.phases import PHASES

class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Ids = StrictStr | list[StrictStr]  # one check id, or a list of them
ParamValue = StrictStr | StrictInt | StrictBool | float | list[StrictStr]


class CheckEntry(_Strict):
    """A check as an exercise (or the course's [defaults.checks]) states it; what is unset comes from the
    course's defaults for that id."""

    id: StrictStr | None = None  # None only in [defaults.checks.<id>], keyed by the id
    kind: Literal["static", "dynamic", "quiz"] | None = None
    title: StrictStr | None = None
    hint: StrictStr | None = None
    requires: Ids | None = None
    needs: Literal["producer", "consumer", "either"] | None = None
    phase: Literal[PHASES] | None = None  # type: ignore[valid-type]
    with_: dict[str, ParamValue] | None = Field(default=None, alias="with")


def _name_or_table(model: type) -> Any:
    """A name (a string) or a table of `model`: told apart by the value's type, so that a wrong key in the
    table is reported as that, not as "not a string"."""
    return Annotated[Annotated[StrictStr, Tag(_NAMED)] | Annotated[model, Tag(_TABLE)],
                     Discriminator(lambda value: _NAMED if isinstance(value, str) else _TABLE)]


_NAMED, _TABLE = "(a name)", "(a table)"  # the union's tags: left out of the locations errors name


class CriterionEntry(_Strict):
    id: StrictStr
    title: StrictStr
    counts: StrictBool = True
    # each a check id (all else from the exercise's [checks.<id>], then the course's defaults) or a table
    checks: list[_name_or_table(CheckEntry)] = Field(min_length=1)  # type: ignore[valid-type]


class AssetEntry(_Strict):
    uri: StrictStr


class DagEntry(_Strict):
    id: StrictStr
    role: Literal[ROLES]  # type: ignore[valid-type]
    tags: list[StrictStr] = []
    schedule: StrictStr = "none"  # "none": schedule=None (triggered only)
    outlets: list[StrictStr] = []
    schedule_on: list[StrictStr] = []
    logic: Literal["all", "any"] = "all"
    message: StrictStr = ""


class StepEntry(_Strict):
    step: Literal[STEPS]  # type: ignore[valid-type]
    dag: StrictStr = ""
    how: Literal["", "schedule", "trigger"] = ""
    asset: StrictStr = ""  # "event": the Asset key the grader posts an event to
    extra: dict[StrictStr, StrictStr | StrictInt | StrictBool] = {}  # "event": the extra it carries
    random_ints: list[StrictStr] = []  # "event": extra keys set to a whole number picked at each grading


class Habit(_Strict):
    found: StrictStr
    fix: StrictStr


class Question(_Strict):
    text: StrictStr
    choices: list[StrictStr] = Field(min_length=2)
    answer: StrictInt
    why: StrictStr


class Quiz(_Strict):
    pass_mark: StrictInt
    questions: list[Question] = Field(min_length=1)


class LiveEntry(_Strict):
    """A case `make compat` grades with `check --live` on every Airflow version, and the recorded test replays."""

    fixture: StrictStr  # "solution", or a fixture folder's name under tests/submissions/<folder>/
    fails: StrictStr = ""  # the criterion it must fail ("": it must pass)
    statuses: dict[str, Literal["passed", "failed", "skipped", "pending"]] = {}  # check id -> its live status
    contains: dict[str, list[StrictStr]] = {}  # check id -> words its live message holds


class ExerciseFile(_Strict):
    format_version: StrictInt
    id: StrictStr
    title: StrictStr
    statement: StrictStr
    starter: StrictStr
    solution: StrictStr
    start_date: StrictStr
    assets: dict[str, AssetEntry]
    dags: dict[str, DagEntry]
    scenario: list[StepEntry] | None = Field(default=None, min_length=1)  # None: derived from the DAGs' roles
    criteria: list[CriterionEntry] = Field(min_length=1)
    checks: dict[str, CheckEntry] = {}  # by check id: what differs from the course's [defaults.checks.<id>]
    airflow2_habits: list[Habit] = []  # before the course's own (the first match names the fix)
    trigger_blockers: list[StrictStr] | None = None  # None: the course's
    quiz: _name_or_table(Quiz) | None = None  # type: ignore[valid-type]  # the quiz, or its file's name beside this one


class Defaults(_Strict):
    """What every exercise of the course shares unless it says otherwise."""

    checks: dict[str, CheckEntry] = {}  # by check id: an exercise's entry { id = "..." } takes these
    airflow2_habits: list[Habit] = []  # after each exercise's own
    # Static checks whose failure means the consumer cannot be triggered (run-demo stops at once).
    trigger_blockers: list[StrictStr] = []


class ExerciseEntry(_Strict):
    id: StrictStr
    folder: StrictStr
    live: list[LiveEntry] = []  # what `make compat` grades live (none: the solution, which must pass)


class CourseFile(_Strict):
    format_version: StrictInt
    title: StrictStr = ""
    defaults: Defaults = Defaults()
    exercises: list[ExerciseEntry] = Field(min_length=1)


def read(model: type[_Strict], raw: dict, path: Path, text: str, versioned: bool = True) -> Any:
    """`raw` (the TOML of `path`, whose text is `text`) as `model`, or CourseError at the first wrong key.
    `versioned`: the file states the format_version it is written in (a quiz file beside one does not)."""
    version = raw.get("format_version")
    if versioned and version != FORMAT_VERSION:
        raise CourseError(f"{where(path, text, ('format_version',))}: format_version {version!r}, this tool reads "
                          f"{FORMAT_VERSION}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(part for part in error["loc"] if not isinstance(part, str) or not _is_union_tag(part))
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "(top level)"
        what = "unknown key (a typo?)" if error["type"] == "extra_forbidden" else error["msg"]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise CourseError(f"{where(path, text, loc)}: {key}: {what}{more}") from None


def _is_union_tag(part: str) -> bool:
    # pydantic names the branch of a union it tried (e.g. "str", "list[str]") in the location
    return part in ("str", "int", "bool", "float", "list[str]", "function-after[...]", _NAMED, _TABLE) or part.startswith(("list[", "literal["))


def where(path: Path, text: str, loc: tuple) -> str:
    """`path:line` of the deepest key of `loc` the text shows (the file's start if none)."""
    lines = key_lines(text)
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return f"{path}:{lines[loc[:end]]}"
    return f"{path}:1"


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r'^\s*([A-Za-z0-9_."-]+?)\s*=')
_INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_-]+)\s*=")


def key_lines(text: str) -> dict[tuple, int]:
    """Each key's path (as pydantic's error locations give it: names, and indexes in arrays of tables) and
    the line it is on. A plain reading of headers and `key =` lines: enough to point at a key, not a parser."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}  # an array of tables' path -> its last index
    table: tuple = ()
    in_string = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.count('"""') % 2:
            in_string = not in_string
            if not in_string:
                continue
        if in_string:
            continue
        if header := _HEADER.match(raw):
            path = _resolve(header.group(2), counts)
            if header.group(1) == "[[":
                counts[path] = counts.get(path, -1) + 1
                path += (counts[path],)
            table = path
            lines.setdefault(table, number)
        elif key := _KEY.match(raw):
            path = table + tuple(part.strip().strip('"') for part in key.group(1).split("."))
            lines.setdefault(path, number)
            for inner in _INLINE_KEY.finditer(raw):
                lines.setdefault(path + (inner.group(1),), number)
    return lines


def _resolve(dotted: str, counts: dict[tuple, int]) -> tuple:
    # [[criteria.checks]] is the checks of the latest [[criteria]]: each enclosing array gets its last index
    *enclosing, last = [part.strip().strip('"') for part in dotted.split(".")]
    path: tuple = ()
    for part in enclosing:
        path += (part,)
        if path in counts:
            path += (counts[path],)
    return path + (last,)
