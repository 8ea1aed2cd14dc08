"""A fingerprint of a function's code object, the same wherever it is computed (the parse child on the code
Airflow holds, the trusted side on its own compile() of the learner's file): its bytecode, the names it uses
and its constants (a nested function by its name; a frozenset sorted, since string hashing differs between
processes). Moving code onto another line (CodeType.replace(co_firstlineno=...)) keeps its fingerprint, so a
task's code claimed at a decoy def's line is told apart from the def written there."""

from __future__ import annotations

import hashlib
import types


def fingerprint(code: types.CodeType) -> str:
    digest = hashlib.sha256(code.co_code)
    digest.update(repr(code.co_names).encode())
    digest.update(repr(tuple(_constant(c) for c in code.co_consts)).encode())
    return digest.hexdigest()[:32]


def _constant(value: object) -> object:
    if isinstance(value, types.CodeType):
        return ("code", value.co_name)
    if isinstance(value, frozenset):
        return ("frozenset", sorted(repr(v) for v in value))
    return repr(value)


def fingerprints_of(text: str, filename: str) -> dict[tuple[str, int], str]:
    """(name, first line) -> fingerprint of every function of a file's text; compiling runs nothing of it."""
    try:
        module = compile(text, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return {}
    found: dict[tuple[str, int], str] = {}
    pending = [module]
    while pending:
        code = pending.pop()
        pending.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        if code is not module:
            found.setdefault((code.co_name, code.co_firstlineno), fingerprint(code))
    return found
