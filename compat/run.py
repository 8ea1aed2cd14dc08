"""`make compat`: `check --live` against real Airflow 3.0, 3.1, 3.2 and 3.3 deployments, for every exercise.

For each version: a venv of its own under .compat/ (with the pins that version needs today), and for
each exercise's case a stack of its own (db migrate, api-server, scheduler, dag-processor; SQLite)
serving the case's DAGs; `exercise check --live --exercise ID` from this repo's venv grades each.
The cases are the course's: each exercise's [[exercises.live]] entries in course.toml (none: its
solution, which must pass); a case with `fails` must fail that criterion.
Prints a Markdown table per exercise; with --record, keeps each REST exchange for
tests/test_live_recorded.py.

Not part of CI: it installs four Airflows (about 2 minutes each) and grades every case on each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compat.recording import RecordingProxy  # noqa: E402
from exercise_cli.course import LiveCase, load_course, load_exercise  # noqa: E402
from exercise_cli.dev.check import live_cases, recording_name  # noqa: E402
from exercise_cli.demo.stack import USERNAME, AirflowStack  # noqa: E402

# What each version needs pinned besides itself, as measured (a newer FastAPI, Cadwyn or PyJWT breaks it).
VERSIONS = {
    "3.0.6": ["PyJWT==2.10.1", "fastapi[standard]>=0.116,<0.117", "cadwyn>=5.2.1,<5.5"],
    "3.1.8": [],
    "3.2.2": ["fastapi[standard-no-fastapi-cloud-cli]>=0.129,<0.137", "cadwyn>=6.1.1,<9"],
    "3.3.2": [],
}
SUBMISSIONS = ROOT / "tests" / "submissions"
RECORDED = ROOT / "tests" / "live" / "recorded"


@dataclass(frozen=True)
class Case:
    exercise: str
    live: LiveCase  # the course's entry: its fixture, the criterion it must fail, what checks must say

    @property
    def fixture(self) -> str:
        return self.live.fixture  # "solution", or a fixture's folder name under tests/submissions/<folder>/

    @property
    def fails(self) -> str:
        return self.live.fails  # the criterion the fixture must fail ("": the case must pass)

    @property
    def dags(self) -> Path:
        exercise = load_exercise(self.exercise)
        if self.fixture == "solution":
            return exercise.solution_dir
        return SUBMISSIONS / exercise.folder / self.fixture

    @property
    def recording(self) -> str:
        """Its file's name under tests/live/recorded/VERSION/."""
        return recording_name(load_exercise(self.exercise), self.live)


CASES = tuple(Case(exercise.id, case) for exercise in load_course().exercises() for case in live_cases(exercise))


def venv_python(version: str) -> Path:
    folder = ROOT / ".compat" / version / "venv"
    python = folder / "bin" / "python"
    done = folder / ".installed"
    if not done.exists():
        print(f"installing apache-airflow=={version} into {folder} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"apache-airflow=={version}", *VERSIONS[version]],
                       check=True)
        done.touch()
    return python


def grade(version: str, case: Case, python: Path, wait: float, record: bool) -> dict:
    stack = AirflowStack(dags=case.dags, python=str(python))
    started = time.monotonic()
    try:
        stack.prepare()
        stack.start()
        stack.wait_healthy(timeout=180)
        with RecordingProxy(stack.url) as proxy:
            url = proxy.url if record else stack.url
            command = [str(ROOT / ".venv" / "bin" / "exercise"), "check", "--live", url, "--exercise", case.exercise,
                       "--username", USERNAME, "--password", stack.password, "--json", "--wait", str(wait)]
            checking = time.monotonic()
            proc = subprocess.run(command, capture_output=True, text=True, timeout=30 * wait)
            check_seconds = time.monotonic() - checking
            if record:
                proxy.save(RECORDED / version / case.recording, airflow=version, exercise=case.exercise,
                           fixture=case.fixture)
    finally:
        stack.stop()
    seconds = time.monotonic() - started
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        return {"exit": proc.returncode, "error": (proc.stderr or proc.stdout).strip()[-300:], "seconds": seconds,
                "check_seconds": check_seconds}
    criteria = {c["id"]: c["status"] for c in doc["criteria"]}
    failed = [k["id"] for c in doc["criteria"] for k in c["checks"] if c["counts"] and k["status"] != "passed"]
    messages = {k["id"]: k["message"] for c in doc["criteria"] for k in c["checks"] if k["id"] in failed}
    return {"exit": proc.returncode, "criteria": criteria, "not_passed": failed, "messages": messages,
            "seconds": seconds, "check_seconds": check_seconds}


def expected(case: Case, outcome: dict) -> bool:
    if "criteria" not in outcome:
        return False
    if not case.fails:
        return outcome["exit"] == 0 and not outcome["not_passed"]
    return outcome["exit"] == 1 and outcome["criteria"].get(case.fails) == "failed"


def cell(case: Case, outcome: dict, good: bool) -> str:
    if "criteria" not in outcome:
        return f"ERROR (exit {outcome['exit']}): {outcome['error']}"
    took = f" (check {outcome['check_seconds']:.0f} s; {outcome['seconds']:.0f} s with the stack)"
    if not case.fails:
        return ("passes" if good else f"FAILS {', '.join(outcome['not_passed'])}") + took
    shown = ", ".join(outcome["not_passed"]) or "nothing"
    return f"{case.fails} {outcome['criteria'].get(case.fails)}; not passed: {shown}{took}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default=",".join(VERSIONS), help="comma-separated, from: " + ", ".join(VERSIONS))
    exercises = sorted({case.exercise for case in CASES})
    parser.add_argument("--exercise", default=",".join(exercises), help="comma-separated, from: " + ", ".join(exercises))
    parser.add_argument("--wait", type=float, default=90.0, help="check --live --wait")
    parser.add_argument("--record", action="store_true", help=f"keep the REST exchanges under {RECORDED.relative_to(ROOT)}")
    args = parser.parse_args()
    chosen = args.exercise.split(",")
    unknown = [e for e in chosen if e not in exercises] + [v for v in args.versions.split(",") if v not in VERSIONS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    cases = [case for case in CASES if case.exercise in chosen]
    cells: dict[tuple[str, str, str], str] = {}  # (version, exercise, fixture): a case holds dicts
    ok = True
    for version in args.versions.split(","):  # one stack at a time: the machine is shared
        python = venv_python(version)
        for case in cases:
            outcome = grade(version, case, python, args.wait, args.record)
            good = expected(case, outcome)
            ok &= good
            cells[version, case.exercise, case.fixture] = cell(case, outcome, good)
            print(f"{version} {case.exercise} {case.fixture}: {'as expected' if good else 'NOT as expected'} {outcome}",
                  flush=True)
    for exercise in chosen:
        mine = [case for case in cases if case.exercise == exercise]
        print(f"\nExercise {exercise}\n")
        print("| Airflow | " + " | ".join(case.fixture for case in mine) + " |")
        print("|---" * (len(mine) + 1) + "|")
        for version in args.versions.split(","):
            print(f"| {version} | " + " | ".join(cells[version, case.exercise, case.fixture] for case in mine) + " |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
