"""Layers without loops: every module belongs to the process it runs in, and imports (at module or function
level) only run downward: the CLI side may use the grading process's modules, never the other way; the
sandboxed children use only the shared records; the shared records import no process's modules."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

# Lowest first. A module may import its own layer and the ones before it.
LAYERS = [
    ("records", ["errors", "exits", "messages", "learner_text", "atomic_file", "regular_file", "phases", "install", "course_schema", "course", "course_build", "course_cache", "protocol", "task_logs",
                 "airflow_rest", "results", "facts", "code_fingerprint"]),
    ("decisions", ["checks", "verdicts"]),  # pure functions of the records
    ("sandboxed children", ["sandbox"]),
    # the scenario engine, its records and the REST backend: shared by the grading process and the CLI's live mode
    ("scenario", ["scenario"]),
    ("grading process", ["grading_process"]),
    ("CLI side", ["grading", "server", "live", "tutor", "reporters", "autograder", "demo", "dev", "app", "output", "__main__", "__init__"]),
]
LAYER_OF = {name: index for index, (_, names) in enumerate(LAYERS) for name in names}


def _package_part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    found = {}
    for path in (REPO / "exercise_cli").rglob("*.py"):
        rel = path.relative_to(REPO).with_suffix("")
        found[".".join(rel.parts)] = path
    for path in (REPO / "checks").rglob("*.py"):
        rel = path.relative_to(REPO / "checks").with_suffix("")
        found[".".join(("exercise_cli", "checks", *rel.parts))] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.rsplit(".", 1)[0]  # a package's __init__ is named <package>.__init__ here
    out = []
    for node in ast.walk(tree):  # module level and inside functions alike
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("exercise_cli")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("exercise_cli"):
                out.append((target, node.lineno))
    return out


def test_every_module_has_a_layer() -> None:
    unplaced = {_package_part(m) for m in _modules()} - set(LAYER_OF)
    assert not unplaced, f"place these in LAYERS (and in docs/layout.md): {sorted(unplaced)}"


def test_imports_only_run_downward() -> None:
    upward = []
    for module, path in _modules().items():
        here = LAYER_OF[_package_part(module)]
        for target, line in _imports(path, module):
            there = LAYER_OF.get(_package_part(target), here)
            if there > here:
                upward.append(f"{path.relative_to(REPO)}:{line} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
    assert not upward, "\n".join(upward)


def test_the_records_import_no_decision_and_checks_no_runner() -> None:
    """Inside the lower layers too: facts/results never import checks, checks never import the runner."""
    loops = []
    for module, path in _modules().items():
        part = _package_part(module)
        for target, line in _imports(path, module):
            if part in ("facts", "results", "course") and _package_part(target) in ("checks", "verdicts"):
                loops.append(f"{path.relative_to(REPO)}:{line} imports {target}")
            if part == "checks" and _package_part(target) == "verdicts":
                loops.append(f"{path.relative_to(REPO)}:{line} imports {target}")
    assert not loops, "\n".join(loops)


def test_no_module_imports_another_package_s_private_module() -> None:
    """A module named _x is its package's own: code outside that package asks for what it needs through a
    public module (e.g. exercise_cli/... never imports checks._errors)."""
    found = []
    for module, path in _modules().items():
        for target, line in _imports(path, module):
            parts = target.split(".")
            private = next((i for i, part in enumerate(parts) if part.startswith("_") and not part.startswith("__")), None)
            if private is not None and not module.startswith(".".join(parts[:private]) + "."):
                found.append(f"{path.relative_to(REPO)}:{line} imports {target}")
    assert not found, "\n".join(found)
