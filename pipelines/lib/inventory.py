"""What is in `data/raw/`: every story's id, date and content hash, and every rejected input.

The sensor compares inventories to find changed dates; the `documents` asset takes one date's
stories, rejections and warnings from one. A rejection whose story date was read belongs to that
date (its quarantine partition); the others (unreadable files and lines, missing or impossible
dates) go to the `rejected_inputs` table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from pipelines.lib.locations import StoragePath
from pipelines.lib.stories import RawStory, Rejected, input_files, read_stories


@dataclass(frozen=True)
class Inventory:
    """The stories and rejected inputs found in a raw folder."""

    stories: tuple[RawStory, ...]
    rejected: tuple[Rejected, ...]

    def dates(self) -> list[str]:
        """Story dates present, as partition keys: of coded stories and of dated rejections.

        A date whose only story was rejected is still a partition, so its run writes the
        quarantine row and clears what an earlier good version of the story published.
        """
        dated = {story.document.story_date for story in self.stories}
        dated |= {item.story_date for item in self.rejected if item.story_date is not None}
        return sorted(date.isoformat() for date in dated)

    def stories_on(self, date: str) -> list[RawStory]:
        """The readable stories of one date, in file order."""
        return list(self._stories_by_date.get(date, ()))

    def rejected_on(self, date: str) -> list[Rejected]:
        """Rejections of stories whose date was read (duplicates, empty or too long text, ...)."""
        return [item for item in self.rejected if item.story_date is not None and item.story_date.isoformat() == date]

    @cached_property
    def _stories_by_date(self) -> dict[str, list[RawStory]]:
        by_date: dict[str, list[RawStory]] = defaultdict(list)
        for story in self.stories:
            by_date[story.document.story_date.isoformat()].append(story)
        return dict(by_date)

    def undated_rejections(self) -> list[Rejected]:
        """Rejections that belong to no date: unreadable files and lines, missing or impossible dates."""
        return [item for item in self.rejected if item.story_date is None]

    def warnings_on(self, date: str) -> list[str]:
        """`path[:line]: warning` for the stories of one date that were read with a warning."""
        return [f"{story.where()}: {warning}" for story in self.stories_on(date) for warning in story.warnings]

    def digest_by_date(self) -> dict[str, str]:
        """One hash per date over its stories and rejections: changes exactly when the date's input does."""
        parts: dict[str, list[str]] = defaultdict(list)
        for story in self.stories:
            parts[story.document.story_date.isoformat()].append(f"{story.document.doc_id}:{story.content_hash}")
        for item in self.rejected:
            if item.story_date is not None:
                parts[item.story_date.isoformat()].append(f"rejected:{item.message()}")
        return {date: hashlib.sha256(json.dumps(sorted(items)).encode()).hexdigest()[:16] for date, items in parts.items()}


# The latest scan, kept while its files are unchanged: one run (and `eventcoder pipeline run`,
# which scans before its runs) reads data/raw once, not once per step and date.
_LAST_SCAN: dict[str, tuple[tuple, Inventory]] = {}


def scan(raw_dir: StoragePath) -> Inventory:
    """Read every story file under raw_dir, a local folder or an object-store URL (never writing to it).

    The files' names, sizes and modification times are compared with the previous scan's; when
    none changed, that scan is returned instead of reading everything again.
    """
    files = input_files([raw_dir]) if raw_dir.is_dir() else []
    signature = _signature(files)
    cached = _LAST_SCAN.get(str(raw_dir))
    if signature is not None and cached is not None and cached[0] == signature:
        return cached[1]
    stories, rejected = [], []
    for item in read_stories(files, require_date=True):
        (stories if isinstance(item, RawStory) else rejected).append(item)
    inventory = Inventory(tuple(stories), tuple(rejected))
    _LAST_SCAN.clear()  # one inventory at a time: it holds every story's text
    if signature is not None:
        _LAST_SCAN[str(raw_dir)] = (signature, inventory)
    return inventory


def _signature(files: list[StoragePath]) -> tuple | None:
    """(name, size, modification time) of every file; None when a store does not report them."""
    entries = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            return None
        modified = getattr(info, "st_mtime_ns", None) or getattr(info, "st_mtime", None)
        if not modified:  # a store without modification times: always read again
            return None
        entries.append((str(path), info.st_size, modified))
    return tuple(entries)


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
