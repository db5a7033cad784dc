"""Publishing: validated events move to where readers load them, with a report for the UI."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.coding.assets import coded_events
from pipelines.defs.partitions import story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib import parquet_io, tables
from pipelines.lib.reports import events_chart, sample_markdown


@dg.asset(partitions_def=story_dates, deps=[coded_events], group_name="publish", kinds={"parquet"})
def events(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """The published events table: data/coded/events/date=YYYY-MM-DD (only validated partitions)."""
    date = context.partition_key
    staged = parquet_io.read_partition(storage.coded, f"{tables.STAGING}/events", date)
    metadata = parquet_io.read_metadata(parquet_io.partition_path(storage.coded, f"{tables.STAGING}/events", date))
    path = parquet_io.write_partition(storage.coded, "events", date, staged, metadata)
    frame = staged.to_pandas()
    chart = events_chart(storage.coded)
    return dg.MaterializeResult(
        metadata={
            "rows": len(frame),
            "path": dg.MetadataValue.path(str(path)),
            "sample": dg.MetadataValue.md(sample_markdown(frame)),
            "chart": dg.MetadataValue.md(f"![events per day by QuadClass]({chart.as_uri()})") if chart else "",
            "chart_path": dg.MetadataValue.path(str(chart)) if chart else "",
            **{key: metadata[key] for key in ("coder_version", "dictionary_version", "model") if key in metadata},
        }
    )
