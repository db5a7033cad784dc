"""Jobs: coding one story date end to end (ingest, code, validate, publish, aggregate)."""

import dagster as dg

code_stories_job = dg.define_asset_job(
    name="code_stories",
    selection=dg.AssetSelection.groups("ingest", "coding", "publish") - dg.AssetSelection.assets("raw_stories"),
    description="Code one story date: documents -> coded_events (+ blocking checks) -> events and aggregates.",
)

scan_raw_job = dg.define_asset_job(
    name="scan_raw",
    selection=dg.AssetSelection.assets("raw_stories"),
    description="Scan data/raw: register story dates as partitions and record rejected inputs.",
)
