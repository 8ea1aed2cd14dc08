"""The messages between the processes (the CLI and the grading process, the parse child and the grading
process): each kind goes through its channel's one decode
unchanged, and the decode refuses what no sender writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from exercise_cli.phases import PHASES
from exercise_cli.messages import encode
from exercise_cli.protocol import (
    PHASE_DOING,
    PROGRESS_LINE_LIMIT_BYTES,
    PROGRESS_PHASES,
    Done,
    Job,
    GraderError,
    Note,
    PhaseStarted,
    StaticDone,
    StepDone,
    TaskFinished,
    TaskStarted,
    decode_job,
    decode_progress,
    read_results,
    write_results,
)
from exercise_cli.sandbox.parse_frame import ParseResult, decode_parse_result

PROGRESS = [PhaseStarted("parse"), TaskStarted("producer_run", "d", "t"), TaskFinished("consumer_run", "d", "t", "failed"),
            Note("a line"), StepDone("run", "consumer", "d", False, "s", output="last lines"),
            StepDone("register", None, "", True, "Airflow lists d", waiting=True), StaticDone(), GraderError("no room"), Done()]


@pytest.mark.parametrize("message", PROGRESS, ids=lambda m: m.type)
def test_a_progress_message_reads_back_as_sent(message) -> None:
    line = encode(message)
    assert decode_progress(line) == message and decode_progress(line.encode()) == message


@pytest.mark.parametrize("line", [
    '{"type": "phase", "phase": "not_a_phase"}',  # the course's phases and the grader's own, no other
    '{"type": "launch_missiles"}',  # unknown type
    '{"phase": "parse"}',  # no type
    '{"type": "note"}',  # a field missing
    '{"type": "note", "text": 7}',  # a field of the wrong type
    '{"type": "step_done", "step": "run", "dag": null, "dag_id": "d", "ok": "yes", "summary": ""}',  # a bool is a bool
    '{"type": "note", "text": "a", "extra": 1}',  # an unknown field
    '["note", "a"]',  # not an object
    '{"type": "note", "text": "a"',  # cut short
    '{"type": "note", "text": "' + "a" * PROGRESS_LINE_LIMIT_BYTES + '"}',  # over the bound
])
def test_the_progress_decode_refuses_what_no_sender_writes(line: str) -> None:
    with pytest.raises(ValueError):
        decode_progress(line)


def test_a_message_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Note("a").text = "b"  # type: ignore[misc]


def test_there_is_one_list_of_phases_the_course_s() -> None:
    assert set(PHASES) < set(PROGRESS_PHASES) and set(PHASE_DOING) == set(PROGRESS_PHASES) - {"report"}


def test_reading_progress_imports_no_pydantic() -> None:
    """The CLI reads a progress line on every poll: that costs no pydantic import (nor Airflow's)."""
    code = ("import sys; from exercise_cli.protocol import decode_progress; decode_progress('{\"type\": \"done\"}');"
            "print(sorted(m for m in ('pydantic', 'airflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


FRAME = ParseResult(dags=[{"dag": {"dag_id": "d"}}], import_errors={"/d/a.py": "Traceback"}, warnings={"/d/a.py": ["w"]},
                    duplicates={}, parsed_from={"d": "/d/a.py"}, code_lines={"d": {"t": ["/d/a.py", 3]}})


def test_the_parse_frame_reads_back_as_sent() -> None:
    assert decode_parse_result(encode(FRAME).encode()) == FRAME


@pytest.mark.parametrize("change", [
    {"type": "dags"},  # another kind of message
    {"dags": {"d": {}}},  # the DAGs are a list
    {"parsed_from": {"d": 1}},  # a file is a text
    {"code_lines": {"d": "t"}},  # a DAG's tasks are an object
    {"warnings": {"/d/a.py": "w"}},  # a file's warnings are a list of texts
    {"more": 1},  # a field no child sends
])
def test_the_parse_frame_decode_refuses_another_shape(change: dict) -> None:
    frame = {**json.loads(encode(FRAME)), **change}
    with pytest.raises(ValueError):
        decode_parse_result(json.dumps(frame))


def test_the_parse_frame_decode_refuses_a_missing_field() -> None:
    frame = json.loads(encode(FRAME))
    del frame["import_errors"]
    with pytest.raises(ValueError):
        decode_parse_result(json.dumps(frame))


def test_the_job_reads_back_as_written(tmp_path) -> None:
    job = Job(mode="live", home=str(tmp_path), dags_folder="/d", learner_paths={"/d/a.py": "~/a.py"},
              sandbox={"tier": "namespace", "uid": 1000}, live={"url": "http://localhost:8080", "wait": 60.0},
              skipped=["link.py"], exercise_id="5.2")
    assert Job.read(job.write()) == job


@pytest.mark.parametrize("change", [{"mode": "fast"}, {"type": "note"}, {"task_timeout": "60"}, {"learner_paths": ["a"]},
                                    {"sandbox": "namespace"}, {"unknown": 1}])
def test_a_job_of_another_shape_is_refused(change: dict) -> None:
    job = {**json.loads(encode(Job(mode="full", home="/h", dags_folder="/d", learner_paths={}))), **change}
    with pytest.raises(ValueError):
        decode_job(json.dumps(job))


RESULTS = {"dag_ids": {"id": "dag_ids", "status": "passed", "message": "both DAGs", "hint": "", "file": None, "line": None,
                       "title": "The DAG ids"},
           "quiz": {"id": "quiz", "status": "pending", "message": "take the quiz"}}


def test_the_results_read_back_as_written(tmp_path) -> None:
    write_results(tmp_path / "results.json", RESULTS)
    assert read_results(tmp_path / "results.json") == RESULTS


@pytest.mark.parametrize("records", [
    {"quiz": {"id": "quiz", "status": "won", "message": ""}},  # not a status
    {"quiz": {"id": "dag_ids", "status": "passed", "message": ""}},  # another check's
    {"quiz": {"id": "quiz", "status": "passed", "message": "", "score": 100}},  # no such field
    {"quiz": {"id": "quiz", "status": "passed", "message": "", "line": "3"}},  # a line is a number
    {"quiz": ["passed"]},  # not a record
])
def test_results_of_another_shape_are_refused(tmp_path, records: dict) -> None:
    (tmp_path / "results.json").write_text(json.dumps({"type": "results", "checks": records}))
    with pytest.raises(ValueError):
        read_results(tmp_path / "results.json")
