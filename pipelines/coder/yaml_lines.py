"""YAML loading that remembers line numbers, so data-file errors can say where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.coder.errors import DictionaryError

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records each mapping's first line under `__line__`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; mappings carry `__line__`. Syntax errors become DictionaryError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DictionaryError(path, None, f"cannot read: {error}") from error
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DictionaryError(path, line, f"not valid YAML: {getattr(error, 'problem', error)}") from error


def line_of(mapping: Any) -> int | None:
    """The line a mapping started on, when it was loaded by `load_yaml`."""
    return mapping.get(LINE_KEY) if isinstance(mapping, dict) else None


def check_keys(path: Path, mapping: dict, allowed: set[str], required: set[str]) -> None:
    """Reject unknown and missing keys with the file and line."""
    keys = set(mapping) - {LINE_KEY}
    unknown = sorted(keys - allowed)
    if unknown:
        raise DictionaryError(path, line_of(mapping), f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - keys)
    if missing:
        raise DictionaryError(path, line_of(mapping), f"missing key(s) {missing}")
