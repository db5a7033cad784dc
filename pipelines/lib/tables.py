"""Writing and reading the pipeline's tables through their contracts.

Every write conforms the frame to the table's contract (exact Arrow types, column order) and
records the contract version plus the given versions in the Parquet schema metadata; the files
themselves are laid out by `parquet_io`. Quarantine rows are kept per producing stage:
`quarantine/stage=<stage>/date=<YYYY-MM-DD>/part-0.parquet`, so `pd.read_parquet` on
`data/coded/quarantine` reads all of them (with `stage` and `date` columns from the path).
"""

from __future__ import annotations

from collections.abc import Mapping
import pandas as pd

from pipelines.lib import parquet_io
from pipelines.lib.contracts import conform, load_contract
from pipelines.lib.locations import StoragePath

STAGING = "_staging"


def write(root: StoragePath, table: str, partition: str, frame: pd.DataFrame, metadata: Mapping[str, str], folder: str | None = None) -> StoragePath:
    """Conform `frame` to `table`'s contract and atomically replace one partition."""
    contract = load_contract(table)
    arrow = conform(_with_columns(frame, contract.column_names), contract)
    return parquet_io.write_partition(root, folder or table, partition, arrow, metadata)


def write_quarantine(root: StoragePath, stage: str, partition: str, frame: pd.DataFrame) -> StoragePath:
    """Replace a stage's quarantine rows for one partition (an empty frame clears them)."""
    return write(root, "quarantine", partition, frame, {"stage": stage}, folder=f"quarantine/stage={stage}")


def write_snapshot(root: StoragePath, table: str, frame: pd.DataFrame) -> StoragePath:
    """An unpartitioned quarantine-shaped table (the latest scan's rejected inputs), replaced atomically."""
    contract = load_contract("quarantine")
    arrow = conform(_with_columns(frame, contract.column_names), contract)
    return parquet_io.write_unpartitioned(root, table, arrow, {"table": table})


def read(root: StoragePath, table: str, partition: str, folder: str | None = None) -> pd.DataFrame:
    """One partition as a DataFrame; an empty frame with the contract's columns when absent."""
    try:
        return parquet_io.read_partition(root, folder or table, partition).to_pandas()
    except FileNotFoundError:
        return pd.DataFrame(columns=list(load_contract(table).column_names))


def _with_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty frame gets the contract's columns, so a zero-row partition is still well typed."""
    if frame.empty and not len(frame.columns):
        return pd.DataFrame(columns=list(columns))
    return frame
