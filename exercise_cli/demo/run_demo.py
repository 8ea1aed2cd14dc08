"""`exercise run-demo`: the exercise's scenario on a real Airflow (api-server + scheduler), live.

The demo starts the stack, then grades it as `exercise check --live` does (the grading process, the
sandboxed parse, the REST backend, the one scenario engine) and renders the engine's progress events
as they come: the scheduler, not this tool, turns the producers' asset events into the consumer's run.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from exercise_cli.course import Exercise, load_exercise
from exercise_cli.demo.stack import USERNAME, AirflowStack, group_memory_mb, port_in_use
from exercise_cli.errors import EnvironmentProblem, UsageError
from exercise_cli.airflow_rest import ApiError
from exercise_cli.protocol import Note, PhaseStarted, Progress, StepDone
from exercise_cli.results import Report

_NOISE = ("Returned value was: None",)
_DETAIL_INDENT = 9  # under a step's message: "  1.3s ✔ "
_OK, _FAILED = "[green]✔[/]", "[bold red]✘[/]"
_STEP_LABELS = {"register": "registered", "event": "asset event posted", "not_triggered": "no consumer run yet",
                "triggered": "consumer run created", "assets_view": "Assets view"}


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@dataclass
class StepSeen:
    """A "step_done" event of the scenario engine, and when it reached the demo."""

    step: str
    dag: str  # the DagSpec key ("" for register and the Assets view)
    dag_id: str
    ok: bool
    summary: str
    at: float
    output: str = ""


@dataclass
class DemoResult:
    ok: bool
    timings: dict[str, float] = field(default_factory=dict)
    steps: list[StepSeen] = field(default_factory=list)
    report: Report | None = None  # the checklist `check --live` makes of this Airflow
    peak_memory_mb: float = 0.0
    processes: int = 0
    stop_seconds: float = 0.0
    port_free: bool = True

    def step(self, name: str, dag_id: str = "") -> StepSeen | None:
        """The last step of that name seen (of that DAG, if given)."""
        return next((s for s in reversed(self.steps) if s.step == name and (not dag_id or s.dag_id == dag_id)), None)


class _Waiting:
    """The status line: what the scenario's current step waits for, and for how long so far (redrawn by Rich)."""

    def __init__(self, text: str = "") -> None:
        self.text, self.bound, self.started = text, 0.0, time.monotonic()

    def set(self, text: str, bound: float = 0.0) -> None:
        self.text, self.bound, self.started = text, bound, time.monotonic()

    def __rich__(self) -> Text:
        if not self.bound:
            return Text(self.text)
        # the time first: a long line is cut at its end
        return Text(f"Waiting {time.monotonic() - self.started:.0f} s of {self.bound:g} s for {self.text}")


class Demo:
    def __init__(self, console: Console, dags: Path | None, wait: float, keep: bool, port: int = 0,
                 verbose: bool = False, exercise: Exercise | None = None) -> None:
        self.console = console
        self.verbose = verbose
        self.exercise = exercise or load_exercise()
        self.stack = AirflowStack(dags=dags, port=port, solution=self.exercise.solution_dir)
        self.wait = wait
        self.keep = keep
        self.t0 = time.monotonic()
        self.result = DemoResult(ok=False)
        self.shown: set[str] = set()  # the checks whose failure the static checks already showed
        self.position = 0  # the scenario step under way
        self.waiting = _Waiting()

    # output
    def _elapsed(self) -> str:
        return f"[dim]{time.monotonic() - self.t0:5.1f}s[/]"

    def done(self, message: str | Text, mark: str = _OK) -> None:
        # A grid keeps a long message wrapping under itself, not under the time.
        line = Table.grid(padding=(0, 1))
        line.add_column(no_wrap=True)
        line.add_column()
        line.add_row(f"{self._elapsed()} {mark}", message)
        self.console.print(line)

    def _detail(self, text: Text) -> None:
        self.console.print(Padding(text, (0, 0, 0, _DETAIL_INDENT)))

    def _sample_memory(self) -> None:
        mb, count = group_memory_mb(self.stack.pids())
        if mb > self.result.peak_memory_mb:
            self.result.peak_memory_mb, self.result.processes = mb, count

    def _mark(self, name: str) -> None:
        self.result.timings[name] = time.monotonic() - self.t0

    def _yours(self, text: str) -> str:
        """Airflow's copy of a learner's file named as theirs (the grading names the files Airflow parsed)."""
        for copied, shown in sorted(self.stack.copied.items(), key=lambda item: -len(item[0])):
            text = text.replace(copied, shown)
        return text

    # the demo
    def run(self) -> DemoResult:
        console = self.console
        # SIGTERM (and SIGINT, which a shell's background job inherits as ignored) stop Airflow like
        # Ctrl-C does: through the `finally` below, never leaving its processes behind.
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                        signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt)}
        console.print(f"[bold]exercise run-demo[/]: {self.exercise.title}, on a real Airflow {self._version()}")
        try:
            if self.stack.dags is not None and not self._static_checks() and not self.keep:
                return self.result
            with console.status("Preparing a throwaway Airflow home (template DB, DAG files, `airflow dags reserialize`)..."):
                self.stack.prepare()
            if self.stack.dags is None:
                self.done("Airflow home ready with the reference solution; DAGs serialized into the metadata DB")
            else:
                self.done(f"Airflow home ready with a copy of {self.stack.dags}; DAGs serialized into the metadata DB")
                self._detail(Text(f"Airflow runs that copy ({self.stack.dags_folder}): edits to your files have "
                                  "no effect until you run run-demo again", style="dim"))
            with console.status(f"Starting `airflow api-server` and `airflow scheduler` on {self.stack.url} ..."):
                self.stack.start()
                self.stack.wait_healthy()
            self._mark("healthy")
            self._sample_memory()
            self.done(f"Airflow is healthy at {self.stack.url} (api-server pid {self.stack.processes['api-server'].pid}, "
                      f"scheduler pid {self.stack.processes['scheduler'].pid})")
            self._run_scenario()
            self._show_outcome()
            if self.keep:
                self._keep_up()
        except (ApiError, EnvironmentProblem) as exc:
            self.done(f"[bold red]failed:[/] {exc}", mark=_FAILED)
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

    def _version(self) -> str:
        from exercise_cli.grading.template_db import airflow_version

        return airflow_version()

    def _static_checks(self) -> bool:
        """`exercise check --static` on the given DAGs first: its failures, in its words. False when the
        consumer cannot be triggered (then, without --keep, the demo stops before starting Airflow)."""
        from exercise_cli.server.client import grade_served, server_allowed

        with self.console.status("Static checks, as `exercise check --static`..."):
            try:
                report = grade_served(self.stack.dags, use_server=server_allowed(), static=True, exercise_id=self.exercise.id)
            except (UsageError, EnvironmentProblem) as exc:
                raise EnvironmentProblem(f"the static checks could not run: {exc}") from None
        failures = _failures(report)
        if not failures:
            self.done(f"Static checks of {self.stack.dags} pass (as `exercise check --static`)")
            return True
        self.done(f"Static checks of {self.stack.dags}: {len(failures)} failed (as `exercise check --static`)", mark=_FAILED)
        self._show_failures(failures)
        # the exercise's trigger_blockers (course.toml [defaults]): the demo says so at once, not after --wait
        blocker = next((c for c in failures if c.id in self.exercise.trigger_blockers), None)
        if blocker is None:
            return True
        if self.keep:
            self.done("The consumer cannot be triggered (above); --keep: Airflow starts anyway, to look at it", mark="[yellow]![/]")
        else:
            self.done(f"The consumer cannot be triggered (above), so run-demo stops here instead of waiting {self.wait:g} s "
                      "for it: fix that line and run it again, or add --keep to start Airflow anyway", mark=_FAILED)
        return False

    def _show_failures(self, failures: list) -> None:
        for check in failures:
            self.shown.add(check.id)
            file = self._yours(check.file) if check.file else ""
            where = f"{file}{':' + str(check.line) if check.line else ''}: " if file else ""
            self._detail(Text.assemble((where, "cyan"), (self._yours(check.message), "red"),
                                       ("\nhint: " + check.hint) if check.hint else ""))

    # the scenario, as `check --live` runs it
    def _run_scenario(self) -> None:
        from exercise_cli.live.deployment import grade_deployment

        self.console.rule(f"[bold]the scenario of exercise {self.exercise.id}, as `exercise check --live` runs it")
        self.waiting.set("Parsing the DAG files Airflow serves (GET /dagSources) in the sandbox...")
        with self.console.status(self.waiting):
            self.result.report = grade_deployment(
                self.stack.url, token=None, username=USERNAME, password=self.stack.password, wait=self.wait,
                on_event=self._on_event, exercise_id=self.exercise.id)
        self._sample_memory()

    def _on_event(self, event: Progress) -> None:
        if isinstance(event, PhaseStarted):
            self._step_started(event.phase)
        elif isinstance(event, Note):
            text = self._yours(event.text)
            self.done(Text(text[:1].upper() + text[1:]))
        elif isinstance(event, StepDone):
            seen = StepSeen(event.step, event.dag or "", event.dag_id, event.ok, self._yours(event.summary),
                            time.monotonic() - self.t0, self._yours(event.output or ""))
            self.result.steps.append(seen)
            self.done(Text(seen.summary), mark=_OK if seen.ok else _FAILED)
            self._sample_memory()

    def _step_started(self, phase: str) -> None:
        """The engine names each step's phase as it starts it: the status line says what that step waits for."""
        scenario = self.exercise.scenario
        index = next((i for i in range(self.position, len(scenario)) if self.exercise.phase(scenario[i]) == phase), None)
        if index is None:
            return
        self.position = index + 1
        step = scenario[index]
        dag = self.exercise.dags[step.dag].id if step.dag else ""
        if step.step == "register":
            self.waiting.set("Reading which DAGs Airflow lists...")
        elif step.step == "run":
            self.waiting.set(f"the run of {dag} to finish", self.wait)
        elif step.step == "event":
            self.waiting.set(f"Posting an asset event to {self.exercise.asset(step.asset).uri}...")
        elif step.step == "not_triggered":
            from exercise_cli.scenario.rest import EARLY_SETTLE_SECONDS

            self.waiting.set(f"the scheduler: it must make no run of {dag} yet", min(self.wait, EARLY_SETTLE_SECONDS))
        elif step.step == "triggered":
            self.waiting.set(f"the scheduler to create a run of {dag} from the asset events", self.wait)
        else:
            self.waiting.set("Reading the Assets view...")

    # what happened
    def _show_outcome(self) -> None:
        steps, report = self.result.steps, self.result.report
        ran = self.result.step("run")
        consumer_run = next((s for s in reversed(steps) if s.step == "run" and s.dag
                             and self.exercise.dags[s.dag].role == "consumer"), None)
        if consumer_run is not None and consumer_run.output:
            lines = [line for line in consumer_run.output.splitlines() if not any(n in line for n in _NOISE)]
            title = (f"{consumer_run.dag_id} task output (from the task log)" if consumer_run.ok
                     else f"{consumer_run.dag_id} task log (the failed run's last lines)")
            self.console.print(Panel(Text("\n".join(lines)), title=title, border_style="green" if consumer_run.ok else "red"))
        if steps:
            self._show_summary()
        else:
            self.done("The scenario did not run: the checks below say why", mark=_FAILED)
        failures = [c for c in _failures(report) if c.id not in self.shown] if report else []
        if failures:
            more = " more" if self.shown else ""
            self.done(Text(f"The checklist, as `{self._live_command()}` grades this Airflow: {len(failures)}{more} failed"),
                      mark=_FAILED)
            self._show_failures(failures)
        elif report is not None and not _failures(report):
            self.done(Text(f"The checklist, as `{self._live_command()}` grades this Airflow: no check failed"))
        # The demo shows the scenario: it succeeds when every step did what the exercise wants (`check` grades).
        self.result.ok = bool(steps) and ran is not None and all(s.ok for s in steps)
        if not self.keep:
            self.console.print("[dim]Airflow stops now; `exercise run-demo --keep` keeps it up to browse its UI.[/]")

    def _live_command(self) -> str:
        """The `check --live` command that grades this Airflow, as a learner would type it."""
        import shlex

        return shlex.join(["exercise", "check", "--live", self.stack.url, "--username", USERNAME,
                           "--password", self.stack.password, "--exercise", self.exercise.id])

    def _show_summary(self) -> None:
        table = Table(title="What happened (times since the start of run-demo)")
        table.add_column("at", justify="right")
        table.add_column("step")
        table.add_column("DAG")
        table.add_column("")
        table.add_row(f"{self.result.timings['healthy']:.1f} s", "Airflow healthy", self.stack.url, _OK)
        for seen in self.result.steps:
            label = _STEP_LABELS.get(seen.step) or f"{self.exercise.dags[seen.dag].role} run"
            table.add_row(f"{seen.at:.1f} s", label, seen.dag_id, _OK if seen.ok else _FAILED)
        if self.verbose:
            table.add_row("", "memory", f"{self.result.peak_memory_mb:.0f} MB (PSS) at peak, {self.result.processes} processes", "")
        self.console.print(table)

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

    # --keep
    def _keep_up(self) -> None:
        self.console.print(
            f"\nAirflow stays up until Ctrl-C. Log in at {self.stack.url} as "
            f"[bold]admin[/] with password [bold]{self.stack.password}[/]"
        )
        self.console.print(f"  DAGs view:   {self.stack.url}/dags")
        self.console.print(f"  Assets view: {self.stack.url}/assets")
        self.console.print("\nThe statement's \"Testing Your DAGs\" steps, in a second terminal, against this Airflow:")
        for line in [*self.stack.shell_exports(), *statement_steps(self.exercise)]:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        self.console.print("[dim](Airflow 3 takes the DAG id of list-runs without -d; the consumer's asset-triggered "
                           "runs are the ones named asset_triggered__...)[/]")
        self.console.print("\nThe REST API with curl: Airflow 3 gives a token for a user and password "
                           "(POST /auth/token), then takes it as `Authorization: Bearer`:")
        login = json.dumps({"username": USERNAME, "password": self.stack.password})
        consumer = self.exercise.consumers[0].id
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


def statement_steps(exercise: Exercise) -> list[str]:
    """The statement's "Testing Your DAGs" commands for this exercise, read off its scenario: each producer
    run a trigger, each question to the scheduler a list-runs of the consumer (with what it should show)."""
    prefix = os.path.commonprefix(list(exercise.dag_ids)).rstrip("_")  # the statement's grep: exercise_5_1
    lines = [f"airflow dags list | grep {prefix}"]
    updated: set[str] = set()
    for step in exercise.scenario:
        if step.step == "event":
            extra = {**step.extra, **{key: 4242 for key in step.random_ints}}
            lines.append(f"# the Assets view: {exercise.asset(step.asset).uri} -> Create Asset Event, extra "
                         f"{json.dumps(extra)}")
            continue
        spec = exercise.dags.get(step.dag)
        if spec is None:
            continue
        if step.step == "run" and spec.role == "producer":
            lines.append(f"airflow dags trigger {spec.id}")
            updated.update(exercise.uris(spec.outlets))
        elif step.step == "not_triggered":
            waits = [uri for uri in exercise.uris(spec.schedule_on) if uri not in updated]
            lines += [f"# once those runs succeeded: no new asset_triggered__ run yet (it waits for {', '.join(waits)})",
                      f"airflow dags list-runs {spec.id}"]
        elif step.step == "triggered":
            lines += ["# a few seconds after the last run succeeded: one new asset_triggered__ run",
                      f"airflow dags list-runs {spec.id}"]
    return lines


def _failures(report: Report | None) -> list:
    if report is None:
        return []
    return [check for criterion in report.criteria for check in criterion.checks if check.status == "failed"]
