"""Recordings of a real Airflow's REST API: made by a proxy in front of a deployment (`make compat
RECORD=1`), replayed to `check --live` by the tests (tests/test_live_recorded.py).

A recording is JSON: {"airflow": version, "fixture": name, "exchanges": [{"method", "path",
"query", "status", "body"}]}, in the order the requests came. Bearer tokens are not kept: the
token Airflow issues is replaced by a placeholder, which the proxy swaps back on the way in.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx

PLACEHOLDER_TOKEN = "recorded-token"


class _LocalServer:
    """An HTTP server on 127.0.0.1 in a thread; `answer` makes each response."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        raise NotImplementedError

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
                status, content = server.answer(self.command, self.path, headers, body)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = _any

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class RecordingProxy(_LocalServer):
    """Forwards every request to the deployment and keeps the exchange."""

    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.exchanges: list[dict] = []
        self._client = httpx.Client(base_url=upstream.rstrip("/"), timeout=60)
        self._token = ""

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self._client.close()

    def save(self, path: Path, **about: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**about, "exchanges": self.exchanges}, indent=1) + "\n", encoding="utf-8")

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if headers.get("authorization") == f"Bearer {PLACEHOLDER_TOKEN}":
            headers["authorization"] = f"Bearer {self._token}"
        response = self._client.request(method, target, headers=headers, content=body)
        content = response.content
        try:
            data = response.json() if content else None
        except ValueError:
            data = response.text
        if isinstance(data, dict) and "access_token" in data:
            self._token = data["access_token"]
            data = {**data, "access_token": PLACEHOLDER_TOKEN}
            content = json.dumps(data).encode()
        path, query = _split(target)
        with self._lock:
            self.exchanges.append({"method": method, "path": path, "query": query, "status": response.status_code, "body": data})
        return response.status_code, content


class ReplayServer(_LocalServer):
    """Answers each (method, path, query) with its recorded responses in order, the last one again once
    they run out (a poll that went on longer than when recorded). A request never recorded gets 599
    and is listed in `unrecorded`, for the test to see."""

    def __init__(self, recording: Path) -> None:
        super().__init__()
        doc = json.loads(recording.read_text(encoding="utf-8"))
        self.airflow = doc["airflow"]
        self._answers: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for exchange in doc["exchanges"]:
            self._answers[(exchange["method"], exchange["path"], exchange["query"])].append(exchange)
        self._served: dict[tuple[str, str, str], int] = defaultdict(int)
        self.unrecorded: list[str] = []

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        key = (method, *_split(target))
        with self._lock:
            answers = self._answers.get(key)
            if not answers:
                self.unrecorded.append(f"{method} {target}")
                return 599, b'{"detail": "not recorded"}'
            exchange = answers[min(self._served[key], len(answers) - 1)]
            self._served[key] += 1
        body = exchange["body"]
        if body is None:
            return exchange["status"], b""
        return exchange["status"], (body if isinstance(body, str) else json.dumps(body)).encode()


def _split(target: str) -> tuple[str, str]:
    """(path, query) of a request target: what a recording keys its exchanges by."""
    split = urlsplit(target)
    return split.path, split.query
