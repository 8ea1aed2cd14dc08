"""A minimal real Airflow on 127.0.0.1: api-server (1 worker) + scheduler, SQLite, a throwaway home.

No dag-processor: the DAGs are serialized once with `airflow dags reserialize`, and the
scheduler's workers parse the DAG file themselves (`make compat` runs other Airflow versions as a
deployment would, with one). `airflow standalone` is avoided: it starts
32 workers and leaves orphans on SIGTERM. Every process runs in its own process group, so
stop() can SIGTERM, then SIGKILL, everything it started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.grading.process import airflow_env, signal_group
from exercise_cli.grading.submission import copy_into, find_submission
from exercise_cli.grading.template_db import copy_template_into
from exercise_cli.airflow_rest import AirflowApi, ApiError

USERNAME = "admin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class AirflowStack:
    dags: Path | None = None  # the DAG file or folder to serve; None: the reference solution
    port: int = 0
    solution: Path | None = None  # the reference solution's folder (None: the default exercise's)
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="exercise-demo-")))
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    password: str = ""
    # api-server and scheduler must sign and verify task tokens with the same secret
    jwt_secret: str = field(default_factory=lambda: os.urandom(16).hex())
    # The Python whose Airflow serves: this one, or another Airflow 3 version's venv (make compat),
    # which migrates its own database and parses the DAG folder with a dag-processor of its own.
    python: str = sys.executable
    copied: dict[str, str] = field(default_factory=dict)  # path in the home's DAG folder -> the learner's path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dags_folder(self) -> Path:
        return self.home / "dags"

    def env(self) -> dict[str, str]:
        return airflow_env(
            self.home,
            self.dags_folder,
            {
                "AIRFLOW__CORE__PARALLELISM": "2",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__BASE_URL": self.url,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USERNAME}:admin",
                "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.2",
                "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
                "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
                "PYTHONWARNINGS": "ignore",
            },
        )

    def shell_exports(self) -> list[str]:
        """`export` lines that point the `airflow` CLI of a second terminal at this Airflow."""
        import shlex
        import sys

        own = {k: v for k, v in self.env().items() if k.startswith("AIRFLOW") or k == "PYTHONWARNINGS"}
        lines = [f"export {key}={shlex.quote(value)}" for key, value in sorted(own.items())]
        return [*lines, f'export PATH={shlex.quote(str(Path(sys.executable).parent))}:"$PATH"']

    def prepare(self) -> None:
        """Throwaway home, template DB, the DAG files, and the DAGs serialized into the DB."""
        from exercise_cli.course import load_exercise

        self.port = self.port or free_port()
        if port_in_use(self.port):
            raise EnvironmentProblem(f"port {self.port} on 127.0.0.1 is in use")
        self.dags_folder.mkdir(parents=True)
        submission = find_submission(self.dags or self.solution or load_exercise().solution_dir)
        submission.files = [f for f in submission.files if f.name != "__init__.py"]
        self.copied = copy_into(submission, self.dags_folder)
        if self.python == sys.executable:
            copy_template_into(self.home)
        else:
            self._run_cli("db migrate", ["db", "migrate"], timeout=300)
        self._run_cli("dags reserialize", ["dags", "reserialize"])

    def _run_cli(self, what: str, args: list[str], timeout: float = 120) -> str:
        proc = subprocess.run(
            [self.python, "-m", "airflow", *args],
            cwd=self.home, env=self.env(), capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            raise EnvironmentProblem(f"`airflow {what}` failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
        return proc.stdout

    def start(self) -> None:
        logs = self.home / "logs"
        logs.mkdir(exist_ok=True)
        parts = [("api-server", ["api-server", "--workers", "1"]), ("scheduler", ["scheduler"])]
        if self.python != sys.executable:
            parts.append(("dag-processor", ["dag-processor"]))
        for name, args in parts:
            log = open(logs / f"{name}.log", "wb")  # noqa: SIM115  (closed with the process)
            self.processes[name] = subprocess.Popen(
                [self.python, "-m", "airflow", *args],
                cwd=self.home, env=self.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, timeout: float = 90.0) -> AirflowApi:
        api = AirflowApi(self.url)
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise EnvironmentProblem(f"airflow {name} exited with code {proc.returncode}:\n{self.log_tail(name)}")
            try:
                health = api.health()
                states = {k: (v or {}).get("status") for k, v in health.items()}
                if states.get("metadatabase") == "healthy" and states.get("scheduler") == "healthy":
                    break
                last = json.dumps(states)
            except ApiError as exc:
                last = str(exc)
            time.sleep(0.25)
        else:
            raise EnvironmentProblem(f"Airflow was not healthy after {timeout:g} s ({last})")
        self._warm_execution_api(timeout)
        self.password = self._read_password()
        api.login(USERNAME, self.password)
        return api

    def _warm_execution_api(self, timeout: float) -> None:
        """The api-server builds its execution API (the one task runners call) on its first request: 36 s
        seen on a busy machine, while its one worker answers nothing else, so that a REST call made then
        timed out. That first request is made here, while Airflow starts."""
        import httpx

        try:
            httpx.get(f"{self.url}/execution/health", timeout=timeout)
        except httpx.HTTPError as exc:
            raise EnvironmentProblem(f"Airflow's execution API did not answer within {timeout:.0f} s ({exc})") from None

    def _read_password(self) -> str:
        path = self.home / "simple_auth_manager_passwords.json.generated"
        for _ in range(40):
            if path.exists():
                return json.loads(path.read_text())[USERNAME]
            time.sleep(0.25)
        raise EnvironmentProblem(f"the api-server wrote no password file at {path}")

    def log_tail(self, name: str, lines: int = 15) -> str:
        try:
            text = (self.home / "logs" / f"{name}.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes.values()]

    def stop(self, grace: float = 10.0) -> float:
        """Stop every process group it started (SIGTERM, then SIGKILL); remove the home. Returns seconds."""
        started = time.monotonic()
        for proc in self.processes.values():
            signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of each group (the scheduler's workers ignore SIGTERM) goes now.
        for proc in self.processes.values():
            signal_group(proc.pid, signal.SIGKILL)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        _wait_group_gone([p.pid for p in self.processes.values()], timeout=5)
        shutil.rmtree(self.home, ignore_errors=True)
        return time.monotonic() - started


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _wait_group_gone(pgids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(group_alive(g) for g in pgids):
        time.sleep(0.05)


def group_memory_mb(pgids: list[int]) -> tuple[float, int]:
    """(PSS in MB, process count) of every process in the given process groups (Linux /proc)."""
    total_kb = 0
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) not in pgids:  # field 5 of stat: the process group
                continue
            kb = _pss_kb(entry)
        except (OSError, ValueError, IndexError):
            continue
        total_kb += kb
        count += 1
    return total_kb / 1024, count


def _pss_kb(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
