"""Reader for the PETRARCH discards file (Phoenix.discards.txt).

One phrase per line (PETRreader.read_discard_list). A sentence containing the phrase is not
coded; a phrase starting with `+` stops the whole story. Matching ignores case. PETRARCH treats
a phrase without a final `_` as a word stem ("BASEBALL" would also stop "baseballs"); the coder
matches whole words only, and the report counts the phrases this changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.coder.actors_data import Discard
from pipelines.coder.petrarch.report import FileReport, Tally
from pipelines.coder.petrarch.source import phrase, read_lines


@dataclass(frozen=True)
class DiscardsFile:
    """The discard phrases of the file and its report."""

    discards: tuple[Discard, ...]
    report: FileReport


def read_discards(path: Path) -> DiscardsFile:
    """Read the discards file; duplicates (ignoring case) are dropped, the first kept."""
    tally = Tally(path, "discards", "phrases")
    discards: list[Discard] = []
    seen: set[str] = set()
    for line in read_lines(path):
        text = line.text.strip()
        story = text.startswith("+")
        words = phrase(text.lstrip("+"))
        if not words:
            tally.skip("empty phrase", line.number)
            continue
        if words.casefold() in seen:
            tally.skip("listed twice (the first is kept)", line.number)
            continue
        seen.add(words.casefold())
        if not text.rstrip().endswith("_") and words[-1:].isalpha():
            tally.note("word stem matched as a whole word", line.number)
        discards.append(Discard(words, story))
    tally.count("story-level", sum(d.story for d in discards))
    tally.count("sentence-level", sum(not d.story for d in discards))
    return DiscardsFile(tuple(discards), tally.freeze(len(discards)))
