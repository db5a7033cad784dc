"""The one owner of the on-disk table layout: <root>/<table>/date=<YYYY-MM-DD>/part-0.parquet.

Writes are atomic: the new file is written and fsynced under a hidden temporary name in the same
folder, then moved over the old one with os.replace, so a reader sees the old partition or the new
one, never half of one. pyarrow's dataset discovery skips names starting with "." or "_", so a
temporary file left by a killed writer is never read; the next write of that partition removes it.

One writer per partition at a time: every write and delete holds an exclusive `flock` on a hidden
lock file beside the partition folder (`<table>/.date=<YYYY-MM-DD>.lock`). Dagster's queued run
coordinator already limits runs per partition, but in-process runs (`eventcoder pipeline run`)
bypass the queue. The kernel releases the lock when its holder dies, even by SIGKILL, and the
lock file is never deleted (deleting it would let two writers lock two different files).

On an object store (the root is an `s3://`, `gs://`, ... URL: `locations.py`) there are no
folders, renames or locks: the finished Parquet file is built in memory and stored with one PUT,
which the store publishes atomically, so readers still see the old partition or the new one. Two
writers of one partition cannot interleave bytes there either; the last PUT wins. Dagster's run
queue keeps runs of one partition one at a time (`dagster/partition` limit in dagster.yaml).

The directory name is a Hive partition key (`date=`), so `pd.read_parquet(root / table)` works for
users (it adds a `date` column from the folder names). No table may store a column named `date`.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipelines.lib.locations import StoragePath, as_path, is_local, put_object

PARTITION_KEY = "date"
PART_FILE = "part-0.parquet"
_TEMP_PREFIX = f".{PART_FILE}."
_TEMP_SUFFIX = ".tmp"
_PARTITION_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HIVE = ds.partitioning(pa.schema([(PARTITION_KEY, pa.date32())]), flavor="hive")


def partition_path(root: StoragePath | str, table: str, partition_value: str) -> StoragePath:
    """root/table/date=<value>/part-0.parquet; the value must be an ISO date (YYYY-MM-DD)."""
    if not _PARTITION_VALUE.match(partition_value):
        raise ValueError(f"partition value {partition_value!r} is not a YYYY-MM-DD date")
    return as_path(root) / table / f"{PARTITION_KEY}={partition_value}" / PART_FILE


def write_partition(
    root: StoragePath | str, table_name: str, partition_value: str, table: pa.Table, metadata: Mapping[str, str]
) -> StoragePath:
    """Atomically replace one partition with `table`, `metadata` merged into the schema metadata.

    A table with zero rows still replaces the old partition: an empty file with the schema is
    written, so the old rows disappear and readers still see the column types. Concurrent
    writers of one partition take turns (`partition_lock`), so the partition ends up as exactly
    one of their tables; a writer removes the temporary files it finds in the partition's
    folder, which under the lock can only be a killed writer's.
    """
    path = partition_path(root, table_name, partition_value)
    stored = _refuse_partition_key_column(table)
    if not is_local(path):
        _put_file(path, stored, metadata)
        return path
    with partition_lock(root, table_name, partition_value):
        _replace_file(path, stored, metadata)
    return path


@contextmanager
def partition_lock(root: StoragePath | str, table_name: str, partition_value: str) -> Iterator[Path]:
    """Hold one partition's exclusive lock (blocking until it is free); yields the lock file's path.

    Local folders only: an object store has no locks (see the module docstring).
    """
    folder = partition_path(root, table_name, partition_value).parent
    with _file_lock(folder.parent / f".{folder.name}.lock") as lock:
        yield lock


def write_unpartitioned(root: StoragePath | str, table_name: str, table: pa.Table, metadata: Mapping[str, str]) -> StoragePath:
    """Atomically replace a table that has no partitions: root/table/part-0.parquet."""
    path = as_path(root) / table_name / PART_FILE
    if not is_local(path):
        _put_file(path, table, metadata)
        return path
    with _file_lock(path.parent / f".{PART_FILE}.lock"):
        _replace_file(path, table, metadata)
    return path


@contextmanager
def _file_lock(lock: Path) -> Iterator[Path]:
    # flock, not fcntl record locks: it excludes threads of one process too (each open() is its own lock).
    lock.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield lock
    finally:
        os.close(descriptor)  # closing releases the lock


def _replace_file(path: Path, table: pa.Table, metadata: Mapping[str, str]) -> None:
    """Write beside the target under a hidden name, fsync, rename over it, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(path.parent)
    stored = _with_metadata(table, metadata)
    temp = path.parent / f"{_TEMP_PREFIX}{uuid.uuid4().hex}{_TEMP_SUFFIX}"
    try:
        with open(temp, "wb") as handle:
            _write_file(stored, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_directory(path.parent)


def _put_file(path: StoragePath, table: pa.Table, metadata: Mapping[str, str]) -> None:
    """Encode the whole file in memory, then store it with one atomic PUT (object stores)."""
    buffer = io.BytesIO()
    _write_file(_with_metadata(table, metadata), buffer)
    put_object(path, buffer.getvalue())


def _with_metadata(table: pa.Table, metadata: Mapping[str, str]) -> pa.Table:
    """`metadata` merged into the table's schema metadata (given keys win)."""
    merged = {**(table.schema.metadata or {}), **{k.encode(): v.encode() for k, v in metadata.items()}}
    return table.replace_schema_metadata(merged)


def _write_file(table: pa.Table, handle: BinaryIO) -> None:
    """The Parquet encoder itself; kept separate so a test can make it fail mid-write."""
    pq.write_table(table, handle)


def _remove_stale_temp_files(folder: Path) -> None:
    # Only a writer killed between open() and os.replace leaves one; it is garbage by now.
    for stale in folder.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable: without it a power cut can bring back the old directory entry.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _refuse_partition_key_column(table: pa.Table) -> pa.Table:
    """A stored column named like the Hive key would clash with it when the folder is read."""
    if PARTITION_KEY in table.column_names:
        raise ValueError(f"a column named {PARTITION_KEY!r} clashes with the partition folders; rename it")
    return table


def read_partition(root: StoragePath | str, table_name: str, partition_value: str) -> pa.Table:
    """One partition as written (exact Arrow types and metadata); FileNotFoundError if absent."""
    where, filesystem = _arrow_location(partition_path(root, table_name, partition_value))
    return pq.read_table(where, filesystem=filesystem, partitioning=None)


def partition_rows(root: StoragePath | str, table_name: str, partition_value: str) -> int:
    """The number of rows of one partition, from its file's footer; 0 when it is absent."""
    where, filesystem = _arrow_location(partition_path(root, table_name, partition_value))
    try:
        return pq.read_metadata(where, filesystem=filesystem).num_rows
    except FileNotFoundError:
        return 0


def _arrow_location(path: StoragePath) -> tuple[str | Path, object | None]:
    """What pyarrow needs to open a path: the local path alone, or the store's path and its fsspec file system."""
    if is_local(path):
        return Path(path), None
    return path.path, path.fs


def read_table(root: StoragePath | str, table_name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """All partitions of a table as one DataFrame (empty, without columns, if nothing is written yet).

    Reads through a pyarrow dataset, as `pd.read_parquet` does, without the `date` folder key
    (every table carries its dates as columns); `columns` reads only those.
    """
    folder = as_path(root) / table_name
    if not folder.is_dir():
        return pd.DataFrame()
    where, filesystem = _arrow_location(folder)
    dataset = ds.dataset(where, filesystem=filesystem, format="parquet", partitioning=_HIVE)
    fragments = list(dataset.get_fragments())
    if not fragments:
        return pd.DataFrame()
    if columns is not None:
        return dataset.to_table(columns=columns).to_pandas()
    return dataset.to_table().drop_columns([PARTITION_KEY]).to_pandas()


def delete_partition(root: StoragePath | str, table_name: str, partition_value: str) -> bool:
    """Remove one partition's file and folder; True if there was one."""
    path = partition_path(root, table_name, partition_value)
    if not is_local(path):  # one object, no folder, no temporary files
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed
    if not path.parent.is_dir():
        return False
    with partition_lock(root, table_name, partition_value):
        existed = path.exists()
        path.unlink(missing_ok=True)
        _remove_stale_temp_files(path.parent)
        if path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()
    return existed


def list_partitions(root: StoragePath | str, table_name: str) -> tuple[str, ...]:
    """The partition values written for a table, sorted."""
    folder = as_path(root) / table_name
    prefix = f"{PARTITION_KEY}="
    return tuple(sorted(p.parent.name[len(prefix):] for p in folder.glob(f"{prefix}*/{PART_FILE}")))


def read_metadata(path: StoragePath) -> dict[str, str]:
    """The Parquet schema metadata of one file, decoded (pandas' and Arrow's own keys left out)."""
    where, filesystem = _arrow_location(path)
    raw = pq.read_schema(where, filesystem=filesystem).metadata or {}
    decoded = {k.decode(): v.decode() for k, v in raw.items()}
    return {k: v for k, v in decoded.items() if k not in ("pandas", "ARROW:schema")}
