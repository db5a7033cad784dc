"""Reading raw stories from `data/raw/`: `.txt` with a metadata header, and `.jsonl`.

Raw files are only ever read. Whatever cannot be read becomes a `Rejected` record with the
file, the line and the reason, and the rest of the batch goes on. A story that can be read but
needed help (not UTF-8, an unknown header key) keeps a warning. The formats and the rejection
rules are documented in `data/raw/README.md`; the limits below are quoted there.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.coder.types import Document

SUFFIXES = (".txt", ".jsonl")
HEADER_KEYS = frozenset({"date", "title", "publisher", "url", "id"})
JSONL_FIELDS = ("id", "date", "title", "publisher", "url")
# A .txt file this large is not one news story; it is refused before it is decoded.
MAX_FILE_BYTES = 20_000_000
# spaCy refuses texts over nlp.max_length (1,000,000 characters), and the parser needs about
# 3 MB of memory per 1,000 characters of one text: 200,000 characters (a 30,000-word story,
# several times the longest news feature) parse in well under a gigabyte.
MAX_STORY_CHARS = 200_000
EARLIEST_DATE = dt.date(1900, 1, 1)
# Language check: English news has 15-35 % of its words in this list, German or Spanish almost
# none. Words that are also common German or Spanish words (in, an, was, will, a, no) are left out.
ENGLISH_WORDS = frozenset(
    "the of and to that for with on by said from has have had were are be been this which who its "
    "their they his at as but not or would after about than more".split()
)
MIN_WORDS_FOR_LANGUAGE = 40  # short texts ("Kenya rejected Somalia's offer.") may have none
MIN_ENGLISH_SHARE = 0.04
_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGE_SAMPLE_CHARS = 20_000
_BINARY_SAMPLE = 8192  # bytes looked at for NULs, as git does
_MAX_CONTROL_SHARE = 0.10
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z_-]*)[ \t]*:(.*)$")
_STORY_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\S.*)?$")
_UTF8_BOM, _UTF16_BOMS = codecs.BOM_UTF8, (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class RawStory:
    """A story read from a raw file, with where it came from."""

    document: Document
    content_hash: str
    raw_path: str
    raw_line: int | None
    warnings: tuple[str, ...] = ()

    def where(self) -> str:
        """`path:line`, or the path of a one-story file."""
        return f"{self.raw_path}:{self.raw_line}" if self.raw_line else self.raw_path


@dataclass(frozen=True)
class Rejected:
    """Input that could not become a story, and why.

    `story_date` is set when the story's date was read before the problem was found: such a
    rejection belongs to that date's partition (its quarantine); the others to `rejected_inputs`.
    """

    raw_path: str
    raw_line: int | None
    reason: str
    payload: str | None = None
    doc_id: str | None = None
    story_date: dt.date | None = None

    def message(self) -> str:
        """`path:line: reason`, as printed on stderr and logged in the Dagster run."""
        where = f"{self.raw_path}:{self.raw_line}" if self.raw_line else self.raw_path
        return f"{where}: {self.reason}"


class InputError(ValueError):
    """A command-line input that is not a story file or folder."""


def input_files(inputs: Iterable[Path]) -> list[Path]:
    """Expand files and folders into the story files to read, in a stable order.

    In a folder, hidden files and folders (editor backups, `.DS_Store`) and other suffixes
    (README.md) are skipped; a file named on the command line must be a .txt or .jsonl.
    """
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if _is_story_file(p, path))
        elif not path.exists():
            raise InputError(f"{path}: no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            raise InputError(f"{path}: unknown input type '{path.suffix}' (expected .txt, .jsonl or a folder)")
        else:
            files.append(path)
    return files


def _is_story_file(path: Path, folder: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    return not hidden and path.suffix.lower() in SUFFIXES and path.is_file()


def read_stories(files: Iterable[Path], require_date: bool = True) -> Iterator[RawStory | Rejected]:
    """Stories of every file, in order; a later story with an id already read is rejected."""
    seen: dict[str, RawStory] = {}
    for path in files:
        for item in _read_file(path, require_date):
            if isinstance(item, RawStory):
                earlier = seen.get(item.document.doc_id)
                if earlier is not None:
                    yield _duplicate(item, earlier)
                    continue
                seen[item.document.doc_id] = item
            yield item


def _duplicate(story: RawStory, earlier: RawStory) -> Rejected:
    same = "the same text" if earlier.content_hash == story.content_hash else "a different text"
    reason = f"duplicate id '{story.document.doc_id}': already used by {earlier.where()} ({same}); ids must be unique"
    return Rejected(story.raw_path, story.raw_line, reason, doc_id=story.document.doc_id, story_date=story.document.story_date)


def content_hash(text: str) -> str:
    """sha256 of the story text: the key of the parse cache and of change detection."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_file(path: Path, require_date: bool) -> Iterator[RawStory | Rejected]:
    try:
        if path.suffix.lower() == ".jsonl":
            yield from _read_jsonl(path, require_date)
        else:
            yield _read_txt(path, require_date)
    except OSError as error:
        yield Rejected(str(path), None, f"cannot read file: {error.strerror or error}")


# -- bytes to text --------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str | None, list[str]]:
    """Text from bytes, and warnings; (None, [reason]) for binary data.

    UTF-8, with or without a byte-order mark; UTF-16 when it has one. Lines that are not valid
    UTF-8 are read as Windows-1252 (a superset of Latin-1) with a warning, so a mixed file keeps
    every character of both its parts.
    """
    if data.startswith(_UTF16_BOMS):
        return _decode_utf16(data)
    if b"\x00" in data[:_BINARY_SAMPLE]:
        return None, ["binary data (NUL bytes), not text"]
    text, fallback_lines = _decode_utf8_lines(data.removeprefix(_UTF8_BOM))
    if _looks_binary(text):
        return None, ["binary data (control characters), not text"]
    return text, [_fallback_warning(fallback_lines)] if fallback_lines else []


def _decode_utf16(data: bytes) -> tuple[str | None, list[str]]:
    try:
        return data.decode("utf-16").removeprefix("\ufeff"), ["UTF-16 text (byte-order mark); UTF-8 is expected"]
    except UnicodeDecodeError as error:
        return None, [f"starts with a UTF-16 byte-order mark but is not UTF-16 ({error.reason})"]


def _decode_utf8_lines(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 text; lines that are not UTF-8 are decoded as Windows-1252. Returns those lines' numbers."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines, fallback = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        text, was_fallback = decode_line(line)
        lines.append(text)
        if was_fallback:
            fallback.append(number)
    return "\n".join(lines), fallback


def decode_line(line: bytes) -> tuple[str, bool]:
    """One line as UTF-8, else with its non-UTF-8 bytes read as Windows-1252; True if it needed that."""
    try:
        return line.decode("utf-8"), False
    except UnicodeDecodeError:
        # Per invalid byte, so the valid UTF-8 sequences of a mixed line stay what they are.
        return line.decode("utf-8", errors=_CP1252_FALLBACK), True


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(_cp1252_char(byte) for byte in bad), error.end


def _cp1252_char(byte: int) -> str:
    # Five bytes are undefined in Windows-1252; Latin-1 maps them to the C1 controls, so no byte is lost.
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_CP1252_FALLBACK = "eventcoder-cp1252"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _fallback_warning(lines: list[int]) -> str:
    shown = ", ".join(str(number) for number in lines[:3])
    more = f" and {len(lines) - 3} more" if len(lines) > 3 else ""
    return f"not valid UTF-8 on line{'s' if len(lines) > 1 else ''} {shown}{more}; those bytes were read as Windows-1252/Latin-1"


def _looks_binary(text: str) -> bool:
    """Many control characters where text should be: a binary file without NUL bytes."""
    sample = text[:_BINARY_SAMPLE]
    return len(sample) >= 32 and len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample)


# -- .txt -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Header:
    fields: dict[str, str]
    lines: dict[str, int]  # key -> 1-based line in the file
    body: str
    warnings: tuple[str, ...]


def _read_txt(path: Path, require_date: bool) -> RawStory | Rejected:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Rejected(str(path), None, f"file of {size:,} bytes is too large for one story (limit {MAX_FILE_BYTES:,} bytes)", doc_id=path.stem)
    data = path.read_bytes()
    if not data.strip():
        return Rejected(str(path), None, "empty file", doc_id=path.stem)
    text, warnings = decode(data)
    if text is None:
        return Rejected(str(path), None, warnings[0], doc_id=path.stem)
    header = _split_header(text.replace("\r\n", "\n").replace("\r", "\n"))
    fields = {"id": path.stem, **header.fields}
    return _story(fields, header.body, str(path), None, require_date, [*warnings, *header.warnings], header.lines)


def _split_header(text: str) -> _Header:
    """`key: value` lines up to the first blank line, when they all have that form and one key is known.

    An unknown key is ignored with a warning; a file that is all header has an empty body.
    """
    leading = len(text) - len(text.lstrip("\n"))
    head, _, body = text[leading:].partition("\n\n")
    numbered = [(leading + i, line) for i, line in enumerate(head.split("\n"), start=1) if line.strip()]
    matches = [(number, _HEADER_LINE.match(line)) for number, line in numbered]
    if not matches or not all(match for _, match in matches):
        return _Header({}, {}, text, ())
    keys = [match.group(1).lower() for _, match in matches]
    if not HEADER_KEYS.intersection(keys):
        return _Header({}, {}, text, ())
    fields, lines, warnings = {}, {}, []
    for (number, match), key in zip(matches, keys):
        if key in HEADER_KEYS:
            fields[key], lines[key] = match.group(2).strip(), number
        else:
            warnings.append(f"line {number}: unknown header key '{match.group(1)}' ignored (known: {', '.join(sorted(HEADER_KEYS))})")
    return _Header(fields, lines, body, tuple(warnings))


# -- .jsonl ---------------------------------------------------------------------------------

def _read_jsonl(path: Path, require_date: bool) -> Iterator[RawStory | Rejected]:
    """One story per line, read line by line so a large file is never held as one string."""
    for number, line, warnings in _jsonl_lines(path):
        if line is None:
            yield Rejected(str(path), number, warnings[0])
            if number == 1:  # the file itself is binary, not one bad line in a good file
                return
            continue
        if line.strip():
            yield _jsonl_story(path, number, line, require_date, warnings)


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str | None, list[str]]]:
    """(line number, text or None for binary, warnings) for every line of a .jsonl file."""
    with path.open("rb") as handle:
        first = handle.read(2)
        if first in _UTF16_BOMS:  # one string for the whole file: its newlines are two bytes wide
            text, warnings = decode(first + handle.read())
            lines = text.split("\n") if text is not None else [None]
            for number, line in enumerate(lines, start=1):
                yield number, line, warnings
            return
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            raw = raw.removeprefix(_UTF8_BOM)  # also where files were concatenated
            if b"\x00" in raw:
                yield number, None, ["binary data (NUL bytes), not a JSON line"]
                continue
            text, was_fallback = decode_line(raw.rstrip(b"\r\n"))
            yield number, text, [_fallback_warning([number])] if was_fallback else []


def _jsonl_story(path: Path, number: int, line: str, require_date: bool, warnings: list[str]) -> RawStory | Rejected:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Rejected(str(path), number, f"malformed JSON: {error.msg} (column {error.colno})", payload=line[:2000])
    if not isinstance(record, dict):
        return Rejected(str(path), number, f"a line must be a JSON object, not {type(record).__name__}", payload=line[:2000])
    fields = {key: record[key] for key in JSONL_FIELDS if record.get(key) is not None}
    text = record["text"] if "text" in record else _MissingText(tuple(record))
    return _story(fields, text, str(path), number, require_date, warnings, {})


@dataclass(frozen=True)
class _MissingText:
    """A JSON line without a 'text' field; keeps the fields it has, for the message."""

    present: tuple[str, ...]


# -- one story ------------------------------------------------------------------------------

def _story(
    fields: dict, text: object, raw_path: str, raw_line: int | None, require_date: bool,
    warnings: list[str], field_lines: dict[str, int],
) -> RawStory | Rejected:
    """A story from its fields and text, or the first reason it cannot be one.

    The id and date are checked first, so every later rejection knows its story's date.
    """
    doc_id = str(fields.get("id", "")).strip()
    if not doc_id:
        return Rejected(raw_path, raw_line, "missing 'id'", payload=_payload(fields))
    story_date, problem = parse_story_date(fields.get("date"))
    if problem and (require_date or fields.get("date") is not None):
        return Rejected(raw_path, raw_line or field_lines.get("date"), problem, doc_id=doc_id, payload=_payload(fields))
    problem = _text_problem(text)
    if problem:
        return Rejected(raw_path, raw_line, problem, doc_id=doc_id, story_date=story_date, payload=_payload(fields))
    document = Document(
        doc_id=doc_id, text=text, story_date=story_date,
        title=_optional(fields.get("title")), publisher=_optional(fields.get("publisher")), url=_optional(fields.get("url")),
    )
    return RawStory(document, content_hash(text), raw_path, raw_line, tuple(warnings))


def _text_problem(text: object) -> str | None:
    """Why `text` cannot be coded: absent, not a string, empty, too long, not English; None if it can."""
    if isinstance(text, _MissingText):
        return f"missing 'text' (fields present: {', '.join(text.present) or 'none'})"
    if text is not None and not isinstance(text, str):
        return f"'text' must be a string, not {type(text).__name__}"
    if not text or not text.strip():
        return "empty story text"
    if len(text) > MAX_STORY_CHARS:
        return f"story text of {len(text):,} characters is longer than the limit of {MAX_STORY_CHARS:,}; split it into several stories"
    english, words = english_share(text)
    if words >= MIN_WORDS_FOR_LANGUAGE and english < MIN_ENGLISH_SHARE * words:
        return (
            f"does not look like English: {english} of {words} words are common English words"
            " (the coder reads English only)"
        )
    return None


def english_share(text: str) -> tuple[int, int]:
    """(common English words, words) in the start of a text: a cheap language check."""
    words = _WORD.findall(text[:_LANGUAGE_SAMPLE_CHARS])
    return sum(word.lower() in ENGLISH_WORDS for word in words), len(words)


def parse_story_date(value: object) -> tuple[dt.date | None, str | None]:
    """A YYYY-MM-DD story date (a time after it is ignored), or the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "missing story date ('date', YYYY-MM-DD)"
    match = _STORY_DATE.match(str(value).strip())
    try:
        date = dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        date = None
    if date is None:
        return None, f"impossible story date {str(value)[:40]!r} (expected YYYY-MM-DD)"
    if not EARLIEST_DATE <= date <= dt.date.today() + dt.timedelta(days=1):
        return None, f"implausible story date {date.isoformat()} (before 1900 or in the future)"
    return date, None


def _payload(fields: dict) -> str:
    return json.dumps(fields, default=str)[:2000]


def _optional(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None
