"""`eventcoder pipeline run`: the Dagster job over every story date in data/raw, on the local instance.

The runs go into the persistent instance at $DAGSTER_HOME (`.dagster/` in the repository by
default), so `dagster dev` shows them in its run history.

By default the runs execute in this process, one after the other, each over a range of up to
`DATES_PER_RUN` consecutive story dates (one run's start-up, coder and validation suites serve
them all; every date is still written and validated on its own). A range run that fails is
followed by one run per date of its range, so a bad date blocks only itself, as before. With a
Dask scheduler address the runs are of `code_stories_dask`, one per date: their steps execute on
the cluster's workers, and as many runs are in flight as the workers have threads, each
orchestrated from a child process (`pipelines/distributed.py`).
"""

from __future__ import annotations

import os
import multiprocessing
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipelines.lib.locations import StoragePath, is_local
from pipelines.lib.orphaned_runs import fail_orphaned_runs

REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RunSummary:
    """One date's run as the progress bar and the last line report it (plain data: child processes return it)."""

    date: str
    success: bool
    documents: int = 0
    events: int = 0


def ensure_dagster_home() -> Path:
    """Use $DAGSTER_HOME, or the repository's `.dagster/` with the project's instance settings."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPOSITORY / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    template = REPOSITORY / "scripts" / "dagster.yaml"
    if not settings.exists() and template.exists():
        shutil.copy(template, settings)
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return home


def run_config(raw: StoragePath, coded: StoragePath, rules_dir: Path | None = None) -> dict:
    """Point the storage resource at the given folders; keep Dagster's console log to warnings.

    `rules_dir` codes with the rule files in that folder instead of the built-in ones.
    """
    storage = {"raw_dir": str(raw), "coded_dir": str(coded), "cache_dir": str(coded.parent / "cache" / "parses")}
    resources: dict = {"storage": {"config": storage}}
    if rules_dir is not None:
        resources["coder"] = {"config": {"rules_dir": str(rules_dir)}}
    return {"resources": resources, "loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_backfill(
    raw: StoragePath, coded: StoragePath, rules_dir: Path | None = None, dask_address: str | None = None
) -> int:
    """Scan data/raw, then code every story date, one Dagster run per date. Returns an exit status.

    `raw` and `coded` are local folders or object-store URLs. With `dask_address` the runs'
    steps execute on that Dask scheduler's workers (local folders must then be visible to them
    at the same absolute path); without it, in this process.
    """
    ensure_dagster_home()
    import dagster as dg
    from tqdm import tqdm

    from pipelines.definitions import defs
    from pipelines.defs.partitions import date_ranges, emptied_dates, story_dates
    from pipelines.lib.inventory import scan

    instance = dg.DagsterInstance.get()
    for orphan in fail_orphaned_runs(instance):
        print(f"eventcoder: run {orphan.run_id} ({orphan.job_name} {orphan.dates}) was left STARTED by a process"
              f" that no longer exists (pid {orphan.pid}); marked failed", file=sys.stderr)
    if dask_address is not None:  # workers have their own working folders
        raw, coded, rules_dir = _absolute(raw), _absolute(coded), rules_dir and rules_dir.resolve()
    config = run_config(raw, coded, rules_dir)
    scan_result = defs.resolve_job_def("scan_raw").execute_in_process(run_config=config, instance=instance, raise_on_error=False)
    if not scan_result.success:
        print("eventcoder: scanning data/raw failed; see the run in the Dagster UI", file=sys.stderr)
        return 1
    inventory = scan(raw)
    _report_inputs(inventory)
    dates = inventory.dates()
    known = set(instance.get_dynamic_partitions(story_dates.name))
    if new_dates := [date for date in dates if date not in known]:
        instance.add_dynamic_partitions(story_dates.name, new_dates)
    if emptied := emptied_dates(coded, instance.get_dynamic_partitions(story_dates.name), dates):
        print(f"eventcoder: {len(emptied)} dates no longer have stories in data/raw; their tables are emptied: {', '.join(emptied)}", file=sys.stderr)
        dates = sorted([*dates, *emptied])
    if dask_address is None:
        summaries = _run_ranges(defs.resolve_job_def("code_stories"), instance, config, date_ranges(dates, instance.get_dynamic_partitions(story_dates.name)))
    else:
        launch, runs_at_once = _launcher(defs, instance, config, dask_address)
        summaries = _launch_all(dates, launch, runs_at_once)
    failed: list[str] = []
    totals = {"documents": 0, "events": 0, "dates": 0}
    try:
        with _stoppable(), tqdm(total=len(dates), desc="story dates", unit="date", file=sys.stderr, dynamic_ncols=True) as bar:
            for summary in summaries:
                if not summary.success:
                    failed.append(summary.date)
                totals["documents"] += summary.documents
                totals["events"] += summary.events
                totals["dates"] += 1
                bar.update(1)
                bar.set_postfix(documents=totals["documents"], events=totals["events"], failed=len(failed), refresh=False)
    except KeyboardInterrupt:
        print(
            f"eventcoder: interrupted after {totals['dates']} of {len(dates)} story dates; every table written is"
            " complete, the dates not reached keep their previous tables. Run again to finish.",
            file=sys.stderr,
        )
        return 130
    failed.sort()
    print(
        f"eventcoder: {len(dates)} story dates, {totals['documents']} documents, {totals['events']} events"
        f" -> {coded}; runs are in the Dagster instance at {os.environ['DAGSTER_HOME']}",
        file=sys.stderr,
    )
    if failed:
        print(f"eventcoder: {len(failed)} dates failed validation or coding: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _run_ranges(job, instance, config: dict, ranges: list[list[str]]) -> Iterator[RunSummary]:
    """One in-process run per range; a failed range is run again one date at a time."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    def run(**kwargs):
        return _stop_if_interrupted(job.execute_in_process(run_config=config, instance=instance, raise_on_error=False, **kwargs))

    for dates in ranges:
        if len(dates) == 1:
            yield summarize(dates[0], run(partition_key=dates[0]))
            continue
        result = run(tags={ASSET_PARTITION_RANGE_START_TAG: dates[0], ASSET_PARTITION_RANGE_END_TAG: dates[-1]})
        if result.success:
            yield from (summarize(date, result) for date in dates)
            continue
        # Which date failed is in the run's log; run each alone so the others are published.
        for date in dates:
            yield summarize(date, run(partition_key=date))


def _stop_if_interrupted(result):
    """Dagster turns Ctrl-C (or SIGTERM) during a run into that run's failure and carries on, or
    loses it altogether when it lands in a garbage-collection callback; whoever pressed it meant
    the whole command to stop."""
    interrupted = _signal_received()
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if (error is not None and error.cls_name == "DagsterExecutionInterruptedError") or (
            event.is_run_failure and "interrupted" in (event.message or "")
        ):
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt
    return result


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_wakeup: list[int] = []  # the read end of the signal wake-up pipe while `_stoppable` is active


@contextmanager
def _stoppable() -> Iterator[None]:
    """Ctrl-C or SIGTERM stops the command: between runs at once, during a run when it ends.

    Python writes every signal's number to the wake-up pipe whatever handler Dagster has put in
    place, so a signal is seen even when Dagster's handler swallowed it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signo, _frame):
        raise KeyboardInterrupt

    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    previous_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    previous_term = signal.signal(signal.SIGTERM, stop)
    _wakeup.append(read)
    try:
        yield
    finally:
        _wakeup.remove(read)
        signal.signal(signal.SIGTERM, previous_term)
        signal.set_wakeup_fd(previous_fd)
        os.close(read)
        os.close(write)


def _signal_received() -> bool:
    if not _wakeup:
        return False
    try:
        data = os.read(_wakeup[-1], 512)
    except BlockingIOError:
        return False
    return any(number in _STOP_SIGNALS for number in data)


def _launcher(defs, instance, config: dict, dask_address: str | None) -> tuple[Callable[[str], RunSummary], int]:
    """How one date's run is launched, and how many runs may be in flight at once."""
    if dask_address is None:
        job = defs.resolve_job_def("code_stories")

        def launch(date: str) -> RunSummary:
            result = job.execute_in_process(run_config=config, instance=instance, partition_key=date, raise_on_error=False)
            return summarize(date, _stop_if_interrupted(result))

        return launch, 1
    from pipelines.distributed import run_date_on_dask, worker_threads

    return partial(run_date_on_dask, run_config=config, address=dask_address), max(1, worker_threads(dask_address))


def _launch_all(dates: list[str], launch: Callable[[str], RunSummary], runs_at_once: int) -> Iterator[RunSummary]:
    """Summaries as runs finish: one after the other in this process, or from a pool of child processes.

    Processes, not threads: Dagster reconfigures Python's logging at the start of every run, which
    deadlocks against another thread's run logging at the same moment.
    """
    if runs_at_once <= 1 or len(dates) <= 1:
        for date in dates:
            yield launch(date)
        return
    # spawn: this process may hold threads (a LocalCluster's, tqdm's) that fork would copy mid-state.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(runs_at_once, len(dates)), mp_context=context) as pool:
        for future in as_completed([pool.submit(launch, date) for date in dates]):
            yield future.result()


def summarize(date: str, result) -> RunSummary:
    """Success, and the documents and events `coded_events` reported for one date, of its run."""
    documents = events = 0
    for event in result.get_asset_materialization_events():
        if event.asset_key.path == ["coded_events"] and event.materialization.partition in (date, None):
            metadata = event.materialization.metadata
            documents += int(metadata["documents"].value)
            events += int(metadata["events"].value)
    return RunSummary(date, result.success, documents, events)


def _absolute(location: StoragePath) -> StoragePath:
    """A local folder as an absolute path; a URL as it is."""
    return location.resolve() if is_local(location) else location


def _report_inputs(inventory) -> None:
    """Rejected inputs and warnings on stderr, as `eventcoder code` prints them; the runs record them too."""
    for item in inventory.rejected:
        print(f"eventcoder: rejected: {item.message()}", file=sys.stderr)
    for story in inventory.stories:
        for warning in story.warnings:
            print(f"eventcoder: warning: {story.where()}: {warning}", file=sys.stderr)

