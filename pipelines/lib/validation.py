"""Runs a table's Great Expectations suite (schemas/expectations/<table>.json) on a DataFrame.

The suites are GX 1.x ExpectationSuite JSON, reviewed like code. Two conventions fill what a
static JSON file cannot hold (both documented in schemas/README.md):

* suite parameters, GX's own `{"$PARAMETER": "name"}`: `cameo_codes` and `max_story_date` are
  supplied here, others (`document_ids`) by the caller through `params`;
* derived columns, named with a leading underscore, which `add_derived_columns` computes before
  validating so that cross-column rules become plain GX expectations (see DERIVED_COLUMNS).

Each expectation's `meta.reason` is a template formatted with the offending row's values; it
becomes the quarantine reason. great_expectations is imported only inside functions: importing it
takes seconds, and most callers of this package never validate.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from pipelines.coder.codebook import load_codebook
from pipelines.lib.contracts import contracts_dir, load_contract

_NO_PARAMS: Mapping[str, object] = MappingProxyType({})
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


class SuiteError(ValueError):
    """The suite could not be evaluated (missing column or parameter, or GX raised): not bad data."""


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result. `unexpected_index` holds 0-based row positions of the input frame."""

    expectation_type: str
    column: str | None
    success: bool
    observed: str
    expected: str
    unexpected_count: int
    unexpected_index: tuple[int, ...]
    reason: str

    @property
    def rule(self) -> str:
        """The expectation and its column(s), e.g. "expect_column_values_to_be_in_set(event_code)"."""
        return f"{self.expectation_type}({self.column or ''})"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one table; `bad_row_indices` is the union of the failed rows."""

    success: bool
    table: str
    n_rows: int
    results: tuple[ExpectationOutcome, ...]
    bad_row_indices: tuple[int, ...]
    data_docs_path: Path | None

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.results if not outcome.success)


def suite_path(table: str) -> Path:
    """schemas/expectations/<table>.json."""
    return contracts_dir() / "expectations" / f"{table}.json"


@functools.cache
def _suite_text(table: str) -> str:
    path = suite_path(table)
    if not path.is_file():
        raise FileNotFoundError(f"no expectation suite for table {table!r} at {path}")
    return path.read_text(encoding="utf-8")


def load_suite(table: str) -> dict[str, Any]:
    """The suite as a fresh dict (GX mutates what it is given, so every caller gets its own copy)."""
    return json.loads(_suite_text(table))


def suite_parameters(suite: Mapping[str, Any]) -> frozenset[str]:
    """Names of the `{"$PARAMETER": name}` placeholders the suite uses."""
    return frozenset(
        value["$PARAMETER"]
        for expectation in suite["expectations"]
        for value in expectation["kwargs"].values()
        if isinstance(value, dict) and "$PARAMETER" in value
    )


def suite_columns(suite: Mapping[str, Any]) -> frozenset[str]:
    """Every column the suite's expectations name."""
    names: set[str] = set()
    for expectation in suite["expectations"]:
        for keyword in _COLUMN_KWARGS:
            value = expectation["kwargs"].get(keyword)
            names.update([value] if isinstance(value, str) else value or [])
    return frozenset(names)


def _event_code_root(df: pd.DataFrame) -> pd.Series:
    return df["event_code"].astype("string").str[:2]


def _codebook_quad_class(df: pd.DataFrame) -> pd.Series:
    quad = {code: entry.quad_class for code, entry in load_codebook().entries.items()}
    return df["event_code"].map(quad).astype("Int64")


def _codebook_goldstein(df: pd.DataFrame) -> pd.Series:
    goldstein = {code: entry.goldstein for code, entry in load_codebook().entries.items()}
    return df["event_code"].map(goldstein).astype("float64")


def _days_after_story(df: pd.DataFrame) -> pd.Series:
    delta = pd.to_datetime(df["event_date"]) - pd.to_datetime(df["story_date"])
    return delta.dt.days.astype("Int64")


def _doc_ids_count(df: pd.DataFrame) -> pd.Series:
    # Lists from pandas, numpy arrays from Parquet; anything without a length is a null.
    return df["doc_ids"].map(lambda ids: len(ids) if hasattr(ids, "__len__") else None).astype("Int64")


_CODEBOOK_COLUMNS: Mapping[str, Callable[[pd.DataFrame], pd.Series]] = {
    "_event_code_root": _event_code_root,
    "_codebook_quad_class": _codebook_quad_class,
    "_codebook_goldstein": _codebook_goldstein,
}
# Columns computed before validation so that cross-column rules are plain GX expectations.
DERIVED_COLUMNS: Mapping[str, Mapping[str, Callable[[pd.DataFrame], pd.Series]]] = MappingProxyType(
    {
        "events": {**_CODEBOOK_COLUMNS, "_days_after_story": _days_after_story},
        "event_days": {**_CODEBOOK_COLUMNS, "_doc_ids_count": _doc_ids_count},
    }
)


def add_derived_columns(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` indexed 0..n-1, with date32 columns as dates and the table's derived columns."""
    frame = df.reset_index(drop=True)
    for spec in load_contract(table).columns:
        # GX compares dates with the suite's ISO-string bounds only when the values are dates.
        if spec.type == "date32" and spec.name in frame and pd.api.types.is_datetime64_any_dtype(frame[spec.name]):
            frame[spec.name] = frame[spec.name].dt.date.astype(object)
    for name, derive in DERIVED_COLUMNS.get(table, {}).items():
        frame[name] = derive(frame)
    return frame


# Expectations that judge each row on its own (no `mostly`): validating several partitions' rows
# together gives every row the verdict it gets alone.
ROW_WISE_EXPECTATIONS = frozenset({
    "expect_column_values_to_not_be_null", "expect_column_values_to_match_regex", "expect_column_values_to_be_between",
    "expect_column_pair_values_to_be_equal", "expect_column_values_to_be_in_set", "expect_column_value_lengths_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b",
})
# When several partitions are validated together, each row's partition is this derived column
# and compound uniqueness holds within a partition (the key gets it as one more column).
PARTITION_COLUMN = "_partition"


def shared_unique_columns(table: str) -> list[str] | None:
    """Columns whose values must be unique across partitions validated together, or None when
    the table's partitions cannot be validated together (an aggregate expectation, a `mostly`).

    Frames of several partitions are validated together (`validate_table(..., partitions=...)`)
    with every other expectation row-wise and compound uniqueness made per partition; a
    single-column uniqueness (doc_id, event_id) stays as it is, so partitions sharing a value of
    such a column must be validated apart.
    """
    columns = []
    for expectation in load_suite(table)["expectations"]:
        kind, kwargs = expectation["type"], expectation["kwargs"]
        if "mostly" in kwargs:
            return None
        if kind == "expect_column_values_to_be_unique":
            columns.append(kwargs["column"])
        elif kind != "expect_compound_columns_to_be_unique" and kind not in ROW_WISE_EXPECTATIONS:
            return None
    return columns


def _per_partition_uniqueness(suite: dict[str, Any]) -> dict[str, Any]:
    """The suite with every compound uniqueness checked within each partition."""
    for expectation in suite["expectations"]:
        if expectation["type"] == "expect_compound_columns_to_be_unique":
            expectation["kwargs"]["column_list"] = [*expectation["kwargs"]["column_list"], PARTITION_COLUMN]
    return suite


def builtin_parameters(today: dt.date | None = None) -> dict[str, object]:
    """The suite parameters this module supplies: the codable CAMEO codes and tomorrow's date."""
    today = today or dt.date.today()
    return {
        "cameo_codes": sorted(load_codebook().entries),
        # Tomorrow, not today: a story dated in a time zone ahead of ours is not from the future.
        "max_story_date": (today + dt.timedelta(days=1)).isoformat(),
    }


def validate_table(
    name: str,
    df: pd.DataFrame,
    params: Mapping[str, object] = _NO_PARAMS,
    data_docs_dir: Path | None = None,
    partitions: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate `df` against schemas/expectations/<name>.json.

    `params` supplies the suite's parameters beyond the built-in ones (e.g. `document_ids` for
    events). With `data_docs_dir`, a static Data Docs site is built there and its index.html
    returned in the report. `partitions`, one per row, validates the rows of several partitions
    at once, compound uniqueness within each partition (see `shared_unique_columns`). Raises
    SuiteError if a column or parameter is missing or GX fails.
    """
    suite = load_suite(name)
    derived = set(DERIVED_COLUMNS.get(name, {}))
    if partitions is not None:
        if len(partitions) != len(df):
            raise ValueError(f"{name}: {len(partitions)} partitions for {len(df)} rows")
        suite, derived = _per_partition_uniqueness(suite), derived | {PARTITION_COLUMN}
    if missing := sorted(suite_columns(suite) - derived - set(df.columns)):
        raise SuiteError(f"{name}: the frame lacks columns the suite checks: {', '.join(missing)}")
    frame = add_derived_columns(name, df)
    if partitions is not None:
        frame[PARTITION_COLUMN] = list(partitions)
    values = {**builtin_parameters(), **{key: _parameter_value(value) for key, value in params.items()}}
    if missing := sorted(suite_parameters(suite) - values.keys()):
        raise SuiteError(f"{name}: suite parameters not supplied: {', '.join(missing)}")
    results, docs = _run_suite(name, frame, suite, values, data_docs_dir)
    outcomes = tuple(_outcome(result, suite) for result in results)
    bad_rows = sorted({i for outcome in outcomes if not outcome.success for i in outcome.unexpected_index})
    return ValidationReport(
        success=all(outcome.success for outcome in outcomes),
        table=name,
        n_rows=len(frame),
        results=outcomes,
        bad_row_indices=tuple(bad_rows),
        data_docs_path=docs,
    )


def _parameter_value(value: object) -> object:
    """Collections as sorted lists: GX serialises parameters into its results, and sets do not serialise."""
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, tuple | pd.Series | pd.Index) or hasattr(value, "tolist"):
        return list(value)
    return value


def _ephemeral_context() -> Any:
    """An in-memory GX context with analytics and progress bars off (they are noise in a pipeline log)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run_suite(
    name: str, frame: pd.DataFrame, suite: dict[str, Any], values: Mapping[str, object], data_docs_dir: Path | None
) -> tuple[list[Any], Path | None]:
    """Runs the suite on the whole frame as one batch; COMPLETE results carry the row indices."""
    import great_expectations as gx

    context = _ephemeral_context()
    asset = context.data_sources.add_pandas(f"{name}_frames").add_dataframe_asset(name)
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
    gx_suite = context.suites.add(gx.ExpectationSuite(**suite))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{name}_contract", data=batch_definition, suite=gx_suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=dict(values),
        result_format="COMPLETE",
    )
    docs = _build_data_docs(context, data_docs_dir) if data_docs_dir is not None else None
    return list(result.results), docs


def _build_data_docs(context: Any, directory: Path) -> Path:
    """Static Data Docs HTML for the context's (single) validation result; returns its index.html."""
    directory = directory.resolve()  # GX requires an absolute folder
    directory.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    context.add_data_docs_site("local_site", site)
    context.build_data_docs(site_names=["local_site"])
    return directory / "index.html"


def _outcome(result: Any, suite: Mapping[str, Any]) -> ExpectationOutcome:
    config = result.expectation_config
    if error := _raised(result):
        raise SuiteError(f"{suite['name']}: {config.type} on {_columns_of(config.kwargs)} failed to run: {error}")
    details = result.result or {}
    return ExpectationOutcome(
        expectation_type=config.type,
        column=_columns_of(config.kwargs),
        success=bool(result.success),
        observed=_observed(details),
        expected=_expected(config.kwargs),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_index=tuple(int(i) for i in details.get("unexpected_index_list") or ()),
        reason=(config.meta or {}).get("reason", ""),
    )


def _raised(result: Any) -> str | None:
    """The exception message GX caught while evaluating an expectation, if any."""
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    messages = [i.get("exception_message") or "error" for i in infos if i.get("raised_exception")]
    return "; ".join(messages) or None


def _columns_of(kwargs: Mapping[str, Any]) -> str | None:
    names: list[str] = []
    for keyword in _COLUMN_KWARGS:
        value = kwargs.get(keyword)
        names.extend([value] if isinstance(value, str) else value or [])
    return ", ".join(name for name in names if name != PARTITION_COLUMN) or None


def _observed(details: Mapping[str, Any]) -> str:
    if "observed_value" in details:
        return str(details["observed_value"])
    count, total = details.get("unexpected_count") or 0, details.get("element_count")
    sample = [_jsonable(value) for value in (details.get("partial_unexpected_list") or [])[:5]]
    text = f"{count} of {total} rows unexpected"
    return f"{text}, e.g. {sample}" if sample else text


def _expected(kwargs: Mapping[str, Any]) -> str:
    # Value sets of thousands of ids would swamp a log line; their size is what a reader needs.
    shown = {
        key: f"<{len(value)} values>" if isinstance(value, list | set | tuple) and len(value) > 10 else value
        for key, value in kwargs.items()
        if key not in _COLUMN_KWARGS and key != "batch_id"
    }
    return ", ".join(f"{key}={value}" for key, value in shown.items())


def quarantine_rows(
    df: pd.DataFrame,
    report: ValidationReport,
    table: str,
    key_column: str,
    partition: str | Sequence[str | None] | None,
    run_id: str | None,
) -> pd.DataFrame:
    """Rows for the quarantine table: one per bad row and failed expectation, with a readable reason.

    `df` must be the frame that was validated (row positions are the report's indices). The
    payload is the offending row as JSON, without derived columns, so it can be inspected or replayed.
    `partition` is the partition of every row, or (for frames of several partitions validated
    together) a sequence giving each row's partition by position.
    """
    positions = list(report.bad_row_indices)
    derived = add_derived_columns(report.table, df.iloc[positions])
    row_of = {position: j for j, position in enumerate(positions)}
    shared = {"table": table, "run_id": run_id, "quarantined_at": pd.Timestamp.now(tz="UTC")}
    per_row = partition is not None and not isinstance(partition, str)
    records = []
    for outcome in report.failures:
        for position in outcome.unexpected_index:
            values = {name: _jsonable(value) for name, value in derived.iloc[row_of[position]].items()}
            key = values.get(key_column)
            records.append(
                {
                    **shared,
                    "partition": partition[position] if per_row else partition,
                    "key": None if key is None else str(key),
                    "rule": outcome.rule,
                    "reason": _reason(outcome, values),
                    "raw_path": values.get("raw_path"),
                    "raw_line": values.get("raw_line"),
                    "payload": json.dumps({name: values[name] for name in df.columns}, ensure_ascii=False),
                }
            )
    return pd.DataFrame.from_records(records, columns=load_contract("quarantine").column_names)


def _reason(outcome: ExpectationOutcome, values: Mapping[str, object]) -> str:
    shown = {name: "null" if value is None else value for name, value in values.items()}
    try:
        return outcome.reason.format_map(shown) if outcome.reason else f"failed {outcome.rule}"
    except (KeyError, IndexError, ValueError):
        # A template naming a column the frame lacks must not lose the row: fall back to the rule.
        return f"failed {outcome.rule}"


def _jsonable(value: object) -> object:
    """A value as plain JSON-ready Python: None for nulls, ISO strings for dates, lists for arrays."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
