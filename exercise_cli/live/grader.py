"""`exercise check --live URL`: grade the DAGs deployed on a running Airflow 3 through REST API v2.

The same checks (ids, criteria, JSON contract) decided from what the deployment reports. Besides
unpausing the two exercise DAGs (and saying so), it only triggers the producer: it touches
nothing else there.
"""

from __future__ import annotations

import difflib
import time
from typing import Callable

from exercise_cli.course import Course, load_course
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.live.rest import FINISHED, AirflowApi, ApiError, parse_time, scheduled_run_due
from exercise_cli.results import CheckResult, Report, build_report

HOURLY = {"@hourly", "0 * * * *"}
_AIRFLOW2_MODULES = ("airflow.datasets", "airflow.decorators")


def connect(url: str, token: str | None, username: str | None, password: str | None) -> AirflowApi:
    api = AirflowApi(url, token=token)
    try:
        version = api.version()["version"]
    except ApiError as exc:
        raise EnvironmentProblem(str(exc)) from None
    except (KeyError, TypeError, ValueError):
        raise EnvironmentProblem(f"{url} did not answer like Airflow's REST API v2 (GET /api/v2/version)") from None
    if not version.startswith("3."):
        raise EnvironmentProblem(f"{url} runs Airflow {version}; this grader needs Airflow 3")
    try:
        if not token:
            if not (username and password):
                raise EnvironmentProblem("give --token, or --username and --password (or AIRFLOW_API_TOKEN / AIRFLOW_USERNAME / AIRFLOW_PASSWORD)")
            api.login(username, password)
        api.dags("exercise_5_1")  # proves the token works
    except ApiError as exc:
        raise EnvironmentProblem(str(exc)) from None
    return api


class LiveGrader:
    def __init__(self, api: AirflowApi, wait: float, quiz_passed: bool = False, say: Callable[[str], None] | None = None) -> None:
        self.api = api
        self.course: Course = load_course()
        self.wait = wait
        self.quiz_passed = quiz_passed
        self.say = say or (lambda message: None)
        self.results: dict[str, CheckResult] = {}

    def result(self, check_id: str, status: str, message: str, hint: str | None = None) -> None:
        default = self.course.check(check_id).hint if status == "failed" else ""
        self.results[check_id] = CheckResult(check_id, status, message, hint or default)  # type: ignore[arg-type]

    def grade(self) -> Report:
        started = time.monotonic()
        try:
            self._grade()
        except ApiError as exc:
            for spec in self.course.checks:
                if spec.id not in self.results and spec.kind != "quiz":
                    self.result(spec.id, "skipped", f"not run: {exc}")
        self.result("quiz", "passed" if self.quiz_passed else "pending",
                    "quiz passed" if self.quiz_passed else "take the quiz with `exercise quiz`")
        report = build_report(self.course, "live", self.results)
        report.seconds = time.monotonic() - started
        report.submission = self.api.base_url
        return report

    # static part: what the deployment reports about the DAGs
    def _grade(self) -> None:
        c = self.course
        producer_id, consumer_id = c.producer_dag_id, c.consumer_dag_id
        errors = self.api.import_errors()
        if errors:
            listed = "; ".join(
                f"{e.get('filename')}: {((e.get('stack_trace') or '').strip().splitlines() or ['?'])[-1]}" for e in errors
            )
            self.result("files_import", "failed", f"the deployment shows {len(errors)} import error(s): {listed}",
                        hint=c.airflow3_fix(errors[0].get("stack_trace") or ""))
        else:
            self.result("files_import", "passed", "no import errors in the deployment")
        all_ids = [d["dag_id"] for d in self.api.dags()]
        found = {d: self.api.dag_details(d) for d in (producer_id, consumer_id) if d in all_ids}
        missing = [d for d in (producer_id, consumer_id) if d not in found]
        if missing:
            near = difflib.get_close_matches(missing[0], all_ids, n=1, cutoff=0.6)
            extra = f"; did you mean {near[0]!r}?" if near else ""
            self.result("dag_ids", "failed", f"the deployment has no DAG {', '.join(missing)}{extra}")
            self.result("registered_in_db", "failed", f"{', '.join(missing)} not listed by GET /api/v2/dags")
        else:
            self.result("dag_ids", "passed", f"found {producer_id} and {consumer_id}")
            stale = [d for d, details in found.items() if details.get("is_stale")]
            self.result("registered_in_db", "failed" if stale else "passed",
                        f"stale: {stale}" if stale else "both DAGs listed by GET /api/v2/dags, not stale")
        sources = {d: self._source(d) for d in found}
        self._airflow3_imports(sources)
        self._start_dates(found)
        self._tags(found)
        self._schedules(found)
        self._reads_events(sources.get(consumer_id))
        if missing:
            for spec in c.checks:
                if spec.kind == "dynamic" and spec.id not in self.results:
                    self.result(spec.id, "skipped", f"not run: DAG {' and '.join(missing)} not found")
            return
        self._run(producer_id, consumer_id)

    def _source(self, dag_id: str) -> str:
        try:
            return self.api.dag_source(dag_id)
        except ApiError:
            return ""

    def _airflow3_imports(self, sources: dict[str, str]) -> None:
        for dag_id, source in sources.items():
            names = _compiled_names(source)
            for module in _AIRFLOW2_MODULES:
                if module in names:
                    self.result("airflow3_imports", "failed", f"the file of {dag_id} imports {module}", hint=self.course.airflow3_fix(module))
                    return
        self.result("airflow3_imports", "passed", "no Airflow 2 imports in the DAG files")

    def _start_dates(self, found: dict[str, dict]) -> None:
        for dag_id, details in found.items():
            start = (details.get("start_date") or "")[:10]
            if start != self.course.start_date:
                self.result("start_dates", "failed", f"{dag_id} has start_date={details.get('start_date')}, wanted {self.course.start_date}")
                return
        self.result("start_dates", "passed" if found else "skipped", f"start on {self.course.start_date}" if found else "no DAGs found")

    def _tags(self, found: dict[str, dict]) -> None:
        c = self.course
        expected = {c.producer_dag_id: set(c.producer_tags), c.consumer_dag_id: set(c.consumer_tags)}
        for dag_id, details in found.items():
            tags = {t["name"] if isinstance(t, dict) else t for t in details.get("tags", [])}
            if tags != expected[dag_id]:
                self.result("tags", "failed", f"{dag_id} has tags {sorted(tags)}, wanted {sorted(expected[dag_id])}")
                return
        self.result("tags", "passed" if found else "skipped", "tags match" if found else "no DAGs found")

    def _schedules(self, found: dict[str, dict]) -> None:
        c = self.course
        producer, consumer = found.get(c.producer_dag_id), found.get(c.consumer_dag_id)
        if producer:
            summary = producer.get("timetable_summary")
            ok = summary in HOURLY
            self.result("producer_schedule", "passed" if ok else "failed",
                        f"timetable {summary!r}" + ("" if ok else ", wanted every hour on the hour (0 * * * *)"))
        asset = self._asset()
        producing = [f"{t['dag_id']}.{t['task_id']}" for t in (asset or {}).get("producing_tasks", [])]
        if producer:
            ok = any(p.startswith(c.producer_dag_id + ".") for p in producing)
            self.result("producer_outlet", "passed" if ok else "failed",
                        f"Asset {c.asset_uri} produced by {producing}" if ok else f"no task of {c.producer_dag_id} produces Asset {c.asset_uri}")
        if consumer:
            expression = consumer.get("asset_expression")
            if not expression:
                self.result("consumer_schedule", "failed", f"{c.consumer_dag_id} is not scheduled on Assets (timetable {consumer.get('timetable_summary')!r})")
            elif _satisfied(expression, c.asset_uri):
                self.result("consumer_schedule", "passed", f"an update of {c.asset_uri} alone triggers {c.consumer_dag_id}")
            else:
                uris = sorted(_uris(expression))
                if c.asset_uri not in uris:
                    message = f"{c.consumer_dag_id} is scheduled on {uris}, but the producer updates {c.asset_uri!r}: the URIs differ"
                else:
                    others = [u for u in uris if u != c.asset_uri]
                    message = f"{c.consumer_dag_id} waits for ALL of {uris}: {c.asset_uri} alone does not trigger it; it also waits for {others}"
                self.result("consumer_schedule", "failed", message)

    def _reads_events(self, source: str | None) -> None:
        if source is None:
            self.result("reads_triggering_events", "skipped", "no consumer DAG found")
        elif "triggering_asset_events" in _compiled_names(source):
            self.result("reads_triggering_events", "passed", "the consumer's file reads triggering_asset_events")
        else:
            self.result("reads_triggering_events", "failed", "the consumer's file never reads triggering_asset_events")

    def _asset(self) -> dict | None:
        return next((a for a in self.api.assets("processed_data") if a["uri"] == self.course.asset_uri), None)

    # dynamic part: a real run on the deployment
    def _run(self, producer: str, consumer: str) -> None:
        api = self.api
        for dag_id in (consumer, producer):
            if api.dag_details(dag_id).get("is_paused"):
                api.set_paused(dag_id, False)
                self.say(f"unpaused {dag_id} (it was paused)")
                if dag_id == producer and scheduled_run_due(api.dag_details(producer)):
                    # Unpausing lets the scheduler start the due scheduled run at once.
                    self._wait_first_run(producer, seconds=self.wait)
        # Our event must not land while another producer event is being turned into a consumer
        # run: the scheduler can then lose our queue entry (seen on SQLite). Let those settle first.
        self._wait_idle(producer)
        self._wait_queue_empty(consumer)
        run = api.trigger(producer)
        run_id = run["dag_run_id"]
        self.say(f"triggered {producer}: {run_id}")
        state, details = self._wait_state(producer, run_id)
        if state != "success":
            self.result("producer_run", "failed", f"producer run {run_id} ended {state}")
            self._skip_after("producer_run")
            return
        self.result("producer_run", "passed", f"run {run_id} succeeded")
        lines = api.run_log_lines(producer, run_id)
        start, end = parse_time(details.get("start_date")), parse_time(details.get("end_date"))
        from exercise_cli.checks._timestamps import first_stamped_line

        stamped = first_stamped_line(lines, start.timestamp(), end.timestamp()) if start and end else None
        self.result("processing_timestamp", "passed" if stamped else "failed",
                    f"logged: {stamped!r}" if stamped else "no timestamp from the run's time in the producer's task log")
        events = [e for e in api.asset_events(source_dag_id=producer, source_run_id=run_id) if e["uri"] == self.course.asset_uri]
        if not events:
            self.result("asset_event", "failed", f"run {run_id} recorded no asset event for {self.course.asset_uri}")
            self._skip_after("asset_event")
            self._assets_view()
            return
        event = events[0]
        self.result("asset_event", "passed", f"asset event #{event['id']} for {event['uri']}")
        # When the deployment says the condition cannot be met by this event, a short wait proves it.
        hopeless = self.results.get("consumer_schedule") and self.results["consumer_schedule"].status == "failed"
        patience = min(self.wait, 10.0) if hopeless else self.wait
        consumer_run = api.find_triggered_run(consumer, event["id"], patience, interval=0.5)
        if consumer_run is None:
            self.result("consumer_triggered", "failed", f"no asset_triggered run of {consumer} consumed event #{event['id']} within {patience:g} s")
            self._skip_after("consumer_triggered")
            self._assets_view()
            return
        crun = consumer_run["dag_run_id"]
        self.result("consumer_triggered", "passed", f"the scheduler created {crun} (run type {consumer_run['run_type']}) from event #{event['id']}")
        state, _ = self._wait_state(consumer, crun)
        lines = api.run_log_lines(consumer, crun)
        if state != "success":
            tail = next((line for line in reversed(lines) if "Error" in line or "Exception" in line), f"ended {state}")
            self.result("consumer_run", "failed", f"{crun}: {tail}", hint=self.course.airflow3_fix("\n".join(lines)))
        else:
            self.result("consumer_run", "passed", f"{crun} succeeded")
        from exercise_cli.checks.consumer_message import says

        text = "\n".join(lines)
        message = self.course.consumer_message
        has_message = says(text, message)
        self.result("consumer_message", "passed" if has_message else "failed",
                    f"the task log {'contains' if has_message else 'lacks'} {message!r}")
        names = self.course.asset_uri in text and self.results["reads_triggering_events"].status == "passed"
        self.result("consumer_names_asset", "passed" if names else "failed",
                    f"the task log names {self.course.asset_uri}, read from triggering_asset_events" if names
                    else f"the task log does not name {self.course.asset_uri} read from triggering_asset_events")
        self._assets_view()

    def _assets_view(self) -> None:
        c = self.course
        asset = self._asset()
        if asset is None:
            self.result("asset_registered", "failed", f"GET /api/v2/assets lists no {c.asset_uri}")
            return
        producing = [f"{t['dag_id']}.{t['task_id']}" for t in asset.get("producing_tasks", [])]
        # Airflow 3.0 names them consuming_dags; 3.1 and later scheduled_dags.
        scheduled = [d["dag_id"] for d in asset.get("scheduled_dags", asset.get("consuming_dags", []))]
        ok = any(p.startswith(c.producer_dag_id + ".") for p in producing) and c.consumer_dag_id in scheduled
        self.result("asset_registered", "passed" if ok else "failed", f"produced by {producing or 'none'}; schedules {scheduled or 'none'}")

    def _skip_after(self, check_id: str) -> None:
        title = self.course.check(check_id).title
        for spec in self.course.checks:
            if spec.kind == "dynamic" and spec.id not in self.results and spec.id != "asset_registered":
                self.result(spec.id, "skipped", f"not run: '{title}' did not pass")

    def _wait_idle(self, dag_id: str) -> None:
        """Runs already under way (e.g. a scheduled run started by unpausing) finish first."""
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            active = [r for r in self.api.dag_runs(dag_id) if r["state"] in ("queued", "running")]
            if not active:
                return
            time.sleep(0.5)

    def _wait_first_run(self, dag_id: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.api.dag_runs(dag_id):
            time.sleep(0.3)

    def _wait_queue_empty(self, consumer: str) -> None:
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            try:
                queued = self.api.get(f"/dags/{consumer}/assets/queuedEvents").get("total_entries", 0)
            except ApiError as exc:
                if exc.status != 404:  # 404: nothing queued
                    raise
                queued = 0
            active = [r for r in self.api.dag_runs(consumer) if r["state"] in ("queued", "running")]
            if not queued and not active:
                return
            time.sleep(0.5)

    def _wait_state(self, dag_id: str, run_id: str) -> tuple[str, dict]:
        run = self.api.wait_for_run(dag_id, run_id, self.wait, interval=0.5)
        if run["state"] in FINISHED:
            return run["state"], run
        return f"still {run.get('state')} after {self.wait:g} s (--wait)", run


def _compiled_names(source: str) -> set[str]:
    """String constants, names and imported modules of a DAG file, from its syntax tree (never run)."""
    from exercise_cli.checks._source import module_names

    return module_names(source)


def _satisfied(expression: object, uri: str) -> bool:
    """Whether an Airflow asset expression ({"all": [...]}, {"any": [...]}, {"asset": {...}}) holds with only `uri` updated."""
    if isinstance(expression, dict):
        if "all" in expression:
            return all(_satisfied(e, uri) for e in expression["all"])
        if "any" in expression:
            return any(_satisfied(e, uri) for e in expression["any"])
        if "asset" in expression:
            return expression["asset"].get("uri") == uri
    return False


def _uris(expression: object) -> set[str]:
    if isinstance(expression, dict):
        if "asset" in expression:
            return {expression["asset"].get("uri")}
        return set().union(*(_uris(e) for e in expression.get("all", expression.get("any", []))))
    return set()
