"""What environment the grading process and its children get: an allowlist, never the user's or the CI's whole one.

A CI job or an autograder holds tokens in its environment (GITHUB_TOKEN, AWS_*, ...); a
learner's code prints whatever it can read. The grading process is started with only what
Python and Airflow need plus the grader's own Airflow settings, and each child that runs
learner code drops, right after its fork and before that code runs, what only the trusted side
needs (the Execution API's JWT secret, proxies for live mode).

This module imports nothing from Airflow; the CLI side and the children both use it.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Mapping

# What Python, the C library and Airflow read: the executable path, locale, time zone, where a
# user's home and temporary files are, and the user's name (getpass.getuser() reads it).
_NEEDED = {"PATH", "LANG", "LANGUAGE", "TZ", "HOME", "TMPDIR", "TMP", "TEMP", "USER", "LOGNAME"}
_NEEDED_PREFIXES = ("LC_",)
# What the grading process itself needs beyond that: live mode reaches a deployment, maybe
# through a proxy or with a private CA; and a switch of the grader's own (execution_api.py).
_TRUSTED_ONLY = {
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    "EXERCISE_ALL_API_VERSIONS",
}
# The grader's own settings for the children (set by exercise_cli.grading.process.airflow_env).
GRADER_PYTHON = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
JWT_SECRET = "AIRFLOW__API_AUTH__JWT_SECRET"


def for_grading_process(environ: Mapping[str, str]) -> dict[str, str]:
    """The part of `environ` the grading process may inherit (its Airflow settings are added by the caller)."""
    return {k: v for k, v in environ.items() if _needed(k) or k in _TRUSTED_ONLY}


def _needed(key: str) -> bool:
    return key in _NEEDED or key.startswith(_NEEDED_PREFIXES)


def child_may_see(key: str) -> bool:
    """Whether a child running learner code keeps this variable of the grading process's environment."""
    if key == JWT_SECRET:
        return False
    return _needed(key) or key in GRADER_PYTHON or key.startswith(("AIRFLOW", "_AIRFLOW"))  # _AIRFLOW_*: Airflow's own markers


def scrub_for_child() -> None:
    """In a freshly forked child, before any learner code: drop what only the trusted side needs."""
    for key in [k for k in os.environ if not child_may_see(k)]:
        del os.environ[key]


GRADER_PACKAGE = "exercise_cli"


def forget_the_grader() -> None:
    """In a child, the last step before learner code runs: the grader's modules leave sys.modules (the code
    already running keeps its own references), and __main__ and argv name nothing of the grader.

    A file that looks for the grader then finds less; what it can still find (its callers' frames, the
    process's command line in /proc) gains it nothing: the trusted side compares what Airflow loaded with
    what the source says (checks/loaded_as_written.py)."""
    for name in [n for n in sys.modules if n.partition(".")[0] == GRADER_PACKAGE or n.startswith("__editable__")]:
        del sys.modules[name]
    sys.modules["__main__"] = types.ModuleType("__main__")
    sys.argv = [os.path.basename(sys.executable)]
