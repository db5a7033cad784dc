"""Reader for PETRARCH actor files (Phoenix.Countries/International/MilNonState.actors.txt).

The format (PETRreader.read_actor_dictionary): an entry starts with its primary name at the
start of a line; lines starting with `+` add synonyms; codes follow in brackets on the same line
or on the next lines, each optionally restricted to dates:

    BARACK_OBAMA
    +PRESIDENT_OBAMA_
        [USAELI 780101-000101]     from 1978-01-01 until (not including) 2000-01-01
        [USAGOV >090120]           from 2009-01-20 on
    KOFI_ANNAN_  [IGOUNO 970101-061231]  [ELI]
    SOMEONE  [ABCGOV <050101]          until (not including) 2005-01-01

Dates are YYMMDD (years up to 30 are 20YY, as in PETRARCH) or YYYYMMDD. `[---]` is the null
code. Every entry becomes a `NamedActor`; names already given to an earlier entry (in this file
or an earlier one) are dropped, so one phrase never means two actors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.coder.actors_data import DatedCode, NamedActor
from pipelines.coder.petrarch.report import FileReport, Tally
from pipelines.coder.petrarch.source import Line, phrase, read_lines

ACTOR_CODE = re.compile(r"^[A-Z]{3}[A-Z0-9]*$")
BRACKET = re.compile(r"\[([^\]]*)\]?")
NULL_CODE = "---"


@dataclass(frozen=True)
class ActorsFile:
    """The named actors of one file and its report."""

    actors: tuple[NamedActor, ...]
    report: FileReport

    def names(self) -> frozenset[str]:
        """Every name, casefolded: what a later file may not name again."""
        return frozenset(name.casefold() for actor in self.actors for name in actor.names)


@dataclass
class _Entry:
    """An entry while its lines are read."""

    line: int
    names: list[tuple[str, int]] = field(default_factory=list)  # (name, line)
    codes: list[DatedCode] = field(default_factory=list)


def read_actors(path: Path, known: frozenset[str] = frozenset()) -> ActorsFile:
    """Read one actor file; `known` are names (casefolded) taken by files read before it."""
    tally = Tally(path, "actors", "actors")
    seen = set(known)
    actors: list[NamedActor] = []
    entry: _Entry | None = None
    for line in read_lines(path):
        text = line.text.strip()
        if not text.startswith(("[", "+")):
            actors += _finish(entry, seen, tally)
            entry = _Entry(line.number)
        if entry is None:
            tally.skip("codes or synonym before the first entry", line.number)
            continue
        if not text.startswith("["):
            _add_name(entry, text.lstrip("+"), line, tally)
        entry.codes += _codes(text, line.number, tally)
    actors += _finish(entry, seen, tally)
    tally.count("names", sum(len(actor.names) for actor in actors))
    tally.count("dated codes", sum(code.dated for actor in actors for code in actor.codes))
    return ActorsFile(tuple(actors), tally.freeze(len(actors)))


def _add_name(entry: _Entry, text: str, line: Line, tally: Tally) -> None:
    name = phrase(text.split("[", 1)[0])
    if not name:
        tally.skip("names: empty", line.number)
    elif "+" in name:
        # "A_+_B" is two synonyms run together; neither reading is safe to guess.
        tally.skip("names: a '+' inside the name", line.number)
    else:
        entry.names.append((name, line.number))


def _finish(entry: _Entry | None, seen: set[str], tally: Tally) -> list[NamedActor]:
    """The entry as a NamedActor, without names an earlier entry took; [] when nothing is left."""
    if entry is None:
        return []
    if not entry.codes:
        tally.skip("entries: no usable code", entry.line)
        return []
    names = []
    for name, line in entry.names:
        if name.casefold() in seen:
            tally.skip("names: already given to an earlier entry (the first is kept)", line)
        else:
            seen.add(name.casefold())
            names.append(name)
    if not names:
        tally.skip("entries: every name already given to an earlier entry", entry.line)
        return []
    return [NamedActor(tuple(names), tuple(entry.codes))]


def _codes(text: str, line: int, tally: Tally) -> list[DatedCode]:
    codes = []
    for inside in BRACKET.findall(text):
        code = _dated_code(inside.split(), line, tally)
        if code is not None:
            codes.append(code)
    return codes


def _dated_code(parts: list[str], line: int, tally: Tally) -> DatedCode | None:
    """One bracket's code and date restriction; None (and a counted reason) when unusable."""
    if not parts or parts[0] == NULL_CODE:
        tally.skip("codes: the null code [---]", line)
        return None
    code = parts[0]
    if not ACTOR_CODE.match(code):
        tally.skip("codes: not a CAMEO actor code", line)
        return None
    if len(parts) == 1:
        return DatedCode(code)
    try:
        start, end = _restriction("".join(parts[1:]))
    except ValueError as error:
        tally.skip(f"codes: {error}", line)
        return None
    return DatedCode(code, start, end)


def _restriction(spec: str) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of `>D`, `<D` or `D-D`; ValueError naming what is wrong."""
    if spec.startswith(">"):
        return _date(spec[1:]), None
    if spec.startswith("<"):
        return None, _date(spec[1:])
    if spec.count("-") == 1:
        first, last = spec.split("-")
        start, end = _date(first), _date(last)
        if end <= start:
            raise ValueError("date range ends before it starts")
        return start, end
    raise ValueError("date restriction is not >D, <D or D-D")


def _date(text: str) -> dt.date:
    """YYMMDD (years 00-30 are 20YY, the rest 19YY, as PETRARCH reads them) or YYYYMMDD."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError("date is not YYMMDD or YYYYMMDD")
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year <= 30 else 1900 + year}{text[2:]}"
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError("date does not exist") from None
