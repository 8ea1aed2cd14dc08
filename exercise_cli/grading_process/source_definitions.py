"""Where the learner's source defines DAGs and tasks, and what it states of their schedules and outlets.

Airflow records the file a DAG came from (its fileloc) but no line, and a module can run code that
is not in it (exec of a string, compile() of another file's text under its own name). So a DAG
earns credit only where the learner's file itself accounts for it: a DAG(...) call or a @dag
function the file uses, giving an id that matches the loaded one; each task a @task function or a
call given that task_id; each function a task runs a def of the submission. Where the source
states a schedule or outlets literally (Assets bound to names at module level, lists, |, &,
AssetAll/AssetAny, None, a cron text), what it means is reduced to a facts.Shape, so the checks
can compare it with what Airflow loaded. Anything the source alone cannot tell (a variable, a
call of the learner's own, Asset.ref) is left unstated, never guessed.
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from exercise_cli.facts import DefinedDag, DefinedTask, Shape, condition

ANY_ID = ".*"
AIRFLOW_NAMES = ("Asset", "AssetAll", "AssetAny")


def defined_dags(tree: ast.Module, text: str) -> list[DefinedDag]:
    assets = _module_assets(tree)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if _name(deco) == "dag":
                    call = deco if isinstance(deco, ast.Call) else None
                    found.append(_dag(call, re.escape(node.name), node.name in used, deco.lineno, assets, text))
                elif _is_asset_decorator(deco):
                    # @asset(...) makes its DAG where it is written (named after the function unless dag_id= says)
                    call = deco if isinstance(deco, ast.Call) else None
                    found.append(_dag(call, re.escape(node.name), True, deco.lineno, assets, text))
        elif isinstance(node, ast.Call) and _name(node) == "DAG":
            found.append(_dag(node, ANY_ID, True, node.lineno, assets, text))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and _name(node.func) == "dag":
            # dag(...)(function): the decorator applied by hand, its DAG made where it is written
            default = re.escape(node.args[0].id) if node.args and isinstance(node.args[0], ast.Name) else ANY_ID
            found.append(_dag(node.func, default, True, node.lineno, assets, text))
    return found


def defined_tasks(tree: ast.Module, text: str) -> list[DefinedTask]:
    assets = _module_assets(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if _name(deco) == "task" or _root_name(deco) == "task":
                    call = deco if isinstance(deco, ast.Call) else None
                    found.append(_task(call, _task_pattern(call, re.escape(node.name)), deco.lineno, assets, text))
                elif _is_asset_decorator(deco):
                    # its one task runs the function, under the function's name; the outlet is the Asset it makes
                    found.append(DefinedTask(re.escape(node.name), deco.lineno, None, ""))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Call) \
                and (_name(node.func) == "task" or _root_name(node.func) == "task"):
            # task(...)(function): the decorator applied by hand, its task named after the function unless task_id= says
            default = re.escape(node.args[0].id) if node.args and isinstance(node.args[0], ast.Name) else ANY_ID
            found.append(_task(node.func, _task_pattern(node.func, default), node.lineno, assets, text))
        elif isinstance(node, ast.Call) and (given := _keyword(node, "task_id")) is not None:
            found.append(_task(node, _pattern(given), node.lineno, assets, text))
    return found


def function_names(tree: ast.Module) -> frozenset[str]:
    names = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if any(isinstance(node, ast.Lambda) for node in ast.walk(tree)):
        names.add("<lambda>")
    return frozenset(names)


def function_lines(tree: ast.Module) -> frozenset[tuple[str, int]]:
    """(name, the line a code object of it starts on): its first decorator's line, else its def's; lambdas too."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.add((node.name, min([d.lineno for d in node.decorator_list] + [node.lineno])))
        elif isinstance(node, ast.Lambda):
            found.add(("<lambda>", node.lineno))
    return frozenset(found)


def _dag(call: ast.Call | None, default_id: str, in_use: bool, line: int, assets: dict[str, Shape] | None, text: str) -> DefinedDag:
    given = None
    if call is not None:
        given = _keyword(call, "dag_id")
        if given is None and call.args:
            given = call.args[0]
    pattern = _pattern(given) if given is not None else ANY_ID if _spreads(call) else default_id
    value = _keyword(call, "schedule") if call is not None else None
    if value is not None:
        schedule, written, at = shape(value, assets), ast.get_source_segment(text, value) or "", value.lineno
    elif _spreads(call):
        schedule, written, at = None, "", line  # **settings may hold it
    else:
        schedule, written, at = ("none",), "", line  # Airflow 3's default: no schedule
    return DefinedDag(pattern, line, in_use, schedule, at, written)


def _task_pattern(call: ast.Call | None, default_id: str) -> str:
    given = _keyword(call, "task_id")
    return _pattern(given) if given is not None else ANY_ID if _spreads(call) else default_id


def _spreads(call: ast.Call | None) -> bool:
    """f(**settings): the dict may hold any keyword (dag_id, task_id, schedule), so the source alone does not say."""
    return call is not None and any(kw.arg is None for kw in call.keywords)


def _task(call: ast.Call | None, pattern: str, line: int, assets: dict[str, Shape] | None, text: str) -> DefinedTask:
    value = _keyword(call, "outlets") if call is not None else None
    if value is None:
        return DefinedTask(pattern, line, None, "")
    return DefinedTask(pattern, line, outlet_uris(value, assets), ast.get_source_segment(text, value) or "")


def outlet_uris(value: ast.expr, assets: dict[str, Shape] | None) -> tuple[str, ...] | None:
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    shapes = [shape(item, assets) for item in items]
    if any(s is None or s[0] != "asset" for s in shapes):
        return None
    return tuple(sorted({s[1] for s in shapes}))


def shape(node: ast.expr, assets: dict[str, Shape] | None) -> Shape | None:
    """What a schedule expression means, where the source alone says it; None otherwise."""
    if isinstance(node, ast.Constant):
        return ("none",) if node.value is None else ("time",) if isinstance(node.value, str) else None
    if assets is None:
        return None
    if isinstance(node, ast.Name):
        return assets.get(node.id)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return _combined("all", node.elts, assets) if node.elts else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd)):
        return _combined("any" if isinstance(node.op, ast.BitOr) else "all", [node.left, node.right], assets)
    if isinstance(node, ast.Call) and not node.keywords:
        kind = {"AssetAll": "all", "AssetAny": "any"}.get(_name(node))
        if kind is not None and isinstance(node.func, ast.Name) and not any(isinstance(a, ast.Starred) for a in node.args):
            return _combined(kind, node.args, assets)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Asset":
        return _asset(node)
    return None


def _combined(kind: str, nodes: list[ast.expr], assets: dict[str, Shape] | None) -> Shape | None:
    parts = [shape(n, assets) for n in nodes]
    if not parts or any(p is None or p[0] not in ("asset", "all", "any") for p in parts):
        return None
    return condition(kind, parts)


def _asset(call: ast.Call) -> Shape | None:
    """Asset(name, uri) / Asset(name) / Asset(uri=...): its URI as Airflow makes it (the name when no uri is given)."""
    named = {kw.arg: kw.value for kw in call.keywords}
    uri = named.get("uri", call.args[1] if len(call.args) > 1 else None)
    if uri is None:
        uri = named.get("name", call.args[0] if call.args else None)
    if not (isinstance(uri, ast.Constant) and isinstance(uri.value, str)):
        return None
    sanitized = sanitized_uri(uri.value)
    return ("asset", sanitized) if sanitized is not None else None


def sanitized_uri(uri: str) -> str | None:
    """The URI as Airflow stores it (its own normalisation), or None where Airflow would refuse it."""
    from airflow.sdk.definitions.asset import _sanitize_uri

    try:
        return _sanitize_uri(uri)
    except Exception:  # noqa: BLE001 - a URI Airflow refuses states nothing comparable
        return None


def _module_assets(tree: ast.Module) -> dict[str, Shape] | None:
    """Module-level names bound once, to an Asset(...) call, in a file whose Asset, AssetAll and AssetAny
    are Airflow's (imported from airflow and bound nowhere else); a name bound again states nothing."""
    bindings: Counter[str] = Counter()
    from_airflow: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bindings[node.id] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings[node.name] += 1
        elif isinstance(node, ast.arg):
            bindings[node.arg] += 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bindings.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                bindings[bound] += 1
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "airflow" and alias.asname is None:
                    from_airflow.add(bound)
    if any(name not in from_airflow or bindings[name] != 1 for name in AIRFLOW_NAMES if bindings[name]):
        return None  # the file's own Asset (or a rebound one): its meaning is not Airflow's to state
    found = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and bindings[target.id] == 1 and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "Asset":
            asset = _asset(node.value)
            if asset is not None:
                found[target.id] = asset
    return found


def _pattern(node: ast.expr) -> str:
    """A regular expression for the texts an id expression can give: a literal, an f-string's fixed parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ANY_ID for part in node.values)
    return ANY_ID


def _is_asset_decorator(deco: ast.expr) -> bool:
    """@asset, @asset(...), @asset.multi(...)."""
    return _name(deco) == "asset" or _root_name(deco) == "asset"


def _keyword(call: ast.Call | None, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None) if call is not None else None


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def _root_name(node: ast.expr) -> str:
    """@task.python(...), @task.virtualenv -> task."""
    target = node.func if isinstance(node, ast.Call) else node
    while isinstance(target, ast.Attribute):
        target = target.value
    return getattr(target, "id", "")
