"""What `exercise server status` and `exercise server stop` say."""

from __future__ import annotations

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.server import client
from exercise_cli.server.place import server_place


def describe_status() -> str:
    try:
        place = server_place()
    except EnvironmentProblem as exc:
        return f"No grading server: {exc}."
    state = client.status(place)
    if state is None:
        return f"No grading server runs (the next `exercise check` starts one at {place.socket})."
    doing = f"grading {state.jobs} now" if state.jobs else f"idle {_duration(state.idle)} (stops after {_duration(state.idle_limit)})"
    return (f"Grading server pid {state.pid}, up {_duration(state.uptime)}, {doing}\n"
            f"  version {state.fingerprint}\n  socket  {state.socket}")


def describe_stop() -> str:
    try:
        place = server_place()
    except EnvironmentProblem as exc:
        return f"No grading server: {exc}."
    pid = client.stop(place)
    return "No grading server runs." if pid is None else f"Stopped the grading server (pid {pid})."


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
