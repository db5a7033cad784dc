"""Versions that drive recoding: a dictionary change changes `dictionary_version`."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

from pipelines.coder.actors_data import load_actor_dictionary
from pipelines.coder.rules import load_rules

if TYPE_CHECKING:
    from pipelines.coder.petrarch import PetrarchConfig


def combine(rules_version: str, actors_version: str) -> str:
    """One 12-hex-digit version over the rule files and the actor dictionaries."""
    return hashlib.sha256(f"{rules_version}:{actors_version}".encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def builtin_dictionary_version() -> str:
    """The version of the built-in dictionaries, without loading spaCy (cheap: YAML only)."""
    return combine(*_builtin_versions())


def dictionary_version(petrarch: PetrarchConfig | None = None) -> str:
    """The version a coder with these PETRARCH files carries: the built-in version combined with
    the files' hashes (they are hashed, not parsed), so adding or editing one forces a recode."""
    if petrarch is None:
        return builtin_dictionary_version()
    from pipelines.coder.petrarch import petrarch_versions

    return combine(*petrarch_versions(petrarch, *_builtin_versions()))


def configured_dictionary_version(rules_dir: str = "", petrarch: PetrarchConfig | None = None) -> str:
    """The version a coder built with this rules folder (the built-in rules when empty) and these
    PETRARCH files carries, without loading spaCy: what a schedule compares a date's last coding to."""
    if not rules_dir:
        return dictionary_version(petrarch)
    from pathlib import Path

    rules_version = load_rules(Path(rules_dir)).version
    actors_version = load_actor_dictionary().version
    if petrarch is None:
        return combine(rules_version, actors_version)
    from pipelines.coder.petrarch import petrarch_versions

    return combine(*petrarch_versions(petrarch, rules_version, actors_version))


@lru_cache(maxsize=1)
def _builtin_versions() -> tuple[str, str]:
    return load_rules().version, load_actor_dictionary().version
