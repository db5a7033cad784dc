"""Partitions: one per story date (YYYY-MM-DD), added as stories with new dates arrive.

The partitioned assets take a range of dates in one run (each date still written, validated and
quarantined on its own): a run's fixed costs (starting it, loading the coder, the validation
suites) are paid once per range instead of once per date. `BACKFILL_POLICY` makes a backfill
launched from the UI's asset graph run up to `DATES_PER_RUN` dates a run; `eventcoder pipeline
run` groups dates the same way (`pipelines/run.py`).
"""

import warnings
from collections.abc import Sequence

import dagster as dg

from pipelines.lib.locations import StoragePath

# `backfill_policy` is a beta parameter of @asset in Dagster 1.13: said once here, not on every import.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)

story_dates = dg.DynamicPartitionsDefinition(name="story_dates")

# A month of dates a run: few runs for a backfill of years, and a failure re-runs one month.
DATES_PER_RUN = 31
BACKFILL_POLICY = dg.BackfillPolicy.multi_run(max_partitions_per_run=DATES_PER_RUN)
CODED_EVENTS = dg.AssetKey("coded_events")  # whose failed partitions `range_run_requests` runs alone


def date_ranges(dates: list[str], partitions: Sequence[str], size: int | None = None) -> list[list[str]]:
    """The dates as runs: consecutive in the partitions' order (a range run covers every partition
    between its first and last date), at most `size` (DATES_PER_RUN) a run."""
    size = size or DATES_PER_RUN
    wanted = set(dates)
    ranges: list[list[str]] = []
    current: list[str] = []
    for partition in partitions:
        if partition in wanted and len(current) < size:
            current.append(partition)
            continue
        if current:
            ranges.append(current)
        current = [partition] if partition in wanted else []
    if current:
        ranges.append(current)
    placed = {date for group in ranges for date in group}
    return ranges + [[date] for date in dates if date not in placed]


def range_run_requests(
    instance: dg.DagsterInstance, dates: list[str], new_partitions: Sequence[str] = (), run_keys: bool = True
) -> list[dg.RunRequest]:
    """Run requests for story dates, grouped as `date_ranges`: one run per range of consecutive
    dates (a run's start-up, the coder and the validation suites are paid once per range, not once
    per date).

    `new_partitions` are dates being registered in the same tick (a sensor's partition requests,
    which Dagster applies before it launches the runs): they follow the registered ones. With
    `run_keys` each request has a run key unique within the tick (schedules need one; a sensor's
    would stop the same dates from ever being requested again). A date whose last coding attempt
    failed is requested alone, so that one bad date does not fail its whole range again.
    """
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    if not dates:
        return []
    registered = instance.get_dynamic_partitions(story_dates.name)
    known = set(registered)
    status = instance.get_status_by_partition(CODED_EVENTS, [d for d in dates if d in known], story_dates) or {}
    failed = [date for date in dates if status.get(date) == dg.AssetPartitionStatus.FAILED]
    order = [*registered, *(date for date in new_partitions if date not in known)]
    groups = date_ranges([date for date in dates if date not in failed], order)
    requests = []
    for group in [*groups, *([date] for date in failed)]:
        first, last = group[0], group[-1]
        key = (first if first == last else f"{first}..{last}") if run_keys else None
        if first == last:
            requests.append(dg.RunRequest(partition_key=first, run_key=key))
        else:
            tags = {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
            requests.append(dg.RunRequest(run_key=key, tags=tags))
    return requests


def emptied_dates(coded: StoragePath, registered: Sequence[str], present: Sequence[str]) -> list[str]:
    """Registered story dates no longer in data/raw whose `documents` partition still holds stories.

    Their stories were deleted or moved to another date: a run over such a date writes empty
    partitions (documents, events, day tables), so the coded tables stop showing stories that
    data/raw no longer has. Once cleared, a date is not asked for again.
    """
    from pipelines.lib import parquet_io

    present_dates = set(present)
    return [date for date in registered if date not in present_dates and parquet_io.partition_rows(coded, "documents", date) > 0]


def add_partition_metadata(context: dg.AssetExecutionContext, dates: list[str], date: str, metadata: dict) -> None:
    """`context.add_asset_metadata(metadata, partition_key=date)`, without a query per call.

    Dagster 1.13 checks the key by reading the dynamic partitions from the instance on every call
    (about 13 ms with SQLite: 150 calls in a run of 30 dates, five assets). Here the key is checked
    against `dates`, the run's partition keys read once, and the metadata recorded as
    add_asset_metadata records it; where that internal recording is not there (another Dagster
    version), the public call is made.
    """
    if date not in dates:
        raise dg.DagsterInvariantViolationError(f"partition {date!r} is not one of this run's partitions")
    step = getattr(getattr(context, "op_execution_context", None), "_step_execution_context", None)
    accumulator = getattr(step, "_metadata_accumulator", None)
    assets = getattr(step, "assets_def", None)
    if accumulator is None or assets is None or len(assets.keys) != 1 or not hasattr(accumulator, "with_additional_asset_metadata"):
        context.add_asset_metadata(metadata, partition_key=date)
        return
    step._metadata_accumulator = accumulator.with_additional_asset_metadata(asset_key=assets.key, metadata=metadata, partition_key=date)  # noqa: SLF001
