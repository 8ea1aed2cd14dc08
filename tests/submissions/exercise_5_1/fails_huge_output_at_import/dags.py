import sys

from airflow.sdk import dag  # noqa: F401

chunk = "x" * 1_000_000 + "\n"
for _ in range(200):
    sys.stdout.write(chunk)
raise RuntimeError("printed 200 MB, then failed")
