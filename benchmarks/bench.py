"""Benchmarks for `exercise check`, printed as figures (not timed tests).

Measured side by side in one run, each a median of --repeat runs (the manual CLI sequence once),
in each sandbox tier this machine allows (namespaces; container: a uid of its own with seccomp,
forced by EXERCISE_SANDBOX_TIER) and without the sandbox (`--no-sandbox`):
  static check of the solution / `python -c "import airflow"`      (target <= 1.6)
  cold (--no-server) full check of the solution / import airflow   (target <= 3.0)
  cold exercise 5.2: full check of its solution / import airflow   (target <= 3.5)
  warm (the grading server's) full check of 5.1 / import airflow   (target <= 1.0, aim 0.7)
  warm full check of 5.2 / import airflow                          (target <= 1.2)
  full check / the manual Airflow CLI sequence proving the same     (target <= 0.20)
  peak RSS of any one process of a full check, cold and warm        (target <= 450 MB)
  exercise watch: save -> static verdict / import airflow            (target <= 0.25)
  exercise watch: save -> full verdict / import airflow              (target <= 0.5)
  the idle grading server's memory (RSS and PSS of its processes: the daemon, the warm process, its spare child), reported
  where a cold and a warm 5.1 check spend their time, phase by phase (the grading process's own events)
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


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc (Linux)."""
    parents: dict[int, list[int]] = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each (the warm process and the spare
    child it forked share most of theirs, which RSS would count twice)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreePeak:
    """The largest peak RSS (VmHWM) of any process under `root` while it runs, sampled every 50 ms: the grading
    children a server forks are not the command's children, so getrusage cannot see them."""

    def __init__(self, root: int) -> None:
        import threading

        self.root, self.peak_kb = root, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in _tree(self.root)[1:]:  # not the server itself (its warm process is, and its children)
                self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmHWM"))

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def start_server(env: dict[str, str]) -> int:
    """Start the bench's own grading server (its folder is the bench's) and wait for it; its pid."""
    from exercise_cli.server import client

    client.start_in_background()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = client.status()
        if state is not None:
            return state.pid
        time.sleep(0.2)
    raise RuntimeError("the grading server did not start")


def served() -> int:
    from exercise_cli.server import client

    state = client.status()
    return state.served if state else -1


def phases(cmd: list[str], env: dict[str, str]) -> tuple[float, list[tuple[str, float]]]:
    """(wall seconds, [(phase, seconds)]) of one check, from its grading process's progress events as they
    appear in its progress file (read every 2 ms: the events carry no time of their own); the command's own
    time before the first event and after the last are phases too."""
    folder = Path(tempfile.mkdtemp(prefix="bench-phases-"))
    folder.chmod(0o1777)  # the check's folder is made here (TMPDIR), and the sandbox's uid passes through it
    seen: list[tuple[float, dict]] = []
    read, partial = 0, b""
    try:
        started = time.time()
        proc = subprocess.Popen(cmd, env={**env, "TMPDIR": str(folder)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            running = proc.poll() is None
            for progress in folder.glob("exercise-check-*/home/progress.jsonl"):
                try:
                    with open(progress, "rb") as f:
                        f.seek(read)
                        chunk = f.read()
                except OSError:
                    continue
                now = time.time()
                read += len(chunk)
                *lines, partial = (partial + chunk).split(b"\n")
                seen += [(now, json.loads(line)) for line in lines if line.strip()]
            if not running:
                break
            time.sleep(0.002)
        ended = time.time()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not seen:
        raise RuntimeError(f"{cmd}: no progress events seen")
    steps: list[tuple[str, float]] = [("command start-up, hand-over", seen[0][0] - started)]
    marks = [(event["phase"], t) for t, event in seen if event.get("type") == "phase"] + [("(done)", seen[-1][0])]
    steps += [(name, later - t) for (name, t), (_, later) in zip(marks, marks[1:])]
    steps.append(("exit, report, print", ended - seen[-1][0]))
    return ended - started, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-manual", action="store_true", help="skip the minute-long manual CLI sequence")
    parser.add_argument("--skip-batch", action="store_true", help="skip the 20-submission batch comparison")
    parser.add_argument("--skip-class", action="store_true",
                        help="skip the class-scale figure (grade 50, 100, 200 solution copies --jobs 2: about 25 minutes)")
    parser.add_argument("--tier", action="append", help="measure only this tier (namespaces, container, 'no sandbox'); repeatable")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    env = airflow_env(scratch)
    # The bench's own grading server, in a folder of its own; the cold figures ask for none (--no-server).
    server_dir = scratch / "server"
    server_dir.mkdir(mode=0o700)
    os.environ["EXERCISE_SERVER_DIR"] = env["EXERCISE_SERVER_DIR"] = str(server_dir)
    for key in ("EXERCISE_NO_SERVER", "CI"):
        os.environ.pop(key, None)
        env.pop(key, None)
    exercise = str(BIN / "exercise")
    cold = ["--no-server"]
    # Warm the template DB cache and the OS page cache once, untimed.
    subprocess.run([exercise, "check", str(SOLUTION), "--json", *cold], capture_output=True, env=env)

    def median(cmd: list[str]) -> tuple[float, float]:
        runs = [timed(cmd, env=env) for _ in range(args.repeat)]
        return statistics.median(r[0] for r in runs), max(r[1] for r in runs)

    def warm_median(cmd: list[str], server: int) -> tuple[float, float]:
        """Median seconds through the server, and the peak RSS of any one process (the command's or the server's)."""
        times, peak = [], 0.0
        for _ in range(args.repeat):
            before = served()
            with TreePeak(server) as tree:
                seconds, rss, _ = timed(cmd, env=env)
            if served() != before + 1:
                raise RuntimeError(f"{cmd} was not graded by the server")
            times.append(seconds)
            peak = max(peak, rss, tree.peak_kb / 1024)
        return statistics.median(times), peak

    base, base_rss = median([sys.executable, "-c", "import airflow"])
    print(f"python -c 'import airflow'          {base:6.2f} s   peak RSS {base_rss:5.0f} MB", flush=True)
    from exercise_cli.sandbox import jail
    from exercise_cli.server import client

    modes = {tier: [] for tier in jail.SANDBOX_TIERS if jail.choose_tier(tier)[0] == tier}
    modes["no sandbox"] = ["--no-sandbox"]
    modes = {mode: flags for mode, flags in modes.items() if not args.tier or mode in args.tier}
    print(f"{'':36}" + "".join(f"{mode:>16}" for mode in modes))
    figures: dict[str, dict[str, float]] = {}
    server = start_server(env)
    subprocess.run([exercise, "check", str(SOLUTION), "--json"], capture_output=True, env=env)  # its first, untimed
    time.sleep(1)  # the spare child forked after that check
    idle_rss = {pid: (_status_kb(pid, "VmRSS") / 1024, _pss_kb(pid) / 1024) for pid in _tree(server)}
    try:
        for mode, flags in modes.items():
            os.environ["EXERCISE_SANDBOX_TIER"] = env["EXERCISE_SANDBOX_TIER"] = mode if not flags else ""
            # The load of a shared machine drifts over a run: each tier's ratios are to its own `import airflow`.
            tier_base, _ = median([sys.executable, "-c", "import airflow"])
            static, static_rss = median([exercise, "check", str(SOLUTION), "--static", "--json", *cold, *flags])
            full, full_rss = median([exercise, "check", str(SOLUTION), "--json", *cold, *flags])
            full_5_2, rss_5_2 = median([exercise, "check", str(SOLUTION_5_2), "--exercise", "5.2", "--json", *cold, *flags])
            warm, warm_rss = warm_median([exercise, "check", str(SOLUTION), "--json", *flags], server)
            warm_5_2, warm_rss_5_2 = warm_median([exercise, "check", str(SOLUTION_5_2), "--exercise", "5.2", "--json", *flags], server)
            save_static, save_full = watch_latencies(args.repeat, "process" if flags else "auto")
            figures[mode] = {"base": tier_base, "static": static, "full": full, "rss": max(full_rss, rss_5_2), "save_static": save_static,
                             "save_full": save_full, "full_5_2": full_5_2, "warm": warm, "warm_5_2": warm_5_2,
                             "warm_rss": max(warm_rss, warm_rss_5_2)}
            print(f"  ({mode}: " + ", ".join(f"{key} {value:.2f}" for key, value in figures[mode].items()) + ")", flush=True)
            if not args.skip_batch:
                figures[mode]["batch"], figures[mode]["one_by_one"] = batch_ratio(env, flags + cold)
                figures[mode]["hog"] = hog_slowdown(env, flags)
        os.environ["EXERCISE_SANDBOX_TIER"] = env["EXERCISE_SANDBOX_TIER"] = ""
        cold_phases = phases([exercise, "check", str(SOLUTION), "--json", *cold], env)
        warm_phases = phases([exercise, "check", str(SOLUTION), "--json"], env)
    finally:
        client.stop()
    shutil.rmtree(scratch, ignore_errors=True)

    def row(label: str, value, unit: str = "s", target: str = "") -> None:
        cells = "".join(f"{value(f):>13.2f} {unit:<2}" for f in figures.values())
        print(f"{label:<36}{cells}  {target}")

    row("python -c 'import airflow' (tier's)", lambda f: f["base"])
    row("exercise check --static solution", lambda f: f["static"])
    row("static / import airflow", lambda f: f["static"] / f["base"], "", "(target <= 1.6)")
    row("cold 5.1 full check", lambda f: f["full"])
    row("cold 5.1 full / import airflow", lambda f: f["full"] / f["base"], "", "(target <= 3.0)")
    row("cold 5.2 full check", lambda f: f["full_5_2"])
    row("cold 5.2 full / import airflow", lambda f: f["full_5_2"] / f["base"], "", "(target <= 3.5)")
    row("warm 5.1 full check", lambda f: f["warm"])
    row("warm 5.1 full / import airflow", lambda f: f["warm"] / f["base"], "", "(target <= 1.0, aim 0.7)")
    row("warm 5.2 full check", lambda f: f["warm_5_2"])
    row("warm 5.2 full / import airflow", lambda f: f["warm_5_2"] / f["base"], "", "(target <= 1.2)")
    row("peak RSS, one process, cold", lambda f: f["rss"], "MB", "(target <= 450)")
    row("peak RSS, one process, warm", lambda f: f["warm_rss"], "MB", "(target <= 450)")
    row("watch: save -> static verdict", lambda f: f["save_static"])
    row("watch: save -> full verdict", lambda f: f["save_full"])
    row("save -> static / import airflow", lambda f: f["save_static"] / f["base"], "", "(target <= 0.25)")
    row("save -> full / import airflow", lambda f: f["save_full"] / f["base"], "", "(target <= 0.5)")
    if not args.skip_batch:
        row("grade 20 copies --jobs 2", lambda f: f["batch"])
        row("20 separate `exercise check`", lambda f: f["one_by_one"])
        row("batch / one by one", lambda f: f["batch"] / f["one_by_one"], "", "(target <= 0.25)")
        row("classmate beside a CPU hog / alone", lambda f: f["hog"], "", "(target <= 1.5)")
    print("idle grading server, RSS / PSS: " + ", ".join(f"pid {pid} {rss:.0f} / {pss:.0f} MB" for pid, (rss, pss) in idle_rss.items())
          + f" (PSS total {sum(pss for _, pss in idle_rss.values()):.0f} MB: the spare child shares the warm process's pages)")
    print(f"where a 5.1 full check's time goes (one run each, {next(iter(modes))}):")
    print(f"  {'phase':<30}{'cold':>8}{'warm':>8}")
    warm_steps = dict(warm_phases[1])
    for name, seconds in cold_phases[1]:
        print(f"  {name:<30}{seconds:>8.2f}{warm_steps.get(name, float('nan')):>8.2f}")
    print(f"  {'total (wall)':<30}{cold_phases[0]:>8.2f}{warm_phases[0]:>8.2f}")
    full = figures[next(iter(modes))]["full"]
    if not args.skip_manual:
        manual, steps = manual_sequence()
        for name, seconds in steps.items():
            print(f"  manual: airflow {name:<24} {seconds:6.2f} s")
        print(f"manual CLI sequence                 {manual:6.2f} s")
        print(f"full (sandbox) / manual CLI sequence {full / manual:6.2f}     (target <= 0.20)")
    if not args.skip_class:
        from class_scale import measure, table  # benchmarks/ is this script's folder, so on sys.path

        print("class scale: exercise grade --jobs 2 of N copies of the 5.1 solution (cost per submission must stay flat)")
        print(table(measure([50, 100, 200], jobs=2)))


if __name__ == "__main__":
    main()
