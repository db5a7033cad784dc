"""Blocking asset checks: the table contracts' Great Expectations suites.

A failing check stops the run before anything downstream (publishing included), so the last
good partition stays what readers load. The failing rows go to the quarantine table.
"""


from collections.abc import Callable, Iterator

import dagster as dg
import pandas as pd

from pipelines.defs.coding.assets import coded_events
from pipelines.defs.ingest.assets import documents
from pipelines.defs.resources import StorageResource
from pipelines.lib import tables


# Rows validated in one Great Expectations call: a suite costs about 0.4 s a call however small
# the frame, so the dates of a run are validated together, in groups that bound the memory used.
ROWS_PER_VALIDATION = 200_000


def run_suite(
    context: dg.AssetCheckExecutionContext, storage: StorageResource, table: str,
    read: Callable[[str], pd.DataFrame], key: str, stage: str,
    params: Callable[[list[str]], dict] = lambda dates: {},
    alone: Callable[[str, pd.DataFrame], bool] = lambda date, frame: False,
) -> dg.AssetCheckResult:
    """Validate the run's dates with their table's suite; quarantine failing rows; report observed vs expected.

    `read(date)` gives one date's frame and `params(dates)` the suite parameters of a group of
    dates. The dates of a run are validated in groups (one Great Expectations call each) that
    give every row the verdict it would get in its date alone (`validation_groups`); a date for
    which `alone` says so is validated by itself. A failing row is quarantined under its own
    date; the check fails if any date does.
    """
    from pipelines.lib.validation import quarantine_rows, validate_table

    partitioned = context.has_partition_key or context.has_partition_key_range
    dates = list(context.partition_keys) if partitioned else [None]
    reports, failed_dates, quarantined = [], set(), 0
    for group in validation_groups(table, dates, read, alone):
        group_dates = [date for date, _ in group]
        frames = [frame for _, frame in group]
        frame = frames[0] if len(frames) == 1 else pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        row_dates = [date for date, part in group for _ in range(len(part))]
        report = validate_table(
            table, frame, params(group_dates), data_docs_dir=storage.data_docs_dir(table, _docs_name(group_dates)),
            partitions=row_dates if len(group) > 1 else None,
        )
        reports.append(report)
        if report.success or not partitioned:
            continue
        rows = quarantine_rows(frame, report, table, key, row_dates, context.run.run_id)
        for date, date_rows in rows.groupby("partition", sort=True):
            tables.write_quarantine(storage.coded, stage, date, date_rows.reset_index(drop=True))
            context.log.warning(f"{table} {date}: {sum(1 for i in report.bad_row_indices if row_dates[i] == date)} rows quarantined")
            failed_dates.add(date)
        quarantined += len(report.bad_row_indices)
    docs = [str(report.data_docs_path) for report in reports if report.data_docs_path]
    return dg.AssetCheckResult(
        passed=all(report.success for report in reports),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": sum(report.n_rows for report in reports),
            "dates": len(dates) if partitioned else 0,
            "validations": len(reports),
            "failed_dates": dg.MetadataValue.json(sorted(failed_dates)),
            "failed_expectations": sum(len(report.failures) for report in reports),
            "quarantined_rows": quarantined,
            "results": dg.MetadataValue.md("\n\n".join(_results_table(report) for report in reports)),
            "data_docs": (dg.MetadataValue.path(docs[0]) if len(docs) == 1 else dg.MetadataValue.json(docs)) if docs else "",
        },
    )


def validation_groups(
    table: str, dates: list, read: Callable[[str], pd.DataFrame], alone: Callable[[str, pd.DataFrame], bool],
) -> Iterator[list[tuple[str | None, pd.DataFrame]]]:
    """The dates' frames in groups to validate together, each row getting its own date's verdict.

    Only tables whose suite is row-wise apart from uniqueness are grouped (`shared_unique_columns`);
    a date joins the first open group under ROWS_PER_VALIDATION rows that shares none of its
    values of a unique column (they never repeat across dates: doc ids, event ids). A date with
    a null in such a column, or that `alone` names, is validated by itself.
    """
    from pipelines.lib.validation import shared_unique_columns

    columns = shared_unique_columns(table)
    open_groups: list[tuple[list, list[set], list[int]]] = []  # (members, value sets, [rows])
    for date in dates:
        frame = read(date)
        values = _value_sets(frame, columns) if columns is not None and date is not None else None
        if values is None or alone(date, frame):
            yield [(date, frame)]
            continue
        for members, group_values, rows in open_groups:
            if rows[0] + len(frame) <= ROWS_PER_VALIDATION and all(mine.isdisjoint(theirs) for mine, theirs in zip(values, group_values)):
                members.append((date, frame))
                for mine, theirs in zip(values, group_values):
                    theirs |= mine
                rows[0] += len(frame)
                break
        else:
            open_groups.append(([(date, frame)], values, [len(frame)]))
        if sum(rows[0] for _, _, rows in open_groups) > ROWS_PER_VALIDATION:  # bound the memory held
            largest = max(range(len(open_groups)), key=lambda i: open_groups[i][2][0])
            yield open_groups.pop(largest)[0]
    for members, _, _ in open_groups:
        yield members


def _value_sets(frame: pd.DataFrame, columns: list[str]) -> list[set] | None:
    """The values of each column in the frame; None if a column is missing or has a null."""
    sets = []
    for column in columns:
        if column not in frame.columns or frame[column].isna().any():
            return None
        sets.append(set(frame[column].tolist()))
    return sets


def _docs_name(dates: list[str | None]) -> str | None:
    """The Data Docs folder of a group of dates: the date, or first_last for several."""
    return dates[0] if len(dates) == 1 else f"{dates[0]}_{dates[-1]}"


def _results_table(report) -> str:
    lines = ["| expectation | column | ok | observed | expected |", "|---|---|---|---|---|"]
    lines += [
        f"| {o.expectation_type} | {o.column or ''} | {'yes' if o.success else '**no**'} | {o.observed} | {o.expected} |"
        for o in report.results
    ]
    return "\n".join(lines)


@dg.asset_check(asset=documents, blocking=True, description="documents contract: GX suite schemas/expectations/documents.json")
def documents_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    return run_suite(context, storage, "documents", lambda date: tables.read(storage.coded, "documents", date), "doc_id", "documents_check")


@dg.asset_check(asset=coded_events, blocking=True, description="events contract: GX suite schemas/expectations/events.json")
def events_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    ids: dict[str | None, list[str]] = {}

    def document_ids(date: str | None) -> list[str]:
        if date not in ids:
            ids[date] = tables.read(storage.coded, "documents", date)["doc_id"].tolist()
        return ids[date]

    def foreign_documents(date: str, frame: pd.DataFrame) -> bool:
        # Events must name their own date's documents; a date whose events name others is checked
        # alone, so the union of the group's document ids cannot let a wrong id pass.
        return not set(frame["doc_id"].dropna()) <= set(document_ids(date))

    return run_suite(
        context, storage, "events", lambda date: tables.read(storage.coded, "events", date, folder=f"{tables.STAGING}/events"),
        "event_id", "events_check",
        params=lambda dates: {"document_ids": [doc_id for date in dates for doc_id in document_ids(date)]},
        alone=foreign_documents,
    )


@dg.asset_check(asset="event_days", blocking=True, description="event_days contract: GX suite schemas/expectations/event_days.json")
def event_days_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    return run_suite(context, storage, "event_days", lambda date: tables.read(storage.coded, "event_days", date), "first_event_id", "event_days_check")


@dg.asset_check(asset="dyad_days", blocking=True, description="dyad_days contract: GX suite schemas/expectations/dyad_days.json")
def dyad_days_suite(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> dg.AssetCheckResult:
    return run_suite(context, storage, "dyad_days", lambda date: tables.read(storage.coded, "dyad_days", date), "event_date", "dyad_days_check")
