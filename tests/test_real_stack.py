"""End to end on a real Airflow: api-server + scheduler processes, REST API v2, no mocks (slow)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import submission
from exercise_cli.app import app
from exercise_cli.course import load_course, load_exercise
from exercise_cli.demo.run_demo import Demo, statement_steps
from exercise_cli.demo.stack import AirflowStack, group_alive, port_in_use


@pytest.mark.parametrize("exercise", load_course().exercises(), ids=lambda e: e.id)
def test_run_demo_plays_each_exercises_scenario_and_leaves_nothing_behind(exercise) -> None:
    """`run-demo --exercise ID` on its solution: each scenario step, in its order, done as the exercise wants
    it (a consumer that must wait made no run yet); each asset-triggered run names the events it consumed;
    the checklist `check --live` makes of that Airflow has no failed check; then nothing is left."""
    out = io.StringIO()
    demo = Demo(Console(file=out, width=120), dags=None, wait=120, keep=False, exercise=exercise)
    result = demo.run()
    text = " ".join(out.getvalue().split())
    assert result.ok, text
    assert [s.step for s in result.steps] == [s.step for s in exercise.scenario], text
    assert all(s.ok for s in result.steps), [(s.step, s.summary) for s in result.steps if not s.ok]
    for seen in result.steps:
        assert " ".join(seen.summary.split()) in text  # shown as it came
        if seen.step == "triggered":
            assert re.search(r"created \S+ run asset_triggered__\S+ \(asset_triggered\) from events? #\d+", seen.summary), seen.summary
        if seen.step == "not_triggered":
            assert seen.summary.startswith("no run of"), seen.summary
    consumers = {spec.id for spec in exercise.consumers}
    assert any(s.step == "run" and s.dag_id in consumers and s.output for s in result.steps)  # its task output, shown
    assert "What happened" in text and re.search(rf"`exercise check --live http://\S+ --username admin --password \S+ "
                                                 rf"--exercise {re.escape(exercise.id)}` grades this Airflow: no check failed", text), text
    # nothing left: no process of either group, no listener, no home
    assert result.port_free and not port_in_use(demo.stack.port)
    assert not any(group_alive(pid) for pid in demo.stack.pids())
    assert not demo.stack.home.exists()


def test_the_keep_commands_follow_each_exercises_scenario() -> None:
    assert statement_steps(load_exercise("5.1")) == [
        "airflow dags list | grep exercise_5_1",
        "airflow dags trigger exercise_5_1_producer",
        "# a few seconds after the last run succeeded: one new asset_triggered__ run",
        "airflow dags list-runs exercise_5_1_consumer",
    ]
    assert statement_steps(load_exercise("5.2")) == [
        "airflow dags list | grep exercise_5_2",
        "airflow dags trigger exercise_5_2_orders_producer",
        "airflow dags trigger exercise_5_2_products_producer",
        "# once those runs succeeded: no new asset_triggered__ run yet (it waits for postgres://warehouse/customers)",
        "airflow dags list-runs exercise_5_2_analytics_consumer",
        "airflow dags trigger exercise_5_2_customers_producer",
        "# a few seconds after the last run succeeded: one new asset_triggered__ run",
        "airflow dags list-runs exercise_5_2_analytics_consumer",
    ]


@pytest.fixture(params=["solution", "fails_uri_mismatch"])
def live_stack(request: pytest.FixtureRequest):
    dags = None if request.param == "solution" else Path(submission(request.param))
    stack = AirflowStack(dags=dags)
    try:
        stack.prepare()
        stack.start()
        stack.wait_healthy()
        yield request.param, stack
    finally:
        stack.stop()
    assert not any(group_alive(pid) for pid in stack.pids())


def test_check_live_against_a_running_airflow(live_stack) -> None:
    name, stack = live_stack
    result = CliRunner().invoke(
        app,
        ["check", "--live", stack.url, "--username", "admin", "--password", stack.password, "--json", "--wait", "60"],
        env={"COLUMNS": "100"},
    )
    doc = json.loads(result.stdout)
    assert doc["mode"] == "live"
    criteria = {c["id"]: c for c in doc["criteria"]}
    if name == "solution":
        assert result.exit_code == 0, result.stdout
        assert doc["passed"] is True
        checks = {k["id"]: k for k in criteria["auto_trigger"]["checks"]}
        assert "asset_triggered" in checks["consumer_triggered"]["message"]
        wrong = CliRunner().invoke(app, ["check", "--live", stack.url, "--username", "admin", "--password", "wrong"])
        assert wrong.exit_code == 2 and "401" in wrong.output
    else:
        assert result.exit_code == 1
        assert criteria["auto_trigger"]["status"] == "failed"
        checks = {k["id"]: k for k in criteria["auto_trigger"]["checks"]}
        assert "the URIs differ" in checks["consumer_schedule"]["message"]
        assert checks["consumer_triggered"]["status"] == "skipped"  # the schedule check's failure is the cause, reported once


def test_check_live_unreachable_host_exits_2() -> None:
    result = CliRunner().invoke(app, ["check", "--live", "http://127.0.0.1:9", "--token", "x"])
    assert result.exit_code == 2
    assert "cannot reach Airflow" in result.output


def test_the_statements_test_steps_work_against_run_demo_keep() -> None:
    """`run-demo --keep` prints what a second terminal needs; the statement's three commands then work."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    exercise = str(Path(sys.executable).parent / "exercise")
    demo = subprocess.Popen([exercise, "run-demo", "--keep"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"}, start_new_session=True)
    try:
        printed: list[str] = []
        for line in demo.stdout:
            printed.append(line.rstrip("\n"))
            if line.startswith("airflow dags list-runs"):
                break
        exports = [line for line in printed if line.startswith("export ")]
        assert exports and "airflow dags list | grep exercise_5_1" in printed, "\n".join(printed)
        setup = "\n".join(exports)

        def shell(command: str) -> str:
            done = subprocess.run(["bash", "-c", f"{setup}\n{command}"], capture_output=True, text=True, timeout=120)
            return done.stdout

        assert "exercise_5_1_producer" in shell("airflow dags list | grep exercise_5_1")

        def asset_runs() -> list[str]:
            return re.findall(r"asset_triggered__\S+.*success", shell("airflow dags list-runs exercise_5_1_consumer"))

        before = len(asset_runs())
        assert "exercise_5_1_producer" in shell("airflow dags trigger exercise_5_1_producer")
        deadline = time.monotonic() + 120
        while len(asset_runs()) <= before and time.monotonic() < deadline:
            time.sleep(1)
        assert len(asset_runs()) == before + 1
        # SIGTERM to run-demo alone (as a service manager sends it) stops Airflow too.
        pids = [int(p) for p in re.findall(r"(?:api-server|scheduler) pid (\d+)", "\n".join(printed))]
        assert len(pids) == 2
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        for pid in pids:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            raise AssertionError(f"Airflow process {pid} outlived run-demo")
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGINT)
            demo.wait(timeout=60)
