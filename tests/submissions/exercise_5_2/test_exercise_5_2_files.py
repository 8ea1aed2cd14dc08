"""Exercise 5.2's files as Airflow 3 loads them: the starter, the solution and every fixture submission,
each loaded by Airflow's own DagBag in a child process with a throwaway AIRFLOW_HOME; and its
exercise as the course loader reads it. This pins what each fixture IS (ids, tags, schedules, outlets, the
consumer's AND/OR condition, import errors) before the scenario engine grades them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TESTS
from exercise_cli.course import WORDS, Exercise, load_exercise

FOLDER = "exercise_5_2"
FIXTURES = TESTS / "submissions" / FOLDER
STARTER = REPO / "starter" / FOLDER / "exercise_5_2_multi_asset_starter.py"
SOLUTION = REPO / "solution" / FOLDER / "exercise_5_2_multi_asset.py"

ORDERS, PRODUCTS, CUSTOMERS = (f"postgres://warehouse/{table}" for table in ("orders", "products", "customers"))
PRODUCERS = {f"exercise_5_2_{table}_producer": f"postgres://warehouse/{table}" for table in ("orders", "products", "customers")}
CONSUMER = "exercise_5_2_analytics_consumer"
ALL_FOUR = {*PRODUCERS, CONSUMER}


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise("5.2")

# What the child reports per file, read from the DAG objects Airflow built (never from the source text).
_LOAD = r"""
import json, sys
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import Asset, AssetAll, AssetAny

def condition(node):
    if isinstance(node, Asset):
        return None, [node.uri]
    kind = "all" if isinstance(node, AssetAll) else "any" if isinstance(node, AssetAny) else type(node).__name__
    kinds, uris = {kind}, []
    for child in node.objects:
        inner, found = condition(child)
        kinds |= {inner} - {None}
        uris += found
    return (kinds.pop() if len(kinds) == 1 else "mixed"), uris

report = {}
for path in sys.argv[1:]:
    bag = DagBag(dag_folder=path)
    dags = {}
    for dag_id, dag in bag.dags.items():
        timetable = dag.timetable
        asset_condition = getattr(timetable, "asset_condition", None)
        kind, uris = condition(asset_condition) if asset_condition is not None else (None, [])
        dags[dag_id] = {
            "tags": sorted(dag.tags),
            "start_date": dag.start_date.isoformat() if dag.start_date else None,
            "schedule": dag.schedule if dag.schedule is None or isinstance(dag.schedule, str) else "assets",
            "timetable": type(timetable).__name__,
            "condition": kind,
            "condition_uris": uris,
            "outlets": sorted(o.uri for task in dag.tasks for o in task.outlets),
            "tasks": len(dag.tasks),
        }
    report[path] = {"dags": dags, "errors": list(bag.import_errors.values())}
print("REPORT " + json.dumps(report))
"""


def _fixtures() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """name -> {"dags", "errors"} for the starter, the solution and every fixture, from one child."""
    home = tmp_path_factory.mktemp("airflow-home-5-2")
    files = {"starter": STARTER, "solution": SOLUTION, **{name: FIXTURES / name / "dags.py" for name in _fixtures()}}
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", _LOAD, *map(str, files.values())], env=env,
                          capture_output=True, text=True, timeout=300, cwd=home)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("REPORT "))
    by_path = json.loads(line.removeprefix("REPORT "))
    return {name: by_path[str(path)] for name, path in files.items()}


# fixture -> the DAG ids Airflow finds in it
IDS = {
    "fails_todo0_untouched_starter": set(),
    "fails_todo1_assets_only": set(),
    "fails_todo2_orders_producer_only": {"exercise_5_2_orders_producer"},
    "fails_todo3_two_producers": {"exercise_5_2_orders_producer", "exercise_5_2_products_producer"},
    "fails_todo4_no_consumer_yet": set(PRODUCERS),
    "fails_asset_any_course_form": set(),
    "fails_course_solution_ids": {i.replace("exercise_5_2_", "solution_5_2_") for i in ALL_FOUR},
}

# fixture -> (kind, URIs) of the consumer's asset condition; the rest of the whole ones wait for all three
CONDITION = {
    "fails_or_operator": ("any", [ORDERS, PRODUCTS, CUSTOMERS]),
    "fails_two_of_three": ("all", [ORDERS, PRODUCTS]),
}


def test_every_fixture_is_named_by_outcome_and_listed_in_expected() -> None:
    expected = (FIXTURES / "EXPECTED.md").read_text()
    names = _fixtures()
    assert len(names) >= 16  # the course's own shapes, and each misleading message found since has one
    for name in names:
        assert re.fullmatch(r"(passes|fails)_[a-z0-9_]+", name), name
        assert (FIXTURES / name / "dags.py").is_file(), name
        assert f"`{name}`" in expected, f"{name} has no line in EXPECTED.md"


def test_only_the_course_form_fails_to_import_and_it_says_asset_has_no_any(loaded: dict[str, dict]) -> None:
    for name, found in loaded.items():
        if name == "fails_asset_any_course_form":
            assert found["dags"] == {}
            (error,) = found["errors"]
            assert "type object 'Asset' has no attribute 'any'" in error
        else:
            assert found["errors"] == [], (name, found["errors"])


@pytest.mark.parametrize("name", _fixtures() + ["starter", "solution"])
def test_dag_ids(loaded: dict[str, dict], name: str) -> None:
    wanted = set() if name == "starter" else IDS.get(name, ALL_FOUR)
    assert set(loaded[name]["dags"]) == wanted


@pytest.mark.parametrize("name", _fixtures() + ["solution"])
def test_tags_and_start_dates_are_the_exercises(loaded: dict[str, dict], exercise: Exercise, name: str) -> None:
    tags = {dag.id: sorted(dag.tags) for dag in exercise.dags.values()}
    for dag_id, dag in loaded[name]["dags"].items():
        assert dag["tags"] == tags[dag_id.replace("solution_5_2_", "exercise_5_2_")], (dag_id, dag["tags"])
        assert dag["start_date"] == "2024-01-01T00:00:00+00:00", (dag_id, dag["start_date"])


@pytest.mark.parametrize("name", _fixtures() + ["solution"])
def test_producers_are_unscheduled_and_each_updates_its_own_asset(loaded: dict[str, dict], name: str) -> None:
    for dag_id, dag in loaded[name]["dags"].items():
        dag_id = dag_id.replace("solution_5_2_", "exercise_5_2_")
        if dag_id not in PRODUCERS:
            continue
        hourly = name == "fails_hourly_producer" and dag_id == "exercise_5_2_products_producer"
        wanted = "@daily" if name == "fails_three_scheduled_producers" else "@hourly" if hourly else None
        assert dag["schedule"] == wanted, (dag_id, dag["schedule"])
        no_outlets = name == "fails_producer_without_outlets" and dag_id == "exercise_5_2_customers_producer"
        assert dag["tasks"] == 1 and dag["outlets"] == ([] if no_outlets else [PRODUCERS[dag_id]]), (dag_id, dag)


@pytest.mark.parametrize("name", [n for n in _fixtures() if n not in IDS] + ["solution"])
def test_the_consumer_is_asset_triggered_with_the_intended_condition(loaded: dict[str, dict], name: str) -> None:
    (consumer,) = (dag for dag_id, dag in loaded[name]["dags"].items() if dag_id.endswith("_analytics_consumer"))
    timetable = "AssetOrTimeSchedule" if name == "fails_asset_or_time_schedule" else "AssetTriggeredTimetable"
    assert consumer["timetable"] == timetable and consumer["schedule"] == "assets"
    kind, uris = CONDITION.get(name, ("all", [ORDERS, PRODUCTS, CUSTOMERS]))
    assert (consumer["condition"], consumer["condition_uris"]) == (kind, uris)
    assert consumer["tasks"] == (0 if name == "fails_todo5_consumer_without_task" else 1)


def test_the_starter_imports_with_no_dag_and_six_todos_in_order(loaded: dict[str, dict]) -> None:
    assert loaded["starter"] == {"dags": {}, "errors": []}
    text = STARTER.read_text()
    assert [int(n) for n in re.findall(r"#\s*TODO (\d+)", text)] == [1, 2, 3, 4, 5, 6]
    # Each DAG's TODO names its id, and each producer's names its own outlet (so a check can point at it).
    for number, (dag_id, outlet) in enumerate(
            [("exercise_5_2_orders_producer", "outlets=[orders]"), ("exercise_5_2_products_producer", "outlets=[products]"),
             ("exercise_5_2_customers_producer", "outlets=[customers]"), (CONSUMER, None)], start=2):
        block = text.split(f"# TODO {number}:")[1].split("def ")[0]
        assert f'"{dag_id}"' in block and (outlet is None or outlet in block), (number, block)
    assert 'context["triggering_asset_events"]' in text.split("# TODO 6:")[1]
    assert text.rstrip().splitlines()[-4:] == ["orders_producer()", "products_producer()", "customers_producer()",
                                               "analytics_consumer()"]


def test_the_todo_path_starts_at_the_starter_and_keeps_every_todo() -> None:
    path = sorted((n for n in _fixtures() if re.search(r"_todo\d_", n)), key=lambda n: int(re.search(r"todo(\d)", n)[1]))
    assert [int(re.search(r"todo(\d)", n)[1]) for n in path] == list(range(7))
    assert (FIXTURES / path[0] / "dags.py").read_text() == STARTER.read_text()
    for name in path:
        assert len(re.findall(r"#\s*TODO \d", (FIXTURES / name / "dags.py").read_text())) == 6, name
    assert path[-1].startswith("passes_") and all(n.startswith("fails_") for n in path[:-1])


# The exercise as the course loader reads it (course.toml's defaults merged, words filled): what the
# scenario and the checks rely on.
CRITERIA = {
    "producers_registered": ["files_import", "own_definitions", "loaded_as_written", "airflow3_imports", "dag_ids", "start_dates", "tags",
                             "producer_schedule", "producer_outlet", "registered_in_db"],
    "consumer_multi_asset": ["consumer_schedule"],
    "waits_for_all": ["producer_run", "asset_event", "waits_for_all_assets", "consumer_triggered"],
    "logs_events": ["reads_triggering_events", "consumer_run", "consumer_names_asset"],
    "understanding": ["quiz"],
    "assets_view": ["asset_registered"],
}


def test_the_exercise_names_its_files_and_they_exist(exercise: Exercise) -> None:
    assert exercise.id == "5.2" and exercise.title == "Exercise 5.2: Multi-Asset Dependencies"
    assert exercise.start_date == "2024-01-01" and exercise.statement_path.is_file()
    assert exercise.starter == STARTER.name and exercise.solution == SOLUTION.name


def test_assets_and_dags_by_role(exercise: Exercise) -> None:
    assert {key: spec.uri for key, spec in exercise.assets.items()} == {
        "orders": ORDERS, "products": PRODUCTS, "customers": CUSTOMERS}
    assert list(exercise.dags) == ["orders_producer", "products_producer", "customers_producer", "analytics_consumer"]
    for key in ("orders", "products", "customers"):
        spec = exercise.dags[f"{key}_producer"]
        assert (spec.role, spec.schedule, spec.outlets) == ("producer", None, (key,))
        assert spec.id == f"exercise_5_2_{key}_producer" and spec.tags[-2:] == ("producer", key)
    consumer = exercise.dags["analytics_consumer"]
    assert (consumer.role, consumer.id, consumer.logic) == ("consumer", CONSUMER, "all")
    assert consumer.schedule_on == ("orders", "products", "customers")


def test_the_scenario_triggers_two_producers_checks_the_consumer_waits_then_the_third(exercise: Exercise) -> None:
    assert [(s.step, s.dag, s.how) for s in exercise.scenario] == [
        ("register", "", ""),
        ("run", "orders_producer", "trigger"),
        ("run", "products_producer", "trigger"),
        ("not_triggered", "analytics_consumer", ""),
        ("run", "customers_producer", "trigger"),
        ("triggered", "analytics_consumer", ""),
        ("run", "analytics_consumer", ""),
        ("assets_view", "", ""),
    ]


def test_criteria_and_checks(exercise: Exercise) -> None:
    assert {c.id: [k.id for k in c.checks] for c in exercise.criteria} == CRITERIA
    assert list(CRITERIA) == [c.id for c in exercise.criteria]
    assert [c.id for c in exercise.criteria if not c.counts] == ["understanding"]
    for check in exercise.checks:  # every word filled
        assert not any(f"{{{word}}}" in check.title + check.hint for word in WORDS), (check.id, check.title, check.hint)
    waits = exercise.check("waits_for_all_assets")
    assert (waits.kind, waits.needs, waits.phase, waits.requires) == ("dynamic", "consumer", "scheduler", ("asset_event",))
    assert exercise.check("consumer_triggered").requires == ("asset_event", "consumer_schedule")
    assert exercise.check("asset_registered").requires == ("registered_in_db", "producer_outlet", "consumer_schedule")


def test_asset_any_and_all_habits_come_first_with_the_airflow3_spelling(exercise: Exercise) -> None:
    habits = exercise.airflow2_habits
    assert [found for found, _ in habits[:2]] == ["has no attribute 'any'", "has no attribute 'all'"]
    assert "orders | products | customers" in habits[0][1] and "AssetAny(" in habits[0][1]
    assert "schedule=[orders, products, customers]" in habits[1][1] and "&" in habits[1][1]
    assert {found for found, _ in habits[2:]} == {found for found, _ in load_exercise("5.1").airflow2_habits}


def test_the_quiz_is_on_and_versus_or(exercise: Exercise) -> None:
    quiz = exercise.quiz
    assert quiz["pass_mark"] == 4 and len(quiz["questions"]) == 5
    texts = " ".join(q["text"] + " ".join(q["choices"]) for q in quiz["questions"])
    for taught in ("schedule=[orders, products, customers]", "|", "&", "Asset.any", "twice"):
        assert taught in texts, taught
