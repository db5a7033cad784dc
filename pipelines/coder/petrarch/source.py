"""Reading PETRARCH dictionary files: their comment rules, phrase spelling and content hash.

Every PETRARCH file shares these conventions (see PETRreader.read_FIN_line): `#` starts a
comment anywhere on a line, `<!-- ... -->` comments may span lines, blank lines are skipped,
and an underscore joins the words of a phrase ("BARACK_OBAMA").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One non-empty line without its comment, and its 1-based number in the file."""

    number: int
    text: str


def read_lines(path: Path) -> Iterator[Line]:
    """The file's lines with comments and blank lines removed."""
    in_comment = False
    # Split on "\n" only: str.splitlines would also break at form feeds and Unicode separators.
    for number, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
        text, in_comment = _strip_comments(raw.rstrip("\r"), in_comment)
        if text.strip():
            yield Line(number, text.rstrip())


def _strip_comments(text: str, in_comment: bool) -> tuple[str, bool]:
    """The line without `<!-- -->` and `#` comments; whether a `<!--` stays open after it."""
    kept = ""
    while text:
        if in_comment:
            end = text.find("-->")
            if end < 0:
                return kept, True
            text, in_comment = text[end + 3 :], False
            continue
        start = text.find("<!--")
        if start < 0:
            kept, text = kept + text, ""
        else:
            kept, text, in_comment = kept + text[:start], text[start + 4 :], True
    hash_at = kept.find("#")
    return (kept[:hash_at] if hash_at >= 0 else kept), in_comment


def phrase(text: str) -> str:
    """A PETRARCH phrase as plain words: underscores and runs of spaces become single spaces."""
    return " ".join(text.replace("_", " ").split())


def file_hash(paths: Iterable[Path]) -> str:
    """12 hex digits of sha256 over the files' names and bytes, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
