"""Runs whose process died: marked failed, so their dates can be coded again.

A run stays STARTED in the Dagster instance when the process running it is killed (`kill -9`,
the machine's out-of-memory killer, a closed laptop lid during `dagster dev`): Dagster's default
run launcher cannot tell. Such a run would hold its date's one-run-per-date limit (the instance's
`tag_concurrency_limits` on `dagster/partition`) for ever, so every later run of that date would
wait in the queue. Each run records the process id of its worker when it starts; a run whose
worker no longer exists on this machine is reported failed, with the reason.

The instance this project sets up is local (`.dagster/`, SQLite), so every run's worker ran on
this machine. A process id reused by an unrelated process only keeps a dead run STARTED longer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class OrphanedRun:
    run_id: str
    job_name: str
    dates: str  # the partition, or the first..last of a range run, or "" for unpartitioned jobs
    pid: int


def fail_orphaned_runs(instance) -> list[OrphanedRun]:
    """Report every STARTED run whose worker process is gone as failed; return what was failed."""
    import dagster as dg

    orphaned = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        pid = _worker_pid(instance, run.run_id)
        if pid is None or _alive(pid):
            continue
        instance.report_run_failed(
            run,
            message=(
                f"The process running it (pid {pid}) ended without finishing it: killed or crashed. "
                "Marked failed so that its dates can be coded again; tables are only ever replaced "
                "whole, so no half-written table was left."
            ),
        )
        orphaned.append(OrphanedRun(run.run_id, run.job_name, _dates(run.tags), pid))
    return orphaned


def _worker_pid(instance, run_id: str) -> int | None:
    """The process id the run's RUN_START event was written from."""
    import dagster as dg

    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    event = records[0].event_log_entry.dagster_event if records else None
    return event.pid if event is not None else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _dates(tags) -> str:
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if start and end:
        return start if start == end else f"{start}..{end}"
    return tags.get("dagster/partition", "")
