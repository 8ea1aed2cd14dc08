"""Typed messages between the processes, as Airflow's own supervisor messages are: each a frozen
dataclass with a `type`, sent as one JSON object, and read back by one decode per channel that bounds
the line, refuses an unknown type or field, and checks every field's type.

Plain dataclasses, not pydantic: the CLI reads progress lines and should not pay pydantic's import.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from dataclasses import asdict, dataclass, fields
from typing import Any, Callable, ClassVar, TypeVar

M = TypeVar("M", bound="Message")
D = TypeVar("D")


@dataclass(frozen=True)
class Message:
    type: ClassVar[str]


def encode(message: Message) -> str:
    return json.dumps({"type": message.type, **asdict(message)})


def decoder(*kinds: type[M], limit: int) -> Callable[[bytes | str], M]:
    """The one decode of a channel that carries these kinds of message, each line at most `limit` bytes.
    It raises ValueError for anything else."""
    by_type = {kind.type: kind for kind in kinds}

    def decode(line: bytes | str) -> M:
        if len(line) > limit:
            raise ValueError(f"a message over {limit} bytes")
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("a message is a JSON object")
        kind = by_type.get(data.pop("type", None)) if isinstance(data.get("type"), str) else None
        if kind is None:
            raise ValueError("a message of no known type")
        return typed(kind, data)

    return decode


def typed(kind: type[D], data: dict) -> D:
    """The dataclass `kind` from a decoded object, every field's type checked; ValueError if it is not one."""
    hints = _hints(kind)
    names = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    if set(data) - names:
        raise ValueError(f"{kind.__name__}: unknown fields {sorted(map(str, set(data) - names))}")
    for name, value in data.items():
        if not _fits(value, hints[name]):
            raise ValueError(f"{kind.__name__}: {name} is not {hints[name]}")
    try:
        return kind(**data)
    except TypeError as missing:  # a required field absent
        raise ValueError(f"{kind.__name__}: {missing}") from None


_hints = functools.cache(typing.get_type_hints)


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (str, bool):
        return isinstance(value, hint)
    if origin is dict:
        key, item = typing.get_args(hint)
        return isinstance(value, dict) and all(_fits(k, key) and _fits(v, item) for k, v in value.items())
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if hint is dict or hint is list:
        return isinstance(value, hint)
    raise TypeError(f"a message field of type {hint} cannot be checked")  # a new field type: teach _fits
