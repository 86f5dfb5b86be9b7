"""Fixtures: a scripted stub portal (http.server in a thread) and a real portal started from the build output."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Tuple, Union

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package from the source tree, not an installed copy

from portal_process import missing_portal, start_portal  # noqa: E402  (after the path change above)

#: A scripted answer: (status, headers, body) or DROP (close the connection without answering).
Answer = Union[Tuple[int, Dict[str, str], Any], str]
DROP = "drop"


class Recorded:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes, port: int) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.port = port
        self.at = time.monotonic()

    def json(self) -> Any:
        return json.loads(self.body)


class StubPortal:
    """Answers from a script (``answers``), then 200 with every item accepted. ``gate`` cleared stalls every answer."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.answers: Deque[Answer] = deque()
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with stub.lock:
                    stub.requests.append(Recorded(self.command, self.path, dict(self.headers), body, self.client_address[1]))
                    answer = stub.answers.popleft() if stub.answers else None
                stub.gate.wait(30)
                if answer == DROP:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if answer is None:
                    items = json.loads(body) if body[:1] == b"[" else []
                    answer = (200, {}, {"accepted": len(items), "duplicates": 0, "rejected": []})
                status, headers, payload = answer
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                content_type = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def items(self) -> List[Any]:
        """Every item of every POST, in arrival order."""
        return [item for r in self.requests if r.method == "POST" for item in r.json()]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.01)
        return condition()

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Any:
    portal = StubPortal()
    yield portal
    portal.close()


@pytest.fixture(scope="session")
def real_portal() -> Any:
    """The portal from src/Portal.Web's Release build output, on a free port with a temporary SQLite database."""
    reason = missing_portal()
    if reason:
        pytest.skip(reason)
    with start_portal() as portal:
        yield portal
