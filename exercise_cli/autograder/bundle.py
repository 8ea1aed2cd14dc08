"""What both platforms install: this grader's wheel and the pinned constraints."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem, UsageError

DATA = Path(__file__).resolve().parent.parent / "data"
TEMPLATES = DATA / "autograder"


def constraints() -> Path:
    return DATA / "constraints.txt"


def template(name: str, **values: str) -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def source_tree() -> Path | None:
    """The project's checkout, when this grader is installed from one (editable)."""
    root = DATA.parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "exercise_cli").is_dir() else None


def wheel(given: Path | None, into: Path) -> Path:
    """The wheel to ship: the one given, or one built from the checkout this grader runs from."""
    if given is not None:
        if not given.is_file() or given.suffix != ".whl":
            raise UsageError(f"--wheel {given}: not a .whl file")
        return Path(shutil.copy(given, into / given.name))
    source = source_tree()
    if source is None:
        raise UsageError("this grader was not installed from its source tree: pass --wheel FILE (its built wheel)")
    with tempfile.TemporaryDirectory(prefix="exercise-wheel-") as out:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, str(source)],
            capture_output=True, text=True,
        )
        found = sorted(Path(out).glob("*.whl"))
        if built.returncode != 0 or not found:
            last = (built.stderr.strip().splitlines() or ["no output"])[-1]
            raise EnvironmentProblem(f"building the grader's wheel failed: {last}")
        return Path(shutil.copy(found[0], into / found[0].name))


def whole_points(weights: dict[str, float]) -> dict[str, int]:
    """GitHub Classroom counts whole points."""
    for name, value in weights.items():
        if value != int(value):
            raise UsageError(f"--weight {name}={value:g}: GitHub Classroom takes whole points")
    return {name: int(value) for name, value in weights.items()}
