"""The statement's hints (its <details> blocks), revealed one at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from exercise_cli.course import Exercise
from exercise_cli.errors import UsageError

_DETAILS = re.compile(r"<details>\s*<summary>(?P<title>.*?)</summary>(?P<body>.*?)</details>", re.S)


@dataclass(frozen=True)
class Hint:
    title: str
    body: str  # Markdown


def statement_hints(exercise: Exercise) -> list[Hint]:
    return [Hint(match["title"].strip(), match["body"].strip()) for match in _DETAILS.finditer(exercise.statement_text())]


def statement_without_hint_bodies(exercise: Exercise) -> str:
    """The statement with each hint folded to its title (the bodies open only through `exercise hint`)."""
    numbers = iter(range(1, 100))
    return _DETAILS.sub(lambda m: f"- *{m['title'].strip()}*: `exercise hint {next(numbers)}`", exercise.statement_text())


def reveal_hint(console: Console, number: int | None, dags: Path, exercise: Exercise, again: str = "exercise hint") -> None:
    """Show hint `number`, or the next one not yet seen; remember how far the learner got. `again`: the
    command that shows the next one from where the learner stands."""
    from rich.markup import escape

    from rich.markdown import Markdown
    from rich.panel import Panel

    from exercise_cli.tutor.state import load_state, save_state

    hints = statement_hints(exercise)
    seen = int(load_state(dags, exercise=exercise.id).get("hints_seen", 0))
    if number is None:
        if seen >= len(hints):
            console.print(f"You have seen all {len(hints)} hints; to see one again, give `{escape(again)}` a number from 1 to "
                          f"{len(hints)}, e.g. `{escape(again.replace(' hint', ' hint 1', 1))}`.")
            return
        number = seen + 1
    if number > len(hints):
        raise UsageError(f"there are {len(hints)} hints; hint {number} does not exist")
    shown = hints[number - 1]
    console.print(Panel(Markdown(shown.body), title=f"{shown.title} ({number}/{len(hints)})", border_style="yellow"))
    save_state(dags, exercise=exercise.id, hints_seen=max(seen, number))
    if number < len(hints):
        console.print(f"[dim]{len(hints) - number} more: `{escape(again)}`[/]")
