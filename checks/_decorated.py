"""What the learner's source says about DAGs Airflow did not get: @dag functions never called, and the
starter's TODO that brings a DAG id. Read as a syntax tree through _source.parsed, never executed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ._source import parsed, source_text


@dataclass(frozen=True)
class UncalledDag:
    function: str  # the decorated function's name
    dag_id: str  # as the decorator gives it (Airflow's default: the function's name)
    line: int  # the @dag(...) line


def _dag_decorator(function: ast.FunctionDef) -> ast.expr | None:
    for deco in function.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "dag":
            return deco
    return None


def _dag_id(deco: ast.expr, function: ast.FunctionDef) -> str:
    if isinstance(deco, ast.Call):
        for keyword in deco.keywords:
            if keyword.arg == "dag_id" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        if deco.args and isinstance(deco.args[0], ast.Constant):
            return str(deco.args[0].value)
    return function.name


def uncalled_dags(path: str | None) -> list[UncalledDag]:
    """Module-level @dag functions the file never calls: Airflow creates a DAG only when one is called."""
    tree = parsed(path) if path else None
    if tree is None:
        return []
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name not in called:
            deco = _dag_decorator(node)
            if deco is not None:
                found.append(UncalledDag(node.name, _dag_id(deco, node), deco.lineno))
    return found


def plain_functions(path: str | None) -> list[tuple[str, int]]:
    """(name, line) of the module-level functions without a decorator: the starter's DAGs-to-be."""
    tree = parsed(path) if path else None
    return [(node.name, node.lineno) for node in (tree.body if tree else ())
            if isinstance(node, ast.FunctionDef) and not node.decorator_list]


def todo_naming(path: str | None, text: str) -> tuple[int, str] | None:
    """(line, "TODO N") of the first `# TODO` comment (with the comment lines that continue it) that mentions
    `text`: the starter names in each TODO the DAG id or the keyword that step adds."""
    source = source_text(path)
    if source is None:
        return None
    lines = source.splitlines()
    current: tuple[int, str] | None = None  # the TODO whose comment block this line continues
    for number, line in enumerate(lines, start=1):
        todo = re.search(r"#\s*(TODO\s*\d*)", line)
        if todo:
            current = number, re.sub(r"\s+", " ", todo[1])
        elif not line.lstrip().startswith("#"):
            current = None
        if current is not None and text in line:
            return current
    return None
