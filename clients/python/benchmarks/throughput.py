"""Predictions per second one Python process sends to a local portal through portal_client.

    /usr/bin/python3 clients/python/benchmarks/throughput.py                  # starts the portal from its build output
    /usr/bin/python3 clients/python/benchmarks/throughput.py --url http://127.0.0.1:5080 --key secret

Each prediction has 8 numerical and 2 categorical features, a class, a score and a latency; every id is new. The
figure is items accepted by the portal (committed to disk) / seconds from the first log_prediction to flush() done.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from portal_client import Portal  # noqa: E402
from portal_process import missing_portal, start_portal  # noqa: E402


def run(url: str, key: str, count: int, batch_size: int, senders: int) -> None:
    rng = random.Random(1)
    rows = [({f"x{j}": rng.gauss(0, 1) for j in range(8)} | {"country": rng.choice(["DE", "FR", "US"]), "plan": rng.choice(["a", "b"])},
             rng.random()) for _ in range(1000)]
    with Portal(url, key, batch_size=batch_size, sender_threads=senders, max_buffered_items=count) as portal:
        model = "bench-" + uuid.uuid4().hex[:8]
        schema = [{"name": f"x{j}", "type": "numerical"} for j in range(8)] + \
                 [{"name": "country", "type": "categorical"}, {"name": "plan", "type": "categorical"}]
        portal.put_model(model, "binary", features=schema)
        cpu_start = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        for i in range(count):
            features, score = rows[i % 1000]
            portal.log_prediction(model, features=features, prediction=int(score >= 0.5), score=score, latency_ms=4.2)
        logged = time.perf_counter() - start
        portal.flush()
        elapsed = time.perf_counter() - start
        cpu_end = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
        stats = portal.stats
    print(f"{count} predictions, batch {batch_size}, {senders} sender threads: logged in {logged:.2f} s "
          f"({count / logged:,.0f}/s), accepted {stats.accepted} in {elapsed:.2f} s -> {stats.accepted / elapsed:,.0f} predictions/s "
          f"(client CPU {cpu:.1f} s; overflowed {stats.overflowed}, rejected {stats.rejected}, retried batches {stats.retried_batches})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--key")
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.url:
        portal = contextlib.nullcontext(argparse.Namespace(url=args.url, api_key=args.key))
    else:
        reason = missing_portal()
        if reason:
            sys.exit(reason)
        portal = start_portal()
    with portal as p:
        for _ in range(args.runs):
            run(p.url, p.api_key, args.count, args.batch_size, args.senders)


if __name__ == "__main__":
    main()
