"""HTTP transport: one persistent connection per thread, retries with exponential backoff honouring Retry-After."""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import threading
import time
import urllib.parse
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from .errors import PortalError

#: Status codes worth another attempt: throttled, timed out, or a server-side failure.
TRANSIENT_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))

Body = Union[bytes, None, Callable[[], Any]]


class RetryPolicy:
    """How often and how long to wait between attempts of one request."""

    def __init__(self, max_retries: int, base_delay: float, max_delay: float) -> None:
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay

    def delay(self, attempt: int, retry_after: Optional[float]) -> float:
        """Seconds before attempt number ``attempt + 1``: the server's Retry-After if it gave one, else backoff with jitter."""
        if retry_after is not None:
            return max(0.0, retry_after)
        backoff = min(self.max_delay, self.base_delay * (2 ** attempt))
        return backoff * random.uniform(0.5, 1.0)


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Transport:
    """Sends requests to the portal on a keep-alive connection per calling thread."""

    def __init__(self, url: str, api_key: str, timeout: float, retry: RetryPolicy, user_agent: str) -> None:
        parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"url: '{url}' is not an http(s) address.")
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._headers = {"X-Api-Key": api_key, "Accept": "application/json", "User-Agent": user_agent}
        self._local = threading.local()
        self.retry = retry

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self._timeout)
            self._local.conn = conn
            self._local.used = False
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def close_thread_connection(self) -> None:
        """Closes the calling thread's connection (sender threads call this when they stop)."""
        self._drop_connection()

    def _once(self, method: str, path: str, body: Body, content_type: Optional[str]) -> Tuple[int, Mapping[str, str], bytes]:
        headers = dict(self._headers)
        payload = body() if callable(body) else body
        if content_type:
            headers["Content-Type"] = content_type
        if payload is not None and not isinstance(payload, (bytes, bytearray)):
            # A file: http.client streams it; its size must be known up front.
            headers["Content-Length"] = str(_size_of(payload))
        for fresh_attempt in (False, True):
            conn = self._connection()
            reused = self._local.used
            try:
                conn.request(method, self._prefix + path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                self._local.used = True
                if response.getheader("Connection", "").lower() == "close":
                    self._drop_connection()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop_connection()
                # The server closed an idle keep-alive connection: try once more on a new one at once.
                if reused and not fresh_attempt and isinstance(payload, (bytes, bytearray, type(None))):
                    continue
                raise
            except BaseException:
                self._drop_connection()
                raise
        raise AssertionError("unreachable")

    def request(
        self,
        method: str,
        path: str,
        body: Body = None,
        content_type: Optional[str] = None,
        should_stop: Optional[threading.Event] = None,
    ) -> Any:
        """One request with retries; returns the decoded JSON answer (or None) or raises :class:`PortalError`.

        ``body`` may be a callable that produces the payload, so a file is reopened for every attempt.
        ``should_stop`` cuts a backoff wait short (the client is closing): the last error is raised then.
        """
        attempt = 0
        while True:
            retry_after: Optional[float] = None
            try:
                status, headers, data = self._once(method, path, body, content_type)
                if status < 400:
                    return json.loads(data) if data else None
                error = PortalError.from_response(status, data, headers.get("retry-after"))
                retry_after = error.retry_after
            except (OSError, http.client.HTTPException) as e:  # connection refused/reset, timeouts, broken responses
                error = PortalError.from_exception(e)
            if not error.transient or attempt >= self.retry.max_retries:
                raise error
            wait = self.retry.delay(attempt, retry_after)
            if should_stop is not None:
                if should_stop.wait(wait):
                    raise error
            else:
                time.sleep(wait)
            attempt += 1


def _size_of(stream: Any) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell() - position
    stream.seek(position)
    return size


def json_body(value: Any) -> bytes:
    """Compact JSON. NaN and infinities are not JSON: see :func:`sanitize` for what is sent instead."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False, default=json_default).encode("utf-8")
    except ValueError:
        return json.dumps(sanitize(value), separators=(",", ":"), allow_nan=False, default=json_default).encode("utf-8")


def json_default(value: Any) -> Any:
    """NumPy scalars and arrays, datetimes, sets: the JSON the portal expects."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_NON_FINITE = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


def sanitize(value: Any, missing: bool = False) -> Any:
    """A copy that JSON can carry.

    In feature values and dataset columns (``missing``) NaN and ±Infinity mean a missing value, as in pandas, and are
    sent as null. Anywhere else (a score, a latency, …) they are sent as the strings "NaN"/"Infinity", which the portal
    rejects item by item naming the field — so the item is reported, not silently changed.
    """
    if isinstance(value, float):
        if value == value and value not in _NON_FINITE:
            return value
        return None if missing else _NON_FINITE.get(value, "NaN")
    if isinstance(value, dict):
        return {k: sanitize(v, missing or k in ("features", "columns", "reference", "current")) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v, missing) for v in value]
    if not isinstance(value, (str, int, bool, type(None))) and (hasattr(value, "tolist") or hasattr(value, "item")):
        return sanitize(json_default(value), missing)
    return value


def query(params: Dict[str, str]) -> str:
    return urllib.parse.urlencode(params)


def quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")
