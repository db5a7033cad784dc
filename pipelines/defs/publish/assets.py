"""Publishing: validated events move to where readers load them, with a report for the UI."""

import base64
import time

import dagster as dg

from pipelines.defs.coding.assets import coded_events
from pipelines.defs.partitions import BACKFILL_POLICY, add_partition_metadata, story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib import aggregates, parquet_io, tables
from pipelines.lib.locations import StoragePath, is_local
from pipelines.lib.reports import events_chart, sample_markdown


@dg.asset(partitions_def=story_dates, deps=[coded_events], group_name="publish", kinds={"parquet"}, backfill_policy=BACKFILL_POLICY)
def events(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """The published events table: data/coded/events/date=YYYY-MM-DD (only validated partitions).

    The chart of events per day is drawn once per run, after every date of the run is published.
    """
    dates = context.partition_keys
    for date in dates:
        started = time.perf_counter()
        staged = parquet_io.read_partition(storage.coded, f"{tables.STAGING}/events", date)
        metadata = parquet_io.read_metadata(parquet_io.partition_path(storage.coded, f"{tables.STAGING}/events", date))
        path = parquet_io.write_partition(storage.coded, "events", date, staged, metadata)
        frame = staged.to_pandas()
        add_partition_metadata(
            context, dates, date, {
                "rows": len(frame),
                "path": dg.MetadataValue.path(str(path)),
                "sample": dg.MetadataValue.md(sample_markdown(frame)),
                **{key: metadata[key] for key in ("coder_version", "dictionary_version", "model") if key in metadata},
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
    chart = events_chart(storage.coded)
    return dg.MaterializeResult(
        metadata={  # shared by every date of the run
            "chart": dg.MetadataValue.md(_embedded_png("events per day by QuadClass", chart)) if chart else "",
            "chart_path": dg.MetadataValue.path(_shown_path(chart)) if chart else "",
        }
    )


def _shown_path(path: StoragePath) -> str:
    """An absolute local path, or the object's URL."""
    return str(path.resolve()) if is_local(path) else str(path)


def _embedded_png(title: str, path: StoragePath) -> str:
    """Markdown showing the PNG inline: the UI is served over http and cannot load file:// links."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"![{title}](data:image/png;base64,{data})"


@dg.asset(partitions_def=story_dates, deps=[events], group_name="publish", kinds={"parquet"}, backfill_policy=BACKFILL_POLICY)
def event_days(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """One-a-day: one row per (event_date, source, target, code) with mention and document counts.

    Partitioned like the events it reads (by story date); an event dated another day is counted
    under its own event_date within this story date's partition.
    """
    dates = context.partition_keys
    for date in dates:
        frame = aggregates.event_days(tables.read(storage.coded, "events", date))
        path = tables.write(storage.coded, "event_days", date, frame, {})
        add_partition_metadata(
            context, dates, date, {"rows": len(frame), "mentions": int(frame["n_mentions"].sum()), "path": dg.MetadataValue.path(str(path))},
        )
    return dg.MaterializeResult()


@dg.asset(partitions_def=story_dates, deps=[event_days], group_name="publish", kinds={"parquet"}, backfill_policy=BACKFILL_POLICY)
def dyad_days(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """Daily dyad x QuadClass counts and mean Goldstein score: the time-series table."""
    dates = context.partition_keys
    for date in dates:
        frame = aggregates.dyad_days(tables.read(storage.coded, "events", date))
        path = tables.write(storage.coded, "dyad_days", date, frame, {})
        add_partition_metadata(context, dates, date, {"rows": len(frame), "path": dg.MetadataValue.path(str(path))})
    return dg.MaterializeResult()
