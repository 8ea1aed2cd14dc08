"""`make compat`: `check --live` against real Airflow 3.0, 3.1, 3.2 and 3.3 deployments.

For each version: a venv of its own under .compat/ (with the pins that version needs today), a
stack of its own (db migrate, api-server, scheduler, dag-processor; SQLite), first serving the
reference solution, then the URI-mismatch fixture; `exercise check --live` from this repo's venv
grades each. The solution must pass and the fixture must fail `auto_trigger`. Prints a Markdown
table; with --record, keeps each REST exchange for tests/test_live_recorded.py.

Not part of CI: it installs four Airflows (about 2 minutes each) and takes about 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compat.recording import RecordingProxy  # noqa: E402
from exercise_cli.demo.stack import USERNAME, AirflowStack  # noqa: E402

# What each version needs pinned besides itself, as measured (a newer FastAPI, Cadwyn or PyJWT breaks it).
VERSIONS = {
    "3.0.6": ["PyJWT==2.10.1", "fastapi[standard]>=0.116,<0.117", "cadwyn>=5.2.1,<5.5"],
    "3.1.8": [],
    "3.2.2": ["fastapi[standard-no-fastapi-cloud-cli]>=0.129,<0.137", "cadwyn>=6.1.1,<9"],
    "3.3.2": [],
}
FIXTURES = {"solution": None, "fails_uri_mismatch": ROOT / "tests" / "submissions" / "exercise_5_1" / "fails_uri_mismatch"}
RECORDED = ROOT / "tests" / "live" / "recorded"


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


def grade(version: str, fixture: str, python: Path, wait: float, record: bool) -> dict:
    stack = AirflowStack(dags=FIXTURES[fixture], python=str(python))
    started = time.monotonic()
    try:
        stack.prepare()
        stack.start()
        stack.wait_healthy(timeout=180)
        with RecordingProxy(stack.url) as proxy:
            url = proxy.url if record else stack.url
            command = [str(ROOT / ".venv" / "bin" / "exercise"), "check", "--live", url, "--username", USERNAME,
                       "--password", stack.password, "--json", "--wait", str(wait)]
            proc = subprocess.run(command, capture_output=True, text=True, timeout=30 * wait)
            if record:
                proxy.save(RECORDED / version / f"{fixture}.json", airflow=version, fixture=fixture)
    finally:
        stack.stop()
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        return {"exit": proc.returncode, "error": (proc.stderr or proc.stdout).strip()[-300:], "seconds": time.monotonic() - started}
    criteria = {c["id"]: c["status"] for c in doc["criteria"]}
    failed = [k["id"] for c in doc["criteria"] for k in c["checks"] if c["counts"] and k["status"] != "passed"]
    return {"exit": proc.returncode, "criteria": criteria, "not_passed": failed, "seconds": time.monotonic() - started}


def expected(fixture: str, outcome: dict) -> bool:
    if "criteria" not in outcome:
        return False
    if fixture == "solution":
        return outcome["exit"] == 0 and not outcome["not_passed"]
    return outcome["exit"] == 1 and outcome["criteria"].get("auto_trigger") == "failed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default=",".join(VERSIONS), help="comma-separated, from: " + ", ".join(VERSIONS))
    parser.add_argument("--wait", type=float, default=90.0, help="check --live --wait")
    parser.add_argument("--record", action="store_true", help=f"keep the REST exchanges under {RECORDED.relative_to(ROOT)}")
    args = parser.parse_args()
    rows = []
    ok = True
    for version in args.versions.split(","):
        python = venv_python(version)
        cells = [version]
        for fixture in FIXTURES:
            outcome = grade(version, fixture, python, args.wait, args.record)
            good = expected(fixture, outcome)
            ok &= good
            if "criteria" not in outcome:
                cells.append(f"ERROR (exit {outcome['exit']}): {outcome['error']}")
            elif fixture == "solution":
                cells.append(("passes" if good else f"FAILS {', '.join(outcome['not_passed'])}") + f" ({outcome['seconds']:.0f} s)")
            else:
                shown = ", ".join(outcome["not_passed"]) or "nothing"
                cells.append(f"auto_trigger {outcome['criteria']['auto_trigger']}; not passed: {shown} ({outcome['seconds']:.0f} s)")
            print(f"{version} {fixture}: {'as expected' if good else 'NOT as expected'} {outcome}", flush=True)
        rows.append(cells)
    print()
    print("| Airflow | solution | fails_uri_mismatch |")
    print("|---|---|---|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
