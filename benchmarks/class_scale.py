"""Class-scale figure for `make bench`: `exercise grade --jobs 2` of 50, 100 and 200 copies of the 5.1 solution.

Per class size: seconds per submission, the peak RSS of the largest process the run started (the
grading children, the warm process), and the `exercise grade` process's own peak (what grows with
the rows it keeps). Every copy must pass. Cost per submission must stay flat as the class grows:
the last line compares the largest class's seconds per submission with the smallest's (target <= 1.15).

    .venv/bin/python benchmarks/class_scale.py [--sizes 50 100 200] [--jobs 2] [--json]

benchmarks/bench.py calls `measure(sizes, jobs)` and prints `table(results)`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solution" / "exercise_5_1"
EXERCISE = Path(sys.executable).parent / "exercise"
FLAT_TARGET = 1.15


def _own_peak_mb(pid: int, stop: threading.Event, peak: list[float]) -> None:
    """The process's own high-water RSS (VmHWM), read until it ends: its children count elsewhere."""
    while not stop.wait(0.25):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except OSError:
            return


def grade_class(size: int, jobs: int) -> dict:
    """Grade `size` copies of the solution in a class folder of their own; the figures of that run."""
    with tempfile.TemporaryDirectory(prefix="exercise-bench-class-") as work:
        folder = Path(work) / "class"
        folder.mkdir()
        for i in range(size):
            shutil.copytree(SOLUTION, folder / f"learner-{i:03}", ignore=shutil.ignore_patterns("__pycache__"))
        gradebook = Path(work) / "grades.csv"
        # In a process of its own, so that its children's peak RSS is this run's alone.
        probe = subprocess.run([sys.executable, __file__, "--one", str(folder), str(jobs), str(gradebook)],
                               capture_output=True, text=True, check=True)
        run = json.loads(probe.stdout)
        rows = list(csv.DictReader(gradebook.open(encoding="utf-8"))) if gradebook.exists() else []
    return {
        "size": size, "jobs": jobs, "exit": run["exit"], "seconds": round(run["seconds"], 1),
        "per_submission": round(run["seconds"] / size, 3), "passed": sum(row["passed"] == "True" for row in rows),
        "largest_process_mb": round(run["largest_kb"] / 1024), "grade_process_mb": round(run["own_mb"]),
        "error": run["error"],
    }


def _one(folder: str, jobs: str, gradebook: str) -> None:
    """(in the probe process) run `exercise grade` once; print its seconds, exit and peaks as JSON."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(EXERCISE), "grade", folder, "--jobs", jobs, "--csv", gradebook],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stop, own = threading.Event(), [0.0]
    sampler = threading.Thread(target=_own_peak_mb, args=(proc.pid, stop, own), daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    print(json.dumps({"seconds": seconds, "exit": proc.returncode, "own_mb": own[0],
                      "largest_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      "error": err.strip().splitlines()[-1] if proc.returncode != 0 and err.strip() else ""}))


def measure(sizes: list[int], jobs: int = 2) -> list[dict]:
    return [grade_class(size, jobs) for size in sizes]


def table(results: list[dict]) -> str:
    lines = [f"{'class':>6} {'seconds':>8} {'s/submission':>13} {'largest process':>16} {'grade process':>14} {'passed':>8}"]
    for r in results:
        lines.append(f"{r['size']:>6} {r['seconds']:>8.1f} {r['per_submission']:>13.2f} {r['largest_process_mb']:>13} MB "
                     f"{r['grade_process_mb']:>11} MB {r['passed']:>4}/{r['size']}" + (f"  exit {r['exit']}: {r['error']}" if r["exit"] else ""))
    for a, b in zip(results, results[1:]):
        lines.append(f"marginal cost from {a['size']} to {b['size']}: {(b['seconds'] - a['seconds']) / (b['size'] - a['size']):.2f} s/submission")
    if len(results) > 1:
        growth = results[-1]["per_submission"] / results[0]["per_submission"]
        verdict = "flat" if growth <= FLAT_TARGET else "NOT flat"
        lines.append(f"s/submission at {results[-1]['size']} / at {results[0]['size']}: {growth:.2f} "
                     f"(target <= {FLAT_TARGET}: {verdict})")
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        _one(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = []
    for size in args.sizes:  # each as it is measured (a 200-copy class takes minutes)
        results.append(grade_class(size, args.jobs))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(json.dumps(results, indent=2) if args.json else table(results))
    sys.exit(0 if all(r["exit"] == 0 and r["passed"] == r["size"] for r in results) else 1)


if __name__ == "__main__":
    main()
