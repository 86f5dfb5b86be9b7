"""A scikit-learn classifier monitored by the portal, end to end.

Trains a classifier on a synthetic dataset, registers it with its feature schema, uploads a reference dataset with
``score``, ``prediction`` and ``label`` columns (so drift per feature, prediction drift, target drift and CBPE — performance estimated
without labels — all have a baseline), then serves two hours of traffic (time-compressed, timestamps in the past) with
a covariate shift after the first hour, and sends most labels 5-30 minutes after their predictions. Finally it runs the
drift and quality jobs now, so the model's Drift and Quality tabs show the result at once.

    pip install scikit-learn     # or: apt-get install python3-sklearn
    python3 examples/sklearn_classifier.py --url http://localhost:5080 --key $PORTAL_KEY

The key must be an admin key (creating a model needs one), e.g. the portal's ``Portal__Bootstrap__ApiKey``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from the source tree without installing
from portal_client import Portal, PortalError  # noqa: E402

NUMERICAL = ["amount", "age", "tenure", "balance", "visits"]
CHANNELS = ["web", "app", "store"]


def make_data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Five numerical features and a categorical ``channel`` that carries some signal too."""
    x, y = make_classification(n_samples=40_000, n_features=5, n_informative=4, n_redundant=1, class_sep=0.8, random_state=7)
    weights = np.where(y[:, None] == 1, [0.5, 0.3, 0.2], [0.3, 0.3, 0.4])
    channel = np.array([rng.choice(3, p=w) for w in weights])
    return x, channel, y


def model_input(x: np.ndarray, channel: np.ndarray) -> np.ndarray:
    return np.hstack([x, np.eye(len(CHANNELS))[channel]])


def features_of(row: np.ndarray, channel: int) -> dict:
    return {**{name: round(float(v), 4) for name, v in zip(NUMERICAL, row)}, "channel": CHANNELS[channel]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5080")
    parser.add_argument("--key", required=True, help="an admin API key")
    parser.add_argument("--model", default="sklearn-churn")
    parser.add_argument("--predictions", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)

    # 1. Train, and keep a held-out validation split as the reference: its scores are what the model does on data it
    #    has not seen, which is what CBPE calibrates on (scores on the training rows would be over-confident).
    x, channel, y = make_data(rng)
    x_train, x_rest, c_train, c_rest, y_train, y_rest = train_test_split(x, channel, y, train_size=0.4, random_state=1)
    x_ref, x_live, c_ref, c_live, y_ref, y_live = train_test_split(x_rest, c_rest, y_rest, train_size=0.25, random_state=2)
    classifier = LogisticRegression(max_iter=1000).fit(model_input(x_train, c_train), y_train)
    ref_scores = classifier.predict_proba(model_input(x_ref, c_ref))[:, 1]
    print(f"trained: validation accuracy {np.mean((ref_scores >= 0.5) == y_ref):.3f} on {len(y_ref)} rows")

    with Portal(args.url, args.key, on_overflow=lambda *_: None) as portal:
        # 2. The model and its schema (ranges and importances from the training data and the coefficients).
        importance = np.abs(classifier.coef_[0][: len(NUMERICAL)])
        schema = [{"name": n, "type": "numerical", "min": round(float(x_train[:, i].min()), 3), "max": round(float(x_train[:, i].max()), 3),
                   "importance": round(float(importance[i] / importance.sum() * 0.8), 3)} for i, n in enumerate(NUMERICAL)]
        schema.append({"name": "channel", "type": "categorical", "categories": CHANNELS, "importance": 0.2})
        portal.put_model(args.model, "binary", features=schema, description="Logistic regression on synthetic data (portal_client example)",
                         owner="python-example", versions=["v1"])

        # 3. The reference dataset: the features, the model's score, its decision (the same threshold as in serving,
        #    so CBPE estimates the deployed classifier) and the true label of every validation row.
        reference = {n: x_ref[:, i].round(4) for i, n in enumerate(NUMERICAL)}
        reference.update(channel=[CHANNELS[c] for c in c_ref], score=ref_scores.round(5),
                         prediction=(ref_scores >= 0.5).astype(int), label=y_ref)
        stored = portal.upload_reference(args.model, reference)
        print(f"reference version {stored['version']}: {stored['rows']} rows")

        # 4. Serve: two hours of requests ending 30 minutes ago; after the first hour high "amount" customers come in
        #    much more often and "tenure" is read with an offset (an upstream unit change), which hurts accuracy.
        n = args.predictions
        end = datetime.now(timezone.utc) - timedelta(minutes=30)
        start = end - timedelta(hours=2)
        drifted_pool = np.argsort(x_live[:, 0])[len(x_live) // 2:]  # the upper half of "amount"
        served = []
        for i in range(n):
            when = start + (end - start) * i / n
            drifting = i >= n // 2
            row = int(rng.choice(drifted_pool) if drifting and rng.random() < 0.8 else rng.integers(len(x_live)))
            features = x_live[row].copy()
            if drifting:
                features[2] += 1.0
            began = time.perf_counter()
            score = float(classifier.predict_proba(model_input(features[None, :], c_live[row:row + 1]))[0, 1])
            latency_ms = (time.perf_counter() - began) * 1000 + float(rng.gamma(2.0, 4.0))  # plus simulated network/queueing
            pid = portal.log_prediction(args.model, features=features_of(features, int(c_live[row])), prediction=int(score >= 0.5),
                                        score=score, latency_ms=latency_ms, model_version="v1",
                                        segment="mobile" if c_live[row] == 1 else "desktop", timestamp=when)
            served.append((pid, int(y_live[row]), when))
        portal.flush()
        print(f"served {n} predictions: accepted {portal.stats.accepted}, rejected {portal.stats.rejected}")

        # 5. Labels arrive later, for 80 % of the predictions, 5-30 minutes after each.
        for pid, label, when in served:
            if rng.random() < 0.8:
                portal.log_feedback(args.model, pid, label, timestamp=when + timedelta(minutes=float(rng.uniform(5, 30))))
        portal.flush()
        print(f"sent labels: {portal.stats.accepted - n} accepted")

        # 6. Analyse now instead of waiting for the schedules (drift hourly, quality every 15 minutes).
        portal.request("POST", f"/api/v1/models/{args.model}/drift/run")
        portal.request("POST", f"/api/v1/models/{args.model}/quality/run")
        drift = wait_for(portal, f"/api/v1/models/{args.model}/drift/runs/latest", lambda run: True)
        quality = wait_for(portal, f"/api/v1/models/{args.model}/quality?window=1d", lambda answer: answer.get("results"))
        summary = portal.summary(args.model, "3h")

    print(f"summary (3h): {summary['predictions']} predictions, {summary['quality']['labelled']} labelled, "
          f"accuracy {summary['quality']['accuracy']:.3f}")
    if drift:
        print(f"drift run (last hour vs reference): {drift['driftedFeatures']} of {drift['features']} features drifted, "
              f"severity {drift['severity']}, prediction PSI {drift['predictionPsi']:.2f}, MMD p {drift['mmdPValue']:.3f}")
    if quality:
        row = next(r for r in quality["results"] if not r["version"] and not r["segment"])
        print(f"quality (1d): accuracy {row['accuracy']:.3f}, estimated without labels (CBPE) {row['estimatedAccuracy']:.3f} "
              f"[{row['estimatedAccuracyLower']:.3f}, {row['estimatedAccuracyUpper']:.3f}]")
    print(f"open {args.url}/models/{args.model}?tab=drift and ?tab=quality")


def wait_for(portal: Portal, path: str, ready: Callable[[Any], Any], seconds: float = 120) -> Any:
    """The answer of ``path`` once ``ready`` says it is there (the jobs run in the background); None after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answer = portal.request("GET", path)
            if answer and ready(answer):
                return answer
        except PortalError as e:
            if e.status != 404:
                raise
        time.sleep(2)
    return None


if __name__ == "__main__":
    main()
