"""Grading where courses already run: a Gradescope autograder zip and a GitHub Classroom repository.

Both carry this grader as a wheel with the pinned constraints, so the platform installs exactly
what was tested, and both grade with the sandbox required.
"""

from __future__ import annotations

from pathlib import Path


def package(platform: str, target: Path | None, weights: dict[str, float], wheel: Path | None,
            timeout: float, task_timeout: float) -> list[str]:
    """Write the platform's files; returns what to tell the instructor."""
    if platform == "gradescope":
        from exercise_cli.autograder.gradescope import write_gradescope_zip

        written = write_gradescope_zip(target or Path("autograder.zip"), weights, wheel, timeout, task_timeout)
        return [f"wrote {written}: upload it as the assignment's autograder (Configure Autograder → Zip file upload)"]
    from exercise_cli.autograder.classroom import write_classroom_repo

    folder = target or Path("assignment")
    paths = write_classroom_repo(folder, weights, wheel, timeout, task_timeout)
    return [*(f"wrote {path}" for path in paths), f"push {folder} as the assignment's template repository"]
