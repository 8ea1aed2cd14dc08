"""Errors the CLI turns into a one-line message and exit code 2 (usage or environment)."""

from __future__ import annotations


class UsageError(Exception):
    """The command was given something it cannot work with (a missing path, an empty folder)."""


class EnvironmentProblem(Exception):
    """The machine cannot grade: Airflow missing, the metadata DB template cannot be built."""
