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
from exercise_cli.course import load_exercise
from exercise_cli.demo.run_demo import Demo, statement_steps
from exercise_cli.demo.stack import AirflowStack, group_alive, port_in_use


def test_run_demo_shows_an_asset_triggered_consumer_run_and_leaves_nothing_behind() -> None:
    out = io.StringIO()
    demo = Demo(Console(file=out, width=120), dags=None, wait=120, keep=False)
    result = demo.run()
    text = out.getvalue()
    assert result.ok, text
    # the scenario's steps, in its order, each as the engine reported it
    assert [s.step for s in result.steps] == [s.step for s in load_exercise("5.1").scenario], text
    produced = result.step("run", "exercise_5_1_producer")
    event = re.search(r"asset event #(\d+) s3://data-lake/processed_data", produced.summary)
    assert event, produced.summary
    triggered = result.step("triggered").summary
    assert re.search(r"created exercise_5_1_consumer run asset_triggered__\S+ \(asset_triggered\) from event "
                     rf"#{event[1]} \(s3://data-lake/processed_data from exercise_5_1_producer\)", triggered), triggered
    assert triggered in " ".join(text.split())  # shown as it came
    assert "Data is available for processing!" in text
    assert "Triggered by asset: s3://data-lake/processed_data" in text
    assert "What happened" in text and "consumer run created" in text
    assert re.search(r"The checklist, as `exercise check --live http://\S+ --username admin --password \S+ --exercise 5\.1` "
                     "grades this Airflow: no check failed", " ".join(text.split())), text
    # nothing left: no process of either group, no listener, no home
    assert result.port_free and not port_in_use(demo.stack.port)
    assert not any(group_alive(pid) for pid in demo.stack.pids())
    assert not demo.stack.home.exists()


def test_run_demo_of_exercise_5_2_shows_the_consumer_waiting_for_all_three_assets() -> None:
    """`run-demo --exercise 5.2` on its solution: after two producers the scheduler makes no consumer run;
    the third producer's event brings one, which consumes the three events."""
    result = CliRunner().invoke(app, ["run-demo", "--exercise", "5.2"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    text = " ".join(result.stdout.split())
    assert result.exit_code == 0, result.stdout
    assert "Exercise 5.2: Multi-Asset Dependencies" in text

    def at(fragment: str) -> int:
        assert fragment in text, fragment
        return text.index(fragment)

    products_done = at("✔ exercise_5_2_products_producer run manual__")
    waiting = at("✔ no run of exercise_5_2_analytics_consumer yet (right: it waits for postgres://warehouse/customers)")
    customers = at("Triggered exercise_5_2_customers_producer")
    customers_done = at("✔ exercise_5_2_customers_producer run manual__")
    created = at("✔ the scheduler created exercise_5_2_analytics_consumer run asset_triggered__")
    assert products_done < waiting < customers < customers_done < created
    consumed = text[created:].split(" ✔ ")[0]
    for name in ("orders", "products", "customers"):
        assert f"(postgres://warehouse/{name} from exercise_5_2_{name}_producer)" in consumed, consumed
    assert text.count("asset_triggered__") == text.count("asset_triggered__", created)  # no consumer run before
    assert "✔ exercise_5_2_analytics_consumer run asset_triggered__" in text
    assert "no check failed" in text and "port " in text and "is free" in text


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
