"""The learner's source, read as a syntax tree and never executed: file and line for messages,
what a task's function refers to, and the schedule as written.

The trusted side holds Airflow's serialized DAGs, which keep no code; for what the code says
(and where), it reads the files themselves: only regular files (no link followed, no FIFO or
device opened for long), of the submission copy's files that define DAGs (`only_read`), decoded
as Python decodes source (PEP 263 coding lines, a UTF-8 BOM). A syntax tree is kept only of a
file up to MAX_TREE_BYTES, a few at a time, and `forget()` frees them before task children are
forked (they would inherit every page).
"""

from __future__ import annotations

import ast
import io
import tokenize
from functools import lru_cache
from typing import Iterable

from exercise_cli.regular_file import regular_file_bytes

MAX_TREE_BYTES = 1024 * 1024  # a DAG file is a few KiB; the tree of a 1 MiB file already takes ~100 MiB
_readable: frozenset[str] | None = None  # None: any regular file (the checks' unit tests)


def only_read(paths: Iterable[str]) -> None:
    """Read no file but these from now on (the trusted side's own list of copies), and forget what was kept."""
    global _readable
    _readable = frozenset(paths)
    forget()


def forget() -> None:
    """Free every syntax tree and text kept."""
    parsed.cache_clear()
    source_text.cache_clear()


def source_encoding(data: bytes) -> str:
    """The encoding Python reads this source with: its PEP 263 coding line, a UTF-8 BOM, else UTF-8.
    Raises SyntaxError for an unknown encoding or one that contradicts the BOM, as Python does."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


@lru_cache(maxsize=8)
def source_text(path: str | None) -> str | None:
    """A learner file's text, decoded as Python decodes it, or None (not readable here, too large, undecodable)."""
    if path is None or (_readable is not None and path not in _readable):
        return None
    data = regular_file_bytes(path, MAX_TREE_BYTES)
    if data is None:
        return None
    try:
        return data.decode(source_encoding(data))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


@lru_cache(maxsize=8)
def parsed(path: str | None) -> ast.Module | None:
    text = source_text(path)
    return parse_text(text, path) if text is not None else None


def parse_text(source: str, filename: str = "<dag source>") -> ast.Module | None:
    try:
        return ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    while isinstance(target, ast.Attribute):  # @task.python(...) -> task
        if isinstance(target.value, ast.Name):
            return target.value.id
        target = target.value
    return getattr(target, "id", "")


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _dag_calls(tree: ast.Module) -> list[tuple[ast.Call, str | None]]:
    """Every DAG(...) and @dag(...) call, with the name of the function it decorates."""
    found: list[tuple[ast.Call, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and _call_name(deco) == "dag":
                    found.append((deco, node.name))
        elif isinstance(node, ast.Call) and _call_name(node) == "DAG":
            found.append((node, None))
    return found


def _dag_id_of(call: ast.Call, function_name: str | None) -> str | None:
    value = _keyword(call, "dag_id")
    if isinstance(value, ast.Constant):
        return value.value
    if call.args and isinstance(call.args[0], ast.Constant):
        return call.args[0].value
    return function_name


def _dag_call(path: str | None, dag_id: str) -> ast.Call | None:
    tree = parsed(path) if path else None
    if tree is None:
        return None
    return next((call for call, name in _dag_calls(tree) if _dag_id_of(call, name) == dag_id), None)


def dag_definition_line(path: str | None, dag_id: str, keyword: str | None = None) -> int | None:
    """The line of the DAG(...)/@dag(...) call defining dag_id, or of one of its keywords."""
    call = _dag_call(path, dag_id)
    if call is None:
        return None
    value = _keyword(call, keyword) if keyword else None
    return value.lineno if value is not None else call.lineno


def keyword_source(path: str | None, dag_id: str, keyword: str) -> str | None:
    """A DAG's keyword argument as the learner wrote it: `schedule="@hourly"` gives '@hourly'."""
    call = _dag_call(path, dag_id)
    value = _keyword(call, keyword) if call is not None else None
    if value is None:
        return None
    if isinstance(value, ast.Constant):
        return repr(value.value)
    return ast.get_source_segment(source_text(path) or "", value)


def module_asset_line(path: str | None) -> int | None:
    """The line of a module-level `name = Asset(...)` (the starter's first step), or None."""
    tree = parsed(path) if path else None
    for node in tree.body if tree else ():
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _call_name(node.value) == "Asset":
            return node.lineno
    return None


def literal_line(path: str | None, value: str) -> int | None:
    tree = parsed(path) if path else None
    if tree is None:
        return None
    return next((node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value == value), None)


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def task_function(path: str | None, task_id: str) -> ast.FunctionDef | None:
    """The function a task runs: @task-decorated (by task_id or name), or an operator's python_callable."""
    tree = parsed(path) if path else None
    if tree is None:
        return None
    functions = _functions(tree)
    for function in functions.values():
        for deco in function.decorator_list:
            if _decorator_name(deco) != "task":
                continue
            given = _keyword(deco, "task_id") if isinstance(deco, ast.Call) else None
            if (given.value if isinstance(given, ast.Constant) else function.name) == task_id:
                return function
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(_keyword(node, "task_id"), ast.Constant):
            if _keyword(node, "task_id").value == task_id:
                callable_ = _keyword(node, "python_callable")
                if isinstance(callable_, ast.Name) and callable_.id in functions:
                    return functions[callable_.id]
    return None


def referenced_names(path: str | None, function: ast.FunctionDef, depth: int = 3) -> set[str]:
    """String constants and parameter names of a function, following calls to functions of its file.

    Local variable names are left out: `triggering_asset_events = context["x"]` reads key "x".
    """
    tree = parsed(path) if path else None
    functions = _functions(tree) if tree else {}
    found: set[str] = set()
    seen: set[str] = set()

    def visit(fn: ast.FunctionDef, level: int) -> None:
        if fn.name in seen:
            return
        seen.add(fn.name)
        arguments = fn.args
        found.update(a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs])
        found.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            elif level < depth and isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in functions:
                    visit(functions[node.func.id], level + 1)

    visit(function, 0)
    return found


def module_names(source: str) -> set[str]:
    """String constants, names and imported modules of a whole file (what live mode can read of it)."""
    tree = parse_text(source)
    if tree is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(alias.name for alias in node.names)
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def imported_names(path: str | None, module_prefix: str) -> dict[str, int]:
    """Names imported from modules starting with `module_prefix`, with their lines."""
    tree = parsed(path) if path else None
    found: dict[str, int] = {}
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(module_prefix):
            for alias in node.names:
                found.setdefault(alias.name, node.lineno)
    return found


TRIGGERING_EVENTS = "triggering_asset_events"
AIRFLOW2_TRIGGERING_EVENTS = "triggering_dataset_events"


def task_reads(task) -> set[str]:
    """Which of the context keys for triggering events a task's code reads (its function, its templates)."""
    fileloc = task.dag.fileloc if task.dag else None
    function = task_function(fileloc, task.task_id)
    names = referenced_names(fileloc, function) if function is not None else set()
    for field in getattr(task, "template_fields", ()):
        value = getattr(task, field, None)
        if isinstance(value, str):
            names.update(word for word in (TRIGGERING_EVENTS, AIRFLOW2_TRIGGERING_EVENTS) if word in value)
    return names & {TRIGGERING_EVENTS, AIRFLOW2_TRIGGERING_EVENTS}
