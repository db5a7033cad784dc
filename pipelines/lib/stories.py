"""Reading raw stories from `data/raw/`: `.txt` with a metadata header, and `.jsonl`.

Raw files are only ever read. Whatever cannot be read becomes a `Rejected` record with the
file, the line and the reason, and the rest of the batch goes on. The formats are documented in
`data/raw/README.md`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.coder.types import Document

SUFFIXES = (".txt", ".jsonl")
HEADER_KEYS = frozenset({"date", "title", "publisher", "url", "id"})
MAX_STORY_BYTES = 20_000_000
EARLIEST_DATE = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class RawStory:
    """A story read from a raw file, with where it came from."""

    document: Document
    content_hash: str
    raw_path: str
    raw_line: int | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """Input that could not become a story, and why."""

    raw_path: str
    raw_line: int | None
    reason: str
    payload: str | None = None
    doc_id: str | None = None

    def message(self) -> str:
        where = f"{self.raw_path}:{self.raw_line}" if self.raw_line else self.raw_path
        return f"{where}: {self.reason}"


class InputError(ValueError):
    """A command-line input that is not a story file or folder."""


def input_files(inputs: Iterable[Path]) -> list[Path]:
    """Expand files and folders into the story files to read, in a stable order."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif not path.exists():
            raise InputError(f"{path}: no such file or folder")
        elif path.suffix not in SUFFIXES:
            raise InputError(f"{path}: unknown input type '{path.suffix}' (expected .txt, .jsonl or a folder)")
        else:
            files.append(path)
    return files


def read_stories(files: Iterable[Path], require_date: bool = True) -> Iterator[RawStory | Rejected]:
    """Stories of every file, in order; duplicates of an earlier id are rejected."""
    seen: dict[str, str] = {}
    for path in files:
        for item in _read_file(path, require_date):
            if isinstance(item, RawStory):
                earlier = seen.get(item.document.doc_id)
                if earlier is not None:
                    same = "the same text" if earlier == item.content_hash else "a different text"
                    yield Rejected(item.raw_path, item.raw_line, f"duplicate id '{item.document.doc_id}' with {same} as an earlier story", doc_id=item.document.doc_id)
                    continue
                seen[item.document.doc_id] = item.content_hash
            yield item


def content_hash(text: str) -> str:
    """sha256 of the story text: the key of the parse cache and of change detection."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_file(path: Path, require_date: bool) -> Iterator[RawStory | Rejected]:
    try:
        data = path.read_bytes()
    except OSError as error:
        yield Rejected(str(path), None, f"cannot read file: {error.strerror or error}")
        return
    if path.suffix == ".jsonl":
        yield from _read_jsonl(path, data, require_date)
    else:
        yield _read_txt(path, data, require_date)


def decode(data: bytes) -> tuple[str | None, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM), else Windows-1252; None for binary data."""
    if b"\x00" in data[:65536]:
        return None, ["binary data (NUL bytes), not text"]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        warning = f"not valid UTF-8 (byte {error.start}); read as Windows-1252/Latin-1"
        return data.decode("cp1252", errors="replace"), [warning]


def _read_txt(path: Path, data: bytes, require_date: bool) -> RawStory | Rejected:
    if len(data) > MAX_STORY_BYTES:
        return Rejected(str(path), None, f"story larger than {MAX_STORY_BYTES // 1_000_000} MB")
    text, warnings = decode(data)
    if text is None:
        return Rejected(str(path), None, warnings[0])
    header, body = _split_header(text)
    fields = {"id": path.stem, **header}
    return _story(fields, body, str(path), None, require_date, warnings)


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """`key: value` lines up to the first blank line, when every one of them is a known key."""
    head, separator, body = text.lstrip("\n").partition("\n\n")
    lines = [line for line in head.split("\n") if line.strip()]
    pairs = [line.split(":", 1) for line in lines]
    if separator and pairs and all(len(p) == 2 and p[0].strip().lower() in HEADER_KEYS for p in pairs):
        return {key.strip().lower(): value.strip() for key, value in pairs}, body
    return {}, text


def _read_jsonl(path: Path, data: bytes, require_date: bool) -> Iterator[RawStory | Rejected]:
    text, warnings = decode(data)
    if text is None:
        yield Rejected(str(path), None, warnings[0])
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejected(str(path), number, f"malformed JSON: {error.msg} (column {error.colno})", payload=line[:2000])
            continue
        if not isinstance(record, dict):
            yield Rejected(str(path), number, "a line must be a JSON object", payload=line[:2000])
            continue
        fields = {key: record[key] for key in ("id", "date", "title", "publisher", "url") if record.get(key) is not None}
        yield _story(fields, record.get("text"), str(path), number, require_date, warnings)


def _story(fields: dict, text: object, raw_path: str, raw_line: int | None, require_date: bool, warnings: list[str]) -> RawStory | Rejected:
    doc_id = str(fields.get("id", "")).strip()
    if not doc_id:
        return Rejected(raw_path, raw_line, "missing 'id'")
    if not isinstance(text, str) or not text.strip():
        return Rejected(raw_path, raw_line, "empty story text", doc_id=doc_id)
    story_date, problem = parse_story_date(fields.get("date"))
    if problem and (require_date or fields.get("date") is not None):
        return Rejected(raw_path, raw_line, problem, doc_id=doc_id, payload=json.dumps(fields)[:2000])
    document = Document(
        doc_id=doc_id, text=text, story_date=story_date,
        title=_optional(fields.get("title")), publisher=_optional(fields.get("publisher")), url=_optional(fields.get("url")),
    )
    return RawStory(document, content_hash(text), raw_path, raw_line, tuple(warnings))


def parse_story_date(value: object) -> tuple[dt.date | None, str | None]:
    """A YYYY-MM-DD story date, or the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "missing story date ('date', YYYY-MM-DD)"
    try:
        date = dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None, f"impossible story date {str(value)[:40]!r} (expected YYYY-MM-DD)"
    if not EARLIEST_DATE <= date <= dt.date.today() + dt.timedelta(days=1):
        return None, f"implausible story date {date.isoformat()} (before 1900 or in the future)"
    return date, None


def _optional(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None
