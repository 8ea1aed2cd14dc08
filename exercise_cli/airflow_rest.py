"""A small client for Airflow 3's REST API v2 (the public API the UI uses)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import quote

import httpx

FINISHED = ("success", "failed")


class ApiError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AirflowApi:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self.token = token

    # auth
    def login(self, username: str, password: str) -> str:
        response = self._send("POST", "/auth/token", json={"username": username, "password": password}, auth=False)
        self.token = response["access_token"]
        return self.token

    # requests
    def _send(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        # A GET may meet a passing 5xx (SQLite is locked while the scheduler writes): ask again.
        attempts = 5 if method == "GET" else 1
        for attempt in range(attempts):
            try:
                response = self.http.request(method, path, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                raise ApiError(f"cannot reach Airflow at {self.base_url}: {exc}") from None
            if response.status_code < 500 or attempt == attempts - 1:
                break
            time.sleep(0.3 * (attempt + 1))
        if response.status_code == 401:
            raise ApiError("authentication failed (401): check the username/password or token", 401)
        if response.status_code == 403:
            if "Invalid JWT" in response.text:  # every Airflow 3 answers a bad bearer token so, with 403
                raise ApiError("the token was rejected (403 Invalid JWT token): check --token, or log in with --username/--password", 403)
            raise ApiError(f"forbidden (403) for {method} {path}: the user lacks the permission", 403)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text[:200]
            raise ApiError(f"{method} {path} -> {response.status_code}: {detail}", response.status_code)
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self._send("GET", "/api/v2" + path, params={k: v for k, v in params.items() if v is not None})

    # the calls run-demo and live mode make
    def version(self) -> dict:
        return self._send("GET", "/api/v2/version", auth=False)

    def health(self) -> dict:
        return self._send("GET", "/api/v2/monitor/health", auth=False)

    def dags(self, pattern: str | None = None) -> list[dict]:
        return self.get("/dags", dag_id_pattern=pattern, limit=100)["dags"]

    def all_dags(self) -> list[dict]:
        dags: list[dict] = []
        while True:
            page = self.get("/dags", limit=100, offset=len(dags))
            dags.extend(page["dags"])
            if not page["dags"] or len(dags) >= page.get("total_entries", 0):
                return dags

    def dag_details(self, dag_id: str) -> dict:
        return self.get(f"/dags/{quote(dag_id)}/details")

    def dag_source(self, dag_id: str) -> str:
        return self.get(f"/dagSources/{quote(dag_id)}")["content"]

    def import_errors(self) -> list[dict]:
        return self.get("/importErrors", limit=100)["import_errors"]

    def set_paused(self, dag_id: str, paused: bool) -> dict:
        return self._send("PATCH", f"/api/v2/dags/{quote(dag_id)}", json={"is_paused": paused})

    def trigger(self, dag_id: str) -> dict:
        return self._send("POST", f"/api/v2/dags/{quote(dag_id)}/dagRuns", json={"logical_date": None})

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self.get(f"/dags/{quote(dag_id)}/dagRuns/{quote(run_id, safe='')}")

    def dag_runs(self, dag_id: str, **params: Any) -> list[dict]:
        return self.get(f"/dags/{quote(dag_id)}/dagRuns", **params)["dag_runs"]

    def upstream_events(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"/dags/{quote(dag_id)}/dagRuns/{quote(run_id, safe='')}/upstreamAssetEvents")["asset_events"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"/dags/{quote(dag_id)}/dagRuns/{quote(run_id, safe='')}/taskInstances")["task_instances"]

    def task_log_records(self, dag_id: str, run_id: str, task_id: str, try_number: int = 1) -> list[dict]:
        """The task log's records, the ones the supervisor wrote (local grading reads the same)."""
        data = self.get(
            f"/dags/{quote(dag_id)}/dagRuns/{quote(run_id, safe='')}/taskInstances/{quote(task_id)}/logs/{try_number}",
            full_content="true",
        )
        content = data.get("content", [])
        items = content if isinstance(content, list) else [content]
        # Items that are not records (3.2+: "::group::" markers, source paths) are Airflow's framing.
        return [item for item in items if isinstance(item, dict)]

    def asset_events(self, **params: Any) -> list[dict]:
        return self.get("/assets/events", **params)["asset_events"]

    def post_asset_event(self, asset_id: int, extra: dict) -> dict:
        return self._send("POST", "/api/v2/assets/events", json={"asset_id": asset_id, "extra": extra})

    def assets(self, uri_pattern: str) -> list[dict]:
        return self.get("/assets", uri_pattern=uri_pattern, limit=100)["assets"]

    # waiting on what the scheduler does (check --live, and run-demo through it)
    def wait_for_run(
        self, dag_id: str, run_id: str, timeout: float, interval: float = 0.3, on_poll: Callable[[dict], None] | None = None
    ) -> dict:
        """The run once it has finished, or as it last stood when `timeout` ran out."""
        deadline = time.monotonic() + timeout
        run: dict = {"state": "queued"}
        while time.monotonic() < deadline:
            run = self.dag_run(dag_id, run_id)
            if on_poll:
                on_poll(run)
            if run["state"] in FINISHED:
                break
            time.sleep(interval)
        return run


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def scheduled_run_due(details: dict) -> bool:
    """Whether the scheduler will start a scheduled run as soon as the DAG is unpaused."""
    due = parse_time(details.get("next_dagrun_run_after"))
    return due is not None and due <= datetime.now(timezone.utc)
