"""The short quiz behind the "understanding" criterion."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from exercise_cli.course import Exercise
from exercise_cli.errors import EnvironmentProblem, UsageError
from exercise_cli.tutor.state import load_state, save_state, state_path


@dataclass(frozen=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer: int
    why: str


def load_quiz(exercise: Exercise) -> tuple[list[Question], int]:
    quiz = exercise.quiz
    questions = [Question(q["text"], tuple(q["choices"]), q["answer"], q["why"]) for q in quiz["questions"]]
    return questions, quiz["pass_mark"]


def parse_answers(text: str, questions: list[Question]) -> list[int]:
    """'b,a,c,b,b' (or 2,1,3,2,2) -> 0-based choice indexes; ValueError on a malformed list."""
    parts = [p.strip().lower() for p in text.replace(" ", ",").split(",") if p.strip()]
    if len(parts) != len(questions):
        raise ValueError(f"give {len(questions)} answers, one per question (e.g. a,b,c,a,b); got {len(parts)}")
    picks = []
    for number, (part, question) in enumerate(zip(parts, questions), start=1):
        index = ord(part) - ord("a") if len(part) == 1 and part.isalpha() else int(part) - 1 if part.isdigit() else -1
        if not 0 <= index < len(question.choices):
            raise ValueError(f"answer {number} ({part!r}) is not one of the choices")
        picks.append(index)
    return picks


def score(picks: list[int], questions: list[Question]) -> int:
    return sum(pick == q.answer for pick, q in zip(picks, questions))


def take_quiz(console: Console, answers: str | None, dags: Path, exercise: Exercise, again: str = "exercise quiz") -> bool:
    """Ask each question (or take `answers`), show the right answers with why, keep the result; True if passed."""
    questions, pass_mark = load_quiz(exercise)
    if answers is not None:
        try:
            picks = parse_answers(answers, questions)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    else:
        picks = [_ask(console, number, question) for number, question in enumerate(questions, start=1)]
    from exercise_cli.reporters.rich_report import symbol

    right_mark, wrong_mark = symbol(console, "✔", "+"), symbol(console, "✘", "x")
    for number, (pick, question) in enumerate(zip(picks, questions), start=1):
        if pick == question.answer:
            console.print(f"[green]{right_mark}[/] {number}. {escape(question.why)}")
        else:
            right = chr(ord("a") + question.answer)
            console.print(f"[red]{wrong_mark}[/] {number}. you chose {chr(ord('a') + pick)}; the answer is {right}) "
                          f"{escape(question.choices[question.answer])}. {escape(question.why)}")
    result = score(picks, questions)
    passed = result >= pass_mark
    saved = _save_result(dags, exercise.id, passed, result)
    console.print(f"\n{'[bold green]PASSED' if passed else '[bold red]NOT YET'}[/] {result}/{len(questions)} (pass mark {pass_mark})")
    if not saved:
        raise EnvironmentProblem(f"this result could not be saved in {state_path(dags)} (is the folder read-only or "
                                 "full?), so `exercise check` does not count it; take the quiz again where it can be saved")
    if not passed:
        console.print(f"Read the answers above, then take it again: `{escape(again)}`")
    return passed


def _save_result(dags: Path, exercise_id: str, passed: bool, result: int) -> bool:
    """Keep the result in the learner's progress file; True only if the file now holds it (a read-only
    or full folder keeps the old file, and the quiz must not claim what it could not keep)."""
    try:
        save_state(dags, exercise=exercise_id, quiz_passed=passed, quiz_score=result)
    except OSError:
        return False
    kept = load_state(dags, exercise=exercise_id)
    return kept.get("quiz_passed") == passed and kept.get("quiz_score") == result


def _ask(console: Console, number: int, question: Question) -> int:
    """A letter, in either case; asked again until it is one of the choices."""
    console.print(f"\n[bold]{number}. {escape(question.text)}[/]")
    letters = [chr(ord("a") + i) for i in range(len(question.choices))]
    for letter, choice in zip(letters, question.choices):
        console.print(f"   {letter}) {escape(choice)}")
    while True:
        answer = console.input(f"   your answer ({'/'.join(letters)}): ").strip().lower()
        if answer in letters:
            return letters.index(answer)
        console.print(f"   [red]type one of {', '.join(letters)}[/]")
