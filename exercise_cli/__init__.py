"""`exercise`: tutor and grader for the Airflow 3 exercise 5.1 (assets, producer/consumer)."""

from __future__ import annotations

__version__ = "0.1.0"
