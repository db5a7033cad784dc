"""How long the events suite takes on 100,000 synthetic valid rows (prints figures, asserts nothing).

Run: `.venv/bin/python benchmarks/bench_validation.py [n_rows]`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
import pandas as pd

from pipelines.coder.codebook import load_codebook
from pipelines.lib.validation import validate_table


def synthetic_events(n_rows: int, n_docs: int = 5_000, seed: int = 0) -> pd.DataFrame:
    """Valid event rows with codes drawn from the whole codebook."""
    rng = np.random.default_rng(seed)
    entries = list(load_codebook().entries.values())
    picks = [entries[i] for i in rng.integers(0, len(entries), n_rows)]
    story = dt.date(2024, 3, 1)
    lag = rng.integers(0, 30, n_rows)
    doc = rng.integers(0, n_docs, n_rows)
    return pd.DataFrame(
        {
            "event_id": [f"ev{i:09d}" for i in range(n_rows)],
            "doc_id": [f"doc{d:06d}" for d in doc],
            "sentence_index": rng.integers(0, 40, n_rows).astype("int32"),
            "sentence_text": "The ministry said it would meet the delegation.",
            "story_date": [story] * n_rows,
            "event_date": [story - dt.timedelta(days=int(d)) for d in lag],
            "event_date_text": None,
            "date_precision": "day",
            "source_actor": "PRKGOV",
            "source_country": "PRK",
            "source_agent": "GOV",
            "source_text": "the ministry",
            "target_actor": "USA",
            "target_country": "USA",
            "target_agent": None,
            "target_text": "the delegation",
            "event_code": [e.code for e in picks],
            "event_root": [e.root for e in picks],
            "quad_class": np.array([e.quad_class for e in picks], dtype="int8"),
            "goldstein": [e.goldstein for e in picks],
            "verb_text": "meet",
            "rule_id": "consult.meet.v1",
            "mood": "factual",
            "action_place": None,
            "action_country": None,
            "lat": np.nan,
            "lon": np.nan,
            "coder_version": "bench",
            "dictionary_version": "bench",
            "model": "bench",
        }
    )


def main() -> None:
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    frame = synthetic_events(n_rows)
    params = {"document_ids": sorted(set(frame["doc_id"]))}
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (timed on its own: a one-off cost per process)

    imported = time.perf_counter()
    first = validate_table("events", frame, params)
    validated = time.perf_counter()
    validate_table("events", frame, params)
    again = time.perf_counter()
    print(f"rows: {n_rows}, expectations: {len(first.results)}, success: {first.success}")
    print(f"import great_expectations: {imported - started:.2f} s")
    print(f"validate_table, first call: {validated - imported:.2f} s")
    print(f"validate_table, second call: {again - validated:.2f} s")


if __name__ == "__main__":
    main()
