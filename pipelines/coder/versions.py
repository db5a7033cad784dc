"""Versions that drive recoding: a dictionary change changes `dictionary_version`."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from pipelines.coder.actors_data import load_actor_dictionary
from pipelines.coder.rules import load_rules


def combine(rules_version: str, actors_version: str) -> str:
    """One 12-hex-digit version over the rule files and the actor dictionaries."""
    return hashlib.sha256(f"{rules_version}:{actors_version}".encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def builtin_dictionary_version() -> str:
    """The version of the built-in dictionaries, without loading spaCy (cheap: YAML only)."""
    return combine(load_rules().version, load_actor_dictionary().version)
