"""The machine-readable report: exactly one JSON document."""

from __future__ import annotations

import json

from exercise_cli.results import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2)
