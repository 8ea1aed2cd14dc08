"""`exercise dev`: the commands for course authors (registered in exercise_cli/app.py as one sub-app)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

dev_app = typer.Typer(no_args_is_help=True, add_completion=False,
                      help="For course authors: prove an exercise complete (`exercise dev check`).")

_OK, _FAILED, _NOTE = "[green]✔[/]", "[bold red]✘[/]", "[yellow]![/]"


@dev_app.command("check")
def check(
    exercise_id: Annotated[Optional[str], typer.Argument(metavar="EXERCISE", help="One exercise (default: all of the course).")] = None,
    files_only: Annotated[bool, typer.Option("--files-only", help="Read the files only: grade nothing (seconds, not minutes).")] = False,
    update_golden: Annotated[bool, typer.Option("--update-golden", help="Grade each fixture and (re)write its expected_results.json, then stop.")] = False,
    fixture: Annotated[Optional[list[str]], typer.Option("--fixture", metavar="NAME", help="With --update-golden: only this fixture folder (repeatable).")] = None,
) -> None:
    """Check the course's exercises as an author must leave them: the schema, a module and a unit test for
    each check, hints and a quiz, the starter failing at TODO 1, the solution passing in both modes, credit
    along the TODO path, each fixture's golden verdict, and the live recordings `make compat` makes.
    Exit 0: all hold; 1: one does not; 2: a course file is wrong (one line naming the file and line)."""
    from rich.console import Console
    from rich.markup import escape

    from exercise_cli.course import CourseError, load_course
    from exercise_cli.dev import check as dev

    console = Console(highlight=False)
    try:
        course = load_course()
        exercises = [course.exercise(exercise_id)] if exercise_id else course.exercises()
    except CourseError as exc:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    if update_golden:
        for exercise in exercises:
            for path in dev.update_golden(exercise, fixture):
                console.print(f"wrote {escape(str(path))}", soft_wrap=True)
        return
    failed = False
    for exercise in exercises:
        console.print(f"[bold]{escape(exercise.title)}[/] ({exercise.id})")
        console.print(f"  {_OK} the schema: {escape(exercise.folder)}/exercise.toml reads")
        for finding in dev.check_exercise(exercise, graded=not files_only):
            failed |= bool(finding.problems)
            mark = _FAILED if finding.problems else _NOTE if finding.note else _OK
            console.print(f"  {mark} {escape(finding.requirement)}" + (f": {escape(finding.note)}" if finding.note else ""),
                          soft_wrap=True)
            for problem in finding.problems:
                console.print(f"      {escape(problem)}", soft_wrap=True)
    if not exercise_id:
        unused = dev.every_check_module_is_used(course)
        failed |= bool(unused)
        console.print(f"{_FAILED if unused else _OK} every check module is used by an exercise")
        for problem in unused:
            console.print(f"    {escape(problem)}", soft_wrap=True)
    raise typer.Exit(1 if failed else 0)
