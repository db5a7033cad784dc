"""Use the PETRARCH/Phoenix dictionaries with the coder: read them, merge them, report on them.

The Phoenix actor, agent and discard files and the CAMEO.2.0 verb dictionary (MIT licence, from
the Open Event Data Alliance) are read from a folder the user names; they are never copied into
the project. `apply_petrarch` adds them to the built-in dictionaries ("add": built-in entries
win where both define something) or uses them instead ("replace"), and returns a `LoadReport`
saying what loaded and what was skipped, grouped by reason. See docs/petrarch.md.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

from pipelines.coder.actors_data import (
    MERGE_MODES,
    ActorDictionary,
    NamedActor,
    builtin_phrases,
    merge,
    phrase_key,
)
from pipelines.coder.errors import DictionaryError
from pipelines.coder.petrarch.actors import read_actors
from pipelines.coder.petrarch.agents import read_agents
from pipelines.coder.petrarch.discards import read_discards
from pipelines.coder.petrarch.report import FileReport, LoadReport, Reason
from pipelines.coder.petrarch.source import file_hash
from pipelines.coder.petrarch.verbs import read_verbs
from pipelines.coder.rules import Rule, RuleSet, extend_rules

# The file names of the Phoenix release (openeventdata/petrarch2, petrarch2/data/dictionaries).
ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"
DISCARD_FILE = "Phoenix.discards.txt"
VERB_FILE = "CAMEO.2.0.txt"


@dataclass(frozen=True)
class PetrarchConfig:
    """Which PETRARCH files to load and how: "add" to the built-in dictionaries or "replace" them.

    Each kind left out (no actor files, no verb file, ...) leaves that part of the coder as it is.
    """

    actor_files: tuple[Path, ...] = ()
    agent_file: Path | None = None
    discard_file: Path | None = None
    verb_file: Path | None = None
    mode: str = "add"

    def __post_init__(self) -> None:
        if self.mode not in MERGE_MODES:
            raise ValueError(f"PETRARCH mode must be one of {', '.join(MERGE_MODES)}, not {self.mode!r}")

    @classmethod
    def from_directory(cls, directory: Path | str, mode: str = "add") -> PetrarchConfig:
        """The standard Phoenix file names found in `directory`; DictionaryError if there are none."""
        folder = Path(directory)
        if not folder.is_dir():
            raise DictionaryError(folder, None, "no such folder of PETRARCH dictionaries")

        def present(name: str) -> Path | None:
            return folder / name if (folder / name).is_file() else None

        config = cls(
            actor_files=tuple(path for path in map(present, ACTOR_FILES) if path is not None),
            agent_file=present(AGENT_FILE), discard_file=present(DISCARD_FILE), verb_file=present(VERB_FILE),
            mode=mode,
        )
        if not config.files:
            names = ", ".join((*ACTOR_FILES, AGENT_FILE, DISCARD_FILE, VERB_FILE))
            raise DictionaryError(folder, None, f"none of the PETRARCH files is here ({names})")
        return config

    @property
    def actor_side_files(self) -> tuple[Path, ...]:
        """The files that change the actor dictionary: actors, agents, discards."""
        optional = (self.agent_file, self.discard_file)
        return self.actor_files + tuple(path for path in optional if path is not None)

    @property
    def files(self) -> tuple[Path, ...]:
        return self.actor_side_files + ((self.verb_file,) if self.verb_file else ())


@dataclass(frozen=True)
class PetrarchImport:
    """The imported dictionaries before merging, and what loading them found."""

    actors: ActorDictionary | None  # None when no actor, agent or discard file was given
    rules: tuple[Rule, ...]  # from the verb file; empty without one
    reports: tuple[FileReport, ...]


def load_petrarch(config: PetrarchConfig) -> PetrarchImport:
    """Read every configured file. Unusable entries are skipped and counted, never fatal."""
    reports: list[FileReport] = []
    people: list[NamedActor] = []
    known: frozenset[str] = frozenset()
    for path in config.actor_files:
        read = read_actors(path, known)
        people += read.actors
        known |= read.names()
        reports.append(read.report)
    agents = read_agents(config.agent_file) if config.agent_file else None
    discards = read_discards(config.discard_file) if config.discard_file else None
    verbs = read_verbs(config.verb_file) if config.verb_file else None
    reports += [part.report for part in (agents, discards, verbs) if part is not None]
    actors = None
    if config.actor_side_files:
        actors = ActorDictionary(
            countries=(), agents=agents.agents if agents else (), organizations=(), aliases=(), groups=(),
            version=file_hash(config.actor_side_files), files=tuple(p.name for p in config.actor_side_files),
            people=tuple(people), discards=discards.discards if discards else (),
        )
    return PetrarchImport(actors, verbs.rules if verbs else (), tuple(reports))


def apply_petrarch(
    config: PetrarchConfig, rules: RuleSet, actors: ActorDictionary
) -> tuple[RuleSet, ActorDictionary, LoadReport]:
    """The coder's rules and actor dictionary with the PETRARCH files added (or replacing them)."""
    started = time.perf_counter()
    imported = load_petrarch(config)
    merged_actors = actors
    reports = imported.reports
    if imported.actors is not None:
        merged_actors = merge(actors, imported.actors, config.mode)
        reports = _with_shadowed_nouns(reports, actors, imported.actors, config.mode)
    merged_rules = rules
    if config.verb_file is not None:
        merged_rules = extend_rules(
            rules, imported.rules, version=_rules_version(rules.version, config),
            files=(str(config.verb_file),), replace=config.mode == "replace",
        )
    return merged_rules, merged_actors, LoadReport(reports, config.mode, time.perf_counter() - started)


def petrarch_versions(config: PetrarchConfig, rules_version: str, actors_version: str) -> tuple[str, str]:
    """(rules version, actor version) once `config` is applied: hashes of the files, not parses,
    so the dictionary version is known without reading the dictionaries (see versions.py)."""
    if config.actor_side_files:
        extra = file_hash(config.actor_side_files)
        actors_version = hashlib.sha256(f"{config.mode}:{actors_version}:{extra}".encode()).hexdigest()[:12]
    if config.verb_file is not None:
        rules_version = _rules_version(rules_version, config)
    return rules_version, actors_version


def _rules_version(base: str, config: PetrarchConfig) -> str:
    verbs = file_hash([config.verb_file]) if config.verb_file else ""
    return hashlib.sha256(f"{config.mode}:{base}:{verbs}".encode()).hexdigest()[:12]


def _with_shadowed_nouns(
    reports: tuple[FileReport, ...], base: ActorDictionary, extra: ActorDictionary, mode: str
) -> tuple[FileReport, ...]:
    """Add to the agents report how many imported nouns the built-in agents already define."""
    if mode != "add":
        return reports
    taken = {phrase_key(noun) for entry in base.agents for noun in entry.nouns} | builtin_phrases(base)
    shadowed = sum(phrase_key(noun) in taken for entry in extra.agents for noun in entry.nouns)
    reason = Reason("nouns the built-in dictionary already defines (the built-in reading is kept)", shadowed)
    return tuple(
        replace(r, loaded=r.loaded - shadowed, skipped=tuple(sorted(r.skipped + (reason,), key=lambda x: -x.count)))
        if r.kind == "agents" and shadowed else r
        for r in reports
    )


__all__ = [
    "ACTOR_FILES", "AGENT_FILE", "DISCARD_FILE", "VERB_FILE",
    "LoadReport", "PetrarchConfig", "PetrarchImport", "apply_petrarch", "load_petrarch", "petrarch_versions",
]
