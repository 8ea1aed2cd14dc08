import ctypes

from airflow.sdk import dag  # noqa: F401

ctypes.string_at(0)
