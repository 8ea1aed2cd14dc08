"""tags: each DAG's tags are exactly the statement's set (order does not matter; messages show them as written)."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import all_failed, failed, passed


def check(sub: Submission) -> CheckResult:
    present = [(dag, spec.tags) for spec, dag in sub.found()]
    wrong = [_wrong(sub, dag, tags) for dag, tags in present if set(dag.tags or ()) != set(tags)]
    if wrong:
        return all_failed(wrong)
    return passed("tags match: " + "; ".join(f"{dag.dag_id} {list(tags)}" for dag, tags in present))


def _wrong(sub: Submission, dag, tags: list[str]) -> CheckResult:
    found = set(dag.tags or ())
    missing = sorted(set(tags) - found)
    extra = sorted(found - set(tags))
    detail = "; ".join(part for part in (f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "")
                       if part)
    shown = sub.written(dag, "tags") or str(list(dag.tags or ()))  # as the learner wrote them, in their order
    return failed(f"{dag.dag_id} has tags={shown}, wanted {list(tags)} ({detail})",
                  hint=f"tags={list(tags)}".replace("'", '"'), file=sub.dag_file(dag), line=sub.dag_line(dag, "tags"))
