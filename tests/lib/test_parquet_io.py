"""Protects the on-disk layout users and Dagster rely on: exact partition paths, atomic replacement
(a failed or killed writer never damages or shadows the old partition), empty partitions that clear
old rows, contract types and version metadata surviving a round trip, and `pd.read_parquet` on a
table folder working, including dyad_days whose `date` column is also the partition key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.lib import parquet_io
from pipelines.lib.contracts import conform, load_contract
from pipelines.lib.parquet_io import (
    delete_partition,
    list_partitions,
    partition_path,
    read_metadata,
    read_partition,
    read_table,
    write_partition,
)

VERSIONS = {"coder_version": "0.1.0", "dictionary_version": "sha256:abc"}


def events_table(story_date: str, event_ids: list[str]) -> pa.Table:
    day = dt.date.fromisoformat(story_date)
    n = len(event_ids)
    frame = pd.DataFrame(
        {
            "event_id": event_ids, "doc_id": ["d1"] * n, "sentence_index": [0] * n, "sentence_text": ["s"] * n,
            "story_date": [day] * n, "event_date": [day] * n, "date_precision": ["story"] * n,
            "source_actor": ["PRKGOV"] * n, "source_text": ["Pyongyang"] * n, "target_actor": ["USA"] * n,
            "target_text": ["Washington"] * n, "event_code": ["036"] * n, "event_root": ["03"] * n,
            "quad_class": [1] * n, "goldstein": [4.0] * n, "verb_text": ["meet"] * n, "rule_id": ["r"] * n,
            "mood": ["intent"] * n, "coder_version": ["0.1.0"] * n, "dictionary_version": ["sha256:abc"] * n,
            "model": ["en_core_web_sm-3.8.0"] * n,
        }
    )
    return conform(frame, load_contract("events"))


def test_partition_path_is_table_then_hive_date_then_part_file(tmp_path: Path) -> None:
    assert partition_path(tmp_path, "events", "2024-03-01") == tmp_path / "events" / "date=2024-03-01" / "part-0.parquet"


@pytest.mark.parametrize("value", ["2024-3-1", "../../etc", "2024-03-01/x", ""])
def test_partition_value_must_be_an_iso_date(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        partition_path(tmp_path, "events", value)


def test_written_partition_reads_back_with_contract_types_and_versions(tmp_path: Path) -> None:
    path = write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1", "e2"]), VERSIONS)
    assert path == partition_path(tmp_path, "events", "2024-03-01")
    table = read_partition(tmp_path, "events", "2024-03-01")
    assert table.schema.equals(load_contract("events").arrow_schema(), check_metadata=False)
    metadata = read_metadata(path)
    assert metadata == {"table": "events", "contract_version": str(load_contract("events").version), **VERSIONS}
    assert table.column("event_code").to_pylist() == ["036", "036"]


def test_rewrite_replaces_the_partition(tmp_path: Path) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1", "e2"]), VERSIONS)
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e3"]), VERSIONS)
    assert read_partition(tmp_path, "events", "2024-03-01").column("event_id").to_pylist() == ["e3"]


def test_failed_write_leaves_the_old_partition_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["old"]), VERSIONS)

    def write_half_then_fail(table: pa.Table, handle) -> None:
        handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(parquet_io, "_write_file", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["new"]), VERSIONS)
    assert read_partition(tmp_path, "events", "2024-03-01").column("event_id").to_pylist() == ["old"]
    assert [p.name for p in (tmp_path / "events" / "date=2024-03-01").iterdir()] == ["part-0.parquet"]


def test_temp_file_of_a_killed_writer_is_never_read_and_is_removed_by_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1"]), VERSIONS)
    temp_names: list[str] = []

    def record_name_then_fail(table: pa.Table, handle) -> None:
        temp_names.append(Path(handle.name).name)
        raise OSError("killed")

    monkeypatch.setattr(parquet_io, "_write_file", record_name_then_fail)
    with pytest.raises(OSError):
        write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e2"]), VERSIONS)
    monkeypatch.undo()
    # A SIGKILL would have left the writer's temporary file behind: put one there under its real name.
    leftover = tmp_path / "events" / "date=2024-03-01" / temp_names[0]
    leftover.write_bytes(b"PAR1 truncated by SIGKILL")
    assert list(read_table(tmp_path, "events")["event_id"]) == ["e1"]
    assert list(pd.read_parquet(tmp_path / "events")["event_id"]) == ["e1"]
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e3"]), VERSIONS)
    assert not leftover.exists()


def test_empty_partition_clears_old_rows_and_keeps_the_schema(tmp_path: Path) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1", "e2"]), VERSIONS)
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", []), VERSIONS)
    table = read_partition(tmp_path, "events", "2024-03-01")
    assert table.num_rows == 0
    assert table.schema.equals(load_contract("events").arrow_schema(), check_metadata=False)


def test_pandas_reads_a_table_folder_of_two_partitions(tmp_path: Path) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1", "e2"]), VERSIONS)
    write_partition(tmp_path, "events", "2024-03-02", events_table("2024-03-02", ["e3"]), VERSIONS)
    users_view = pd.read_parquet(tmp_path / "events")
    assert sorted(users_view["event_id"]) == ["e1", "e2", "e3"]
    ours = read_table(tmp_path, "events")
    assert list(ours.columns) == list(load_contract("events").column_names), "hive `date` key must not be added"
    assert sorted(ours["story_date"].unique()) == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]
    assert list_partitions(tmp_path, "events") == ("2024-03-01", "2024-03-02")


def test_a_column_named_like_the_partition_key_is_refused(tmp_path: Path) -> None:
    table = pa.table({"date": pa.array([dt.date(2024, 3, 1)], pa.date32()), "n": [1]})
    with pytest.raises(ValueError, match="clashes with the partition folders"):
        write_partition(tmp_path, "anything", "2024-03-01", table, VERSIONS)


def test_delete_partition_removes_its_folder(tmp_path: Path) -> None:
    write_partition(tmp_path, "events", "2024-03-01", events_table("2024-03-01", ["e1"]), VERSIONS)
    assert delete_partition(tmp_path, "events", "2024-03-01")
    assert not (tmp_path / "events" / "date=2024-03-01").exists()
    assert not delete_partition(tmp_path, "events", "2024-03-01")


def test_reading_a_table_never_written_gives_an_empty_frame(tmp_path: Path) -> None:
    assert read_table(tmp_path, "events").empty
    with pytest.raises(FileNotFoundError):
        read_partition(tmp_path, "events", "2024-03-01")
