"""Serve only the Execution API version the in-process task runner speaks.

Tasks run in this process talk to Airflow's Execution API, served in-process (FastAPI +
Cadwyn). On its first request Cadwyn builds a router for every API version Airflow has ever
shipped (nine in 3.3): about 4 s here, most of a grading run, spent on versions that only older
task runners would ask for. The runner in this process asks for one version, the newest,
`airflow.sdk.api.datamodels._generated.API_VERSION`. So before the app is built we give it a
version bundle of that version alone and drop the one route kept for older clients only.
Routes, handlers, database and task runner stay Airflow's own.

Set EXERCISE_ALL_API_VERSIONS=1 to serve every version (as `airflow dags test` does).
"""

from __future__ import annotations

import os


def serve_only_current_version() -> bool:
    """Returns whether the trim was applied; any surprise leaves Airflow's app untouched."""
    if os.environ.get("EXERCISE_ALL_API_VERSIONS"):
        return False
    try:
        from cadwyn import HeadVersion, Version, VersionBundle
        from cadwyn.route_generation import _DELETED_ROUTE_TAG

        import airflow.api_fastapi.execution_api.versions as versions
        from airflow.sdk.api.datamodels._generated import API_VERSION
        from airflow.sdk.execution_time.supervisor import in_process_api_server

        full = versions.bundle
        newest = full.versions[0]
        if newest.value != API_VERSION or full.head_version.changes:
            return False  # the client does not speak the newest version: serve them all
        versions.bundle = VersionBundle(HeadVersion(), Version(API_VERSION))
        try:
            app = in_process_api_server().app
        finally:
            versions.bundle = full
        router = app._latest_version_router
        router.routes = [r for r in router.routes if _DELETED_ROUTE_TAG not in getattr(r, "tags", ())]
        return True
    except Exception:
        return False
