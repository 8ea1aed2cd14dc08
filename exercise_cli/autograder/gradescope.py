"""`exercise autograder gradescope`: a zip laid out as Gradescope's autograder specification asks.

At its top level: `setup.sh` (run once when the image is built), `run_autograder` (run per
submission), and what they install: the grader's wheel and the pinned constraints. Nothing else.
"""

from __future__ import annotations

import shlex
import tempfile
import zipfile
from pathlib import Path

from exercise_cli.autograder.bundle import constraints, template, wheel


def write_gradescope_zip(out: Path, weights: dict[str, float], given_wheel: Path | None,
                         timeout: float, task_timeout: float, exercise_id: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="exercise-gradescope-") as work:
        built = wheel(given_wheel, Path(work))
        weight_args = " ".join(f"--weight {shlex.quote(f'{k}={v:g}')}" for k, v in sorted(weights.items()))
        files = {
            "setup.sh": template("setup.sh", WHEEL=built.name, EXERCISE=exercise_id),
            "run_autograder": template("run_autograder", WEIGHTS=weight_args, TIMEOUT=f"{timeout:g}",
                                       TASK_TIMEOUT=f"{task_timeout:g}", EXERCISE=exercise_id),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, text in files.items():
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, text)
            bundle.write(built, built.name)
            bundle.write(constraints(), "constraints.txt")
    return out
