"""Fails: a comment holds a byte that is not UTF-8 (saved as Latin-1)."""

from airflow.sdk import dag  # noqa: F401
# café au lait
