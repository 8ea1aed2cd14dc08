"""A learner's first file: plain Python, no Airflow yet."""

import json

DATA = {"rows": 3}


def process_data() -> str:
    return json.dumps(DATA)
