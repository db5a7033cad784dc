"""What is in `data/raw/`: every story's id, date and content hash, and every rejected input.

The sensor compares inventories to find changed dates; the `documents` asset uses one to read
only the files that hold a date's stories.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.lib.stories import RawStory, Rejected, input_files, read_stories


@dataclass(frozen=True)
class Inventory:
    """The stories and rejected inputs found in a raw folder."""

    stories: tuple[RawStory, ...]
    rejected: tuple[Rejected, ...]

    def dates(self) -> list[str]:
        """Story dates present, as partition keys."""
        return sorted({story.document.story_date.isoformat() for story in self.stories})

    def stories_on(self, date: str) -> list[RawStory]:
        return [story for story in self.stories if story.document.story_date.isoformat() == date]

    def rejected_on(self, date: str) -> list[Rejected]:
        """Rejections that belong to a date's stories (duplicates of a dated id)."""
        ids = {story.document.doc_id for story in self.stories_on(date)}
        return [item for item in self.rejected if item.doc_id in ids]

    def digest_by_date(self) -> dict[str, str]:
        """One hash per date over its stories' ids and content: changes exactly when the date's stories do."""
        parts: dict[str, list[str]] = defaultdict(list)
        for story in self.stories:
            parts[story.document.story_date.isoformat()].append(f"{story.document.doc_id}:{story.content_hash}")
        return {date: hashlib.sha256(json.dumps(sorted(items)).encode()).hexdigest()[:16] for date, items in parts.items()}


def scan(raw_dir: Path) -> Inventory:
    """Read every story file under raw_dir (never writing to it)."""
    stories, rejected = [], []
    for item in read_stories(input_files([raw_dir]) if raw_dir.is_dir() else [], require_date=True):
        (stories if isinstance(item, RawStory) else rejected).append(item)
    return Inventory(tuple(stories), tuple(rejected))


def rejected_frame(rejected: list[Rejected], stage: str, partition: str | None, run_id: str | None) -> pd.DataFrame:
    """Rejected inputs as rows of the quarantine contract."""
    now = dt.datetime.now(dt.timezone.utc)
    return pd.DataFrame(
        [
            {
                "table": stage, "key": item.doc_id, "partition": partition, "rule": "readable_story",
                "reason": item.reason, "raw_path": item.raw_path, "raw_line": item.raw_line,
                "payload": item.payload, "run_id": run_id, "quarantined_at": now,
            }
            for item in rejected
        ],
        columns=["table", "key", "partition", "rule", "reason", "raw_path", "raw_line", "payload", "run_id", "quarantined_at"],
    )
