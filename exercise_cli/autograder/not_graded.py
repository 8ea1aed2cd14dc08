"""What a platform tells the learner when `exercise check` could not grade their submission.

The bundles call this after `check` exited 2. Who must act is decided by reading the submission as
the grader reads it (`find_submission`): a submission it cannot take is the learner's to fix, in
that platform's terms (upload again, push again), never with a local command; anything else is the
grader's problem, which the learner is told has reached the instructor, without its internals.
Gradescope shows run_autograder's output to instructors only: the details go there.

    python -m exercise_cli.autograder.not_graded gradescope SUBMISSION RESULTS_JSON
    python -m exercise_cli.autograder.not_graded github-classroom SUBMISSION
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from exercise_cli.atomic_file import write_atomically
from exercise_cli.course import load_exercise
from exercise_cli.errors import UsageError
from exercise_cli.grading.submission import find_submission
from exercise_cli.learner_text import clean

GRADER_PROBLEM = "Not graded: the grader could not grade this submission; your instructor has been told."
DO_AGAIN = {
    "gradescope": "Upload your DAG file(s) again: the .py file(s) from your dags folder (such as {starter}).",
    "github-classroom": "Put your DAG file(s) in dags/ (such as dags/{starter}) and push again.",
}
_NAMES_SHOWN = 5


def learner_output(platform: str, submission: Path, exercise_id: str | None = None) -> tuple[str, str]:
    """(what the learner reads, what the instructor reads) for a submission `check` could not grade."""
    try:
        find_submission(submission)
    except UsageError as exc:
        again = DO_AGAIN[platform].format(starter=load_exercise(exercise_id).starter)
        return (f"Not graded: the grader cannot take your submission as it is ({_holdings(submission)}). {again}",
                f"not graded, the submission's problem: {clean(str(exc), limit=1000)}")
    except OSError as exc:
        return GRADER_PROBLEM, f"not graded, the grader's problem: reading the submission failed: {exc}"
    return GRADER_PROBLEM, "not graded, the grader's problem: the submission is readable; see the grader's error above"


def _holdings(submission: Path) -> str:
    """What the submission holds, as its learner would recognise it: a few file names and a count."""
    names: list[str] = []
    for folder, dirnames, filenames in os.walk(submission):
        dirnames[:] = sorted(dirnames)
        rel = Path(folder).relative_to(submission)
        names += [clean((rel / name).as_posix(), limit=100) for name in sorted(filenames)]
        if len(names) > 1000:
            break
    if not names:
        return "it is empty"
    shown = ", ".join(names[:_NAMES_SHOWN]) + (f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else "")
    python = sum(name.endswith(".py") for name in names)
    return f"it holds {shown}; {python or 'no'} .py file{'' if python == 1 else 's'}"


def gradescope_results(learner: str) -> str:
    """A valid results.json scoring 0, its output the learner's line."""
    return json.dumps({"score": 0, "output": learner, "output_format": "text", "visibility": "visible",
                       "stdout_visibility": "hidden", "tests": []}, indent=2, ensure_ascii=False)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in DO_AGAIN or (argv[0] == "gradescope") != (len(argv) == 3):
        print("usage:\n" + "\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
        return 2
    learner, instructor = learner_output(argv[0], Path(argv[1]), os.environ.get("EXERCISE_ID") or None)
    if argv[0] == "gradescope":
        write_atomically(Path(argv[2]), gradescope_results(learner))
        print(instructor)  # run_autograder's output: instructors only
    else:
        print(f"::error::{learner}")  # the Actions log, which learner and instructor both read
        print(instructor)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
