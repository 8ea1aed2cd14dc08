"""The statement's hints (its <details> blocks), revealed one at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercise_cli.course import statement_text

_DETAILS = re.compile(r"<details>\s*<summary>(?P<title>.*?)</summary>(?P<body>.*?)</details>", re.S)


@dataclass(frozen=True)
class Hint:
    number: int
    title: str
    body: str  # Markdown


def statement_hints() -> list[Hint]:
    return [
        Hint(number, match["title"].strip(), match["body"].strip())
        for number, match in enumerate(_DETAILS.finditer(statement_text()), start=1)
    ]
