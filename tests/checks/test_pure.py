"""Checks do no I/O: they decide from the Submission alone (its source facts were gathered when it was loaded)."""

import os
import time
from datetime import datetime, timedelta, timezone

from exercise_cli.checks import processing_timestamp
from hand_built import CONSUMER, HEADER, PRODUCER, dag_run, ran, task

from exercise_cli.facts import SourceFacts
from exercise_cli.verdicts import evaluate

STARTER_LIKE = HEADER + PRODUCER.replace('"@hourly"', '"@daily"') + CONSUMER.replace(
    'context["triggering_asset_events"]', 'context["triggering_dataset_events"]') + "\n# TODO 6: more\n"


def test_the_learners_file_gone_after_loading_changes_no_record(load) -> None:
    sub = load(STARTER_LIKE)
    before = evaluate(sub.exercise, sub, kinds={"static"})
    for copied in sub.learner_paths:
        os.unlink(copied)
    assert evaluate(sub.exercise, sub, kinds={"static"}) == before
    assert before["producer_schedule"]["line"] == 5 and before["reads_triggering_events"]["line"] == 18


def test_a_naive_timestamp_in_the_zone_the_trusted_side_read_passes() -> None:
    zone = timezone(timedelta(hours=5))
    now = time.time()
    naive = datetime.fromtimestamp(now, zone).replace(tzinfo=None).isoformat()
    sub = ran(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "r",
                                                     tasks=[task("process_data", f"at {naive}", started=now - 1, ended=now + 1)])})
    sub.source = SourceFacts(local_zone=zone)
    assert processing_timestamp.check(sub).status == "passed"
    sub.source = SourceFacts(local_zone=timezone(timedelta(hours=-7)))
    assert processing_timestamp.check(sub).status == "failed"
