"""The parse child's one message to the grading process: what Airflow's DagBag made of the DAG folder.

The child encodes it (exercise_cli/messages.py); the trusted side decodes it once, bounded and typed,
then cleans its texts and validates each DAG against Airflow's own schema (exercise_cli/sandbox/parse.py).
Every value in it is the child's claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercise_cli.messages import Message, decoder

MAX_RESULT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ParseResult(Message):
    type = "parse_result"
    dags: list[dict]  # Airflow's serialized DAGs (DagSerialization.to_dict)
    import_errors: dict[str, str]  # file -> Airflow's error text
    warnings: dict[str, list[str]]  # file -> captured warnings
    duplicates: dict[str, list[str]]  # dag_id -> files defining it
    parsed_from: dict[str, str]  # dag_id -> the file DagBag was parsing when it bagged it
    code_lines: dict[str, dict[str, list]]  # dag_id -> task_id -> [file, first line] of its function


decode_parse_result = decoder(ParseResult, limit=MAX_RESULT_BYTES)
