"""Throughput of `eventcoder pipeline run --executor dask` with one Dask worker against two (prints figures, asserts nothing).

Run: `.venv/bin/python benchmarks/bench_distributed.py [--stories N] [--in-process]`.

Each configuration gets a fresh local Dask cluster (`LocalCluster`, worker processes of one
thread each, as `dask worker --nthreads 1` starts them), a fresh Dagster instance, coded folder
and parse cache, and codes the same generated corpus (benchmarks/corpus.py: stories spread over
30 story dates, so one run per date). Before the clock starts every worker loads what the steps
need (spaCy, the coder, Dagster, Great Expectations); that start-up is reported apart. With
`--in-process` the default one-run-at-a-time in-process backfill is measured too, as a reference.

What the figures include: with two workers two runs are in flight, each orchestrated from a child
process of the backfill (started inside the timed part, as `eventcoder pipeline run` starts them);
every step on Dask also rebuilds the job and the instance in its worker (about half a second).
Small corpora (a few stories per date) therefore measure overhead; `--stories 600` gives about
twenty stories per date. On a machine with fewer free cores than workers the second worker
cannot help much.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Measurement:
    label: str
    workers: int
    startup_seconds: float
    seconds: float
    dates: int
    documents: int
    events: int
    exit_status: int


def write_stories(path: Path, n_stories: int) -> None:
    """The benchmark corpus from benchmarks/corpus.py, or a few simple stories when it is absent."""
    try:
        from corpus import write_corpus
    except ImportError:
        _write_simple_stories(path, n_stories)
        return
    write_corpus(path, n_stories)


def _write_simple_stories(path: Path, n_stories: int) -> None:
    rng = random.Random(20240301)
    pairs = [("Kenyan", "Somalia"), ("French", "Germany"), ("Japanese", "China"), ("Peruvian", "Bolivia")]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(n_stories):
            adjective, country = rng.choice(pairs)
            text = f"The {adjective} foreign minister met officials from {country} on Monday. Both sides praised the talks."
            story = {"id": f"bench-{number}", "date": f"2024-03-{1 + number % 10:02d}", "text": text}
            handle.write(json.dumps(story) + "\n")


def warm_worker() -> int:
    """Load spaCy, the coder, the job and Great Expectations once in a worker process; returns its pid."""
    import great_expectations  # noqa: F401  (the checks import it on first use: seconds)

    from pipelines.defs.resources import CoderResource
    from pipelines.distributed import code_stories_on_dask

    code_stories_on_dask()
    CoderResource().coder()
    return os.getpid()


def measure_dask(workers: int, raw: Path, work: Path) -> Measurement:
    """A backfill of `raw` on a fresh local cluster of `workers` single-thread worker processes."""
    from distributed import Client, LocalCluster

    from pipelines.run import run_backfill

    os.environ["DAGSTER_HOME"] = str(work / "dagster_home")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        begin = time.perf_counter()
        with Client(cluster) as client:
            client.run(warm_worker)
        startup = time.perf_counter() - begin
        begin = time.perf_counter()
        status = run_backfill(raw, work / "coded", dask_address=cluster.scheduler_address)
        seconds = time.perf_counter() - begin
    return _measurement(f"dask, {workers} worker{'s' if workers > 1 else ''}", workers, startup, seconds, work / "coded", status)


def measure_in_process(raw: Path, work: Path, one_story: Path) -> Measurement:
    """The default backfill, one run at a time in this process; a one-story backfill first loads everything."""
    from pipelines.run import run_backfill

    os.environ["DAGSTER_HOME"] = str(work / "dagster_home")
    begin = time.perf_counter()
    run_backfill(one_story, work / "warm" / "coded")
    startup = time.perf_counter() - begin
    begin = time.perf_counter()
    status = run_backfill(raw, work / "coded")
    seconds = time.perf_counter() - begin
    return _measurement("in-process (reference)", 0, startup, seconds, work / "coded", status)


def _measurement(label: str, workers: int, startup: float, seconds: float, coded: Path, status: int) -> Measurement:
    documents = pd.read_parquet(coded / "documents")
    events = pd.read_parquet(coded / "events") if (coded / "events").is_dir() else pd.DataFrame()
    return Measurement(
        label, workers, round(startup, 1), round(seconds, 1), documents["story_date"].nunique(), len(documents), len(events), status
    )


def print_report(measurements: list[Measurement]) -> None:
    print(f"\n{'configuration':<24} {'start-up s':>10} {'seconds':>8} {'dates':>6} {'docs':>6} {'events':>7} {'docs/s':>7} {'dates/min':>9} {'status':>6}")
    for m in measurements:
        print(
            f"{m.label:<24} {m.startup_seconds:>10.1f} {m.seconds:>8.1f} {m.dates:>6} {m.documents:>6} {m.events:>7}"
            f" {m.documents / m.seconds:>7.2f} {60 * m.dates / m.seconds:>9.1f} {m.exit_status:>6}"
        )
    by_workers = {m.workers: m for m in measurements}
    if 1 in by_workers and 2 in by_workers:
        print(f"\ntwo workers against one: {by_workers[1].seconds / by_workers[2].seconds:.2f}x the throughput")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=60, help="stories in the corpus (default 60, about 26 story dates)")
    parser.add_argument("--in-process", action="store_true", help="also measure the default in-process backfill")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as folder:
        work = Path(folder)
        (work / "raw").mkdir()
        (work / "one").mkdir()
        write_stories(work / "raw" / "corpus.jsonl", args.stories)
        write_stories(work / "one" / "corpus.jsonl", 1)
        measurements = [measure_dask(workers, work / "raw", work / f"dask-{workers}") for workers in (1, 2)]
        if args.in_process:
            measurements.append(measure_in_process(work / "raw", work / "in-process", work / "one"))
        print_report(measurements)
    return 0


if __name__ == "__main__":
    sys.exit(main())
