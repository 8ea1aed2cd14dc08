"""What the grading process has loaded, indexed as it grows: each module is looked at once.

A sandboxed child needs two answers from it before it enters the sandbox: the folders it must read
(Python's install, the venv, every loaded module's folder) and, in the container tier, the modules
whose paths lie behind a folder its uid may not enter (their paths are rerouted through a descriptor).
Both were found by walking every module (1,600 and more) in each forked child: each module touched
there is a page copied from its parent, 10-20 ms a walk, two or three walks a child. The warm process
indexes what it loaded before it forks; a grading child and each sandboxed child then look only at
the modules added since, which sys.modules keeps last (a dict keeps insertion order).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

_NOTHING = object()
_seen: dict[str, object] = {}  # a module's name -> the module object indexed under it
_by_place: dict[str, list[ModuleType]] = {}  # a folder one of a module's paths names, as written -> modules
_resolved: dict[str, str] = {}  # a path -> that path resolved
_module_folders: set[str] = set()  # the resolved folders of the modules' files
_listed: tuple[tuple, list[str]] = ((), [])  # ((folders' count, sys.path) when listed, the outermost folders)


def resolved(path: str) -> str:
    found = _resolved.get(path)
    if found is None:
        found = _resolved[path] = os.path.realpath(path)
    return found


def refresh() -> None:
    """Index the modules loaded since the last call (here, before forking the children that ask)."""
    for name, module in _added_since():
        _seen[name] = module
        places = set()
        file = getattr(module, "__file__", None)
        if isinstance(file, str):
            places.add(os.path.dirname(file))
            _module_folders.add(os.path.dirname(resolved(file)))
        search = getattr(module, "__path__", None)
        if isinstance(search, list):
            places.update(p for p in search if isinstance(p, str))
        loader_path = getattr(getattr(module, "__loader__", None), "path", None)
        if isinstance(loader_path, str):
            places.add(os.path.dirname(loader_path))
        for place in places:
            _by_place.setdefault(place, []).append(module)


def _added_since() -> list[tuple[str, object]]:
    try:
        added = []
        for name in reversed(sys.modules):  # the newest first; stop at the first one indexed
            module = sys.modules.get(name, _NOTHING)
            if _seen.get(name, _NOTHING) is module:
                break
            added.append((name, module))
        return added
    except RuntimeError:  # another thread imported meanwhile (the Execution API's): look at them all
        return [(name, module) for name, module in list(sys.modules.items()) if _seen.get(name, _NOTHING) is not module]


def folders() -> list[str]:
    """Python's install, the venv, sys.path and every loaded module's folder: resolved, existing, outermost only."""
    global _listed
    refresh()
    key = (len(_module_folders), tuple(sys.path))
    if _listed[0] != key:
        found = {sys.base_prefix, sys.prefix, *(p for p in sys.path if p)}
        found = {resolved(p) for p in found} | _module_folders
        _listed = (key, outermost({p for p in found if os.path.isdir(p)}))
    return _listed[1]


def outermost(folders: set[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(folders):  # sorted, so a folder comes before its subfolders
        if not kept or not path.startswith(kept[-1].rstrip("/") + "/"):
            kept.append(path)
    return kept


def modules_in(prefixes: list[str]) -> list[ModuleType]:
    """The loaded modules with a path (file, search path, loader's path) as written in one of these folders."""
    refresh()
    found: dict[int, ModuleType] = {}
    for place, modules in _by_place.items():
        if any(place == prefix or place.startswith(prefix + "/") for prefix in prefixes):
            found.update((id(module), module) for module in modules)
    return list(found.values())
