"""`exercise run-demo`: the producer/consumer pattern on a real Airflow, step by step, live.

Every step talks to real Airflow components through the REST API v2: the scheduler, not this
tool, turns the producer's asset event into the consumer's run.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.padding import Padding
from rich.status import Status
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from exercise_cli.course import Exercise, load_exercise
from exercise_cli.demo.stack import USERNAME, AirflowStack, group_memory_mb, port_in_use
from exercise_cli.errors import EnvironmentProblem
from exercise_cli.live.rest import FINISHED, AirflowApi, ApiError, scheduled_run_due
from exercise_cli.trusted.diagnosis import asset_uris, why_not_triggered

_NOISE = ("Returned value was: None",)
_DETAIL_INDENT = 9  # under a step's message: "  1.3s ✔ "


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# Static check failures after which the consumer cannot be triggered: the demo says so at once
# rather than wait for a run that cannot come. (A producer without outlets fails fast anyway: its
# run records no asset event; a URI wrong in both DAGs still triggers the consumer.)
_TRIGGER_BLOCKERS = ("files_import", "dag_ids", "consumer_schedule")


class StepFailed(Exception):
    def __init__(self, step: str, detail: str, log: str = "", log_title: str = "") -> None:
        super().__init__(f"{step}: {detail}")
        self.step, self.detail, self.log, self.log_title = step, detail, log, log_title


@dataclass
class DemoResult:
    ok: bool
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: float = 0.0
    processes: int = 0
    stop_seconds: float = 0.0
    port_free: bool = True
    consumer_run_id: str = ""
    consumer_run_type: str = ""
    producer_run_id: str = ""
    event_id: int | None = None


class Demo:
    def __init__(self, console: Console, dags: Path | None, wait: float, keep: bool, port: int = 0,
                 verbose: bool = False, exercise: Exercise | None = None) -> None:
        self.console = console
        self.verbose = verbose
        self.course = exercise or load_exercise()
        self.stack = AirflowStack(dags=dags, port=port)
        self.wait = wait
        self.keep = keep
        self.t0 = time.monotonic()
        self.result = DemoResult(ok=False)
        self.cannot_trigger = ""  # why the static checks say the consumer cannot be triggered

    # output
    def _elapsed(self) -> str:
        return f"[dim]{time.monotonic() - self.t0:5.1f}s[/]"

    def done(self, message: str | Text, mark: str = "[green]✔[/]") -> None:
        # A grid keeps a long message wrapping under itself, not under the time.
        line = Table.grid(padding=(0, 1))
        line.add_column(no_wrap=True)
        line.add_column()
        line.add_row(f"{self._elapsed()} {mark}", message)
        self.console.print(line)

    def _sample_memory(self) -> None:
        mb, count = group_memory_mb(self.stack.pids())
        if mb > self.result.peak_memory_mb:
            self.result.peak_memory_mb, self.result.processes = mb, count

    def _mark(self, name: str) -> None:
        self.result.timings[name] = time.monotonic() - self.t0

    # the demo
    def run(self) -> DemoResult:
        producer, consumer = self.course.producer_dag_id, self.course.consumer_dag_id
        console = self.console
        # SIGTERM (and SIGINT, which a shell's background job inherits as ignored) stop Airflow like
        # Ctrl-C does: through the `finally` below, never leaving its processes behind.
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                        signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt)}
        console.print(f"[bold]exercise run-demo[/]: the producer/consumer pattern on a real Airflow {self._version()}")
        try:
            if self.stack.dags is not None and not self._static_checks() and not self.keep:
                return self.result
            with console.status("Preparing a throwaway Airflow home (template DB, DAG files, `airflow dags reserialize`)..."):
                self.stack.prepare()
            if self.stack.dags is None:
                self.done("Airflow home ready with the reference solution; DAGs serialized into the metadata DB")
            else:
                self.done(f"Airflow home ready with a copy of {self.stack.dags}; DAGs serialized into the metadata DB")
                console.print(Padding(Text(f"Airflow runs that copy ({self.stack.dags_folder}): edits to your files have "
                                           "no effect until you run run-demo again", style="dim"), (0, 0, 0, _DETAIL_INDENT)))
            with console.status(f"Starting `airflow api-server` and `airflow scheduler` on {self.stack.url} ..."):
                self.stack.start()
                api = self.stack.wait_healthy()
            self._mark("healthy")
            self._sample_memory()
            self.done(f"Airflow is healthy at {self.stack.url} (api-server pid {self.stack.processes['api-server'].pid}, scheduler pid {self.stack.processes['scheduler'].pid})")
            try:
                self._run_pattern(api, producer, consumer)
                self.result.ok = True
            except StepFailed as exc:
                self._show_failure(exc)
            if self.keep:
                self._keep_up()
        except (ApiError, EnvironmentProblem) as exc:
            self.done(f"[bold red]failed:[/] {exc}", mark="[bold red]✘[/]")
            for name in self.stack.processes:
                tail = self.stack.log_tail(name, 6)
                if tail:
                    console.print(Panel(tail, title=f"{name} log", border_style="red"))
        except KeyboardInterrupt:
            self.done("interrupted", mark=" ")
        finally:
            self._stop()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
        return self.result

    def _stop(self) -> None:
        if not self.stack.processes:  # nothing was started: only the empty home goes
            self.stack.stop()
            return
        with self.console.status("Stopping Airflow (SIGTERM, then SIGKILL, per process group) and removing its home..."):
            port = self.stack.port
            self.result.stop_seconds = self.stack.stop()
            self.result.port_free = not port or not port_in_use(port)
        self.done(
            f"Stopped every process in {self.result.stop_seconds:.1f} s, removed the home; "
            f"port {port} {'is free' if self.result.port_free else 'is STILL IN USE'}"
        )

    def _show_failure(self, exc: StepFailed) -> None:
        self.done(f"[bold red]{exc.step} failed:[/] {exc.detail}", mark="[bold red]✘[/]")
        if exc.log:
            self.console.print(Panel(Text(exc.log), title=exc.log_title or "log", border_style="red"))

    def _static_checks(self) -> bool:
        """`exercise check --static` on the given DAGs first: its failures, in its words. False when the
        consumer cannot be triggered (then, without --keep, the demo stops before starting Airflow)."""
        from exercise_cli.errors import UsageError
        from exercise_cli.grading.grader import grade

        with self.console.status("Static checks, as `exercise check --static`..."):
            try:
                report = grade(self.stack.dags, static=True)
            except (UsageError, EnvironmentProblem) as exc:
                raise EnvironmentProblem(f"the static checks could not run: {exc}") from None
        failures = [c for cr in report.criteria for c in cr.checks if c.status == "failed"]
        if not failures:
            self.done(f"Static checks of {self.stack.dags} pass (as `exercise check --static`)")
            return True
        self.done(f"Static checks of {self.stack.dags}: {len(failures)} failed (as `exercise check --static`)",
                  mark="[bold red]✘[/]")
        for check in failures:
            where = f"{check.file}{':' + str(check.line) if check.line else ''}: " if check.file else ""
            detail = Text.assemble((where, "cyan"), (check.message, "red"), ("\nhint: " + check.hint) if check.hint else "")
            self.console.print(Padding(detail, (0, 0, 0, _DETAIL_INDENT)))
        blocker = next((c for c in failures if c.id in _TRIGGER_BLOCKERS), None)
        if blocker is None:
            return True
        self.cannot_trigger = blocker.message
        if self.keep:
            self.done("The consumer cannot be triggered (above); --keep: Airflow starts anyway, to look at it", mark="[yellow]![/]")
        else:
            self.done(f"The consumer cannot be triggered (above), so run-demo stops here instead of waiting {self.wait:g} s "
                      "for it: fix that line and run it again, or add --keep to start Airflow anyway", mark="[bold red]✘[/]")
        return False

    def _version(self) -> str:
        from exercise_cli.grading.template_db import airflow_version

        return airflow_version()

    def _run_pattern(self, api: AirflowApi, producer: str, consumer: str) -> None:
        listed = {d["dag_id"] for d in api.dags()}
        missing = [d for d in (producer, consumer) if d not in listed]
        if missing:
            errors = "\n\n".join(f"{e.get('filename')}:\n{(e.get('stack_trace') or '').strip()[-800:]}" for e in api.import_errors())
            raise StepFailed("loading the DAGs", f"Airflow lists no {' and '.join(missing)} (found: {', '.join(sorted(listed)) or 'none'})",
                             errors, "Airflow's import errors")
        self.done(f"Airflow lists {producer} and {consumer}")
        api.set_paused(consumer, False)
        self.done(f"Unpaused {consumer}: a paused DAG is not triggered by asset events")
        due = scheduled_run_due(api.dag_details(producer))
        api.set_paused(producer, False)
        self.done(f"Unpaused {producer}" + (": a scheduled run is due, so the scheduler starts it" if due else ""))
        scheduled = self._wait_scheduled_run(api, producer) if due else None
        if scheduled is not None:
            self.console.rule("[bold]1. the producer runs on its schedule")
            self._cycle(api, producer, consumer, scheduled["dag_run_id"], "scheduled")
        else:
            self.done(f"No scheduled run of {producer} is due (no schedule?): on to a manual trigger")
        self.console.rule("[bold]2. the producer is triggered through the REST API")
        run = api.trigger(producer)
        self._mark("triggered")
        self.done(f"POST /api/v2/dags/{producer}/dagRuns: run {run['dag_run_id']}")
        consumer_run, event = self._cycle(api, producer, consumer, run["dag_run_id"], "manual")
        self.result.producer_run_id = run["dag_run_id"]
        self._show_consumer_output(api, consumer, consumer_run["dag_run_id"])
        self._show_summary(producer, consumer, run["dag_run_id"], consumer_run, event)

    def _wait_scheduled_run(self, api: AirflowApi, producer: str) -> dict | None:
        deadline = time.monotonic() + self.wait
        status, update = self._waiting(f"the scheduler to start the scheduled run of {producer}")
        with status:
            while time.monotonic() < deadline:
                runs = api.dag_runs(producer, run_type="scheduled")
                if runs:
                    return runs[0]
                update()
                time.sleep(0.3)
        return None

    def _cycle(self, api: AirflowApi, producer: str, consumer: str, run_id: str, kind: str) -> tuple[dict, dict]:
        """Producer run -> asset event -> the scheduler's asset-triggered consumer run -> its success."""
        state = self._wait_run(api, producer, run_id, f"{kind} producer run")
        if state != "success":
            raise StepFailed(f"{kind} producer run", f"{run_id} ended {state}", self._task_log_tail(api, producer, run_id),
                             f"{producer} task log ({run_id})")
        self._mark(f"{kind}_producer_success")
        self.done(f"Producer run {run_id} succeeded")
        events = api.asset_events(source_dag_id=producer, source_run_id=run_id)
        if not events:
            raise StepFailed("asset event", f"producer run {run_id} recorded no asset event (no task with outlets?)")
        event = events[0]
        self.result.event_id = event["id"]
        self.done(f"Asset event #{event['id']}: {event['uri']} from {event['source_dag_id']}.{event['source_task_id']}")
        if self.cannot_trigger:
            raise StepFailed("consumer trigger", f"not waiting for a run of {consumer}: {self.cannot_trigger}")
        consumer_run = self._wait_consumer_run(api, consumer, event)
        self.result.consumer_run_id = consumer_run["dag_run_id"]
        self.result.consumer_run_type = consumer_run["run_type"]
        self._mark(f"{kind}_consumer_created")
        self.done(
            f"The scheduler created {consumer} run {consumer_run['dag_run_id']} "
            f"(run type {consumer_run['run_type']}, triggered by {consumer_run['triggered_by']}) from event #{event['id']}"
        )
        state = self._wait_run(api, consumer, consumer_run["dag_run_id"], "consumer run")
        if state != "success":
            raise StepFailed("consumer run", f"{consumer_run['dag_run_id']} ended {state}",
                             self._task_log_tail(api, consumer, consumer_run["dag_run_id"]),
                             f"{consumer} task log ({consumer_run['dag_run_id']})")
        self._mark(f"{kind}_consumer_success")
        self.done(f"Consumer run {consumer_run['dag_run_id']} succeeded")
        return consumer_run, event

    def _waiting(self, what: str) -> tuple[Status, Callable[..., None]]:
        """A status line naming what is awaited and for how long so far (on a terminal; else one line)."""
        started = time.monotonic()
        if not self.console.is_terminal:
            self.console.print(Padding(Text(f"Waiting up to {self.wait:g} s (--wait) for {what}", style="dim"),
                                       (0, 0, 0, _DETAIL_INDENT)))
        status = self.console.status(f"Waiting 0 s of {self.wait:g} s for {what}")

        def update(detail: str = "") -> None:  # the time first: a long line is cut at its end
            status.update(f"Waiting {time.monotonic() - started:.0f} s of {self.wait:g} s for {what}{detail}")
            self._sample_memory()

        return status, update

    def _wait_run(self, api: AirflowApi, dag_id: str, run_id: str, what: str) -> str:
        status, update = self._waiting(f"the {what} {run_id} to finish")
        with status:
            state = api.wait_for_run(dag_id, run_id, self.wait, on_poll=lambda run: update(f": {run['state']}"))["state"]
        if state in FINISHED:
            return state
        raise StepFailed(what, f"still {state} after {self.wait:g} s (--wait)", self._scheduler_lines(dag_id),
                         f"scheduler log, lines about {dag_id}")

    def _wait_consumer_run(self, api: AirflowApi, consumer: str, event: dict) -> dict:
        status, update = self._waiting(f"the scheduler to turn asset event #{event['id']} ({event['uri']}) into a run of {consumer}")
        with status:
            run = api.find_triggered_run(consumer, event["id"], self.wait, on_poll=update)
        if run is None:
            details = api.dag_details(consumer)
            expression = details.get("asset_expression")
            why = why_not_triggered(consumer, [event["uri"]], sorted(asset_uris(expression)),
                                    details.get("timetable_summary") or "", expression, waited=self.wait)
            raise StepFailed("consumer trigger", f"no asset-triggered run of {consumer} consumed event #{event['id']} "
                             f"within {self.wait:g} s: {why}", self._scheduler_lines(consumer),
                             f"scheduler log, lines about {consumer}")
        return run

    def _scheduler_lines(self, dag_id: str, count: int = 15) -> str:
        """The scheduler's own log lines about one DAG (its workers' task output left out)."""
        lines = self.stack.log_tail("scheduler", 2000).splitlines()
        return "\n".join([line for line in lines if dag_id in line][-count:])

    def _task_lines(self, api: AirflowApi, dag_id: str, run_id: str) -> list[str]:
        return [line for line in api.run_log_lines(dag_id, run_id) if line and not any(n in line for n in _NOISE)]

    def _task_log_tail(self, api: AirflowApi, dag_id: str, run_id: str) -> str:
        """The failed task's own output, then the exception it failed with (Airflow's record), in your paths."""
        from exercise_cli.trusted.task_logs import error_of, task_output

        try:
            lines: list[str] = []
            for ti in api.task_instances(dag_id, run_id):
                if ti.get("state") == "success":
                    continue
                records = api.task_log_records(dag_id, run_id, ti["task_id"], max(1, ti.get("try_number") or 1))
                output = [line for line in task_output(records).splitlines() if line and not any(n in line for n in _NOISE)]
                trace, _ = error_of(records)
                lines += [f"task {ti['task_id']} ended {ti.get('state')}:", *output[-10:], *self._your_frames(trace)]
            return "\n".join(lines)
        except ApiError as exc:
            return str(exc)

    def _your_frames(self, trace: str) -> list[str]:
        """A traceback's frames in the learner's files (named as theirs, not Airflow's copy), and the exception."""
        for copied, shown in sorted(self.stack.copied.items(), key=lambda item: -len(item[0])):
            trace = trace.replace(copied, shown)
        yours = {f'"{shown}"' for shown in self.stack.copied.values()}
        return [line for line in trace.strip().splitlines()
                if not line.lstrip().startswith('File "') or any(name in line for name in yours)]

    def _show_consumer_output(self, api: AirflowApi, consumer: str, run_id: str) -> None:
        lines = self._task_lines(api, consumer, run_id)
        self.console.print(Panel(Text("\n".join(lines)), title=f"{consumer} task output (from the task log)", border_style="green"))

    def _show_summary(self, producer: str, consumer: str, run_id: str, consumer_run: dict, event: dict) -> None:
        t = self.result.timings
        table = Table(title="What happened (times since the start of run-demo)")
        table.add_column("step")
        table.add_column("detail")
        table.add_column("at", justify="right")
        table.add_row("Airflow healthy", self.stack.url, f"{t['healthy']:.1f} s")
        if "scheduled_consumer_success" in t:
            table.add_row("scheduled cycle", "producer run -> asset event -> consumer run", f"{t['scheduled_consumer_success']:.1f} s")
        table.add_row("producer triggered", f"{producer} · {run_id}", f"{t['triggered']:.1f} s")
        table.add_row("producer succeeded", "run by Airflow's scheduler and task runner", f"{t['manual_producer_success']:.1f} s")
        table.add_row("asset event", f"#{event['id']} {event['uri']}", "")
        table.add_row("consumer run created", f"{consumer_run['dag_run_id']} · {consumer_run['run_type']}", f"{t['manual_consumer_created']:.1f} s")
        table.add_row("consumer succeeded", f"{t['manual_consumer_success'] - t['triggered']:.1f} s after the trigger", f"{t['manual_consumer_success']:.1f} s")
        if self.verbose:
            table.add_row("memory", f"{self.result.peak_memory_mb:.0f} MB (PSS) at peak, {self.result.processes} processes", "")
        self.console.print(table)
        if not self.keep:
            self.console.print("[dim]Airflow stops now; `exercise run-demo --keep` keeps it up to browse its UI.[/]")

    def _keep_up(self) -> None:
        producer, consumer = self.course.producer_dag_id, self.course.consumer_dag_id
        self.console.print(
            f"\nAirflow stays up until Ctrl-C. Log in at {self.stack.url} as "
            f"[bold]admin[/] with password [bold]{self.stack.password}[/]"
        )
        self.console.print(f"  DAGs view:   {self.stack.url}/dags")
        self.console.print(f"  Assets view: {self.stack.url}/assets")
        self.console.print("\nThe statement's \"Testing Your DAGs\" steps, in a second terminal, against this Airflow:")
        for line in self.stack.shell_exports():
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        shared = os.path.commonprefix([producer, consumer]).rstrip("_")  # the statement's grep: exercise_5_1
        self.console.print(f"airflow dags list | grep {shared}", markup=False)
        self.console.print(f"airflow dags trigger {producer}", markup=False)
        self.console.print(f"airflow dags list-runs {consumer}", markup=False)
        self.console.print("[dim](Airflow 3 takes the DAG id of list-runs without -d; the consumer's asset-triggered "
                           "runs are the ones named asset_triggered__...)[/]")
        self.console.print("\nThe REST API with curl: Airflow 3 gives a token for a user and password "
                           "(POST /auth/token), then takes it as `Authorization: Bearer`:")
        login = json.dumps({"username": USERNAME, "password": self.stack.password})
        for line in (
            f"TOKEN=$(curl -s -X POST {self.stack.url}/auth/token -H 'Content-Type: application/json' -d '{login}' "
            "| python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])')",
            f'curl -s -H "Authorization: Bearer $TOKEN" {self.stack.url}/api/v2/dags/{consumer}/dagRuns',
        ):
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        if self.stack.dags is not None:
            self.console.print(f"[dim]Airflow runs a copy of {self.stack.dags} ({self.stack.dags_folder}): edits to your "
                               "files have no effect on it; run run-demo again after a change.[/]")
        while all(p.poll() is None for p in self.stack.processes.values()):
            time.sleep(0.5)
        self.console.print("an Airflow process exited; stopping")
