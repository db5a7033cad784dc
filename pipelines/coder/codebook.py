"""The CAMEO codebook: code → name, Goldstein score, QuadClass and root, read from a checked TSV.

The TSV (`pipelines/coder/data/cameo_codes.tsv`, columns code, name, goldstein, quad_class, root)
holds codebook facts only. Two-digit rows are the 20 roots; three- and four-digit rows are the
event codes a coder may emit. The file is validated on load: a malformed row raises
`CodebookError` naming the file and line, never a half-loaded codebook.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

HEADER = ("code", "name", "goldstein", "quad_class", "root")
_CODE = re.compile(r"^\d{2,4}$")

# QuadClass by root, the CAMEO/GDELT convention: 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict.
_QUAD_CLASS_ROOTS: Mapping[int, range] = MappingProxyType(
    {1: range(1, 6), 2: range(6, 10), 3: range(10, 15), 4: range(15, 21)}
)


class CodebookError(ValueError):
    """The codebook file is malformed; the message says which file, which line and what is wrong."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class CodeEntry:
    """One CAMEO code with its facts.

    `goldstein_from` is None when the codebook gives the code its own Goldstein score; codes added
    after Goldstein's scale (e.g. the cyber codes) inherit the score of their nearest ancestor and
    name it here, so the substitution stays visible.
    """

    code: str
    name: str
    goldstein: float
    quad_class: int
    root: str
    goldstein_from: str | None = None


@dataclass(frozen=True)
class Codebook:
    """The codable CAMEO codes (3 and 4 digits) plus the 20 roots, and the file's content hash."""

    entries: Mapping[str, CodeEntry]
    roots: Mapping[str, CodeEntry]
    version: str

    def get(self, code: str) -> CodeEntry | None:
        """The entry for a codable code, or None if the code is not an event code of the codebook."""
        return self.entries.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def quad_class_of_root(root: str) -> int:
    """The QuadClass CAMEO assigns to a two-digit root ("01"–"20"); ValueError for anything else."""
    number = int(root) if re.fullmatch(r"\d{2}", root) else 0
    for quad_class, roots in _QUAD_CLASS_ROOTS.items():
        if number in roots:
            return quad_class
    raise ValueError(f"{root!r} is not a CAMEO root (01-20)")


def codebook_path() -> Path:
    """Where the packaged codebook TSV lives."""
    resource = importlib.resources.files("pipelines.coder").joinpath("data/cameo_codes.tsv")
    return Path(str(resource))


@functools.cache
def load_codebook() -> Codebook:
    """The packaged codebook, parsed and checked once per process."""
    return parse_codebook(codebook_path())


def parse_codebook(path: Path) -> Codebook:
    """Parse and check a codebook TSV; raises CodebookError on the first malformed row."""
    raw = path.read_bytes()
    lines = raw.decode("utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise CodebookError(path, 1, f"header must be {' | '.join(HEADER)}")
    rows: dict[str, tuple[int, list[str]]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        _check_row(path, number, fields)
        if fields[0] in rows:
            raise CodebookError(path, number, f"code {fields[0]} appears twice")
        rows[fields[0]] = (number, fields)
    entries = {code: _entry(path, rows, code) for code in rows}
    return Codebook(
        entries=MappingProxyType({c: e for c, e in entries.items() if len(c) > 2}),
        roots=MappingProxyType({c: e for c, e in entries.items() if len(c) == 2}),
        version="sha256:" + hashlib.sha256(raw).hexdigest()[:16],
    )


def _check_row(path: Path, line: int, fields: list[str]) -> None:
    """Checks one row on its own: shape, code form, root and the QuadClass-by-root rule."""
    if len(fields) != len(HEADER):
        raise CodebookError(path, line, f"expected {len(HEADER)} tab-separated fields, got {len(fields)}")
    code, name, goldstein, quad_class, root = fields
    if not _CODE.match(code):
        raise CodebookError(path, line, f"code {code!r} is not 2-4 digits")
    if not name.strip():
        raise CodebookError(path, line, f"code {code} has no name")
    if root != code[:2]:
        raise CodebookError(path, line, f"code {code} has root {root!r}, expected {code[:2]!r}")
    try:
        expected_quad = quad_class_of_root(root)
    except ValueError as error:
        raise CodebookError(path, line, str(error)) from None
    if quad_class != str(expected_quad):
        raise CodebookError(
            path, line, f"code {code} has quad_class {quad_class!r}, but root {root} is QuadClass {expected_quad}"
        )
    if goldstein and not -10.0 <= _as_float(path, line, goldstein) <= 10.0:
        raise CodebookError(path, line, f"code {code} has Goldstein {goldstein}, outside -10..10")


def _as_float(path: Path, line: int, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CodebookError(path, line, f"Goldstein {text!r} is not a number") from None


def _entry(path: Path, rows: Mapping[str, tuple[int, list[str]]], code: str) -> CodeEntry:
    """Builds the entry, inheriting a missing Goldstein score from the nearest ancestor that has one."""
    line, (_, name, goldstein, quad_class, root) = rows[code]
    if len(code) > 2 and root not in rows:
        raise CodebookError(path, line, f"code {code} has no root row {root}")
    source = next((a for a in (code, code[:3], code[:2]) if a in rows and rows[a][1][2]), None)
    if source is None:
        raise CodebookError(path, line, f"code {code} has no Goldstein score and no ancestor with one")
    return CodeEntry(
        code=code,
        name=name,
        goldstein=float(rows[source][1][2]),
        quad_class=int(quad_class),
        root=root,
        goldstein_from=None if source == code else source,
    )
