"""What the checks read of the learner's source, gathered once on the trusted side (facts.SourceFacts).

The trusted side holds Airflow's serialized DAGs, which keep no code; for what the code says (and
where), it reads the files themselves, once, when the submission is loaded: only regular files (no
link followed, no FIFO or device opened for long), of the submission copy's files that define DAGs,
decoded as Python decodes source (PEP 263 coding lines, a UTF-8 BOM), read as a syntax tree and
never executed. A file's tree is dropped as soon as its facts are taken (a tree is kept of no file
larger than MAX_TREE_BYTES), so nothing large is held when task children are forked. The checks
then read only these facts: they open no file.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from datetime import datetime, timezone
from typing import Iterable

from exercise_cli.code_fingerprint import fingerprints_of
from exercise_cli.facts import DagDefinition, FileFacts, SourceFacts, TaskCode, Todo, UncalledDag
from exercise_cli.grading_process.source_definitions import defined_dags, defined_tasks, function_lines, function_names
from exercise_cli.regular_file import regular_file_bytes

MAX_TREE_BYTES = 1024 * 1024  # a DAG file is a few KiB; the tree of a 1 MiB file already takes ~100 MiB
CALL_DEPTH = 3  # how deep a task's reads follow calls to functions of its file


def gather(paths: Iterable[str]) -> SourceFacts:
    """The source facts of these files (the trusted side's own copies), and this machine's UTC offset."""
    files = {}
    for path in sorted(set(paths)):
        facts = file_facts(path)
        if facts is not None:
            files[path] = facts
    return SourceFacts(files=files, local_zone=local_zone())


def local_zone() -> timezone:
    """The machine's time zone now, as a fixed offset (a naive timestamp a task prints may be local time)."""
    return timezone(datetime.now().astimezone().utcoffset())


def source_encoding(data: bytes) -> str:
    """The encoding Python reads this source with: its PEP 263 coding line, a UTF-8 BOM, else UTF-8.
    Raises SyntaxError for an unknown encoding or one that contradicts the BOM, as Python does."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def source_text(path: str) -> str | None:
    """A learner file's text, decoded as Python decodes it, or None (not a regular file, too large, undecodable)."""
    data = regular_file_bytes(path, MAX_TREE_BYTES)
    if data is None:
        return None
    try:
        return data.decode(source_encoding(data))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def syntax_tree(path: str) -> ast.Module | None:
    text = source_text(path)
    return _parse(text, path) if text is not None else None


def file_facts(path: str) -> FileFacts | None:
    text = source_text(path)
    if text is None:
        return None
    tree = _parse(text, path)
    todos = _todos(text)
    if tree is None:  # Airflow's import error says why; the TODOs still point at the next step
        return FileFacts(todos=todos)
    return FileFacts(
        todos=todos,
        dags=_dag_definitions(tree, text),
        tasks=_task_code(tree),
        literals=_literals(tree),
        dag_id_keyword_lines=_dag_id_keyword_lines(tree),
        uncalled_dags=_uncalled_dags(tree),
        plain_functions=[(node.name, node.lineno) for node in tree.body
                         if isinstance(node, ast.FunctionDef) and not node.decorator_list],
        asset_line=next((node.lineno for node in tree.body if isinstance(node, ast.Assign)
                         and isinstance(node.value, ast.Call) and _call_name(node.value) == "Asset"), None),
        imports=[(node.module or "", alias.name, node.lineno) for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) for alias in node.names],
        defined_dags=defined_dags(tree, text),
        defined_tasks=defined_tasks(tree, text),
        function_names=function_names(tree),
        function_lines=function_lines(tree),
    )


def with_definitions_anywhere(source: SourceFacts, paths: Iterable[str]) -> SourceFacts:
    """Add the tasks and functions every file of the submission defines (a DAG file may import its tasks)."""
    trees = {path: (text, tree) for path in sorted(set(paths))
             if (text := source_text(path)) is not None and (tree := _parse(text, path)) is not None}
    modules = {os.path.splitext(os.path.basename(path))[0]: _module_function_reads(tree) for path, (_, tree) in trees.items()}
    for path in sorted(set(paths)):
        facts = source.files.get(path)
        if path in trees:
            text, tree = trees[path]
            if facts is None:
                facts = FileFacts(defined_tasks=defined_tasks(tree, text), function_names=function_names(tree),
                                  function_lines=function_lines(tree), defined_dags=defined_dags(tree, text))
            facts.tasks = _task_code(tree, _imported_reads(tree, modules))
            for task_id, code in facts.tasks.items():
                source.task_code_anywhere.setdefault(task_id, code)
        if facts is not None:
            source.dags_anywhere.extend(facts.defined_dags)
            source.tasks_anywhere.extend(facts.defined_tasks)
            source.functions_anywhere |= facts.function_names
            source.functions_at |= {(path, name, line) for name, line in facts.function_lines}
        if path in trees:
            source.code_at.update({(path, name, line): code for (name, line), code in fingerprints_of(trees[path][0], path).items()})
    return source


def _parse(source: str, filename: str) -> ast.Module | None:
    try:
        return ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return None


def _todos(text: str) -> list[Todo]:
    """Every `# TODO` comment with the comment lines that continue it (the starter names in each TODO the
    DAG id or the keyword that step adds)."""
    todos: list[Todo] = []
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        todo = re.search(r"#\s*(TODO\s*\d*)", line)
        if todo:
            current = [line]
            todos.append(Todo(number, re.sub(r"\s+", " ", todo[1]), current))
        elif not line.lstrip().startswith("#"):
            current = None
        elif current is not None:
            current.append(line)
    return [Todo(t.line, t.name, tuple(t.lines)) for t in todos]


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


def _dag_definitions(tree: ast.Module, text: str) -> list[DagDefinition]:
    """Every DAG(...), @dag(...) and @asset(...) call (an @asset makes a DAG of its own, named after its
    function unless dag_id= says), in the syntax tree's order, with its keywords as written."""
    found: list[DagDefinition] = []
    for node in ast.walk(tree):
        calls: list[tuple[ast.Call, str | None]] = []
        if isinstance(node, ast.FunctionDef):
            calls = [(deco, node.name) for deco in node.decorator_list
                     if isinstance(deco, ast.Call) and _call_name(deco) in ("dag", "asset")]
        elif isinstance(node, ast.Call) and _call_name(node) == "DAG":
            calls = [(node, None)]
        for call, function in calls:
            lines = {kw.arg: kw.value.lineno for kw in call.keywords if kw.arg}
            texts = {kw.arg: written for kw in call.keywords if kw.arg
                     if (written := _written(kw.value, text)) is not None}
            found.append(DagDefinition(_dag_id_of(call, function), call.lineno, lines, texts))
    return found


def _written(value: ast.expr, text: str) -> str | None:
    """A keyword's value as the learner wrote it: `schedule="@hourly"` gives '@hourly'."""
    if isinstance(value, ast.Constant):
        return repr(value.value)
    return ast.get_source_segment(text, value)


def _dag_id_of(call: ast.Call, function_name: str | None) -> str | None:
    value = _keyword(call, "dag_id")
    if isinstance(value, ast.Constant):
        return value.value
    if call.args and isinstance(call.args[0], ast.Constant):
        return call.args[0].value
    return function_name


def _literals(tree: ast.Module) -> dict[str, int]:
    """Each string constant with the line where the syntax tree first has it."""
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, node.lineno)
    return found


def _dag_id_keyword_lines(tree: ast.Module) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "dag_id" and isinstance(getattr(node.value, "value", None), str):
            found.setdefault(node.value.value, []).append(node.value.lineno)
    return {dag_id: sorted(lines) for dag_id, lines in found.items()}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _task_code(tree: ast.Module, imported: dict[str, frozenset[str]] | None = None) -> dict[str, TaskCode]:
    """task_id -> the function it runs: @task-decorated (by task_id or name), or an operator's python_callable."""
    functions = _functions(tree)
    settings = _module_dicts(tree)
    found: dict[str, TaskCode] = {}
    for function in functions.values():
        for deco in function.decorator_list:
            if _decorator_name(deco) != "task":
                continue
            task_id = _given_task_id(deco, settings) if isinstance(deco, ast.Call) else None
            task_id = task_id if task_id is not None else function.name
            if isinstance(task_id, str) and task_id not in found:
                found[task_id] = TaskCode(function.lineno, _referenced_names(functions, function, imported))
    for node in ast.walk(tree):
        # task(...)(function) / task(function): the decorator applied by hand
        applied = node.func if isinstance(node, ast.Call) and isinstance(node.func, ast.Call) else node
        if isinstance(node, ast.Call) and _decorator_name(applied) == "task" and node.args \
                and isinstance(node.args[0], ast.Name) and node.args[0].id in functions:
            function = functions[node.args[0].id]
            given = _given_task_id(applied, settings) if applied is not node else None
            task_id = given if given is not None else function.name
            if isinstance(task_id, str) and task_id not in found:
                found[task_id] = TaskCode(function.lineno, _referenced_names(functions, function, imported))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(_keyword(node, "task_id"), ast.Constant):
            task_id = _keyword(node, "task_id").value
            callable_ = _keyword(node, "python_callable")
            if isinstance(task_id, str) and task_id not in found and isinstance(callable_, ast.Name) \
                    and callable_.id in functions:
                function = functions[callable_.id]
                found[task_id] = TaskCode(function.lineno, _referenced_names(functions, function, imported))
    return found


def _module_function_reads(tree: ast.Module) -> dict[str, frozenset[str]]:
    """What each module-level function of a file reads (see _referenced_names), for files that import it."""
    functions = _functions(tree)
    return {node.name: _referenced_names(functions, node) for node in tree.body if isinstance(node, ast.FunctionDef)}


def _imported_reads(tree: ast.Module, modules: dict[str, dict[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    """Local name -> what it reads, for each function a file imports from another file of the submission."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            functions = modules.get(node.module.split(".")[-1], {})
            found.update({alias.asname or alias.name: functions[alias.name] for alias in node.names if alias.name in functions})
    return found


def _given_task_id(call: ast.Call, settings: dict[str, dict[str, ast.expr]]) -> object:
    """task_id=..., or the "task_id" of a module-level dict literal passed with ** (None where neither says)."""
    given = _keyword(call, "task_id")
    if given is None:
        for kw in call.keywords:
            if kw.arg is None and isinstance(kw.value, ast.Name) and "task_id" in settings.get(kw.value.id, {}):
                given = settings[kw.value.id]["task_id"]
    return given.value if isinstance(given, ast.Constant) else None


def _module_dicts(tree: ast.Module) -> dict[str, dict[str, ast.expr]]:
    """Module-level NAME = {"key": value, ...} with literal string keys, bound once."""
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Dict) and bound.get(node.targets[0].id) == 1:
            found[node.targets[0].id] = {key.value: value for key, value in zip(node.value.keys, node.value.values)
                                         if isinstance(key, ast.Constant) and isinstance(key.value, str)}
    return found


def _referenced_names(functions: dict[str, ast.FunctionDef], function: ast.FunctionDef,
                      imported: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """String constants and parameter names of a function, following calls to functions of its file and to
    those it imports from the submission's other files (`imported`: what each of them reads).

    Local variable names are left out: `triggering_asset_events = context["x"]` reads key "x".
    """
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
            elif level < CALL_DEPTH and isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in functions:
                    visit(functions[node.func.id], level + 1)
                elif node.func.id in (imported or {}):
                    found.update(imported[node.func.id])

    visit(function, 0)
    return frozenset(found)


def _uncalled_dags(tree: ast.Module) -> list[UncalledDag]:
    """Module-level @dag functions the file never calls: Airflow creates a DAG only when one is called."""
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name not in called:
            deco = _dag_decorator(node)
            if deco is not None:
                found.append(UncalledDag(node.name, _decorated_dag_id(deco, node), deco.lineno))
    return found


def _dag_decorator(function: ast.FunctionDef) -> ast.expr | None:
    for deco in function.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "dag":
            return deco
    return None


def _decorated_dag_id(deco: ast.expr, function: ast.FunctionDef) -> str:
    if isinstance(deco, ast.Call):
        for keyword in deco.keywords:
            if keyword.arg == "dag_id" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        if deco.args and isinstance(deco.args[0], ast.Constant):
            return str(deco.args[0].value)
    return function.name
