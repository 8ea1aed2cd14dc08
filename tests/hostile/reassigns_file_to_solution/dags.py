"""Hostile: no Airflow DAG code of its own. It runs the shipped reference solution and claims to be that file,
hoping the grader reads (and quotes, and runs) the solution as this submission's work."""

from exercise_cli.course import load_exercise

__file__ = str(load_exercise().solution_dir / load_exercise().solution)
with open(__file__, encoding="utf-8") as source:
    exec(compile(source.read(), __file__, "exec"))
