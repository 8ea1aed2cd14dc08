"""The `exercise` command line. Thin: it parses options, calls the modules, renders, exits."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from exercise_cli import __version__
from exercise_cli.errors import EnvironmentProblem, UsageError
from exercise_cli.results import EXIT_FAILED, EXIT_USAGE

app = typer.Typer(
    name="exercise",
    help="Tutor and grader for the Airflow 3 exercise 5.1: Basic Producer/Consumer (assets).",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _console(stderr: bool = False) -> Console:
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Console(stderr=stderr, width=width, highlight=False)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _console(stderr=True).print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"exercise {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Tutor and grader for the Airflow 3 exercise 5.1: Basic Producer/Consumer (assets)."""


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the starter DAG file.")] = Path("dags"),
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Replace an existing file, after saving it as a timestamped .bak.")
    ] = False,
) -> None:
    """Write the starter DAG file into DIRECTORY (default ./dags)."""
    from exercise_cli.workspace import write_starter

    try:
        target, backup = write_starter(directory, force=force)
    except FileExistsError as exc:
        raise _fail(f"{exc.args[0]} already exists; nothing was changed (use --force to replace it, keeping a backup)", EXIT_FAILED) from None
    except UsageError as exc:
        raise _fail(str(exc)) from None
    console = _console()
    if backup:
        console.print(f"Saved your previous file as [cyan]{backup}[/]")
    console.print(f"Wrote the starter to [cyan]{target}[/]\n")
    console.print("Next steps:")
    console.print("  1. Read the exercise:            [bold]exercise show[/]")
    console.print(f"  2. Complete the TODOs in         [cyan]{target}[/]")
    console.print(f"  3. Check your work:              [bold]exercise check {directory}[/]")
    console.print("  4. Stuck? Reveal a hint:         [bold]exercise hint[/]")
    console.print("  5. See the pattern work:         [bold]exercise run-demo[/]")


@app.command()
def show() -> None:
    """Show the exercise statement."""
    from rich.markdown import Markdown

    from exercise_cli.course import statement_text

    _console().print(Markdown(statement_text()))


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="A DAG .py file or a folder of them.")] = Path("dags"),
    static: Annotated[bool, typer.Option("--static", help="Only load the DAGs with Airflow's DagBag; run nothing.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of the checklist.")] = False,
    timeout: Annotated[
        Optional[float],
        typer.Option("--timeout", min=1, help="Seconds the whole check may take [default: 60 with --static, else 180]."),
    ] = None,
    task_timeout: Annotated[float, typer.Option("--task-timeout", min=1, help="Seconds one task may run.")] = 60.0,
    live: Annotated[
        Optional[str], typer.Option("--live", metavar="URL", help="Grade the DAGs on a running Airflow 3 (REST API v2) instead.")
    ] = None,
    token: Annotated[Optional[str], typer.Option("--token", envvar="AIRFLOW_API_TOKEN", help="--live: a bearer token.")] = None,
    username: Annotated[Optional[str], typer.Option("--username", envvar="AIRFLOW_USERNAME", help="--live: user to log in as.")] = None,
    password: Annotated[Optional[str], typer.Option("--password", envvar="AIRFLOW_PASSWORD", help="--live: that user's password.")] = None,
    wait: Annotated[float, typer.Option("--wait", min=1, help="--live: seconds to wait for each run.")] = 120.0,
) -> None:
    """Grade your DAGs against every requirement and success criterion of the exercise."""
    from exercise_cli.grader import grade

    try:
        if live:
            from exercise_cli.live import LiveGrader, connect

            say = (lambda m: None) if json_output else (lambda m: _console(stderr=True).print(f"[dim]{m}[/]"))
            report = LiveGrader(connect(live, token, username, password), wait=wait, say=say).grade()
        else:
            report = grade(path, static=static, timeout=timeout, task_timeout=task_timeout)
    except (UsageError, EnvironmentProblem) as exc:
        raise _fail(str(exc)) from None
    _emit(report, json_output)
    raise typer.Exit(report.exit_code)


@app.command("run-demo")
def run_demo(
    dags: Annotated[
        Optional[Path], typer.Option("--dags", help="Run these DAGs (a .py file or folder) instead of the reference solution.")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Keep Airflow up until Ctrl-C to browse its UI.")] = False,
    wait: Annotated[float, typer.Option("--wait", min=1, help="Seconds to wait for each run.")] = 120.0,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port for the api-server (0: a free one).")] = 0,
) -> None:
    """Show the producer/consumer pattern working end to end on a real Airflow (api-server + scheduler)."""
    from exercise_cli.demo import Demo
    from exercise_cli.submission import find_submission

    if dags is not None:
        try:
            find_submission(dags)
        except UsageError as exc:
            raise _fail(str(exc)) from None
    try:
        result = Demo(_console(), dags, wait=wait, keep=keep, port=port).run()
    except EnvironmentProblem as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


def _emit(report, json_output: bool) -> None:
    from exercise_cli.course import load_course

    if json_output:
        from exercise_cli.reporters.json_report import render_json

        sys.stdout.write(render_json(report) + "\n")
        return
    from exercise_cli.reporters.rich_report import render_checklist

    titles = {c.id: c.title for c in load_course().checks}
    render_checklist(report, _console(), titles)


def main() -> None:
    app()
