import time
from datetime import datetime, timezone

from exercise_cli.checks import processing_timestamp
from hand_built import dag_run, ran, task


def producer(output: str, started: float, ended: float):
    return ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "r", tasks=[task("process_data", output, started=started, ended=ended)])})


def test_a_timestamp_from_the_runs_time_passes() -> None:
    now = time.time()
    stamp = datetime.fromtimestamp(now, timezone.utc).isoformat()
    assert processing_timestamp.check(producer(f"processed at {stamp}", now - 1, now + 1)).status == "passed"


def test_a_fixed_date_is_not_the_processing_time() -> None:
    now = time.time()
    outcome = processing_timestamp.check(producer("processed at 2024-01-01T00:00:00+00:00", now - 1, now + 1))
    assert outcome.status == "failed" and "no timestamp from the run's time" in outcome.message


def test_each_producer_is_named_when_its_output_lacks_one() -> None:
    from hand_built import warehouse

    now = time.time()
    stamp = datetime.fromtimestamp(now, timezone.utc).isoformat()
    runs = {"t_orders_producer": dag_run("t_orders_producer", "o", tasks=[task("load_orders", stamp, now - 1, now + 1)]),
            "t_products_producer": dag_run("t_products_producer", "p", tasks=[task("load_products", "done", now - 1, now + 1)])}
    outcome = processing_timestamp.check(ran(warehouse(), runs=runs))
    assert outcome.status == "failed"
    assert outcome.message == "no timestamp from the run's time in t_products_producer's output (load_products: done)"
