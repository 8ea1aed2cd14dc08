"""The built wheel carries the checks, the starter, the solution and the course data."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from conftest import REPO


def _build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.whl"))


def test_wheel_installs_into_a_fresh_venv_and_runs_init(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "exercise_cli/checks/consumer_schedule.py",
        "exercise_cli/starter/exercise_5_1/exercise_5_1_producer_consumer_starter.py",
        "exercise_cli/solution/exercise_5_1/exercise_5_1_producer_consumer.py",
        "exercise_cli/starter/exercise_5_2/exercise_5_2_multi_asset_starter.py",
        "exercise_cli/solution/exercise_5_2/exercise_5_2_multi_asset.py",
        "exercise_cli/data/exercise_5_2/exercise.toml", "exercise_cli/data/exercise_5_2/statement.md",
        "exercise_cli/scenario/engine.py",
        "exercise_cli/data/course.toml", "exercise_cli/data/exercise_5_1/exercise.toml",
        "exercise_cli/data/exercise_5_1/statement.md",
        "exercise_cli/sandbox/airflow_local_settings.py",
    ):
        assert expected in names, expected

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )
    # The wheel goes into the fresh venv; its dependencies come from the project's venv.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run(
        [str(python), "-m", "exercise_cli", "init", str(tmp_path / "dags")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dags" / "exercise_5_1_producer_consumer_starter.py").exists()
    result = subprocess.run(  # every exercise of the course travels in the wheel
        [str(python), "-m", "exercise_cli", "init", str(tmp_path / "dags-5.2"), "--exercise", "5.2"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dags-5.2" / "exercise_5_2_multi_asset_starter.py").exists()
    where = subprocess.run(
        [str(python), "-c", "import exercise_cli.checks, exercise_cli.course as c; print(exercise_cli.checks.__file__); print(c.load_exercise().solution_dir)"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout
    assert str(site) in where and str(REPO) not in where


def test_every_package_of_the_source_tree_is_one_the_wheel_carries() -> None:
    """A package left out of pyproject's list imports here (an editable install) and not from the wheel."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "exercise_cli").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
