#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built. It installs Python 3.11
# where the image lacks it, then the grader of exercise @EXERCISE@ into its own venv, pinned, from the wheel
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
# The wheel holds the whole course (reference solutions, quiz answers): root's alone from now on, as the
# sandbox's uid may read what others may (the container tier, Gradescope's, hides files by mode alone).
chown 0:0 "$SOURCE/@WHEEL@"
chmod 600 "$SOURCE/@WHEEL@"
# Grade the reference solution once, as run_autograder grades a submission (sandbox required): it
# builds the metadata DB template, so no submission pays for it, and proves this image can sandbox
# submissions. Where it cannot, every submission would be "Not graded": fail the build instead.
SOLUTION="$("$ROOT/exercise-venv/bin/python" -c 'from exercise_cli.course import load_exercise; print(load_exercise("@EXERCISE@").solution_dir)')"
PROOF="$(mktemp -d)"
set +e
"$ROOT/exercise-venv/bin/exercise" check "$SOLUTION" --exercise @EXERCISE@ --require-sandbox --json >"$PROOF/report.json" 2>"$PROOF/error.txt"
code=$?
set -e
if [ "$code" -eq 2 ]; then
    echo "setup.sh: no sandbox tier works in this image, so run_autograder would grade no submission:" >&2
    echo "  $(tail -n 1 "$PROOF/error.txt")" >&2
    echo "  The grader must run as root (Gradescope's default) on Linux; see docs/trust-boundary.md." >&2
    exit 1
fi
if [ "$code" -ne 0 ]; then
    echo "setup.sh: the reference solution did not pass here (exit $code): this image cannot grade correctly." >&2
    tail -n 20 "$PROOF/error.txt" >&2
    exit 1
fi
ISOLATION="$("$ROOT/exercise-venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["isolation"])' "$PROOF/report.json")"
echo "setup.sh: the reference solution passes here, isolation: $ISOLATION"
rm -rf "$PROOF"
