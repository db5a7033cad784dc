"""Protects the reuse of a scan of data/raw (`pipelines/lib/inventory.py`): one run reads the raw folder
once, yet any added, removed or rewritten file is seen by the next scan.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.lib import inventory
from pipelines.lib.inventory import scan

STORY = '{{"id": "{id}", "date": "{date}", "text": "Kenya rejected Somalia\'s offer to hold talks, the ministry said."}}\n'


def write(folder: Path, name: str, *stories: tuple[str, str]) -> Path:
    path = folder / name
    path.write_text("".join(STORY.format(id=i, date=d) for i, d in stories))
    return path


def test_an_unchanged_folder_is_not_read_again(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "a.jsonl", ("a1", "2024-03-01"))
    first = scan(tmp_path)
    reads = []
    original = inventory.read_stories
    monkeypatch.setattr(inventory, "read_stories", lambda *a, **k: reads.append(1) or original(*a, **k))
    assert scan(tmp_path) is first
    assert reads == []


def test_added_rewritten_and_removed_files_are_seen(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", ("a1", "2024-03-01"))
    assert scan(tmp_path).dates() == ["2024-03-01"]
    write(tmp_path, "b.jsonl", ("b1", "2024-03-02"))
    assert scan(tmp_path).dates() == ["2024-03-01", "2024-03-02"]
    stat = path.stat()
    write(tmp_path, "a.jsonl", ("a1", "2024-03-09"))  # same size, other date
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))
    assert scan(tmp_path).dates() == ["2024-03-02", "2024-03-09"]
    path.unlink()
    assert scan(tmp_path).dates() == ["2024-03-02"]


def test_stories_of_a_date_keep_file_order(tmp_path: Path) -> None:
    write(tmp_path, "a.jsonl", ("a1", "2024-03-01"), ("a2", "2024-03-02"), ("a3", "2024-03-01"))
    found = scan(tmp_path)
    assert [story.document.doc_id for story in found.stories_on("2024-03-01")] == ["a1", "a3"]
    assert found.stories_on("2024-03-05") == []
