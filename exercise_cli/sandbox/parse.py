"""The parse child: imports the learner's DAG files with Airflow's DagBag and sends back data only.

As Airflow's DAG processor does (`_parse_file_entrypoint`), the child parses and serializes; the
trusted side gets Airflow's serialized DAGs, import errors, warnings and duplicate ids as one
length-prefixed frame on a pipe holding one typed message (parse_frame.ParseResult), reads at most
MAX_RESULT_BYTES of it, decodes it, validates each DAG against Airflow's own schema and deserializes
it. Nothing else the child does reaches a check.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from exercise_cli.code_fingerprint import fingerprint
from exercise_cli.learner_text import clean
from exercise_cli.messages import encode
from exercise_cli.sandbox import environment
from exercise_cli.sandbox import jail as jails
from exercise_cli.sandbox.parse_frame import MAX_RESULT_BYTES, ParseResult, decode_parse_result

MAX_TEXT = 64 * 1024  # one import error or warning, as kept
TAIL_BYTES = 32 * 1024
_HEADER = struct.Struct(">I")


@dataclass
class Parsed:
    """What the trusted side accepted from a parse child."""

    dags: dict[str, dict] = field(default_factory=dict)  # dag_id -> Airflow's serialized DAG
    import_errors: dict[str, str] = field(default_factory=dict)  # file -> Airflow's error text
    warnings: dict[str, list[str]] = field(default_factory=dict)  # file -> captured warnings
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # dag_id -> files defining it
    parsed_from: dict[str, str] = field(default_factory=dict)  # dag_id -> the file DagBag was parsing (a claim)
    code_lines: dict[str, dict[str, tuple[str, int, str]]] = field(default_factory=dict)  # dag_id -> task_id -> (file, line, code fingerprint) of its function (a claim)
    stopped: str = ""  # "", "timeout", "died", "result": why no (valid) result came
    exit_status: int | None = None
    output_tail: str = ""
    refused: str = ""  # why the result was refused


def parse_in_child(dags_folder: str, jail: jails.Jail | None, timeout: float,
                   meanwhile: Callable[[], None] | None = None) -> Parsed:
    """Fork the parse child (sandboxed when `jail` is given) and wait for its result.

    `meanwhile` runs in this process while the child parses (its time counts against `timeout`).
    """
    result_read, result_write = os.pipe()
    out_read, out_write = os.pipe()
    entry = jails.EntryPipe()
    deadline = time.monotonic() + timeout
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return
        try:
            os.close(result_read)
            os.close(out_read)
            os.dup2(out_write, 1)
            os.dup2(out_write, 2)
            environment.scrub_for_child()
            if jail is not None:
                jails.enter(jail, keep_fds={result_write, entry.write_fd}, inherited=None)
            entry.entered_here()
            _child_main(result_write, dags_folder)
        except BaseException:  # noqa: BLE001 - the child reports and ends, whatever happened
            traceback.print_exc()
            os._exit(jails.SETUP_FAILED)
        os._exit(0)
    os.close(result_write)
    os.close(out_write)
    entry.close_child_end()
    if meanwhile is not None:
        meanwhile()
    # Container tier: what the child started outlives it (no PID namespace) and may hold its pipes
    # open; once the child has ended, its uid's processes go, so the pipes close.
    parsed = _collect(pid, result_read, out_read, deadline, dags_folder,
                      after_exit=lambda: jails.reap(jail.uid) if jail else None)
    if not entry.child_entered() and parsed.stopped != "timeout":
        last = parsed.output_tail.strip().splitlines()[-1:] or ["no output"]
        raise jails.SandboxFailed(f"the parse child could not enter the {jail.tier if jail else ''} sandbox: {last[0][:300]}")
    return parsed


def _collect(pid: int, result_fd: int, out_fd: int, deadline: float, dags_folder: str,
             after_exit: Callable[[], None]) -> Parsed:
    result = bytearray()
    tail = bytearray()
    stopped = ""
    status: int | None = None
    open_fds = {result_fd, out_fd}
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            stopped = "timeout"
            break
        if status is None:
            ended, exit_status = os.waitpid(pid, os.WNOHANG)
            if ended:
                status = exit_status
                after_exit()
        ready, _, _ = select.select(list(open_fds), [], [], min(remaining, 0.1 if status is None else 0.5))
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
            elif fd == out_fd:  # drained without bound: the deadline bounds what it can print
                tail = (tail + chunk)[-TAIL_BYTES:]
            else:
                result += chunk
                if len(result) > MAX_RESULT_BYTES + _HEADER.size:
                    stopped = "result"
        if stopped:
            break
    if stopped and status is None:
        _kill(pid)
    os.close(result_fd)
    os.close(out_fd)
    if status is None:
        _, status = os.waitpid(pid, 0)
    after_exit()
    parsed = Parsed(stopped=stopped, exit_status=status, output_tail=clean(bytes(tail), TAIL_BYTES))
    if stopped:
        return parsed
    try:
        frame = _unframe(bytes(result))
        _accept(parsed, frame, dags_folder)
        _accept_locations(parsed, frame)
    except Exception as exc:  # noqa: BLE001 - anything malformed (schema, shape, nesting) is refused
        parsed.stopped = "died" if not result else "result"
        parsed.refused = clean(f"{type(exc).__name__}: {exc}", 200)
    return parsed


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)  # the relay: its death takes the whole sandbox with it
    except ProcessLookupError:
        pass


def _unframe(data: bytes) -> ParseResult:
    if len(data) < _HEADER.size:
        raise ValueError("no result")
    (size,) = _HEADER.unpack_from(data)
    body = data[_HEADER.size:]
    if size != len(body):
        raise ValueError("a result of the wrong length")
    return decode_parse_result(body)


def _text(value: Any) -> str:
    """A text the child sent, cleaned: this is where learner text enters the trusted side."""
    if not isinstance(value, str):
        raise TypeError("a text was expected")
    return clean(value, MAX_TEXT)


def _path(value: Any, dags_folder: str) -> str:
    """A file the child names: one of the copies the trusted side made is kept as it is (its name maps to
    the learner's own, cleaned, name for messages); anything else is text."""
    if (isinstance(value, str) and value.startswith(dags_folder.rstrip("/") + "/") and os.path.abspath(value) == value
            and os.path.isfile(value)):
        return value
    return _text(value)


def _data(value: Any) -> Any:
    """A serialized DAG with every text cleaned but its files' paths (the source is read from them)."""
    if isinstance(value, str):
        return clean(value, limit=None)
    if isinstance(value, list):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {k: v if k in ("fileloc", "relative_fileloc") else _data(v) for k, v in value.items()}
    return value


def _accept(parsed: Parsed, frame: ParseResult, dags_folder: str) -> None:
    """Keep the frame's texts cleaned; a DAG must pass Airflow's serialization schema."""
    from airflow.serialization.serialized_objects import DagSerialization

    parsed.import_errors = {_path(k, dags_folder): _text(v) for k, v in frame.import_errors.items()}
    parsed.warnings = {_path(k, dags_folder): [_text(t) for t in v[:50]] for k, v in frame.warnings.items()}
    parsed.duplicates = {_text(k): [_path(f, dags_folder) for f in v] for k, v in frame.duplicates.items()}
    for data in frame.dags:
        data = _data(data)
        DagSerialization.validate_schema(data)
        dag_id = _text(data["dag"]["dag_id"])
        parsed.dags[dag_id] = data


def _accept_locations(parsed: Parsed, frame: ParseResult) -> None:
    """The files the child says DagBag was parsing when it bagged each DAG: claims, which the
    trusted side checks against its own list of copies (exercise_cli/grading_process/loading.py)."""
    parsed.parsed_from = {dag_id: file for dag_id, file in frame.parsed_from.items() if dag_id in parsed.dags}
    for dag_id, tasks in frame.code_lines.items():
        if dag_id in parsed.dags:
            parsed.code_lines[dag_id] = {
                _text(task_id): (_text(where[0]), where[1], _text(where[2])[:64] if len(where) == 3 else "")
                for task_id, where in tasks.items()
                if isinstance(where, list) and len(where) in (2, 3) and isinstance(where[0], str) and type(where[1]) is int
                and all(isinstance(w, str) for w in where[2:])}


# The child's side ---------------------------------------------------------------------------------

def _child_main(result_fd: int, dags_folder: str) -> None:
    os.environ["_AIRFLOW_PROCESS_CONTEXT"] = "client"
    environment.forget_the_grader()
    body = encode(_parse(dags_folder)).encode()
    data = _HEADER.pack(len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(result_fd, view)
        view = view[written:]
    os.close(result_fd)


def _parse(dags_folder: str) -> ParseResult:
    from pathlib import Path

    from airflow.dag_processing.dagbag import BundleDagBag
    from airflow.serialization.serialized_objects import DagSerialization

    _forget_bagged()  # a warm parent process may have parsed other DAGs before forking us
    folder = Path(dags_folder)
    import_errors: dict[str, str] = {}
    warnings: dict[str, list[str]] = {}
    dags: list[dict] = []
    parsed_from: dict[str, str] = {}
    code_lines: dict[str, dict[str, list]] = {}

    class RecordingDagBag(BundleDagBag):
        """Airflow's DagBag, noting which file it was parsing for each DAG it bagged (a DAG's own
        fileloc is its module's __file__, which the module may reassign)."""

        def process_file(self, filepath, *args, **kwargs):
            found = super().process_file(filepath, *args, **kwargs)
            for dag in found:
                parsed_from[dag.dag_id] = _absolute(folder, str(filepath))
            return found

    try:
        bag = RecordingDagBag(dag_folder=str(folder), bundle_path=folder, bundle_name="dags-folder", load_op_links=False)
        import_errors = {_absolute(folder, p): t for p, t in bag.import_errors.items()}
        warnings = {_absolute(folder, p): [str(w) for w in ws] for p, ws in bag.captured_warnings.items()}
        for dag in bag.dags.values():
            code_lines[dag.dag_id] = _code_lines(dag)
            try:
                dags.append(DagSerialization.to_dict(dag))
            except Exception:  # as the DAG processor does: the file gets an import error
                import_errors[str(dag.fileloc)] = traceback.format_exc()
    except BaseException as exc:  # sys.exit() or KeyboardInterrupt raised by a DAG file escapes DagBag
        if isinstance(exc, Exception):
            raise
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        what = f"called sys.exit({getattr(exc, 'code', None)!r})" if isinstance(exc, SystemExit) else f"raised {type(exc).__name__}"
        first = sorted(str(p) for p in folder.rglob("*.py"))[:1] or [str(folder)]
        import_errors = {first[0]: f"{text}\nSystemExit: the DAG file {what} while Airflow imported it"}
    return ParseResult(dags=dags, import_errors=import_errors, warnings=warnings, duplicates=_duplicates(),
                       parsed_from=parsed_from, code_lines=code_lines)


def _code_lines(dag: Any) -> dict[str, list]:
    """task_id -> [file, first line] of the function each task runs, as its code object says: Airflow serializes
    only the function's name, and the trusted side checks this claim against the learner's source."""
    found = {}
    for task in dag.tasks:
        code = _written_code(getattr(task, "python_callable", None))
        if code is not None:
            found[task.task_id] = [code.co_filename, code.co_firstlineno, fingerprint(code)]
    return found


def _written_code(function: Any) -> Any:
    """The code of the function the learner wrote under a task: through the file's own functools.wraps decorators
    (whose wrapper has the wrapped one's name), but only while each layer's code is of the same file."""
    code = getattr(function, "__code__", None)
    seen = 0
    while code is not None and seen < 10:
        inner = getattr(getattr(function, "__wrapped__", None), "__code__", None)
        if inner is None or inner.co_filename != code.co_filename:
            break
        function, code, seen = function.__wrapped__, inner, seen + 1
    return code


def _absolute(folder: Any, path: str) -> str:
    return path if os.path.isabs(path) else str(folder / path)


def _forget_bagged() -> None:
    try:
        from airflow_local_settings import BAGGED
    except ImportError:
        return
    BAGGED.clear()


def _duplicates() -> dict[str, list[str]]:
    """dag_id -> files, for ids Airflow bagged from more than one DAG object (see airflow_local_settings)."""
    try:
        from airflow_local_settings import BAGGED
    except ImportError:
        return {}
    objects: dict[str, dict[int, str]] = {}
    for dag_id, fileloc, object_id in BAGGED:
        objects.setdefault(dag_id, {})[object_id] = fileloc
    return {dag_id: sorted(files.values()) for dag_id, files in objects.items() if len(files) > 1}
