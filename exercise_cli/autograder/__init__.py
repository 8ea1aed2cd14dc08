"""Grading where courses already run: a Gradescope autograder zip and a GitHub Classroom repository.

Both carry this grader as a wheel with the pinned constraints, so the platform installs exactly
what was tested, and both grade with the sandbox required.
"""

from __future__ import annotations

from pathlib import Path

from exercise_cli.course import Exercise


def package(platform: str, target: Path | None, weights: dict[str, float], wheel: Path | None,
            timeout: float, task_timeout: float, exercise: Exercise) -> list[str]:
    """Write the platform's files; returns what to tell the instructor."""
    if platform == "gradescope":
        from exercise_cli.autograder.gradescope import write_gradescope_zip

        written = write_gradescope_zip(target or Path("autograder.zip"), weights, wheel, timeout, task_timeout, exercise.id)
        return [f"wrote {written} (exercise {exercise.id}): upload it as the assignment's autograder (Configure Autograder → Zip file upload)"]
    from exercise_cli.autograder.classroom import write_classroom_repo

    folder = target or Path("assignment")
    paths = write_classroom_repo(folder, weights, wheel, timeout, task_timeout, exercise)
    return [*(f"wrote {path}" for path in paths), f"push {folder} as the assignment's template repository"]
