"""The `exercise` command line. Thin: it parses options, calls the modules, renders, exits."""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from exercise_cli import __version__
from exercise_cli.dev.cli import dev_app
from exercise_cli.errors import EnvironmentProblem, Interrupted, UsageError, describe_os_error
from exercise_cli.results import EXIT_FAILED, EXIT_PASSED, EXIT_USAGE

class _Commands(TyperGroup):
    """Typer's group, but a broken pipe reaches `main` (click would turn it into a silent exit 1, which
    reads as "not passed")."""

    def invoke(self, ctx):
        from exercise_cli.output import OutputGone, is_broken_pipe

        try:
            return super().invoke(ctx)
        except OSError as exc:
            if is_broken_pipe(exc):
                raise OutputGone() from None
            raise


app = typer.Typer(
    cls=_Commands,
    name="exercise",
    help="Tutor and grader for the Airflow 3 course module on Assets: `exercise list` shows its exercises.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(dev_app, name="dev")  # `exercise dev check`: for course authors


def _console(stderr: bool = False) -> Console:
    from exercise_cli.output import clean_terminal_size, console

    clean_terminal_size()  # COLUMNS=0 or "abc": as if unset
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return console(stderr=stderr, width=width, highlight=False)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    from rich.markup import escape

    from exercise_cli.learner_text import clean

    # The message may name the user's paths or quote a file: data, never markup or escape sequences.
    _console(stderr=True).print(f"[bold red]error:[/] {escape(clean(message, limit=2000))}", soft_wrap=True)
    return typer.Exit(code)


_EXERCISE_HELP = "The exercise (`exercise list`; default: the one `init` recorded for the folder you are in or above, else the course's first)."
_DAGS_HELP = "Your exercise folder (default: the one you are in, found upward as git does; else ./dags)."


def _exercise(asked: str | None, folder: Path | None = None, state_file: Path | None = None):
    """The exercise a command is about; a wrong id or a broken course file is exit 2 with one line."""
    from exercise_cli.tutor.choice import choose_exercise

    try:
        return choose_exercise(asked, folder, state_file)
    except UsageError as exc:
        raise _fail(str(exc)) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"exercise {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, metavar="", help="Show the version and exit.")
    ] = False,
    course: Annotated[
        Optional[Path], typer.Option("--course", metavar="FILE", envvar="EXERCISE_COURSE",
                                     help="A course file other than the built-in one (docs/writing-exercises.md).")
    ] = None,
) -> None:
    """Tutor and grader for the Airflow 3 course module on Assets: `exercise list` shows its exercises."""
    from exercise_cli.course import COURSE_ENV

    if course is not None:
        if not course.is_file():
            raise _fail(f"no course file {course}")
        os.environ[COURSE_ENV] = str(course.resolve())  # the grading process reads it from the job


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the starter DAG file.")] = Path("dags"),
    force: Annotated[
        bool, typer.Option("--force", "-f", metavar="", help="Replace an existing file, after saving it as a timestamped .bak.")
    ] = False,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Write the starter DAG file into DIRECTORY (default ./dags)."""
    from rich.table import Table
    from rich.text import Text

    from exercise_cli.tutor.state import recorded_exercise, save_state
    from exercise_cli.tutor.workspace import write_starter

    chosen = _exercise(exercise, directory)
    earlier = recorded_exercise(directory)
    if earlier is not None and earlier != chosen.id and not force:
        raise _fail(f"{directory} is exercise {earlier}'s folder (`init` recorded it): start {chosen.id} in a folder of its "
                    f"own, e.g. `exercise init {directory}-{chosen.id} --exercise {chosen.id}` (or --force to switch it)")
    try:
        target, backup = write_starter(directory, chosen, force=force)
        # Marks the folder as the learner's for this exercise: checks record progress here.
        save_state(directory, exercise=chosen.id, record=True, last_check_passed=False)
    except FileExistsError as exc:
        raise _fail(f"{exc.args[0]} already exists; nothing was changed (use --force to replace it, keeping a backup)", EXIT_FAILED) from None
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    console = _console()

    def grid() -> Table:  # on a narrow terminal a long path wraps under its own column, not to column 0
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        return table

    done = grid()
    if backup:
        done.add_row("Saved your previous file as", f"[cyan]{backup}[/]")
    done.add_row("Wrote the starter to", f"[cyan]{target}[/]")
    console.print(Text(chosen.title, style="bold"))
    console.print(done)
    console.print("\nNext steps:")
    console.print(_init_steps(directory, target, chosen.id, grid()))


def _init_steps(directory: Path, target: Path, exercise_id: str, steps):
    """What to do after `init`, each command working as printed: from here when a bare command here
    already reaches the new folder (./dags), else after a `cd` into it (commands find it from there)."""
    import shlex

    from rich.markup import escape

    from exercise_cli.tutor.commands import printed_command, same_folder
    from exercise_cli.tutor.state import learner_folder

    rows = []
    if same_folder(learner_folder(None), directory):
        def command(verb: str, positional: bool = False) -> str:
            return printed_command(verb, directory, exercise_id, positional=positional)
        file = target
    else:
        rows.append(("Go to the exercise's folder:", f"cd {shlex.quote(str(directory))}"))

        def command(verb: str, positional: bool = False) -> str:
            return f"exercise {verb}"  # in the folder `init` just recorded: found from there
        file = Path(target.name)
    rows.append(("Read the exercise:", command("show")))
    rows.append(("Complete the TODOs in", None))
    rows.append(("Check your work:", command("check", positional=True)))
    rows.append(("Stuck? Reveal a hint:", command("hint")))
    rows.append(("See the pattern work:", command("run-demo")))
    for number, (label, shown) in enumerate(rows, start=1):
        if shown is None:
            steps.add_row(f"  {number}. {label}", f"[cyan]{escape(str(file))}[/]")
        else:
            steps.add_row(f"  {number}. {label}", f"[bold]{escape(shown)}[/]")
    return steps


@app.command()
def show(
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
    dags: Annotated[Optional[Path], typer.Option("--dags", help=_DAGS_HELP + " Its recorded exercise is shown.")] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", metavar="", help="Print it whole, never through a pager.")] = False,
) -> None:
    """Show the exercise statement (each hint folded to its title: `exercise hint` opens them).

    On a terminal a long statement opens in your pager ($PAGER, else less, with LESS=FRX unless set), as
    git does; piped, it is printed whole."""
    from rich.markdown import Markdown

    from exercise_cli.tutor.hints import statement_without_hint_bodies
    from exercise_cli.tutor.state import learner_folder

    statement = Markdown(statement_without_hint_bodies(_exercise(exercise, learner_folder(dags))))
    console = _console()
    if no_pager or not console.is_terminal or not sys.stdin.isatty():
        console.print(statement)
        return
    os.environ.setdefault("LESS", "FRX")  # short text stays on screen; colours pass through
    with console.pager(styles=True):
        console.print(statement)


@app.command("list")
def list_exercises(
    dags: Annotated[Optional[Path], typer.Option("--dags", help=_DAGS_HELP)] = None,
) -> None:
    """List the course's exercises, the one your DAG folder is for, and your progress in each."""
    from exercise_cli.tutor.progress import render_exercise_list
    from exercise_cli.tutor.state import learner_folder

    try:
        render_exercise_list(_console(), learner_folder(dags), named=dags is not None)
    except UsageError as exc:
        raise _fail(str(exc)) from None


@app.command()
def check(
    path: Annotated[Optional[Path], typer.Argument(help="A DAG .py file or a folder of them. " + _DAGS_HELP,
                                                   show_default=False)] = None,
    static: Annotated[bool, typer.Option("--static", metavar="", help="Only load the DAGs with Airflow's DagBag; run nothing.")] = False,
    json_output: Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON document instead of the checklist.")] = False,
    timeout: Annotated[
        Optional[float],
        typer.Option("--timeout", min=1, help="Seconds the whole check may take (default: 60 with --static, else 180)."),
    ] = None,
    task_timeout: Annotated[float, typer.Option("--task-timeout", min=1, help="Seconds one task may run.")] = 60.0,
    live: Annotated[
        Optional[str], typer.Option("--live", metavar="URL", help="Grade the DAGs on a running Airflow 3 (REST API v2) instead.")
    ] = None,
    token: Annotated[Optional[str], typer.Option("--token", envvar="AIRFLOW_API_TOKEN", help="--live: a bearer token.")] = None,
    username: Annotated[Optional[str], typer.Option("--username", envvar="AIRFLOW_USERNAME", help="--live: user to log in as.")] = None,
    password: Annotated[Optional[str], typer.Option("--password", envvar="AIRFLOW_PASSWORD", help="--live: that user's password.")] = None,
    wait: Annotated[float, typer.Option("--wait", min=1, help="--live: seconds to wait for each run.")] = 120.0,
    poll: Annotated[
        float, typer.Option("--poll", min=0.01, max=60, help="--live: seconds between two reads of what is awaited.")
    ] = 0.5,
    junit: Annotated[Optional[Path], typer.Option("--junit", metavar="FILE", help="Also write JUnit XML (one testcase per check).")] = None,
    gradescope: Annotated[Optional[Path], typer.Option("--gradescope", metavar="FILE", help="Also write Gradescope's results.json.")] = None,
    weight: Annotated[
        Optional[list[str]], typer.Option("--weight", metavar="CRITERION=W", help="Weight of a criterion in the score (default 1 each).")
    ] = None,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", metavar="", help="Run your code in plain child processes (to debug the grader).")] = False,
    require_sandbox: Annotated[
        bool, typer.Option("--require-sandbox", metavar="", help="Refuse (exit 2) rather than grade without the sandbox (autograders).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar="", help="List every check, waiting ones too.")] = False,
    state: Annotated[
        Optional[Path], typer.Option("--state", metavar="FILE", help="Keep your progress in FILE (default: the one `init` made in PATH).")
    ] = None,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
    no_server: Annotated[
        bool, typer.Option("--no-server", metavar="", help="Grade in a fresh process, without the warm grading server.")
    ] = False,
) -> None:
    """Grade your DAGs against every requirement and success criterion of the exercise.

    With --exercise (how autograders call it) no progress file is read or written, unless --state names one."""
    from exercise_cli.server.client import grade_served, server_allowed
    from exercise_cli.tutor.state import learner_folder, load_state, record_verdict

    path = learner_folder(path)
    chosen = _exercise(exercise, path, state)
    weights = _weights(weight, chosen.id)
    use_state = exercise is None or state is not None  # --exercise: the folder's own file counts for nothing
    quiz_passed = use_state and bool(load_state(path, state, chosen.id).get("quiz_passed"))
    try:
        isolation = "process" if no_sandbox else "sandbox" if require_sandbox else "auto"
        with _progress(quiet=json_output) as on_event:
            if live:
                from exercise_cli.live.deployment import grade_deployment

                if static:
                    raise UsageError("--live grades what a deployment runs; --static is for a local file or folder")
                report = grade_deployment(live, token=token, username=username, password=password, wait=wait, poll=poll,
                                          timeout=timeout, quiz_passed=quiz_passed, isolation=isolation, on_event=on_event,
                                          exercise_id=chosen.id, use_server=server_allowed(no_server, isolation))
            else:
                report = grade_served(path, use_server=server_allowed(no_server, isolation), static=static, timeout=timeout,
                                      task_timeout=task_timeout, quiz_passed=quiz_passed, on_event=on_event,
                                      isolation=isolation, exercise_id=chosen.id)
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    recorded = not live and not static and use_state and record_verdict(path, report.passed, state, chosen.id)
    _write_ci_files(report, junit, gradescope, weights)
    _emit(report, json_output, weights, verbose, _next_commands(path, chosen.id, recorded))
    raise typer.Exit(report.exit_code)


def _next_commands(path: Path, exercise_id: str, recorded: bool):
    """The checklist's next steps (`hint`, `quiz`, `solution`) as commands that work from here for this exercise."""
    from exercise_cli.tutor.commands import folder_of, printed_command

    def command(verb: str) -> str:
        # a verdict that was not kept does not open the solution: --force, truthfully earned by this pass
        extra = ("--force",) if verb == "solution" and not recorded else ()
        return printed_command(verb, folder_of(path), exercise_id, *extra)

    return command


@contextmanager
def _progress(quiet: bool) -> Iterator:
    """A spinner on stderr naming the grading step under way (only on a terminal), and the grader's notes
    (what live mode did to a deployment) on stderr."""
    from exercise_cli.protocol import PHASE_DOING, Note, PhaseStarted, StepDone, TaskStarted

    console = _console(stderr=True)
    if quiet:
        yield None
        return
    if not console.is_terminal:
        yield lambda event: console.print(_progress_line("", event.text)) if isinstance(event, Note) else None
        return
    from exercise_cli.reporters.rich_report import step_mark

    with console.status("Starting the grading process...") as status:

        def on_event(event) -> None:
            if isinstance(event, PhaseStarted) and event.phase in PHASE_DOING:
                doing = PHASE_DOING[event.phase]
                status.update(doing[0].upper() + doing[1:] + "...")
            elif isinstance(event, TaskStarted):
                status.update(_plain(f"Running task {event.task_id} of {event.dag_id}..."))
            elif isinstance(event, Note):
                console.print(_progress_line("", event.text))
            elif isinstance(event, StepDone):  # what each step of the scenario found (run-demo's lines)
                console.print(_progress_line(step_mark(console, event), event.summary))

        yield on_event


def _progress_line(mark: str, text: str):
    """A progress line (a note, or a step's mark and summary) that wraps under its own text, never to column 0;
    a word longer than the screen (a path, a run id) is folded, not cut."""
    from rich.padding import Padding
    from rich.table import Table

    body = _plain(text, "dim")
    body.overflow = "fold"
    if not mark:
        return Padding(body, (0, 0, 0, 2))
    row = Table.grid(padding=(0, 1))
    row.add_column(no_wrap=True)
    row.add_column(overflow="fold")
    row.add_row(_plain(mark, "dim"), body)
    return row


def _plain(text: str, style: str = ""):
    """A line naming what the grader met (tasks, a deployment's runs) as Rich text: never markup."""
    from rich.text import Text

    from exercise_cli.learner_text import clean

    return Text(clean(str(text), limit=2000), style=style)


def _weights(pairs: list[str] | None, exercise_id: str | None = None) -> dict[str, float]:
    from exercise_cli.grading.weights import parse_weights

    try:
        return parse_weights(pairs, exercise_id)
    except UsageError as exc:
        raise _fail(str(exc)) from None


def _write_ci_files(report, junit: Path | None, gradescope: Path | None, weights: dict[str, float]) -> None:
    from exercise_cli.atomic_file import write_atomically

    try:  # each file whole or absent: a platform never reads half a report
        if junit:
            from exercise_cli.reporters.junit import render_junit

            write_atomically(junit, render_junit(report))
        if gradescope:
            from exercise_cli.reporters.gradescope import render_gradescope

            write_atomically(gradescope, render_gradescope(report, weights))
    except OSError as exc:
        raise _fail(f"cannot write {exc.filename}: {exc.strerror}") from None


@app.command("report")
def report_command(
    report_file: Annotated[Path, typer.Argument(help="A report written by `exercise check --json`.")],
    criterion: Annotated[Optional[str], typer.Option("--criterion", help="Show this criterion only; its verdict sets the exit code.")] = None,
) -> None:
    """Render a saved JSON report; exit 0 if it (or the criterion) passed, 1 if not."""
    report = _read_report(report_file)
    if criterion is None:
        _emit(report, False, {})
        raise typer.Exit(report.exit_code)
    chosen = [c for c in report.criteria if c.id == criterion]
    if not chosen:
        raise _fail(f"no criterion {criterion!r} in {report_file}: one of {', '.join(c.id for c in report.criteria)}")
    from exercise_cli.reporters.rich_report import render_criterion

    render_criterion(_console(), chosen[0])
    raise typer.Exit(0 if chosen[0].status == "passed" else EXIT_FAILED)


def _read_report(report_file: Path):
    """The report in a file, checked field by field; a file that is not one is exit 2 with one line."""
    import json

    from exercise_cli.results import MAX_REPORT_BYTES, report_from_dict

    try:
        with open(report_file, "rb") as f:
            data = f.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise _fail(f"cannot read {report_file}: {exc.strerror}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise _fail(f"{report_file} is larger than {MAX_REPORT_BYTES // 2**20} MiB: not a report of `exercise check --json`")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _fail(f"{report_file} is not UTF-8 text (byte {exc.start}): not a report of `exercise check --json`") from None
    except RecursionError:
        raise _fail(f"{report_file} is nested too deeply: not a report of `exercise check --json`") from None
    except ValueError as exc:
        raise _fail(f"{report_file} is not JSON ({exc}): not a report of `exercise check --json`") from None
    try:
        return report_from_dict(doc)
    except ValueError as exc:
        raise _fail(f"{report_file} is not a report of `exercise check --json`: {exc}") from None


class Platform(str, Enum):
    gradescope = "gradescope"
    github_classroom = "github-classroom"


@app.command()
def autograder(
    platform: Annotated[Platform, typer.Argument(help="gradescope: an autograder zip; github-classroom: an assignment repository.")],
    target: Annotated[
        Optional[Path], typer.Argument(help="What to write (default: autograder.zip; assignment/, new or empty).")
    ] = None,
    weight: Annotated[
        Optional[list[str]], typer.Option("--weight", metavar="CRITERION=W", help="Criterion points (whole for GitHub Classroom).")
    ] = None,
    wheel: Annotated[Optional[Path], typer.Option("--wheel", help="The grader's wheel (default: built from this checkout).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=10, help="Seconds per submission.")] = 300.0,
    task_timeout: Annotated[float, typer.Option("--task-timeout", min=1, help="Seconds one task may run.")] = 60.0,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help="The exercise to grade (default 5.1).")] = None,
) -> None:
    """Package the grader for a course platform: Gradescope's autograder zip, or a GitHub Classroom repository."""
    from exercise_cli.autograder import package

    chosen = _exercise(exercise)
    if chosen.builtin is False:
        raise _fail("the autograder bundles carry the built-in course only: --course is for local grading")
    weights = _weights(weight, chosen.id)
    try:
        lines = package(platform.value, target, weights, wheel, timeout, task_timeout, chosen)
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {exc.filename or target}: {exc.strerror}") from None
    for line in lines:
        _console().print(line)


@app.command("run-demo")
def run_demo(
    dags: Annotated[
        Optional[Path], typer.Option("--dags", help="Run these DAGs (a .py file or folder) instead of the reference solution.")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", metavar="", help="Keep Airflow up until Ctrl-C, after a failure too, to browse its UI and REST API.")] = False,
    wait: Annotated[float, typer.Option("--wait", min=1, help="Seconds to wait for each run.")] = 120.0,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port for the api-server (0: a free one).")] = 0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar="", help="Also show memory figures.")] = False,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Show the exercise's pattern working end to end on a real Airflow (api-server + scheduler)."""
    from exercise_cli.demo.run_demo import Demo
    from exercise_cli.grading.submission import find_submission
    from exercise_cli.tutor.state import learner_folder

    chosen = _exercise(exercise, learner_folder(dags))  # the exercise of the folder you are in
    if dags is not None:
        try:
            find_submission(dags)
        except UsageError as exc:
            raise _fail(str(exc)) from None
    try:
        result = Demo(_console(), dags, wait=wait, keep=keep, port=port, verbose=verbose, exercise=chosen).run()
    except EnvironmentProblem as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


def _emit(report, json_output: bool, weights: dict[str, float] | None = None, verbose: bool = False,
          command=None) -> None:
    if json_output:
        from exercise_cli.reporters.json_report import render_json

        sys.stdout.write(render_json(report) + "\n")
        sys.stdout.flush()  # a closed or broken stdout is found here, inside main's handling
        return
    from exercise_cli.reporters.rich_report import render_checklist

    render_checklist(report, _console(), weights=weights, verbose=verbose, command=command)


@app.command()
def hint(
    number: Annotated[Optional[int], typer.Argument(min=1, help="Show hint N (default: the next one not yet seen).")] = None,
    dags: Annotated[Optional[Path], typer.Option("--dags", help=_DAGS_HELP + " Progress is kept in it.")] = None,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Reveal the statement's hints one at a time."""
    from exercise_cli.tutor.commands import printed_command
    from exercise_cli.tutor.hints import reveal_hint
    from exercise_cli.tutor.state import learner_folder

    dags = learner_folder(dags)
    chosen = _exercise(exercise, dags)
    try:
        reveal_hint(_console(), number, dags, chosen, again=printed_command("hint", dags, chosen.id))
    except UsageError as exc:
        raise _fail(str(exc)) from None


@app.command()
def quiz(
    answers: Annotated[
        Optional[str], typer.Option("--answers", help="Answer without prompts, e.g. b,b,c,a,b (for scripts and tests).")
    ] = None,
    dags: Annotated[Optional[Path], typer.Option("--dags", help=_DAGS_HELP + " The result is kept in it.")] = None,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """A short quiz on the exercise's concepts; passing it meets its "understanding" criterion."""
    from exercise_cli.tutor.commands import printed_command
    from exercise_cli.tutor.quiz import take_quiz
    from exercise_cli.tutor.state import learner_folder

    dags = learner_folder(dags)
    chosen = _exercise(exercise, dags)
    try:
        passed = take_quiz(_console(), answers, dags, chosen, again=printed_command("quiz", dags, chosen.id))
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(0 if passed else EXIT_FAILED)


@app.command()
def reset(
    directory: Annotated[Optional[Path], typer.Argument(help=_DAGS_HELP, show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", metavar="", help="Do not ask for confirmation.")] = False,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Restore the starter file, after saving your current one as a timestamped .bak."""
    from exercise_cli.tutor.state import learner_folder, save_state
    from exercise_cli.tutor.workspace import write_starter

    directory = learner_folder(directory)
    chosen = _exercise(exercise, directory)
    target = directory / chosen.starter
    if os.path.lexists(target) and not yes:
        if not sys.stdin.isatty():
            raise _fail("reset needs confirmation: run it in a terminal or pass --yes")
        _console().print(f"This replaces [cyan]{target}[/] with the starter; your file is kept as a .bak.")
        typer.confirm("Reset?", abort=True)
    try:
        written, backup = write_starter(directory, chosen, force=True)
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    save_state(directory, exercise=chosen.id, hints_seen=0, last_check_passed=False)  # a fresh start: hints fold again
    if backup:
        _console().print(f"Saved your file as [cyan]{backup}[/]")
    _console().print(f"Restored the starter at [cyan]{written}[/]")


@app.command()
def solution(
    dags: Annotated[Optional[Path], typer.Option("--dags", help=_DAGS_HELP + " Your check's verdict is kept in it.")] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Show it even before your check has passed.")] = False,
    plain: Annotated[bool, typer.Option("--plain", metavar="", help="The file exactly, no colours (for piping or copying).")] = False,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Show the reference solution, once your own `exercise check` has passed (it stays open after that)."""
    from exercise_cli.tutor.state import check_ever_passed, learner_folder, load_state

    dags = learner_folder(dags)
    chosen = _exercise(exercise, dags)
    if not force and not check_ever_passed(load_state(dags, exercise=chosen.id)):
        raise _fail("the solution opens once `exercise check` passes on your DAGs (or use --force)", EXIT_FAILED)
    code = (chosen.solution_dir / chosen.solution).read_text(encoding="utf-8")
    console = _console()
    if plain or not console.is_terminal:
        sys.stdout.write(code)  # exactly the file: no line numbers, nothing cut
        return
    from rich.syntax import Syntax

    # Highlighted, but never wrapped by us nor cut: each line of code stays one line of output, so it
    # copies intact (the terminal may fold a long one on screen; that adds no newline).
    console.print(Syntax("", "python").highlight(code), soft_wrap=True, end="")


@app.command("grade")
def grade_class(
    folder: Annotated[Path, typer.Argument(help="One subfolder or .py file per submission.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Submissions graded at once (default: CPU count).")] = os.cpu_count() or 1,
    static: Annotated[bool, typer.Option("--static", help="Static checks only.")] = False,
    timeout: Annotated[Optional[float], typer.Option("--timeout", min=1, help="Seconds per submission.")] = None,
    task_timeout: Annotated[float, typer.Option("--task-timeout", min=1, help="Seconds one task may run.")] = 60.0,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", metavar="FILE", help="Write a CSV gradebook.")] = None,
    json_file: Annotated[Optional[Path], typer.Option("--json", metavar="FILE", help="Write a JSON gradebook.")] = None,
    weight: Annotated[Optional[list[str]], typer.Option("--weight", metavar="CRITERION=W", help="Criterion weight.")] = None,
    allow_unsandboxed: Annotated[
        bool, typer.Option("--allow-unsandboxed", help="Where the sandbox cannot be had, grade in plain child processes.")
    ] = False,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox", help="Grade in plain child processes (to debug the grader).")] = False,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help="The exercise graded (default 5.1).")] = None,
) -> None:
    """Grade every submission in FOLDER (each sandboxed, in parallel) into a gradebook.

    A submission is a subfolder, a .py file or a .zip file; every other entry gets a "not graded" row.
    Exit 0: all graded and passed; 1: all graded, some did not pass; 2: some could not be graded
    (their rows say why), a gradebook could not be written, or a usage error.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from exercise_cli.grading.batch import Gradebook, by_submission, find_submissions, grade_all
    from exercise_cli.grading.grader import isolation_for
    from exercise_cli.reporters.gradebook import render_gradebook

    chosen = _exercise(exercise)
    weights = _weights(weight, chosen.id)
    isolation = "process" if no_sandbox else "auto" if allow_unsandboxed else "sandbox"
    try:
        found = find_submissions(folder, outputs=(csv_file, json_file))
        isolation_for(isolation)  # refuse before grading anything
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    console = _console()
    book = Gradebook(csv_file, json_file, chosen.id, listed=found.not_graded)
    stopped: KeyboardInterrupt | OSError | None = None
    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as progress:
        bar = progress.add_task("grading", total=len(found.submissions))

        def on_row(row) -> None:
            book.add(row)
            progress.advance(bar)

        try:
            with _warm_server(console) as server:
                grade_all(found.submissions, jobs=jobs, static=static, timeout=timeout, task_timeout=task_timeout,
                          weights=weights, isolation=isolation, on_row=on_row, on_idle=book.idle,
                          launcher=server.launch if server else None, exercise_id=chosen.id)
            book.close()
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: the graded rows are kept
            stopped = exc
        except OSError as exc:  # a gradebook could not be written (a full disk): the run stops at once
            stopped = exc
        except EnvironmentProblem as exc:
            raise _fail(f"{exc}; {book.kept()}") from None
    if isinstance(stopped, KeyboardInterrupt):
        try:
            book.close()
        except OSError as exc:
            stopped = exc
    render_gradebook(console, book.rows, found)
    if isinstance(stopped, OSError):
        raise _fail(f"{describe_os_error(stopped)}: grading stopped, the submissions not yet graded were cancelled; "
                    f"{book.kept()}")
    if stopped is not None:
        raise _interrupted(book.kept())
    ungraded = [row.submission for row in by_submission(book.rows) if row.error]
    if ungraded:
        from rich.markup import escape

        raise _fail(f"{len(ungraded)} of {found.entries} submissions could not be graded ({escape(', '.join(ungraded[:3]))}"
                    f"{', ...' if len(ungraded) > 3 else ''}): see the note column")
    raise typer.Exit(EXIT_PASSED if all(row.passed for row in book.rows) else EXIT_FAILED)


@app.command()
def watch(
    path: Annotated[Optional[Path], typer.Argument(help="A DAG .py file or a folder of them. " + _DAGS_HELP,
                                                   show_default=False)] = None,
    task_timeout: Annotated[float, typer.Option("--task-timeout", min=1, help="Seconds one task may run.")] = 60.0,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", metavar="ID", help=_EXERCISE_HELP)] = None,
) -> None:
    """Re-check your DAGs each time you save a .py file (static first, then the full run).

    Ctrl-C stops watching: it says so and exits 0 (SIGTERM and SIGHUP: 143 and 129)."""
    from exercise_cli.tutor.state import learner_folder, state_path
    from exercise_cli.tutor.watch import watch_and_grade

    path = learner_folder(path)
    if not path.exists():
        raise _fail(f"no such file or folder: {path} (run `exercise init` first)")
    chosen = _exercise(exercise, path)
    kept = state_path(path).is_file()  # watch records a verdict only where progress already lives
    console = _console()
    try:
        with _warm_server(console) as server:
            watch_and_grade(console, path, task_timeout, server.launch if server else None,
                            show=lambda r: _emit(r, False, command=_next_commands(path, chosen.id, kept)),
                            exercise_id=chosen.id)
    except KeyboardInterrupt:  # Ctrl-C (how watching ends), SIGTERM, SIGHUP
        if (_Stop.signum or signal.SIGINT) != signal.SIGINT:
            raise _interrupted("stopped watching, and every check it started") from None
        _Stop.said, _Stop.exit_code = True, EXIT_PASSED
        _say(console, "Stopped watching.")
        raise typer.Exit(EXIT_PASSED) from None


server_app = typer.Typer(help="The warm grading server `check` starts: what runs, and stopping it.", no_args_is_help=True)
app.add_typer(server_app, name="server")


@server_app.command("status")
def server_status() -> None:
    """Say whether this user's grading server runs: pid, uptime, idle time, version, socket."""
    from exercise_cli.server.commands import describe_status

    _console().print(describe_status(), markup=False, highlight=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop this user's grading server (the next `check` starts a new one)."""
    from exercise_cli.server.commands import describe_stop

    _console().print(describe_stop(), markup=False, highlight=False)


@contextmanager
def _warm_server(console: Console) -> Iterator[object]:
    """A warm grading process for repeated checks; without one, each check starts its own."""
    from exercise_cli.grading.forkserver import ForkServer

    try:
        with console.status("Starting a warm grading process (imports Airflow once)..."):
            server = ForkServer()
    except (EnvironmentProblem, OSError) as exc:
        console.print(f"[dim]no warm grading process ({exc}); each check starts its own[/]")
        yield None
        return
    try:
        yield server
    finally:
        server.close()


class _Stop:
    """The signal that stopped this command (None until one does), and whether the command said so itself."""

    signum: int | None = None
    said = False
    exit_code: int | None = None  # a stop that is the command's normal end (Ctrl-C in watch) sets its own


def _on_stop_signal(signum: int, frame: object) -> None:
    """SIGINT, SIGTERM and SIGHUP all stop the command the way Ctrl-C does: grading children in every
    thread are stopped, throwaway folders removed on the way out, one line said."""
    if _Stop.signum is not None:
        return  # a second signal while stopping: the stop under way is bounded, let it finish
    _Stop.signum = signum
    from exercise_cli.grading.process import stop_children

    stop_children(signum)
    raise Interrupted(signum)


def _interrupted(note: str) -> typer.Exit:
    """The interrupted command's one line, and its exit code: 128 + the signal (130, 143, 129)."""
    signum = _Stop.signum or signal.SIGINT
    _Stop.said = True
    _say_error(f"interrupted ({signal.Signals(signum).name}): {note}")
    return typer.Exit(128 + signum)


def _say(console: Console, message: str) -> None:
    try:
        console.print(message)
    except OSError:  # the terminal is gone
        pass


def _say_error(message: str) -> None:
    try:
        from rich.markup import escape

        _console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    except OSError:  # the terminal is gone (SIGHUP): the exit code still says it
        pass


def main() -> None:
    """The entry point: the one place the machine's faults and stop signals become a line and an exit code."""
    import exercise_cli.grading.process  # noqa: F401 - imported now, not inside a signal handler
    from exercise_cli.output import end_quietly_after_broken_pipe, guard_standard_streams, is_broken_pipe

    guard_standard_streams()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's SIGHUP, a background job's SIGINT stay ignored
            signal.signal(signum, _on_stop_signal)
    try:
        try:
            _run()
        finally:
            sys.stdout.flush()  # what is still buffered meets a broken pipe here, not in Python's last flush
    except Exception as exc:  # only a broken pipe comes this far: the reader left, nothing more to say
        if not is_broken_pipe(exc):
            raise
        sys.exit(end_quietly_after_broken_pipe())


def _run() -> None:
    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        if _Stop.signum is None:
            raise
        if not _Stop.said:
            _interrupted("stopped every process it started and removed its temporary folders")
        sys.exit(_Stop.exit_code if _Stop.exit_code is not None else 128 + _Stop.signum)
    except OSError as exc:  # a full disk, a read-only folder, a closed stdout: the machine's, not the learner's
        from exercise_cli.output import is_broken_pipe

        if is_broken_pipe(exc):
            raise
        _say_error(describe_os_error(exc))
        sys.exit(EXIT_USAGE)
    except (UsageError, EnvironmentProblem) as exc:
        _say_error(str(exc))
        sys.exit(EXIT_USAGE)

