"""Blocking asset checks: the table contracts' Great Expectations suites.

A failing check stops the run before anything downstream (publishing included), so the last
good partition stays what readers load. The failing rows go to the quarantine table.
"""


import dagster as dg
import pandas as pd

from pipelines.defs.coding.assets import coded_events
from pipelines.defs.ingest.assets import documents
from pipelines.defs.resources import StorageResource
from pipelines.lib import tables


def run_suite(
    context: dg.AssetCheckExecutionContext, storage: StorageResource, table: str, frame: pd.DataFrame,
    key: str, params: dict, stage: str,
) -> dg.AssetCheckResult:
    """Validate a frame with its table's suite; quarantine failing rows; report observed vs expected."""
    from pipelines.lib.validation import quarantine_rows, validate_table

    date = context.partition_key if context.has_partition_key else None
    report = validate_table(table, frame, params, data_docs_dir=storage.data_docs_dir(table, date))
    if not report.success and date:
        rows = quarantine_rows(frame, report, table, key, date, context.run.run_id)
        tables.write_quarantine(storage.coded, stage, date, rows)
        context.log.warning(f"{table} {date}: {len(report.bad_row_indices)} rows quarantined")
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": report.n_rows,
            "failed_expectations": len(report.failures),
            "quarantined_rows": len(report.bad_row_indices),
            "results": dg.MetadataValue.md(_results_table(report)),
            "data_docs": dg.MetadataValue.path(str(report.data_docs_path)) if report.data_docs_path else "",
        },
    )


def _results_table(report) -> str:
    lines = ["| expectation | column | ok | observed | expected |", "|---|---|---|---|---|"]
    lines += [
        f"| {o.expectation_type} | {o.column or ''} | {'yes' if o.success else '**no**'} | {o.observed} | {o.expected} |"
        for o in report.results
    ]
    return "\n".join(lines)


@dg.asset_check(asset=documents, blocking=True, description="documents contract: GX suite schemas/expectations/documents.json")
def documents_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    frame = tables.read(storage.coded, "documents", context.partition_key)
    return run_suite(context, storage, "documents", frame, "doc_id", {}, "documents_check")


@dg.asset_check(asset=coded_events, blocking=True, description="events contract: GX suite schemas/expectations/events.json")
def events_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    date = context.partition_key
    frame = tables.read(storage.coded, "events", date, folder=f"{tables.STAGING}/events")
    ids = tables.read(storage.coded, "documents", date)["doc_id"].tolist()
    return run_suite(context, storage, "events", frame, "event_id", {"document_ids": ids}, "events_check")


@dg.asset_check(asset="event_days", blocking=True, description="event_days contract: GX suite schemas/expectations/event_days.json")
def event_days_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    frame = tables.read(storage.coded, "event_days", context.partition_key)
    return run_suite(context, storage, "event_days", frame, "first_event_id", {}, "event_days_check")


@dg.asset_check(asset="dyad_days", blocking=True, description="dyad_days contract: GX suite schemas/expectations/dyad_days.json")
def dyad_days_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    frame = tables.read(storage.coded, "dyad_days", context.partition_key)
    return run_suite(context, storage, "dyad_days", frame, "event_date", {}, "dyad_days_check")
