"""Hostile (an Airflow DAG file, to Airflow's safe-mode scan): fails its import with everything it can read
of its environment, so the report would quote it."""

import os


def _proc_environ() -> str:
    try:
        with open("/proc/self/environ", "rb") as f:
            return f.read().decode(errors="replace").replace("\0", " ")
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


raise RuntimeError(f"environment at import: {dict(os.environ)!r}; /proc/self/environ: {_proc_environ()}")
