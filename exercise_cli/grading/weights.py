"""Criterion weights for the score, as given on the command line (CRITERION=W)."""

from __future__ import annotations

from exercise_cli.course import load_exercise
from exercise_cli.errors import UsageError


def parse_weights(pairs: list[str] | None, exercise_id: str | None = None) -> dict[str, float]:
    """{"criterion": weight} from ["criterion=W", ...]; criteria not named weigh 1. UsageError on a bad pair."""
    ids = {c.id for c in load_exercise(exercise_id).criteria}
    weights = {}
    for pair in pairs or []:
        name, _, value = pair.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if name not in ids or number < 0:
            raise UsageError(f"--weight takes CRITERION=W with CRITERION one of {', '.join(sorted(ids))} and W >= 0; got {pair!r}")
        weights[name] = number
    return weights
