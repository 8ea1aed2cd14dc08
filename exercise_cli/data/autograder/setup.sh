#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built. It installs Python 3.11
# where the image lacks it, then this exercise's grader into its own venv, pinned, from the wheel
# and the constraints shipped beside this file (written by `exercise autograder gradescope`).
set -euo pipefail
ROOT="${EXERCISE_AUTOGRADER_ROOT:-/autograder}"  # overridden by the tests only
SOURCE="$ROOT/source"
cd "$ROOT"
if ! command -v python3.11 >/dev/null 2>&1; then
    apt-get update -q
    apt-get install -y -q python3.11 python3.11-venv
fi
python3.11 -m venv "$ROOT/exercise-venv"
"$ROOT/exercise-venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$SOURCE/constraints.txt" "$SOURCE/@WHEEL@"
# Build the metadata DB template now, so no submission pays for it.
SOLUTION="$("$ROOT/exercise-venv/bin/python" -c 'from exercise_cli.course import solution_dir; print(solution_dir())')"
"$ROOT/exercise-venv/bin/exercise" check "$SOLUTION" --json >/dev/null || true
