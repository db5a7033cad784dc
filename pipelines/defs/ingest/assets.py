"""Ingest: scan data/raw, register story dates, write the `documents` table per date."""


import datetime as dt

import dagster as dg
import pandas as pd

from pipelines.defs.partitions import BACKFILL_POLICY, add_partition_metadata, story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib import tables
from pipelines.lib.event_rows import document_record
from pipelines.lib.inventory import rejected_frame, scan


@dg.asset(group_name="ingest", kinds={"python"})
def raw_stories(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """Every story file in data/raw: registers one partition per story date and records rejected inputs."""
    inventory = scan(storage.raw)
    dates = inventory.dates()
    known = set(context.instance.get_dynamic_partitions(story_dates.name))
    new_dates = [date for date in dates if date not in known]
    if new_dates:
        context.instance.add_dynamic_partitions(story_dates.name, new_dates)
    rejected = inventory.undated_rejections()  # dated ones go to their date's quarantine
    tables.write_snapshot(storage.coded, "rejected_inputs", rejected_frame(rejected, "raw", None, context.run.run_id))
    for item in rejected:
        context.log.warning(f"rejected input {item.message()}")
    return dg.MaterializeResult(
        metadata={
            "stories": len(inventory.stories),
            "story_dates": len(dates),
            "new_dates": dg.MetadataValue.json(new_dates),
            "rejected_inputs": len(rejected),
        }
    )


@dg.asset(partitions_def=story_dates, deps=[raw_stories], group_name="ingest", kinds={"parquet"}, backfill_policy=BACKFILL_POLICY)
def documents(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """One row per story of the partition's date, read from data/raw (which is never modified).

    A run over a range of dates reads data/raw once and writes each date's partition on its own.
    """
    inventory = scan(storage.raw)
    now = dt.datetime.now(dt.timezone.utc)
    dates = context.partition_keys
    for date in dates:
        frame = pd.DataFrame([document_record(story, now) for story in inventory.stories_on(date)])
        path = tables.write(storage.coded, "documents", date, frame, {})
        rejected = inventory.rejected_on(date)
        tables.write_quarantine(storage.coded, "documents", date, rejected_frame(rejected, "documents", date, context.run.run_id))
        for item in rejected:
            context.log.warning(f"quarantined {item.message()}")
        warnings = inventory.warnings_on(date)
        for warning in warnings:
            context.log.warning(f"read with a warning: {warning}")
        add_partition_metadata(
            context, dates, date, {
                "rows": len(frame), "quarantined": len(rejected), "path": dg.MetadataValue.path(str(path)),
                "input_warnings": dg.MetadataValue.json(warnings),
            },
        )
    return dg.MaterializeResult()
