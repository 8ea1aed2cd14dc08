from exercise_cli.checks import consumer_message
from hand_built import dag_run, ran, task


def printed(output: str):
    return ran(runs={"exercise_5_1_consumer": dag_run("exercise_5_1_consumer", "a", tasks=[task("consume_data", output)])})


def test_passes_with_the_message_in_any_case_and_spacing() -> None:
    assert consumer_message.check(printed("data is  available for processing!")).status == "passed"


def test_shows_the_closest_line() -> None:
    outcome = consumer_message.check(printed("=====\nData is avaliable for procesing\nbye"))
    assert outcome.status == "failed" and "'Data is avaliable for procesing'" in outcome.message


def test_no_output_says_so() -> None:
    assert "printed nothing" in consumer_message.check(printed("")).message


def test_only_consumers_with_a_message_are_asked() -> None:
    """The report consumer has no message in the test course: its silent output is no failure."""
    from hand_built import warehouse

    runs = {"t_report_consumer": dag_run("t_report_consumer", "a", tasks=[task("report", "")]),
            "t_audit_consumer": dag_run("t_audit_consumer", "b", tasks=[task("audit", "Audit done")])}
    outcome = consumer_message.check(ran(warehouse(), runs=runs))
    assert outcome.status == "passed" and outcome.message == "task audit printed 'Audit done'"
    runs["t_audit_consumer"] = dag_run("t_audit_consumer", "b", tasks=[task("audit", "")])
    outcome = consumer_message.check(ran(warehouse(), runs=runs))
    assert outcome.message == "t_audit_consumer's output does not contain 'Audit done': its tasks printed nothing"
