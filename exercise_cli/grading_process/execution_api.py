"""The Execution API the trusted side serves to its task supervisors, in-process, one per grading run.

Task children never reach it: they talk to their supervisor over a socket, and the supervisor (in
the trusted process) calls this API through an in-memory transport, as `airflow dags test` does.

Cadwyn builds a router for every API version Airflow has shipped (nine in 3.3) on the app's
first request: about 4 s, spent on versions only older task runners ask for. The task runner
here speaks one version, `airflow.sdk.api.datamodels._generated.API_VERSION`, so the app is
built with a version bundle of that version alone and the route kept for older clients only is
dropped. Routes, handlers, database and runner stay Airflow's own; any surprise leaves
Airflow's app untouched. EXERCISE_ALL_API_VERSIONS=1 serves every version.

The grader's policy: a task may ask about the runs of its own DAG only. Airflow's API serves any
DAG's runs (previous run, state, count) to any task; a consumer could then print the producer's run
id without reading its events. No exercise needs another DAG's runs, so such a request is answered
403 before it reaches the app, and the task sees Airflow's own error for a refused request.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

_api: Any = None


def build() -> Any:
    """Build the app once per process (a warm parent builds it before forking its children)."""
    global _api
    if _api is None:
        from airflow.sdk.execution_time.supervisor import in_process_api_server

        _api = in_process_api_server()
        if not _trimmed_app(_api):
            _api.app  # noqa: B018 - builds Airflow's full app
        initialize = getattr(_api.app, "_cadwyn_initialize", None)
        if initialize is not None and not getattr(_api.app, "_cadwyn_initialized", True):
            initialize()  # the routers a first request would build
    return _api


def read_endpoint_sources() -> None:
    """FastAPI notes where each endpoint is written (file and line, for its error messages) on the endpoint's
    first request, reading its source (inspect.getsourcelines: 5-10 ms of a check's requests), and keeps it by
    the function. A warm process reads them once for every child it forks; a cold one has no time to spare."""
    import fastapi.routing

    note = getattr(fastapi.routing, "_extract_endpoint_context", None)
    if note is None:
        return
    app = build().app
    routers = [app.router, *getattr(app.router, "versioned_routers", {}).values(), getattr(app, "_latest_version_router", None)]
    for router in routers:
        for route in getattr(router, "routes", ()):
            call = getattr(getattr(route, "dependant", None), "call", None)
            if call is not None:
                note(call)


def stop_transport() -> None:
    """Drop the in-process transport, if one started: once nothing holds it, its finalizer (Airflow's) ends the
    app's lifespan, stops its event loop and joins its thread. The next client starts a new one."""
    if _api is not None:
        try:
            del _api.transport  # a cached value (attrs keeps it in a slot)
        except AttributeError:
            pass


def client(dag: Any) -> Any:
    """Airflow's in-process client for the supervisor: the transport starts the app's event loop."""
    from airflow.api_fastapi.common.dagbag import dag_bag_from_app
    from airflow.models.dagbag import DBDagBag
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor

    api = build()
    dag_bag = DBDagBag()
    api.app.dependency_overrides[dag_bag_from_app] = lambda: dag_bag
    made = InProcessTestSupervisor._Client(base_url=None, token="", dry_run=True,
                                           transport=_OwnDagRunsOnly(api.transport, dag.dag_id))
    made.base_url = "http://in-process.invalid./"
    return made


def _other_dag(path: str, params: Any, own: str) -> str | None:
    """The DAG id a dag-run request asks about, when it is not the task's own (None otherwise)."""
    from urllib.parse import unquote

    parts = [unquote(part) for part in path.split("/") if part]
    if "dag-runs" not in parts:
        return None
    rest = parts[parts.index("dag-runs") + 1:]
    asked = params.get_list("dag_id") if rest[:1] in (["count"], ["previous"]) else rest[:1]
    return next((dag_id for dag_id in asked if dag_id != own), None)


class _OwnDagRunsOnly(httpx.BaseTransport):
    """The app's transport, refusing a dag-run request about a DAG other than the task's (see the module's policy)."""

    def __init__(self, transport: Any, dag_id: str) -> None:
        self._transport = transport
        self._dag_id = dag_id

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        other = _other_dag(request.url.path, request.url.params, self._dag_id)
        if other is not None:
            return httpx.Response(403, json={"detail": {
                "reason": "forbidden",
                "message": f"the grader serves a task the runs of its own DAG only, not {other}'s"}}, request=request)
        return self._transport.handle_request(request)

    def close(self) -> None:
        self._transport.close()


def _trimmed_app(api: Any) -> bool:
    if os.environ.get("EXERCISE_ALL_API_VERSIONS"):
        return False
    try:
        from cadwyn import HeadVersion, Version, VersionBundle
        from cadwyn.route_generation import _DELETED_ROUTE_TAG

        import airflow.api_fastapi.execution_api.versions as versions
        from airflow.sdk.api.datamodels._generated import API_VERSION

        full = versions.bundle
        newest = full.versions[0]
        if newest.value != API_VERSION or full.head_version.changes:
            return False  # the client does not speak the newest version: serve them all
        versions.bundle = VersionBundle(HeadVersion(), Version(API_VERSION))
        try:
            app = api.app
        finally:
            versions.bundle = full
        router = app._latest_version_router
        router.routes = [r for r in router.routes if _DELETED_ROUTE_TAG not in getattr(r, "tags", ())]
        return True
    except Exception:
        return False
