"""Hostile: no Airflow DAG code of its own. It runs the shipped reference solution and claims to be that file,
hoping the grader reads (and quotes, and runs) the solution as this submission's work."""

from exercise_cli.course import load_course, solution_dir

__file__ = str(solution_dir() / load_course().solution)
with open(__file__, encoding="utf-8") as source:
    exec(compile(source.read(), __file__, "exec"))
