"""The short quiz behind the "understanding" criterion."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer: int
    why: str


def load_quiz() -> tuple[list[Question], int]:
    raw = tomllib.loads(resources.files("exercise_cli").joinpath("data/exercise.toml").read_text(encoding="utf-8"))
    quiz = raw["quiz"]
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
