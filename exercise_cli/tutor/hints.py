"""The statement's hints (its <details> blocks), revealed one at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercise_cli.course import statement_text

_DETAILS = re.compile(r"<details>\s*<summary>(?P<title>.*?)</summary>(?P<body>.*?)</details>", re.S)


@dataclass(frozen=True)
class Hint:
    title: str
    body: str  # Markdown


def statement_hints() -> list[Hint]:
    return [Hint(match["title"].strip(), match["body"].strip()) for match in _DETAILS.finditer(statement_text())]


def statement_without_hint_bodies() -> str:
    """The statement with each hint folded to its title: the bodies open only through `exercise hint`."""
    numbers = iter(range(1, 100))
    return _DETAILS.sub(lambda m: f"- *{m['title'].strip()}*: `exercise hint {next(numbers)}`", statement_text())
