from dataclasses import replace

from exercise_cli.checks import own_definitions
from hand_built import CONSUMER, HEADER, PRODUCER


def test_passes_when_the_file_defines_each_dag_and_task(load) -> None:
    outcome = own_definitions.check(load(HEADER + PRODUCER + CONSUMER))
    assert outcome.status == "passed" and "exercise_5_1_producer and exercise_5_1_consumer" in outcome.message


def test_passes_with_nothing_loaded_yet(load) -> None:
    assert own_definitions.check(load(HEADER)).status == "passed"


def test_passes_for_a_factory_called_in_a_loop_with_f_string_ids(load) -> None:
    source = HEADER + """
def build(role, schedule):
    @dag(dag_id=f"exercise_5_1_{role}", schedule=schedule, start_date=datetime(2024, 1, 1))
    def pipeline():
        @task(task_id=f"step_{role}")
        def step():
            print(role)
        step()
    return pipeline()
for role, schedule in (("producer", "@hourly"), ("consumer", [processed_data])):
    build(role, schedule)
"""
    assert own_definitions.check(load(source)).status == "passed"


def test_fails_for_dags_made_from_a_string(load) -> None:
    source = HEADER + f"exec({PRODUCER!r})\n"
    outcome = own_definitions.check(load(source))
    assert outcome.status == "failed" and outcome.file == "dags.py"
    assert "DAG exercise_5_1_producer" in outcome.message and "its code is not in your file" in outcome.message


def test_fails_for_a_dag_function_called_only_from_a_string(load) -> None:
    source = HEADER + PRODUCER.replace("data_producer()\n", "") + 'exec("data_" + "producer()")\n'
    outcome = own_definitions.check(load(source))
    assert outcome.status == "failed" and "no DAG(...) call or called @dag function" in outcome.message


def test_fails_for_a_task_no_definition_accounts_for(load) -> None:
    sub = load(HEADER + PRODUCER)
    loaded = sub.loaded["exercise_5_1_producer"]
    sub.loaded["exercise_5_1_producer"] = replace(loaded, tasks=(replace(loaded.tasks[0], task_id="borrowed"),))
    outcome = own_definitions.check(sub)
    assert outcome.status == "failed" and "task borrowed of DAG exercise_5_1_producer" in outcome.message


def test_fails_for_a_task_running_a_function_defined_elsewhere(load) -> None:
    sub = load(HEADER + PRODUCER)
    loaded = sub.loaded["exercise_5_1_producer"]
    sub.loaded["exercise_5_1_producer"] = replace(loaded, tasks=(replace(loaded.tasks[0], function="solution.<locals>.go",
                                                                          code_file=next(iter(sub.learner_paths)),
                                                                          code_line=8, code_in="submission"),))
    outcome = own_definitions.check(sub)
    assert outcome.status == "failed" and "runs solution.<locals>.go(), which no def in your files" in outcome.message


def test_a_called_again_task_and_a_group_task_are_its_own(load) -> None:
    source = HEADER + """
from airflow.sdk import TaskGroup
@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1))
def data_producer():
    @task(outlets=[processed_data])
    def process_data():
        print("processed")
    with TaskGroup("steps"):
        process_data()
    process_data()
data_producer()
"""
    sub = load(source)
    assert {t.task_id for t in sub.loaded["exercise_5_1_producer"].tasks} == {"steps.process_data", "process_data"}
    assert own_definitions.check(sub).status == "passed"


def _claimed(sub, **claim):
    loaded = sub.loaded["exercise_5_1_producer"]
    sub.loaded["exercise_5_1_producer"] = replace(loaded, tasks=(replace(loaded.tasks[0], **claim),))
    return sub


def test_passes_when_the_function_starts_where_the_parse_child_says(load) -> None:
    sub = load(HEADER + PRODUCER)
    copy = next(iter(sub.learner_paths))
    assert own_definitions.check(_claimed(sub, code_file=copy, code_line=8, code_in="submission")).status == "passed"


def test_fails_when_no_def_of_that_name_starts_on_the_line_claimed(load) -> None:
    """Another file's text compiled under this file's name: its functions start on that file's lines."""
    sub = load(HEADER + PRODUCER)
    copy = next(iter(sub.learner_paths))
    outcome = own_definitions.check(_claimed(sub, code_file=copy, code_line=22, code_in="submission"))
    assert outcome.status == "failed" and outcome.line == 22 and outcome.file == "dags.py"
    assert "starts on line 22 of dags.py, where your file defines no process_data" in outcome.message


def test_fails_for_code_from_a_string_or_another_file(load) -> None:
    outcome = own_definitions.check(_claimed(load(HEADER + PRODUCER), code_file="<string>", code_line=3, code_in="elsewhere"))
    assert outcome.status == "failed" and "whose code comes from '<string>', not from your files" in outcome.message


def test_a_library_function_is_not_the_learners_but_fails_nothing(load) -> None:
    sub = _claimed(load(HEADER + PRODUCER), function="dumps", code_file="/usr/lib/python3.11/json/__init__.py",
                   code_line=183, code_in="library")
    assert own_definitions.check(sub).status == "passed"


def test_a_callable_without_code_of_its_own_is_not_traced(load) -> None:
    """functools.partial or a callable object: no code object, so no line to check; the DAG and task still are."""
    sub = _claimed(load(HEADER + PRODUCER), function="functools.partial", code_file="", code_line=None, code_in="")
    assert own_definitions.check(sub).status == "passed"


_ASSETS = '''
from airflow.sdk import asset

@asset(uri="s3://data-lake/raw_sales", schedule="@daily", dag_id="exercise_5_1_producer")
def raw_sales():
    return 1

@asset(uri="s3://data-lake/sales_summary", schedule=raw_sales)
def sales_summary(context):
    print(context["inlet_events"])
'''


def test_passes_for_dags_that_asset_decorators_make_where_they_are_written(load) -> None:
    outcome = own_definitions.check(load(_ASSETS))
    assert outcome.status == "passed" and "exercise_5_1_producer and sales_summary" in outcome.message


def test_fails_for_asset_dags_made_from_a_string(load) -> None:
    outcome = own_definitions.check(load(f"exec({_ASSETS!r})\n"))
    assert outcome.status == "failed" and "its code is not in your file" in outcome.message


def test_passes_for_dag_and_task_settings_passed_in_dicts(load) -> None:
    source = HEADER + """
PRODUCER = {"dag_id": "exercise_5_1_producer", "schedule": "@hourly", "start_date": datetime(2024, 1, 1)}
CONSUMER = {"dag_id": "exercise_5_1_consumer", "schedule": [processed_data], "start_date": datetime(2024, 1, 1)}
PRODUCE = {"task_id": "produce", "outlets": [processed_data]}
@dag(**PRODUCER)
def data_producer():
    @task(**PRODUCE)
    def process_data():
        print("done")
    process_data()
@dag(**CONSUMER)
def data_consumer():
    @task
    def consume_data():
        print("consumed")
    consume_data()
data_producer()
data_consumer()
"""
    outcome = own_definitions.check(load(source))
    assert outcome.status == "passed", outcome.message


def test_passes_for_a_task_decorator_applied_by_hand(load) -> None:
    source = HEADER + """
def process():
    print("done")
@dag(dag_id="exercise_5_1_producer", schedule="@hourly", start_date=datetime(2024, 1, 1))
def data_producer():
    task(outlets=[processed_data])(process)()
data_producer()
"""
    outcome = own_definitions.check(load(source))
    assert outcome.status == "passed", outcome.message


def test_passes_when_the_code_claimed_at_a_line_is_the_code_written_there(load) -> None:
    sub = load(HEADER + PRODUCER)
    copy = next(iter(sub.learner_paths))
    written = sub.source.code_at[(copy, "process_data", 8)]
    sub = _claimed(sub, code_file=copy, code_line=8, code_in="submission", code_fingerprint=written)
    assert own_definitions.check(sub).status == "passed"


def test_fails_when_other_code_was_moved_onto_a_def_of_that_name(load) -> None:
    """CodeType.replace(co_firstlineno=...) puts borrowed code on a decoy def's line: its fingerprint differs."""
    sub = load(HEADER + PRODUCER)
    copy = next(iter(sub.learner_paths))
    outcome = own_definitions.check(_claimed(sub, code_file=copy, code_line=8, code_in="submission",
                                             code_fingerprint="0" * 32))
    assert outcome.status == "failed" and outcome.line == 8
    assert "starts on line 8 of dags.py, but that is not the code your file has at that line" in outcome.message
