"""Every command the tool prints works as printed, from where the learner stands, for the exercise they
are doing: exercise 5.2 from `init` to passing, in a real pseudo-terminal at 80 and 100 columns, typing
only the commands the tool printed (and `cd` where it says so)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import REPO
from exercise_cli.course import load_exercise
from exercise_cli.tutor.hints import statement_hints
from exercise_cli.tutor.quiz import load_quiz
from test_learner_loop import EXERCISE, in_terminal

PASSING_5_2 = REPO / "tests" / "submissions" / "exercise_5_2" / "passes_todo6_all_done" / "dags.py"
_STEP = re.compile(r"^\s+\d+\. (?P<rest>.*)$")
_LABELS = ("Go to the exercise's folder", "Read the exercise", "Complete the TODOs in", "Check your work",
           "Stuck? Reveal a hint", "See the pattern work")
_QUOTED = re.compile(r"`(exercise [^`]+)`")


class Learner:
    """Someone at a terminal who types only what the tool printed."""

    def __init__(self, start: Path, columns: int) -> None:
        self.here = start
        self.columns = columns

    def type(self, printed: str, typed: str = "", code: bool = False) -> list[str]:
        """`code`: the output is a file of code, each line whole (wider than the screen on purpose)."""
        words = shlex.split(printed)
        if words[0] == "cd":
            self.here = (self.here / words[1]).resolve()
            return []
        assert words[0] == "exercise", printed
        lines = in_terminal([*words[1:]], self.columns, cwd=self.here, typed=typed)
        for line in [] if code else lines:  # (typed answers are echoed early, so a prompt and the next output share a line)
            assert len(line) <= self.columns or "your answer (" in line, line
        return lines


def _init_steps(lines: list[str]) -> dict[str, str]:
    steps = {}
    for line in lines[lines.index("Next steps:") + 1:]:
        match = _STEP.match(line)
        for label in _LABELS if match else ():
            if match["rest"].startswith(label):
                steps[label] = match["rest"][len(label):].lstrip(":").strip()
    return steps


def _quoted(lines: list[str], before: str) -> str:
    """The command in backticks on the line that says `before` (a wrapped line read as one)."""
    text = " ".join(line.strip() for line in lines)
    at = text.index(before)
    return _QUOTED.search(text, at)[1]


@pytest.mark.parametrize("columns", [80, 100])
def test_exercise_5_2_from_init_to_passing_by_the_printed_steps(tmp_path: Path, columns: int) -> None:
    learner = Learner(tmp_path, columns)
    lines = learner.type("exercise init dags-5.2 --exercise 5.2")
    steps = _init_steps(lines)
    assert steps["Go to the exercise's folder"] == "cd dags-5.2", lines
    learner.type(steps["Go to the exercise's folder"])

    shown = [line.strip() for line in learner.type(steps["Read the exercise"] + " --no-pager") if line.strip()]
    assert shown[0] == "Exercise 5.2: Multi-Asset Dependencies", shown[:3]
    first_hint = statement_hints(load_exercise("5.2"))[0].title
    hint = learner.type(steps["Stuck? Reveal a hint"])
    assert any(first_hint in line for line in hint), hint
    listed = " ".join(learner.type("exercise list"))
    assert "▶ 5.2" in listed and "is exercise 5.2's folder" in listed

    # the learner completes the TODOs of the file the steps named
    starter = learner.here / steps["Complete the TODOs in"]
    assert starter.is_file()
    starter.write_text(PASSING_5_2.read_text())
    checked = learner.type(steps["Check your work"])
    assert any(line.startswith("PASSED") for line in checked), "\n".join(checked)
    assert "Multi-Asset" in checked[0] or any("Exercise 5.2" in line for line in checked[:3])

    questions, _ = load_quiz(load_exercise("5.2"))
    wrong = "".join(chr(ord("a") + (q.answer + 1) % len(q.choices)) + "\n" for q in questions)
    right = "".join(chr(ord("a") + q.answer) + "\n" for q in questions)
    failed = learner.type(_quoted(checked, "Next:"), typed=wrong)
    assert any(line.startswith("NOT YET") for line in failed)
    assert any(questions[0].text[:30] in line for line in failed)  # 5.2's questions, not 5.1's
    passed = learner.type(_quoted(failed, "take it again"), typed=right)
    assert any(line.startswith("PASSED") for line in passed), passed

    code = "\n".join(learner.type(_quoted(checked, "Then:"), code=True))
    assert "exercise_5_2" in code and "exercise_5_1" not in code
    listed = " ".join(learner.type("exercise list"))
    assert "check passed, quiz passed" in listed


def test_a_check_run_from_elsewhere_prints_steps_that_reach_its_folder(tmp_path: Path) -> None:
    """From the parent folder, `check dags-5.2` names the folder in each step it prints; a folder that is no
    exercise folder gets --exercise too."""
    learner = Learner(tmp_path, 100)
    learner.type("exercise init dags-5.2 --exercise 5.2")
    (tmp_path / "dags-5.2" / "exercise_5_2_multi_asset_starter.py").write_text("x = 1\n")
    checked = learner.type("exercise check dags-5.2")
    stuck = _quoted(checked, "Stuck?")
    assert stuck == "exercise hint --dags dags-5.2"
    hint = learner.type(stuck)
    assert any(statement_hints(load_exercise("5.2"))[0].title in line for line in hint)
    # a copy without the progress file: the exercise is said outright
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "dags.py").write_text("x = 1\n")
    stuck = _quoted(learner.type("exercise check copy --exercise 5.2"), "Stuck?")
    assert stuck == "exercise hint --dags copy --exercise 5.2"


def test_commands_find_the_exercise_folder_from_below_it(tmp_path: Path) -> None:
    learner = Learner(tmp_path, 100)
    learner.type("exercise init work/dags-5.2 --exercise 5.2")
    below = tmp_path / "work" / "dags-5.2" / "notes"
    below.mkdir()
    learner.here = below
    shown = [line.strip() for line in learner.type("exercise show --no-pager") if line.strip()]
    assert shown[0] == "Exercise 5.2: Multi-Asset Dependencies"
    learner.here = tmp_path  # no exercise folder here or above; ./dags does not exist either
    listed = " ".join(learner.type("exercise list"))
    assert "You are in no exercise folder" in listed


def test_show_pages_on_a_terminal_and_prints_whole_when_piped(tmp_path: Path) -> None:
    import os
    import subprocess

    pager = tmp_path / "pager"
    pager.write_text("#!/bin/sh\necho \"PAGED LESS=$LESS\"\ncat\n")
    pager.chmod(0o755)
    env = {**os.environ, "PAGER": str(pager)}
    env.pop("LESS", None)
    os.environ["PAGER"] = str(pager)  # in_terminal passes the environment on
    saved_less = os.environ.pop("LESS", None)
    try:
        paged = in_terminal(["show", "--exercise", "5.1"], 100)
        whole = in_terminal(["show", "--exercise", "5.1", "--no-pager"], 100)
    finally:
        del os.environ["PAGER"]
        if saved_less is not None:
            os.environ["LESS"] = saved_less
    assert paged[0] == "PAGED LESS=FRX" and any("Exercise 5.1" in line for line in paged)
    assert not any("PAGED" in line for line in whole) and any("Exercise 5.1" in line for line in whole)
    piped = subprocess.run([EXERCISE, "show", "--exercise", "5.1"], env=env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "PAGED" not in piped.stdout
    commands = [line.strip() for line in piped.stdout.splitlines() if line.strip().startswith("airflow dags list-runs")]
    assert commands == ["airflow dags list-runs exercise_5_1_consumer"]  # the form Airflow 3 takes; -d only in a remark


def test_the_commands_printed_for_a_missing_folder_and_after_the_last_hint_work(tmp_path: Path) -> None:
    learner = Learner(tmp_path, 80)
    learner.type("exercise init dags --exercise 5.1")  # ./dags exists: a bare `exercise init` would refuse
    import subprocess

    missing = subprocess.run([EXERCISE, "check", "nothere"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2, missing
    start = _quoted([missing.stderr], "no such file or folder")
    assert start == "exercise init nothere", missing
    made = learner.type(start)
    assert any("Next steps:" in line for line in made), made
    learner.here = tmp_path / "nothere"
    count = len(statement_hints(load_exercise("5.1")))
    for _ in range(count):
        learner.type("exercise hint")
    text = " ".join(line.strip() for line in learner.type("exercise hint"))
    assert f"a number from 1 to {count}" in text and "hint N" not in text, text
    again = learner.type(_quoted([text], "a number from"))
    assert any(statement_hints(load_exercise("5.1"))[0].title in line for line in again), again
