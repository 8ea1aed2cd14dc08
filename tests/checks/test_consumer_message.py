from exercise_cli.checks import consumer_message
from hand_built import dag_run, ran, task


def printed(output: str):
    return ran(consumer_run=dag_run("exercise_5_1_consumer", "a", tasks=[task("consume_data", output)]))


def test_passes_with_the_message_in_any_case_and_spacing() -> None:
    assert consumer_message.check(printed("data is  available for processing!")).status == "passed"


def test_shows_the_closest_line() -> None:
    outcome = consumer_message.check(printed("=====\nData is avaliable for procesing\nbye"))
    assert outcome.status == "failed" and "'Data is avaliable for procesing'" in outcome.message


def test_no_output_says_so() -> None:
    assert "printed nothing" in consumer_message.check(printed("")).message
