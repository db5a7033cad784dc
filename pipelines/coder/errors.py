"""Errors raised while loading the coder's data files."""

from __future__ import annotations

from pathlib import Path


class DictionaryError(ValueError):
    """A dictionary or rule file is malformed: says which file, which line and what is wrong."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
