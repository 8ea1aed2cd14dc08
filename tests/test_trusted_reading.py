"""What the trusted side reads of a submission and what it passes on: regular files only, decoded as
Python decodes source, copied without following links; and an environment built from an allowlist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exercise_cli.grading.process import airflow_env
from exercise_cli.grading.submission import copy_into, find_submission
from exercise_cli.regular_file import regular_file_bytes
from exercise_cli.grading_process import source_facts
from exercise_cli.sandbox import environment


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text("x = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    assert regular_file_bytes(str(real), 100) == b"x = 1\n"
    assert regular_file_bytes(str(real), 3) is None  # past the cap
    for path in (link, fifo, tmp_path, Path("/dev/zero"), tmp_path / "missing.py"):
        assert regular_file_bytes(str(path), 100) is None, path
    facts = source_facts.gather([str(fifo), str(real)])
    assert list(facts.files) == [str(real)]


def test_only_the_files_named_are_read(tmp_path: Path) -> None:
    kept, other = tmp_path / "dag.py", tmp_path / "helper.py"
    kept.write_text("x = 'kept'\n")
    other.write_text("y = 'other'\n")
    facts = source_facts.gather([str(kept)])
    assert facts.of(str(kept)).literals == {"kept": 1}
    assert facts.of(str(other)).literals == {}


def test_a_file_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("x = 0\n" * (source_facts.MAX_TREE_BYTES // 6 + 1))
    assert source_facts.gather([str(big)]).files == {}


@pytest.mark.parametrize(("data", "encoding"), [
    ("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"), "iso-8859-1"),
    ("\ufeffname = 'café'\n".encode("utf-8"), "utf-8-sig"),
    ("name = 'café'\n".encode("utf-8"), "utf-8"),
])
def test_source_is_decoded_as_python_decodes_it(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "dags.py"
    path.write_bytes(data)
    assert source_facts.source_encoding(data) == encoding
    assert source_facts.source_text(str(path)).endswith("name = 'café'\n")
    assert source_facts.gather([str(path)]).of(str(path)).literals["café"] == data.count(b"\n")


def test_a_submission_is_copied_without_following_links(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    folder = tmp_path / "sub"
    (folder / "pkg").mkdir(parents=True)
    (folder / "dags.py").write_text("x = 1\n")
    (folder / "pkg" / "more.py").write_text("y = 2\n")
    (folder / "leak.py").symlink_to(secret)
    (folder / ".airflowignore").symlink_to(secret)
    (folder / "outside").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.py")
    sub = find_submission(folder)
    assert [f.name for f in sub.files] == ["dags.py", "more.py"]
    assert sorted(sub.skipped) == sorted(f"{folder}/{name}" for name in ("leak.py", ".airflowignore", "outside/", "pipe.py"))
    target = tmp_path / "copy"
    mapping = copy_into(sub, target)
    assert sorted(Path(p).name for p in mapping) == ["dags.py", "more.py"]
    assert not (target / ".airflowignore").exists() and not (target / "leak.py").exists()
    assert all(not p.is_symlink() for p in target.rglob("*"))


def test_a_file_swapped_for_a_link_after_the_walk_is_not_copied(tmp_path: Path) -> None:
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "dags.py").write_text("x = 1\n")
    (folder / "b.py").write_text("y = 2\n")
    (folder / "c.py").write_text("z = 3\n")
    sub = find_submission(folder)
    (folder / "b.py").unlink()
    (folder / "b.py").symlink_to("/etc/hostname")
    (folder / "c.py").unlink()
    (folder / "c.py").mkdir()
    mapping = copy_into(sub, tmp_path / "copy")
    assert [Path(p).name for p in mapping] == ["dags.py"]
    assert sub.skipped == [f"{folder}/b.py", f"{folder}/c.py"]


def test_the_grading_process_gets_no_secret_of_the_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PYTHONPATH", "AIRFLOW__CORE__FERNET_KEY", "MY_APP_PASSWORD"):
        monkeypatch.setenv(name, "secret-value")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    env = airflow_env(tmp_path, tmp_path / "dags")
    assert "secret-value" not in env.values()
    assert env["LC_ALL"] == "C.UTF-8" and env["PATH"] == os.environ["PATH"]
    assert env["AIRFLOW_HOME"] == str(tmp_path) and env[environment.JWT_SECRET]


def test_a_child_drops_what_only_the_trusted_side_needs() -> None:
    env = {**os.environ, environment.JWT_SECRET: "jwt-value", "HTTPS_PROXY": "http://user:pw@proxy:3128",
           "AIRFLOW__CORE__DAGS_FOLDER": "/dags", "_AIRFLOW_FORK_EXEC": "1"}
    code = ("from exercise_cli.sandbox.environment import scrub_for_child; import os; scrub_for_child(); "
            "print(sorted(os.environ))")
    seen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "AIRFLOW__API_AUTH__JWT_SECRET" not in seen and "HTTPS_PROXY" not in seen
    assert "AIRFLOW__CORE__DAGS_FOLDER" in seen and "_AIRFLOW_FORK_EXEC" in seen and "'PATH'" in seen
