"""This install of the tool: which one it is (another venv or checkout is another), what its files hold
(a fingerprint that changes with any of them), and the user's cache folder for what it keeps between runs
(the metadata DB template, the validated course)."""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

_PACKAGES = ("exercise_cli", "exercise_cli.checks", "exercise_cli.starter", "exercise_cli.solution")


def version() -> str:
    try:
        return metadata.version("airflow-exercise")
    except metadata.PackageNotFoundError:
        return "unknown"


def install_id() -> str:
    """Which install: this Python and where exercise_cli is."""
    where = f"{sys.prefix}\0{package_folders()[0]}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def fingerprint() -> str:
    """The installed version and a hash of every installed exercise_cli file (the course's data, its
    checks, starters and solutions included): whatever was made from the install before either changed
    (a running server, a cached course) is stale."""
    digest = hashlib.sha256(version().encode())
    for root in package_folders():
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                try:
                    with open(path, "rb") as f:
                        digest.update(f.read())
                except OSError:
                    digest.update(b"\1unreadable")
    return f"{version()}+{digest.hexdigest()[:16]}"


def package_folders() -> list[str]:
    folders = []
    for name in _PACKAGES:
        spec = find_spec(name)
        folders += list(spec.submodule_search_locations or []) if spec else []
    return folders


def cache_root() -> Path:
    """EXERCISE_CACHE_DIR, else the user's cache folder for this tool."""
    override = os.environ.get("EXERCISE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("airflow-exercise"))
