"""The commands the tool prints as next steps, written so each works as printed from where the learner
stands: a bare `exercise VERB` when the current folder already leads to the same exercise folder and
exercise, else with the folder and --exercise it needs."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from exercise_cli.errors import UsageError
from exercise_cli.tutor.state import learner_folder


def same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def folder_of(path: Path) -> Path:
    """The exercise folder of a DAG file or folder."""
    return path.parent if path.suffix == ".py" and not path.is_dir() else path


def printed_command(verb: str, folder: Path, exercise_id: str, *extra: str, positional: bool = False) -> str:
    """`exercise VERB ...` reaching `folder` and `exercise_id` from the current folder. `positional`:
    the command takes its folder as an argument (check, watch, reset), not as --dags."""
    from exercise_cli.tutor.choice import choose_exercise

    args = ["exercise", verb, *extra]
    if not same_folder(learner_folder(None), folder):
        args += [str(folder)] if positional else ["--dags", str(folder)]
    try:
        found = choose_exercise(None, folder).id
    except UsageError:  # a broken course file: say the exercise outright
        found = None
    if found != exercise_id:
        args += ["--exercise", exercise_id]
    return shlex.join(args)
