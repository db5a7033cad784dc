"""Protects storage by URL (`pipelines/lib/locations.py`): tables, the parse cache and the raw scan work
on an object store exactly as on local disk, here fsspec's in-process `memory://` store (no network).

A partition written to memory:// reads back with the same content, types and version metadata;
a write that fails while encoding leaves the old object (one PUT of a finished file, or nothing);
local folders stay plain `pathlib.Path` (so local writes keep their lock, temp file and rename);
stores without atomic writes are refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from upath import UPath

from pipelines.lib import parquet_io
from pipelines.lib.inventory import scan
from pipelines.lib.locations import as_path, is_local
from pipelines.lib.parse_cache import ParseCache
from pipelines.lib.parquet_io import (
    delete_partition,
    list_partitions,
    partition_path,
    read_metadata,
    read_partition,
    read_table,
    write_partition,
)
from test_parquet_io import VERSIONS, events_table  # the same rows as the local layout tests

FIXTURES = Path(__file__).parents[1] / "fixtures" / "stories"
DATE = "2024-03-01"


@pytest.fixture()
def store() -> Iterator[UPath]:
    """A fresh folder in the process-wide memory:// store, removed afterwards."""
    root = as_path(f"memory://eventcoder-test-{uuid.uuid4().hex}")
    assert isinstance(root, UPath)
    yield root
    if root.fs.exists(root.path):
        root.fs.rm(root.path, recursive=True)


def test_local_folders_stay_plain_paths_and_urls_become_upaths() -> None:
    assert type(as_path("data/coded")) is type(Path("data/coded"))
    assert as_path("file:///srv/coded") == Path("/srv/coded")
    memory = as_path("memory://coded")
    assert isinstance(memory, UPath) and not is_local(memory)
    assert is_local(as_path("data/coded"))


def test_stores_without_atomic_writes_are_refused() -> None:
    with pytest.raises(ValueError, match="no atomic writes"):
        as_path("sftp://host/srv/coded")


def test_a_partition_written_to_memory_reads_back_with_the_same_content(store: UPath, tmp_path: Path) -> None:
    table = events_table(DATE, ["e1", "e2", "e3"])
    remote = write_partition(store, "events", DATE, table, VERSIONS)
    local = write_partition(tmp_path, "events", DATE, table, VERSIONS)

    assert str(remote) == f"{store}/events/date={DATE}/part-0.parquet"
    assert remote == partition_path(store, "events", DATE)
    assert read_partition(store, "events", DATE).equals(read_partition(tmp_path, "events", DATE))
    assert read_metadata(remote) == read_metadata(local)
    assert read_metadata(remote)["dictionary_version"] == VERSIONS["dictionary_version"]
    pd.testing.assert_frame_equal(read_table(store, "events"), read_table(tmp_path, "events"))
    assert list_partitions(store, "events") == (DATE,)


def test_a_rewrite_replaces_and_a_delete_removes_the_object(store: UPath) -> None:
    write_partition(store, "events", DATE, events_table(DATE, ["old"]), VERSIONS)
    write_partition(store, "events", DATE, events_table(DATE, ["new1", "new2"]), VERSIONS)
    assert read_partition(store, "events", DATE).column("event_id").to_pylist() == ["new1", "new2"]

    assert delete_partition(store, "events", DATE) is True
    assert list_partitions(store, "events") == ()
    with pytest.raises(FileNotFoundError):
        read_partition(store, "events", DATE)
    assert delete_partition(store, "events", DATE) is False


def test_a_write_failing_while_encoding_leaves_the_old_object(store: UPath, monkeypatch: pytest.MonkeyPatch) -> None:
    write_partition(store, "events", DATE, events_table(DATE, ["old"]), VERSIONS)

    def encode_half_then_fail(table, handle) -> None:
        handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(parquet_io, "_write_file", encode_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_partition(store, "events", DATE, events_table(DATE, ["new"]), VERSIONS)
    assert read_partition(store, "events", DATE).column("event_id").to_pylist() == ["old"]
    assert [p.name for p in (store / "events").rglob("*") if p.is_file()] == ["part-0.parquet"]


def test_unpartitioned_tables_are_written_to_the_store_too(store: UPath) -> None:
    table = events_table(DATE, ["e1"])
    path = parquet_io.write_unpartitioned(store, "rejected_inputs", table, {"table": "rejected_inputs"})
    assert path.exists() and read_metadata(path)["table"] == "rejected_inputs"


def test_the_parse_cache_keeps_parses_in_the_store(store: UPath) -> None:
    import spacy

    from pipelines.lib.parse_cache import PackBuilder

    nlp = spacy.blank("en")  # a tokenizer is enough: the cache stores whatever Doc it is given
    cache = ParseCache(store / "cache", "blank")
    doc = nlp("Kenya sent troops to Somalia.")
    builder = PackBuilder(nlp.vocab)
    builder.add("ab12", doc)
    cache.store(DATE, builder.build())
    assert cache.path(DATE) == store / "cache" / "blank" / "packs" / f"{DATE}.parses"
    pack = cache.load(DATE)
    assert [token.text for token in pack.doc("ab12", nlp.vocab)] == [token.text for token in doc]
    assert pack.doc("cd34", nlp.vocab) is None
    assert cache.load("2024-03-02") is None


def test_raw_stories_are_scanned_from_the_store_as_from_a_folder(store: UPath) -> None:
    raw = store / "raw"
    for story in FIXTURES.iterdir():
        (raw / story.name).write_bytes(story.read_bytes())
    remote, local = scan(raw), scan(FIXTURES)
    assert remote.dates() == local.dates() == ["2023-10-02", "2023-10-03", "2023-10-04"]
    assert [s.document for s in remote.stories] == [s.document for s in local.stories]
    assert all(s.raw_path.startswith(f"{raw}/") for s in remote.stories)


def test_a_deployment_points_the_storage_resource_at_its_shared_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.defs.resources import StorageResource

    for name in ("EVENTCODER_RAW_DIR", "EVENTCODER_CODED_DIR", "EVENTCODER_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert StorageResource.from_environment() == StorageResource()  # data/ under the working folder
    monkeypatch.setenv("EVENTCODER_CODED_DIR", "memory://shared/coded")
    storage = StorageResource.from_environment()
    assert storage.coded == as_path("memory://shared/coded") and storage.raw == Path("data/raw")
    assert storage.data_docs_dir("events", DATE) is None  # a static site is only built on local disk
