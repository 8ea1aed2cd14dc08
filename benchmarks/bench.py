"""Benchmarks for `exercise check`, printed as figures (not timed tests).

Measured side by side in one run, each a median of --repeat runs (the manual CLI sequence once),
in each sandbox tier this machine allows (namespaces; container: a uid of its own with seccomp,
forced by EXERCISE_SANDBOX_TIER) and without the sandbox (`--no-sandbox`):
  static check of the solution / `python -c "import airflow"`      (target <= 1.6)
  full check of the solution / `python -c "import airflow"`        (target <= 3.0)
  exercise 5.2: full check of its solution / `import airflow`      (target <= 3.5)
  full check / the manual Airflow CLI sequence proving the same     (target <= 0.20)
  peak RSS of the full check (largest process)                      (target <= 450 MB)
  exercise watch: save -> static verdict / import airflow            (target <= 0.25)
  exercise watch: save -> full verdict / import airflow              (target <= 0.75)
  exercise grade of 20 copies, --jobs 2 / 20 separate `exercise check` (target <= 0.25)
  a classmate's grading beside a CPU hog / graded alone              (target <= 1.5)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOLUTION = REPO / "solution" / "exercise_5_1"
SOLUTION_5_2 = REPO / "solution" / "exercise_5_2"
PRODUCER, CONSUMER = "exercise_5_1_producer", "exercise_5_1_consumer"


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the largest process it started, stdout)."""
    probe = (
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([dt, rss, p.returncode, p.stdout[-20000:], p.stderr[-2000:]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(cmd)], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    seconds, rss, code, stdout, stderr = json.loads(out.stdout)
    if code not in (0, 1):
        raise RuntimeError(f"{cmd} exited {code}: {stderr}")
    return seconds, rss, stdout


def airflow_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False", AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
               )
    return env


def manual_sequence() -> tuple[float, dict[str, float]]:
    """The honest by-hand proof: migrate, reserialize, unpause, dags test, scheduler, tasks test."""
    home = Path(tempfile.mkdtemp(prefix="bench-manual-"))
    shutil.copytree(SOLUTION, home / "dags", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    env = airflow_env(home)
    env["AIRFLOW__CORE__PARALLELISM"] = "2"
    airflow = str(BIN / "airflow")
    steps: dict[str, float] = {}
    try:
        for name, cmd in [
            ("db migrate", [airflow, "db", "migrate"]),
            ("dags reserialize", [airflow, "dags", "reserialize"]),
            ("dags unpause consumer", [airflow, "dags", "unpause", CONSUMER]),
            ("dags test producer", [airflow, "dags", "test", PRODUCER]),
            ("scheduler -n 2", [airflow, "scheduler", "-n", "2"]),
        ]:
            steps[name] = timed(cmd, env=env, cwd=str(home))[0]
        with sqlite3.connect(home / "airflow.db") as db:
            row = db.execute(
                "select run_id from dag_run where dag_id=? and run_type='asset_triggered' order by id limit 1", (CONSUMER,)
            ).fetchone()
        if row is None:
            raise RuntimeError("the scheduler made no asset-triggered consumer run")
        steps["tasks test consumer"] = timed([airflow, "tasks", "test", CONSUMER, "consume_data", row[0]], env=env, cwd=str(home))[0]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return sum(steps.values()), steps


def watch_latencies(repeat: int, isolation: str) -> tuple[float, float]:
    """Median seconds from saving a DAG file to the static and to the full verdict of `exercise watch`.

    Uses the command's own pieces: a warm grading process and watchfiles on a folder.
    """
    import threading

    from exercise_cli.grading.forkserver import ForkServer
    from exercise_cli.grading.grader import grade
    from exercise_cli.tutor.watch import watch_and_check

    folder = Path(tempfile.mkdtemp(prefix="bench-watch-")) / "dags"
    folder.mkdir()
    source = (SOLUTION / "exercise_5_1_producer_consumer.py").read_text()
    target = folder / "dags.py"
    target.write_text(source)
    marks: list[tuple[str, float]] = []
    stop = threading.Event()
    static_times, full_times = [], []
    with ForkServer() as server:
        def check() -> None:  # as `exercise watch` does: one full run, its static checks shown first
            grade(folder, static=False, isolation=isolation, launcher=server.launch,
                  on_static=lambda report: marks.append(("static", time.perf_counter())))
            marks.append(("full", time.perf_counter()))

        thread = threading.Thread(target=watch_and_check, args=(folder, check, stop), daemon=True)
        thread.start()
        while len(marks) < 2:
            time.sleep(0.05)
        time.sleep(0.5)
        for i in range(repeat):
            marks.clear()
            saved = time.perf_counter()
            target.write_text(source + f"\n# edit {i}\n")
            while len(marks) < 2:
                time.sleep(0.005)
            static_times.append(marks[0][1] - saved)
            full_times.append(marks[1][1] - saved)
            time.sleep(0.5)
        stop.set()
        thread.join(timeout=10)
    shutil.rmtree(folder.parent, ignore_errors=True)
    return statistics.median(static_times), statistics.median(full_times)


def batch_ratio(env: dict[str, str], flags: list[str], copies: int = 20) -> tuple[float, float]:
    """(seconds of `exercise grade` on `copies` solutions with --jobs 2, seconds of as many `exercise check`)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-class-"))
    for i in range(copies):
        shutil.copytree(SOLUTION, folder / f"learner{i:02d}", ignore=shutil.ignore_patterns("__pycache__"))
    exercise = str(BIN / "exercise")
    batch = timed([exercise, "grade", str(folder), "--jobs", "2", *flags], env=env)[0]
    started = time.perf_counter()
    for sub in sorted(folder.iterdir()):
        subprocess.run([exercise, "check", str(sub), "--json", *flags], env=env, capture_output=True)
    one_by_one = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return batch, one_by_one


def hog_slowdown(env: dict[str, str], flags: list[str]) -> float:
    """A solution's grading seconds beside tests/hostile/hogs_cpu_in_new_sessions (--jobs 2) / alone."""
    folder = Path(tempfile.mkdtemp(prefix="bench-hog-"))
    shutil.copytree(SOLUTION, folder / "alice", ignore=shutil.ignore_patterns("__pycache__"))
    exercise = str(BIN / "exercise")

    def alice_seconds() -> float:
        gradebook = folder.parent / f"{folder.name}.json"
        timed([exercise, "grade", str(folder), "--jobs", "2", "--json", str(gradebook), *flags], env=env)
        rows = json.loads(gradebook.read_text())
        gradebook.unlink()
        return next(r["seconds"] for r in rows if r["submission"] == "alice")

    alone = alice_seconds()
    shutil.copytree(REPO / "tests" / "hostile" / "hogs_cpu_in_new_sessions", folder / "hog")
    beside = alice_seconds()
    shutil.rmtree(folder, ignore_errors=True)
    return beside / alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-manual", action="store_true", help="skip the minute-long manual CLI sequence")
    parser.add_argument("--skip-batch", action="store_true", help="skip the 20-submission batch comparison")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    env = airflow_env(scratch)
    exercise = str(BIN / "exercise")
    # Warm the template DB cache and the OS page cache once, untimed.
    subprocess.run([exercise, "check", str(SOLUTION), "--json"], capture_output=True, env=env)

    def median(cmd: list[str]) -> tuple[float, float]:
        runs = [timed(cmd, env=env) for _ in range(args.repeat)]
        return statistics.median(r[0] for r in runs), max(r[1] for r in runs)

    base, base_rss = median([sys.executable, "-c", "import airflow"])
    print(f"python -c 'import airflow'          {base:6.2f} s   peak RSS {base_rss:5.0f} MB")
    from exercise_cli.sandbox import jail

    modes = {tier: [] for tier in jail.SANDBOX_TIERS if jail.choose_tier(tier)[0] == tier}
    modes["no sandbox"] = ["--no-sandbox"]
    print(f"{'':36}" + "".join(f"{mode:>16}" for mode in modes))
    figures: dict[str, dict[str, float]] = {}
    for mode, flags in modes.items():
        os.environ["EXERCISE_SANDBOX_TIER"] = env["EXERCISE_SANDBOX_TIER"] = mode if not flags else ""
        static, static_rss = median([exercise, "check", str(SOLUTION), "--static", "--json", *flags])
        full, full_rss = median([exercise, "check", str(SOLUTION), "--json", *flags])
        full_5_2, _ = median([exercise, "check", str(SOLUTION_5_2), "--exercise", "5.2", "--json", *flags])
        save_static, save_full = watch_latencies(args.repeat, "process" if flags else "auto")
        figures[mode] = {"static": static, "full": full, "rss": full_rss, "save_static": save_static, "save_full": save_full,
                         "full_5_2": full_5_2}
        if not args.skip_batch:
            figures[mode]["batch"], figures[mode]["one_by_one"] = batch_ratio(env, flags)
            figures[mode]["hog"] = hog_slowdown(env, flags)
    shutil.rmtree(scratch, ignore_errors=True)

    def row(label: str, value, unit: str = "s", target: str = "") -> None:
        cells = "".join(f"{value(f):>13.2f} {unit:<2}" for f in figures.values())
        print(f"{label:<36}{cells}  {target}")

    row("exercise check --static solution", lambda f: f["static"])
    row("exercise check solution (full)", lambda f: f["full"])
    row("static / import airflow", lambda f: f["static"] / base, "", "(target <= 1.6)")
    row("full / import airflow", lambda f: f["full"] / base, "", "(target <= 3.0)")
    row("full check peak RSS", lambda f: f["rss"], "MB", "(target <= 450)")
    row("exercise 5.2: check solution (full)", lambda f: f["full_5_2"])
    row("5.2 full / import airflow", lambda f: f["full_5_2"] / base, "", "(target <= 3.5)")
    row("watch: save -> static verdict", lambda f: f["save_static"])
    row("watch: save -> full verdict", lambda f: f["save_full"])
    row("save -> static / import airflow", lambda f: f["save_static"] / base, "", "(target <= 0.25)")
    row("save -> full / import airflow", lambda f: f["save_full"] / base, "", "(target <= 0.75)")
    if not args.skip_batch:
        row("grade 20 copies --jobs 2", lambda f: f["batch"])
        row("20 separate `exercise check`", lambda f: f["one_by_one"])
        row("batch / one by one", lambda f: f["batch"] / f["one_by_one"], "", "(target <= 0.25)")
        row("classmate beside a CPU hog / alone", lambda f: f["hog"], "", "(target <= 1.5)")
    full = figures[next(iter(modes))]["full"]
    if not args.skip_manual:
        manual, steps = manual_sequence()
        for name, seconds in steps.items():
            print(f"  manual: airflow {name:<24} {seconds:6.2f} s")
        print(f"manual CLI sequence                 {manual:6.2f} s")
        print(f"full (sandbox) / manual CLI sequence {full / manual:6.2f}     (target <= 0.20)")


if __name__ == "__main__":
    main()
