"""Hostile: no DAG code of its own. It loads the course's reference solution as a module with importlib and
copies its DAGs into this module, where Airflow's DagBag finds them."""

import importlib.util
import os


def _solution_path() -> str:
    package = os.path.dirname(importlib.util.find_spec("exercise_cli").origin)  # not imported, only found
    for folder in (os.path.join(package, "solution"), os.path.join(os.path.dirname(package), "solution")):
        path = os.path.join(folder, "exercise_5_1", "exercise_5_1_producer_consumer.py")
        if os.path.exists(path):
            return path
    raise FileNotFoundError("no reference solution found")


_spec = importlib.util.spec_from_file_location("borrowed_solution", _solution_path())
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
globals().update({name: value for name, value in vars(_module).items() if not name.startswith("__")})
