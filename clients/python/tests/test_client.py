"""The client against a scripted stub portal: batching, flushing, retries, and that nothing is dropped silently."""

from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, List

import pytest

from conftest import DROP, StubPortal
from portal_client import BatchOutcome, Portal, PortalError


def make(stub: StubPortal, **options: Any) -> Portal:
    options.setdefault("retry_base_delay", 0.01)
    options.setdefault("retry_later", 0.2)
    return Portal(stub.url, "k", **options)


def test_full_batches_go_out_at_batch_size_and_the_rest_on_flush(stub: StubPortal) -> None:
    with make(stub, batch_size=10, flush_interval=60) as portal:
        ids = [portal.log_prediction("fraud", f"p{i}", prediction=1, score=0.5) for i in range(25)]
        assert stub.wait_for(lambda: len(stub.requests) == 2)
        time.sleep(0.2)
        assert [len(r.json()) for r in stub.requests] == [10, 10]  # the last 5 wait for the interval or a flush
        assert portal.flush(5)
        assert sorted(len(r.json()) for r in stub.requests) == [5, 10, 10]
        assert sorted(i["predictionId"] for i in stub.items()) == sorted(ids)
        assert {r.path for r in stub.requests} == {"/api/v1/models/fraud/predictions"}
        assert stub.requests[0].headers["X-Api-Key"] == "k"
        assert portal.stats.accepted == 25 and portal.buffered_items == 0


def test_partial_batch_goes_out_after_the_flush_interval_without_a_flush_call(stub: StubPortal) -> None:
    with make(stub, batch_size=100, flush_interval=0.3) as portal:
        start = time.monotonic()
        portal.log_feedback("fraud", "p1", 1)
        portal.log_feedback("fraud", "p2", 0)
        assert stub.wait_for(lambda: len(stub.requests) == 1, timeout=5)
        waited = stub.requests[0].at - start
        assert 0.25 <= waited < 3
        assert stub.requests[0].path == "/api/v1/models/fraud/feedback"
        assert [(i["predictionId"], i["label"]) for i in stub.items()] == [("p1", 1), ("p2", 0)]


def test_items_are_batched_per_kind_and_model(stub: StubPortal) -> None:
    with make(stub, batch_size=100, flush_interval=60) as portal:
        portal.log_prediction("a", "1")
        portal.log_prediction("b", "2")
        portal.log_resources("host-1", "a", cpu_percent=50.0, memory_bytes=1024)
        assert portal.flush(5)
    paths = sorted(r.path for r in stub.requests)
    assert paths == ["/api/v1/models/a/predictions", "/api/v1/models/b/predictions", "/api/v1/resources"]
    resource = next(r for r in stub.requests if r.path == "/api/v1/resources").json()[0]
    assert resource["host"] == "host-1" and resource["model"] == "a" and resource["cpuPercent"] == 50.0
    assert resource["memoryBytes"] == 1024 and "gpuPercent" not in resource


def test_prediction_fields_are_sent_in_the_contract_names(stub: StubPortal) -> None:
    with make(stub) as portal:
        pid = portal.log_prediction("fraud", features={"amount": 41.5, "country": "DE", "income": float("nan")},
                                    prediction=1, score=0.91, probabilities={"0": 0.09, "1": 0.91}, latency_ms=12.5,
                                    model_version="v1", segment="mobile", experiment=("exp-7", "treatment"), error=None)
        portal.flush(5)
    item = stub.items()[0]
    assert item["predictionId"] == pid and len(pid) == 32  # a new UUID when none is given
    assert item["features"] == {"amount": 41.5, "country": "DE", "income": None}  # NaN is missing, as in pandas
    assert item["experiment"] == {"id": "exp-7", "variant": "treatment"}
    assert (item["score"], item["latencyMs"], item["modelVersion"], item["segment"]) == (0.91, 12.5, "v1", "mobile")
    assert item["timestamp"].endswith("Z") and "error" not in item


def test_a_non_finite_score_is_sent_so_that_the_portal_rejects_that_item(stub: StubPortal) -> None:
    with make(stub) as portal:
        portal.log_prediction("fraud", "bad", score=math.inf)
        portal.flush(5)
    assert stub.items()[0]["score"] == "Infinity"  # the portal names it: "score: \"Infinity\" is not a finite number"


def test_429_is_retried_after_the_retry_after_seconds(stub: StubPortal) -> None:
    stub.answers.append((429, {"Retry-After": "1"}, {"title": "Ingestion queue full", "status": 429}))
    with make(stub, batch_size=3) as portal:
        for i in range(3):
            portal.log_prediction("fraud", f"p{i}")
        assert stub.wait_for(lambda: len(stub.requests) == 2, timeout=10)
        gap = stub.requests[1].at - stub.requests[0].at
        assert 0.9 <= gap < 3  # the backoff alone would have waited ~0.01 s
        assert stub.requests[0].body == stub.requests[1].body
        assert portal.flush(5)
        assert portal.stats.accepted == 3 and portal.stats.retried_batches == 0


def test_5xx_and_dropped_connections_are_retried_until_success(stub: StubPortal) -> None:
    stub.answers.extend([(503, {}, {"title": "Shutting down"}), DROP, (500, {}, b"boom")])
    outcomes: List[BatchOutcome] = []
    with make(stub, batch_size=2, on_batch=outcomes.append) as portal:
        portal.log_prediction("fraud", "p1")
        portal.log_prediction("fraud", "p2")
        assert portal.flush(10)
    assert len(stub.requests) == 4
    assert portal.stats.accepted == 2 and portal.stats.dropped == 0
    assert len(outcomes) == 1 and outcomes[0].error is None and outcomes[0].result["accepted"] == 2


def test_batch_that_keeps_failing_stays_buffered_and_is_sent_later(stub: StubPortal) -> None:
    stub.answers.extend([(502, {}, b"")] * 3)  # the first send gives up after 2 retries
    with make(stub, batch_size=1, max_retries=2, retry_later=0.2) as portal:
        portal.log_prediction("fraud", "p1")
        assert stub.wait_for(lambda: portal.stats.retried_batches == 1)
        assert portal.buffered_items == 1
        assert portal.flush(5)
    assert portal.stats.accepted == 1 and len(stub.requests) == 4


def test_an_outage_is_retried_at_the_retry_later_pace_and_logged_once(stub: StubPortal, caplog: pytest.LogCaptureFixture) -> None:
    stub.answers.extend([(503, {}, {"title": "Down"})] * 1000)
    with caplog.at_level(logging.WARNING, logger="portal_client"):
        portal = make(stub, batch_size=1, max_retries=0, retry_later=0.5)
        for i in range(3):
            portal.log_prediction("fraud", f"p{i}")
        assert not portal.flush(1.2)  # flush waits; it does not make failed batches spin
        portal.close(timeout=0)
    assert 3 <= len(stub.requests) <= 12  # 3 batches, each tried about every 0.5 s
    assert portal.stats.unsent == 3
    warnings = [r for r in caplog.records if "failed since the last warning" in r.getMessage()]
    assert len(warnings) == 1


def test_permanent_4xx_is_not_retried_and_is_reported(stub: StubPortal, caplog: pytest.LogCaptureFixture) -> None:
    problem = {"title": "Invalid body", "status": 400, "detail": "not JSON", "errors": {"$": ["is not valid JSON."]}}
    stub.answers.append((400, {}, problem))
    outcomes: List[BatchOutcome] = []
    with caplog.at_level(logging.ERROR, logger="portal_client"):
        with make(stub, batch_size=2, on_batch=outcomes.append) as portal:
            portal.log_prediction("fraud", "p1")
            portal.log_prediction("fraud", "p2")
            assert portal.flush(5)
    assert len(stub.requests) == 1
    assert portal.stats.dropped == 2 and portal.stats.accepted == 0
    error = outcomes[0].error
    assert isinstance(error, PortalError) and not outcomes[0].will_retry
    assert (error.status, error.title, error.detail, error.errors) == (400, "Invalid body", "not JSON", {"$": ["is not valid JSON."]})
    assert any("2 predictions of model 'fraud' dropped" in r.getMessage() for r in caplog.records)


def test_items_rejected_by_the_portal_are_counted_and_reported(stub: StubPortal, caplog: pytest.LogCaptureFixture) -> None:
    answer = {"accepted": 1, "duplicates": 1, "rejected": [{"index": 2, "errors": ["score: 1.7 is outside [0, 1]."]}]}
    stub.answers.append((200, {}, answer))
    outcomes: List[BatchOutcome] = []
    with caplog.at_level(logging.WARNING, logger="portal_client"):
        with make(stub, batch_size=3, on_batch=outcomes.append) as portal:
            for i, score in enumerate((0.1, 0.2, 1.7)):
                portal.log_prediction("fraud", f"p{i}", score=score)
            assert portal.flush(5)
    assert (portal.stats.accepted, portal.stats.duplicates, portal.stats.rejected) == (1, 1, 1)
    item, errors = outcomes[0].rejected_items[0]
    assert item["predictionId"] == "p2" and errors == ["score: 1.7 is outside [0, 1]."]
    assert any("rejected 1 of 3" in r.getMessage() and "p2" in r.getMessage() for r in caplog.records)


def test_full_buffer_refuses_counts_and_reports_without_blocking(stub: StubPortal, caplog: pytest.LogCaptureFixture) -> None:
    stub.gate.clear()  # the portal stalls
    refused: List[Any] = []
    with caplog.at_level(logging.WARNING, logger="portal_client"):
        portal = make(stub, batch_size=5, max_buffered_items=5, on_overflow=lambda kind, model, item: refused.append(item))
        start = time.monotonic()
        results = [portal.log_prediction("fraud", f"p{i}") for i in range(8)]
        assert time.monotonic() - start < 0.5
        assert results[:5] == [f"p{i}" for i in range(5)] and results[5:] == [None, None, None]
        assert portal.stats.overflowed == 3 and [i["predictionId"] for i in refused] == ["p5", "p6", "p7"]
        assert any("buffer is full" in r.getMessage() for r in caplog.records)
        stub.gate.set()
        portal.close()
    assert portal.stats.accepted == 5 and len(stub.items()) == 5


def test_close_sends_what_is_buffered(stub: StubPortal) -> None:
    portal = make(stub, batch_size=1000, flush_interval=60)
    for i in range(7):
        portal.log_prediction("fraud", f"p{i}")
    portal.close()
    assert len(stub.items()) == 7 and portal.stats.accepted == 7
    assert portal.log_prediction("fraud", "late") is None and portal.stats.overflowed == 1


def test_a_client_nobody_closed_sends_its_buffer_when_the_process_exits(stub: StubPortal) -> None:
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
              "from portal_client import Portal\n"
              f"portal = Portal({stub.url!r}, 'k', flush_interval=60)\n"
              "for i in range(5): portal.log_prediction('fraud', f'p{i}')\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert sorted(i["predictionId"] for i in stub.items()) == [f"p{i}" for i in range(5)]


def test_close_counts_and_logs_what_the_portal_never_took(stub: StubPortal, caplog: pytest.LogCaptureFixture) -> None:
    stub.answers.extend([(503, {"Retry-After": "30"}, {"title": "Down"})] * 100)
    with caplog.at_level(logging.ERROR, logger="portal_client"):
        portal = make(stub, batch_size=10)
        for i in range(4):
            portal.log_prediction("fraud", f"p{i}")
        start = time.monotonic()
        portal.close(timeout=0.5)
        assert time.monotonic() - start < 5  # the 30 s Retry-After wait is cut short by close
    assert portal.stats.unsent == 4 and portal.stats.accepted == 0
    assert any("4 items unsent" in r.getMessage() for r in caplog.records)


def test_each_sender_thread_keeps_its_connection_alive(stub: StubPortal) -> None:
    with make(stub, batch_size=10, sender_threads=2) as portal:
        for i in range(200):
            portal.log_prediction("fraud", f"p{i}")
        assert portal.flush(5)
    assert len(stub.requests) == 20
    assert len({r.port for r in stub.requests}) <= 2


def test_put_model_raises_the_problem_fields(stub: StubPortal) -> None:
    problem = {"title": "Invalid input", "status": 400, "detail": "One or more fields are invalid.",
               "errors": {"taskType": ["'x' is not a task type"]}}
    stub.answers.append((400, {}, problem))
    with make(stub) as portal:
        with pytest.raises(PortalError) as raised:
            portal.put_model("fraud", "x", features=[{"name": "amount", "type": "numerical"}])
    assert raised.value.status == 400 and raised.value.errors == problem["errors"] and not raised.value.transient
    assert "taskType" in str(raised.value)
    assert stub.requests[0].method == "PUT" and stub.requests[0].path == "/api/v1/models/fraud"
    assert stub.requests[0].json() == {"taskType": "x", "features": [{"name": "amount", "type": "numerical"}]}
    assert len(stub.requests) == 1


def test_synchronous_calls_are_retried_on_429(stub: StubPortal) -> None:
    stub.answers.extend([(429, {"Retry-After": "0"}, {"title": "Too many"}), (200, {}, {"variant": "treatment", "active": True})])
    with make(stub) as portal:
        assert portal.assignment("exp 1", "u/1")["variant"] == "treatment"
    assert [r.path for r in stub.requests] == ["/api/v1/experiments/exp%201/assignment?unit=u%2F1"] * 2


def test_reference_uploads_a_csv_file_as_text_csv(stub: StubPortal, tmp_path: Any) -> None:
    csv_file = tmp_path / "train.csv"
    csv_file.write_text("amount,country,score,label\n1.5,DE,0.9,1\n,FR,0.2,0\n")
    stub.answers.append((200, {}, {"version": 1}))
    with make(stub) as portal:
        assert portal.upload_reference("fraud", csv_file) == {"version": 1}
    request = stub.requests[0]
    assert request.method == "PUT" and request.path == "/api/v1/models/fraud/reference"
    assert request.headers["Content-Type"] == "text/csv" and request.body == csv_file.read_bytes()


def test_reference_from_rows_or_columns_is_sent_as_json_columns(stub: StubPortal) -> None:
    rows = [{"amount": 1.5, "country": "DE"}, {"amount": float("nan"), "country": "FR", "label": 1}]
    with make(stub) as portal:
        portal.upload_reference("fraud", rows)
        portal.upload_reference("fraud", {"amount": [1.0, 2.0]})
    assert stub.requests[0].json() == {"columns": {"amount": [1.5, None], "country": ["DE", "FR"], "label": [None, 1]}}
    assert stub.requests[1].json() == {"columns": {"amount": [1.0, 2.0]}}


def test_drift_report_posts_both_datasets_with_options(stub: StubPortal, tmp_path: Any) -> None:
    current = tmp_path / "current.csv"
    current.write_text("age,country\n61,DE\n,FR\n")
    stub.answers.append((200, {}, {"datasetDrift": True}))
    with make(stub) as portal:
        report = portal.drift_report({"age": [31, 45], "country": ["DE", "FR"]}, current,
                                     column_types={"age": "numerical"}, tests={"age": ["ks", "psi"]})
    assert report == {"datasetDrift": True}
    assert stub.requests[0].path == "/api/v1/analysis/drift"
    assert stub.requests[0].json() == {"reference": {"age": [31, 45], "country": ["DE", "FR"]},
                                       "current": {"age": [61, None], "country": ["DE", "FR"]},
                                       "columnTypes": {"age": "numerical"}, "tests": {"age": ["ks", "psi"]}}


def test_observations_are_sent_in_chunks_with_indexes_of_the_whole_list(stub: StubPortal) -> None:
    stub.answers.extend([(200, {}, {"accepted": 10000, "rejected": []}),
                         (200, {}, {"accepted": 1, "rejected": [{"index": 1, "errors": ["variant: unknown"]}]})])
    observations = [{"unit_id": f"u{i}", "variant": "control", "value": 1} for i in range(10002)]
    with make(stub) as portal:
        answer = portal.log_observations("exp-1", observations)
    assert answer == {"accepted": 10001, "rejected": [{"index": 10001, "errors": ["variant: unknown"]}]}
    assert [len(r.json()) for r in stub.requests] == [10000, 2]
    assert stub.requests[0].json()[0] == {"unitId": "u0", "variant": "control", "value": 1}


def test_an_unreachable_portal_raises_a_transient_error() -> None:
    from portal_process import free_port

    portal = Portal(f"http://127.0.0.1:{free_port()}", "k", max_retries=1, retry_base_delay=0.01)
    try:
        with pytest.raises(PortalError) as raised:
            portal.summary("fraud")
        assert raised.value.status is None and raised.value.transient and raised.value.title == "Connection failed"
    finally:
        portal.close(timeout=0)


def test_pandas_dataframe_becomes_columns(stub: StubPortal) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"amount": [1.5, None], "country": ["DE", None]})
    with make(stub) as portal:
        portal.upload_reference("fraud", frame)
    assert json.loads(stub.requests[0].body) == {"columns": {"amount": [1.5, None], "country": ["DE", None]}}
