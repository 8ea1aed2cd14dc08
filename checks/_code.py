"""What a task's code refers to, read from Python's compiled code objects (not the file's text)."""

from __future__ import annotations

import types
from typing import Any, Iterator


def task_callables(task: Any) -> list[Any]:
    callable_ = getattr(task, "python_callable", None)
    return [callable_] if callable_ is not None else []


def code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from code_objects(const)


def referenced_names(function: Any, depth: int = 3) -> set[str]:
    """String constants and parameter names of a function, following calls to functions of its own module.

    Local variable names are left out: `triggering_asset_events = context["x"]` reads key "x".
    """
    seen: set[int] = set()
    found: set[str] = set()

    def visit(fn: Any, level: int) -> None:
        fn = getattr(fn, "__wrapped__", fn)
        code = getattr(fn, "__code__", None)
        if code is None or id(code) in seen:
            return
        seen.add(id(code))
        module_globals = getattr(fn, "__globals__", {})
        for obj in code_objects(code):
            found.update(c for c in obj.co_consts if isinstance(c, str))
            parameters = obj.co_argcount + obj.co_kwonlyargcount
            found.update(obj.co_varnames[:parameters])
            if level < depth:
                for name in obj.co_names:
                    target = module_globals.get(name)
                    if isinstance(target, types.FunctionType) and target.__code__.co_filename == code.co_filename:
                        visit(target, level + 1)

    visit(function, 0)
    return found


def templated_text(task: Any) -> str:
    """The task's templated fields as written (Bash commands, SQL...), before rendering."""
    parts = []
    for name in getattr(task, "template_fields", ()):
        value = getattr(task, name, None)
        if isinstance(value, str):
            parts.append(value)
    return "\n".join(parts)
