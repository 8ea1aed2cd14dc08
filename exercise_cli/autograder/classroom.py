"""`exercise autograder github-classroom`: the files of a GitHub Classroom assignment repository.

The workflow grades once (sandboxed, under sudo) into a JSON report; then one command-grader step
per counted criterion renders that criterion from the report and passes or fails with it, and
GitHub Classroom's reporter adds up the points. Nothing is graded twice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from exercise_cli.autograder.bundle import constraints, template, wheel, whole_points
from exercise_cli.course import Exercise
from exercise_cli.errors import UsageError


def step_id(criterion_id: str) -> str:
    """The reporter takes runner ids of letters and digits only."""
    return criterion_id.replace("_", "")


def write_classroom_repo(folder: Path, weights: dict[str, float], given_wheel: Path | None,
                         timeout: float, task_timeout: float, course: Exercise) -> list[Path]:
    starter = course.starter_path
    if (folder / ".github" / "workflows" / "classroom.yml").exists():
        raise UsageError(f"{folder} already holds an assignment (.github/workflows/classroom.yml): choose an empty folder")
    exercise_dir = folder / ".github" / "exercise"
    exercise_dir.mkdir(parents=True, exist_ok=True)
    built = wheel(given_wheel, exercise_dir)
    shutil.copy(constraints(), exercise_dir / "constraints.txt")
    points = whole_points({c.id: weights.get(c.id, 1.0) for c in course.criteria if c.counts})
    counted = [c for c in course.criteria if c.counts]
    steps = "".join(
        template("classroom_step.yml", TITLE=c.title.replace('"', "'"), ID=step_id(c.id), CRITERION=c.id,
                 POINTS=str(points[c.id]))
        for c in counted
    )
    env = "\n".join(f"          {step_id(c.id).upper()}_RESULTS: \"${{{{ steps.{step_id(c.id)}.outputs.result }}}}\""
                    for c in counted)
    workflow = template("classroom.yml", EXERCISE=course.id, WHEEL=built.name, TIMEOUT=f"{timeout:g}", TASK_TIMEOUT=f"{task_timeout:g}",
                        STEPS=steps.rstrip("\n"), ENV=env, RUNNERS=",".join(step_id(c.id) for c in counted))
    workflows = folder / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    (workflows / "classroom.yml").write_text(workflow, encoding="utf-8")
    dags = folder / "dags"
    dags.mkdir(exist_ok=True)
    target = dags / starter.name
    if not target.exists():  # a learner's file is never overwritten
        shutil.copy(starter, target)
    table = "\n".join(f"| {c.title} | {points[c.id]} |" for c in counted)
    readme = template("classroom_README.md", EXERCISE=course.id, STARTER=starter.name, WHEEL=built.name,
                      POINTS_TABLE=f"| criterion | points |\n|---|---|\n{table}")
    readme_path = folder / "README.md"
    if not readme_path.exists():
        readme_path.write_text(readme, encoding="utf-8")
    # A venv, caches and reports never belong in a push (`git add -A` would take them all).
    ignore_path = folder / ".gitignore"
    if not ignore_path.exists():
        ignore_path.write_text(template("classroom_gitignore"), encoding="utf-8")
    return [workflows / "classroom.yml", target, readme_path, ignore_path, exercise_dir / built.name,
            exercise_dir / "constraints.txt"]
