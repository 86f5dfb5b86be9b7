"""The Portal client: buffered ingestion from background threads, and synchronous calls."""

from __future__ import annotations

import atexit
import csv
import logging
import os
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Deque, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._http import RetryPolicy, Transport, json_body, query, quote, sanitize
from .errors import PortalError

__all__ = ["Portal", "BatchOutcome", "ClientStats"]

log = logging.getLogger("portal_client")

#: Most items the portal takes in one request.
MAX_ITEMS_PER_REQUEST = 10_000

Timestamp = Union[datetime, str, float, int, None]
#: A dataset: a CSV file path, a list of row dicts, a dict of columns, or a pandas DataFrame.
Dataset = Any


@dataclass
class ClientStats:
    """Counters of the buffered API. Every item logged ends up in exactly one of the last five (or is still buffered)."""

    enqueued: int = 0
    """Items taken into the buffer."""
    accepted: int = 0
    """Items the portal stored."""
    duplicates: int = 0
    """Items the portal already had (same predictionId): stored once, as intended."""
    rejected: int = 0
    """Items the portal refused as invalid (each reported with its errors)."""
    dropped: int = 0
    """Items given up after a permanent error of their whole batch (400, 401, 403, 404, 413)."""
    unsent: int = 0
    """Items still buffered when :meth:`Portal.close` gave up (the portal stayed unreachable)."""
    overflowed: int = 0
    """log_* calls refused because the buffer was full (or the client closed); never taken, never sent."""
    retried_batches: int = 0
    """Batches that failed after all retries of one send and were kept for a later attempt."""


@dataclass
class BatchOutcome:
    """What became of one buffered batch, given to ``on_batch``.

    ``result`` is the portal's answer (``accepted``, ``duplicates``, ``rejected``); ``error`` the failure when there
    was none. ``will_retry`` says the batch stays buffered. ``rejected_items`` pairs each refused item with its errors.
    """

    kind: str
    model: Optional[str]
    items: List[Dict[str, Any]]
    result: Optional[Dict[str, Any]] = None
    error: Optional[PortalError] = None
    will_retry: bool = False
    rejected_items: List[Tuple[Dict[str, Any], List[str]]] = field(default_factory=list)


class _Batch:
    __slots__ = ("kind", "model", "items", "due")

    def __init__(self, kind: str, model: Optional[str], due: float) -> None:
        self.kind = kind
        self.model = model
        self.items: List[Dict[str, Any]] = []
        self.due = due


class Portal:
    """Client of the portal's REST API (``docs/python-client.md``).

    ``log_prediction``/``log_feedback``/``log_resources`` never block on the network and never raise for the
    portal's sake: items go into a bounded buffer and background threads (each with its own keep-alive connection)
    send them in batches of ``batch_size`` or at the latest ``flush_interval`` seconds after a batch's first item.
    Requests are retried on 429, 5xx, timeouts and connection errors with exponential backoff honouring Retry-After;
    a batch that still fails stays buffered and is tried again ``retry_later`` seconds later. Nothing is dropped
    silently: a full buffer refuses the item (``stats.overflowed``, a warning, ``on_overflow``), items the portal
    rejects are counted and logged with their errors (``stats.rejected``, ``on_batch``), and a batch refused as a
    whole for good (``stats.dropped``) or left at close (``stats.unsent``) is logged too.

    The other methods are synchronous, retried the same way, and raise :class:`PortalError` when the portal refuses.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        batch_size: int = 1000,
        flush_interval: float = 1.0,
        max_buffered_items: int = 100_000,
        sender_threads: int = 2,
        max_retries: int = 6,
        retry_base_delay: float = 0.2,
        retry_max_delay: float = 10.0,
        retry_later: float = 2.0,
        timeout: float = 30.0,
        close_timeout: float = 10.0,
        on_batch: Optional[Callable[[BatchOutcome], None]] = None,
        on_overflow: Optional[Callable[[str, Optional[str], Dict[str, Any]], None]] = None,
    ) -> None:
        """Connects lazily; starts the sender threads.

        :param url: the portal, e.g. ``http://localhost:5080``.
        :param api_key: sent as ``X-Api-Key``; scoped to the model(s) you send for, or an admin key.
        :param batch_size: items per request (the portal accepts up to 10,000).
        :param flush_interval: seconds after its first item a partly filled batch is sent.
        :param max_buffered_items: items the buffer holds, including batches in flight or waiting to be retried.
        :param sender_threads: batches in flight at once, one keep-alive connection each.
        :param max_retries: retries of one request (429, 5xx, timeouts, connection errors).
        :param retry_base_delay: first backoff in seconds, doubled every retry (with jitter) up to ``retry_max_delay``.
        :param retry_later: seconds before a batch that failed all retries is tried again.
        :param timeout: socket timeout of one attempt, in seconds.
        :param close_timeout: seconds :meth:`close` keeps trying to send what is buffered.
        :param on_batch: called on a sender thread with the :class:`BatchOutcome` of every batch.
        :param on_overflow: called with (kind, model, item) for every item refused because the buffer is full.
        """
        if batch_size < 1 or batch_size > MAX_ITEMS_PER_REQUEST:
            raise ValueError(f"batch_size: must be in [1, {MAX_ITEMS_PER_REQUEST}].")
        if flush_interval <= 0:
            raise ValueError("flush_interval: must be positive.")
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_buffered_items = max_buffered_items
        self.retry_later = retry_later
        self.close_timeout = close_timeout
        self.on_batch = on_batch
        self.on_overflow = on_overflow
        self.stats = ClientStats()
        self._transport = Transport(url, api_key, timeout, RetryPolicy(max_retries, retry_base_delay, retry_max_delay),
                                    "portal-client-python/0.1")
        self._cond = threading.Condition()
        self._open: Dict[Tuple[str, Optional[str]], _Batch] = {}
        self._ready: Deque[_Batch] = deque()
        self._retries: List[_Batch] = []
        self._buffered = 0
        self._flushing = 0
        self._closed = False
        self._stop = threading.Event()
        self._last_overflow_warning = -10.0
        self._overflow_since_warning = 0
        self._last_retry_warning = -10.0
        self._retry_failures_since_warning = 0
        self._threads = [threading.Thread(target=self._send_loop, name=f"portal-sender-{i}", daemon=True)
                         for i in range(max(1, sender_threads))]
        for thread in self._threads:
            thread.start()
        # Sender threads are daemons (they must not keep a process alive), so a client nobody closed is closed at exit:
        # its buffer is sent (or counted and logged as unsent) rather than lost with the threads.
        atexit.register(self.close)

    # ---- buffered ingestion -------------------------------------------------------------------------------------

    def log_prediction(
        self,
        model: str,
        prediction_id: Optional[str] = None,
        *,
        features: Optional[Mapping[str, Any]] = None,
        prediction: Any = None,
        score: Optional[float] = None,
        probabilities: Optional[Mapping[str, float]] = None,
        latency_ms: Optional[float] = None,
        model_version: Optional[str] = None,
        segment: Optional[str] = None,
        timestamp: Timestamp = None,
        experiment: Optional[Union[Tuple[str, str], Mapping[str, str]]] = None,
        error: Optional[str] = None,
    ) -> Optional[str]:
        """Buffers one prediction; returns its id (a new UUID unless given), or None when the buffer was full.

        ``timestamp`` defaults to now (taken here, not when the batch is sent); a datetime without a time zone is UTC.
        ``experiment`` is ``(experiment_id, variant)`` or ``{"id": ..., "variant": ...}``; ``error`` the error type of a
        failed inference. Feature values are numbers, strings, booleans or None (NaN counts as missing).
        """
        item: Dict[str, Any] = {
            "predictionId": prediction_id if prediction_id is not None else uuid.uuid4().hex,
            "timestamp": _timestamp(timestamp),
        }
        if model_version is not None:
            item["modelVersion"] = model_version
        if features is not None:
            item["features"] = features
        if prediction is not None:
            item["prediction"] = prediction
        if score is not None:
            item["score"] = score
        if probabilities is not None:
            item["probabilities"] = probabilities
        if latency_ms is not None:
            item["latencyMs"] = latency_ms
        if segment is not None:
            item["segment"] = segment
        if experiment is not None:
            item["experiment"] = dict(experiment) if isinstance(experiment, Mapping) else {"id": experiment[0], "variant": experiment[1]}
        if error is not None:
            item["error"] = error
        return item["predictionId"] if self._enqueue("predictions", model, item) else None

    def log_feedback(self, model: str, prediction_id: str, label: Any, timestamp: Timestamp = None) -> bool:
        """Buffers the ground-truth label of an earlier prediction; False when the buffer was full."""
        item = {"predictionId": prediction_id, "label": label, "timestamp": _timestamp(timestamp)}
        return self._enqueue("feedback", model, item)

    def log_resources(
        self,
        host: str,
        model: Optional[str] = None,
        *,
        cpu_percent: Optional[float] = None,
        memory_bytes: Optional[int] = None,
        memory_percent: Optional[float] = None,
        gpu_percent: Optional[float] = None,
        gpu_memory_bytes: Optional[int] = None,
        timestamp: Timestamp = None,
    ) -> bool:
        """Buffers one resource sample of a host (optionally tied to a model); False when the buffer was full."""
        item: Dict[str, Any] = {"host": host, "timestamp": _timestamp(timestamp)}
        for name, value in (("model", model), ("cpuPercent", cpu_percent), ("memoryBytes", memory_bytes),
                            ("memoryPercent", memory_percent), ("gpuPercent", gpu_percent), ("gpuMemoryBytes", gpu_memory_bytes)):
            if value is not None:
                item[name] = value
        return self._enqueue("resources", None, item)

    @property
    def buffered_items(self) -> int:
        """Items in the buffer, including batches in flight or waiting to be retried."""
        with self._cond:
            return self._buffered

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything buffered now and waits until the buffer is empty; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._flushing += 1
            try:
                self._cond.notify_all()
                while self._buffered > 0:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cond.wait(remaining if remaining is not None else 0.5)
                return True
            finally:
                self._flushing -= 1

    def close(self, timeout: Optional[float] = None) -> None:
        """Stops taking items, sends what is buffered (for at most ``timeout``, default ``close_timeout`` seconds),
        then stops the sender threads. What could not be sent is counted in ``stats.unsent`` and logged."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        self.flush(self.close_timeout if timeout is None else timeout)
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
        with self._cond:
            left = self._buffered
            self._buffered = 0
            self.stats.unsent += left
            self._open.clear()
            self._ready.clear()
            self._retries.clear()
        self._transport.close_thread_connection()
        if left:
            log.error("portal_client: closed with %d items unsent (the portal did not take them in time).", left)

    def __enter__(self) -> "Portal":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _enqueue(self, kind: str, model: Optional[str], item: Dict[str, Any]) -> bool:
        with self._cond:
            if self._closed or self._buffered >= self.max_buffered_items:
                self.stats.overflowed += 1
                self._overflow_since_warning += 1
                self._warn_overflow_locked()
                refused = True
            else:
                refused = False
                self._buffered += 1
                self.stats.enqueued += 1
                key = (kind, model)
                batch = self._open.get(key)
                if batch is None:
                    batch = self._open[key] = _Batch(kind, model, time.monotonic() + self.flush_interval)
                    if len(self._open) == 1:
                        self._cond.notify()  # a sender may be sleeping without a deadline
                batch.items.append(item)
                if len(batch.items) >= self.batch_size:
                    del self._open[key]
                    self._ready.append(batch)
                    self._cond.notify()
        if refused and self.on_overflow is not None:
            self.on_overflow(kind, model, item)
        return not refused

    def _warn_overflow_locked(self) -> None:
        now = time.monotonic()
        if now - self._last_overflow_warning >= 10.0:
            reason = "the client is closed" if self._closed else f"the buffer is full ({self.max_buffered_items} items)"
            log.warning("portal_client: refused %d item(s) because %s; %d refused in all (stats.overflowed).",
                        self._overflow_since_warning, reason, self.stats.overflowed)
            self._last_overflow_warning = now
            self._overflow_since_warning = 0

    # ---- sender threads -------------------------------------------------------------------------------------------

    def _next_batch_locked(self) -> Tuple[Optional[_Batch], Optional[float]]:
        """The batch to send now, or None and the seconds until one is due (None: nothing is waiting)."""
        if self._ready:
            return self._ready.popleft(), None
        now = time.monotonic()
        hurry = self._flushing > 0 or self._closed
        next_due: Optional[float] = None
        for i, batch in enumerate(self._retries):
            # Not hurried by flush/close: with the portal down that would be a busy loop; they wait retry_later.
            if batch.due <= now:
                return self._retries.pop(i), None
            next_due = batch.due if next_due is None else min(next_due, batch.due)
        for key, batch in self._open.items():
            if hurry or batch.due <= now:
                del self._open[key]
                return batch, None
            next_due = batch.due if next_due is None else min(next_due, batch.due)
        return None, None if next_due is None else max(0.0, next_due - now)

    def _send_loop(self) -> None:
        try:
            while True:
                with self._cond:
                    # Once stopped, what is left stays buffered: close() counts it as unsent.
                    if self._stop.is_set():
                        return
                    batch, wait = self._next_batch_locked()
                    while batch is None:
                        self._cond.wait(wait if wait is not None else 1.0)
                        if self._stop.is_set():
                            return
                        batch, wait = self._next_batch_locked()
                self._send(batch)
        finally:
            self._transport.close_thread_connection()

    def _send(self, batch: _Batch) -> None:
        path = "/api/v1/resources" if batch.kind == "resources" else f"/api/v1/models/{quote(batch.model or '')}/{batch.kind}"
        outcome = BatchOutcome(batch.kind, batch.model, batch.items)
        unsendable = False
        try:
            outcome.result = self._transport.request("POST", path, json_body(batch.items), "application/json", self._stop) or {}
        except PortalError as e:
            outcome.error = e
            outcome.will_retry = e.transient and not self._stop.is_set()
        except (TypeError, ValueError) as e:  # an item that cannot become JSON: the batch cannot be sent, ever
            outcome.error = PortalError(None, "Not JSON", f"{type(e).__name__}: {e}")
            unsendable = True
        with self._cond:
            if outcome.error is None:
                fate = "sent"
                result = outcome.result or {}
                rejected = result.get("rejected") or []
                outcome.rejected_items = [(batch.items[r["index"]], r.get("errors", [])) for r in rejected
                                          if isinstance(r.get("index"), int) and 0 <= r["index"] < len(batch.items)]
                self.stats.accepted += int(result.get("accepted", 0))
                self.stats.duplicates += int(result.get("duplicates", 0))
                self.stats.rejected += len(rejected)
                self._buffered -= len(batch.items)
            elif outcome.will_retry:
                fate = "retry"
                self.stats.retried_batches += 1
                batch.due = time.monotonic() + self.retry_later
                self._retries.append(batch)
            elif self._stop.is_set() and outcome.error.transient and not unsendable:
                # Closing cut the retries short: the items stay counted as buffered, close() reports them unsent.
                fate = "unsent"
                self._retries.append(batch)
            else:
                fate = "dropped"
                self.stats.dropped += len(batch.items)
                self._buffered -= len(batch.items)
            self._cond.notify_all()
        self._report(outcome, fate)

    def _report(self, outcome: BatchOutcome, fate: str) -> None:
        what = f"{outcome.kind}" + (f" of model '{outcome.model}'" if outcome.model else "")
        if outcome.rejected_items:
            item, errors = outcome.rejected_items[0]
            log.warning("portal_client: the portal rejected %d of %d %s (stats.rejected), e.g. %s: %s",
                        len(outcome.rejected_items), len(outcome.items), what,
                        item.get("predictionId", item.get("host")), "; ".join(errors))
        elif fate == "retry":
            # Sender threads report at once: the count and the last warning's time change under the lock, so an
            # outage logs once per 10 s however many threads see it fail.
            with self._cond:
                self._retry_failures_since_warning += 1
                failures, now = self._retry_failures_since_warning, time.monotonic()
                warn = now - self._last_retry_warning >= 10.0  # an outage would otherwise log every batch every few seconds
                if warn:
                    self._last_retry_warning = now
                    self._retry_failures_since_warning = 0
            if warn:
                log.warning("portal_client: %d batch send(s) failed since the last warning, e.g. %d %s: %s; %d items "
                            "buffered, tried again every %.0f s.", failures, len(outcome.items),
                            what, outcome.error, self.buffered_items, self.retry_later)
        elif fate == "dropped":
            log.error("portal_client: %d %s dropped (stats.dropped), the batch was refused: %s", len(outcome.items), what,
                      outcome.error)
        if self.on_batch is not None:
            try:
                self.on_batch(outcome)
            except Exception:
                log.exception("portal_client: on_batch raised")

    # ---- synchronous calls ----------------------------------------------------------------------------------------

    def put_model(
        self,
        model: str,
        task_type: str,
        *,
        features: Optional[Sequence[Mapping[str, Any]]] = None,
        description: Optional[str] = None,
        owner: Optional[str] = None,
        versions: Optional[Sequence[str]] = None,
        low_confidence_threshold: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Creates or updates a model (admin key); returns the stored model.

        ``task_type`` is ``binary``, ``multiclass`` or ``regression``; ``features`` the schema, items like
        ``{"name": "amount", "type": "numerical", "min": 0, "max": 20000, "importance": 0.4}`` or
        ``{"name": "country", "type": "categorical", "categories": ["DE", "FR"]}``. Given features replace the schema.
        """
        body: Dict[str, Any] = {"taskType": task_type}
        for name, value in (("features", features), ("description", description), ("owner", owner),
                            ("versions", versions), ("lowConfidenceThreshold", low_confidence_threshold)):
            if value is not None:
                body[name] = list(value) if name in ("features", "versions") else value
        return self._transport.request("PUT", f"/api/v1/models/{quote(model)}", json_body(body), "application/json")

    def upload_reference(self, model: str, data: Dataset) -> Any:
        """Uploads a new version of the model's reference dataset (usually the training data).

        ``data`` is a CSV file path (streamed as text/csv, header row first), a list of row dicts, a dict of columns
        or a pandas DataFrame. For drift per feature use the schema's feature names as columns; add ``score``
        (probability of class "1") and ``label`` columns so prediction drift, target drift and CBPE work.
        """
        path = f"/api/v1/models/{quote(model)}/reference"
        if isinstance(data, (str, os.PathLike)):
            file_path = os.fspath(data)
            if not os.path.isfile(file_path):
                raise FileNotFoundError(file_path)
            holder: List[Any] = []

            def opened() -> Any:
                for f in holder:
                    f.close()
                holder[:] = [open(file_path, "rb")]
                return holder[0]

            try:
                return self._transport.request("PUT", path, opened, "text/csv")
            finally:
                for f in holder:
                    f.close()
        return self._transport.request("PUT", path, json_body({"columns": columns_of(data)}), "application/json")

    def drift_report(
        self,
        reference: Dataset,
        current: Dataset,
        column_types: Optional[Mapping[str, str]] = None,
        tests: Optional[Mapping[str, Sequence[str]]] = None,
        thresholds: Optional[Mapping[str, float]] = None,
        drift_share: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Compares two datasets column by column (``POST /api/v1/analysis/drift``); returns the report.

        Each dataset is a dict of columns, a list of row dicts, a CSV path or a pandas DataFrame. ``column_types`` maps a
        column to ``numerical``/``categorical``; ``tests`` a column to test ids (``ks``, ``psi``, ``wasserstein``, …).
        """
        body: Dict[str, Any] = {"reference": columns_of(reference), "current": columns_of(current)}
        for name, value in (("columnTypes", column_types), ("tests", tests), ("thresholds", thresholds), ("driftShare", drift_share)):
            if value is not None:
                body[name] = dict(value) if isinstance(value, Mapping) else value
        return self._transport.request("POST", "/api/v1/analysis/drift", json_body(body), "application/json")

    def assignment(self, experiment: str, unit: str) -> Dict[str, Any]:
        """The arm of ``unit`` in a running experiment: ``{"variant": ..., "modelVersion": ..., "active": ...}``.
        Deterministic per (experiment, unit), so it may be cached."""
        return self._transport.request("GET", f"/api/v1/experiments/{quote(experiment)}/assignment?{query({'unit': unit})}")

    def log_observations(self, experiment: str, observations: Iterable[Mapping[str, Any]]) -> Dict[str, Any]:
        """Sends outcomes per unit (``unitId``/``unit_id``, ``variant``, ``value``, optional ``metric``, ``covariate``,
        ``timestamp``); a repeat replaces the unit's value. Returns the summed answer ``{"accepted", "rejected"}``; rejected
        indexes refer to the position in ``observations``."""
        items = [{_camel(k): v for k, v in o.items()} for o in observations]
        total: Dict[str, Any] = {"accepted": 0, "rejected": []}
        for start in range(0, len(items), MAX_ITEMS_PER_REQUEST):
            answer = self._transport.request("POST", f"/api/v1/experiments/{quote(experiment)}/observations",
                                             json_body(items[start:start + MAX_ITEMS_PER_REQUEST]), "application/json") or {}
            total["accepted"] += int(answer.get("accepted", 0))
            total["rejected"] += [{**r, "index": r.get("index", 0) + start} for r in answer.get("rejected", [])]
        return total

    def request(self, method: str, path: str, json: Any = None) -> Any:
        """Any other REST call (``docs/`` lists them), retried like the rest: e.g.
        ``portal.request("POST", "/api/v1/experiments/checkout-v2/start")``. Returns the decoded JSON answer."""
        body = None if json is None else json_body(json)
        return self._transport.request(method, path, body, "application/json" if body is not None else None)

    def summary(self, model: str, window: str = "1h") -> Dict[str, Any]:
        """RED, quality and drift figures of the last ``window`` (``15m``, ``1h``, ``24h``, ``7d``) from the rollups."""
        return self._transport.request("GET", f"/api/v1/models/{quote(model)}/summary?{query({'window': window})}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _timestamp(value: Timestamp) -> str:
    """RFC 3339 in UTC with milliseconds; ``value`` is a datetime (naive = UTC), a string (sent as is) or epoch seconds."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    seconds = time.time() if value is None else float(value)
    whole = int(seconds)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % int((seconds - whole) * 1000)


def columns_of(data: Dataset) -> Dict[str, List[Any]]:
    """A dataset as ``{column: [values]}``: from a dict of columns, a list of row dicts, a CSV path or a DataFrame.

    CSV cells are numbers where they parse as numbers, empty cells missing. NaN (pandas' missing) becomes None.
    """
    if isinstance(data, (str, os.PathLike)):
        with open(os.fspath(data), newline="", encoding="utf-8") as f:
            return _columns_of_rows(csv.DictReader(f), parse=True)
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # a pandas DataFrame, without importing pandas
        return {str(k): sanitize(list(v), missing=True) for k, v in data.to_dict(orient="list").items()}
    if isinstance(data, Mapping):
        return {str(k): sanitize(list(v), missing=True) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return _columns_of_rows(data, parse=False)
    raise TypeError(f"a dataset is a CSV path, a list of row dicts, a dict of columns or a pandas DataFrame, not {type(data).__name__}")


def _columns_of_rows(rows: Iterable[Mapping[str, Any]], parse: bool) -> Dict[str, List[Any]]:
    columns: Dict[str, List[Any]] = {}
    count = 0
    for row in rows:
        for name in row:
            if name not in columns:
                columns[name] = [None] * count  # a column first seen later is missing in the rows before
        for name, values in columns.items():
            value = row.get(name)
            values.append(_cell(value) if parse else value)
        count += 1
    return {k: sanitize(v, missing=True) for k, v in columns.items()}


def _cell(text: Optional[str]) -> Any:
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
