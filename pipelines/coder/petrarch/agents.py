"""Reader for the PETRARCH agents file (Phoenix.agents.txt).

The format (PETRreader.read_agent_dictionary): one noun phrase per line with its code,

    FOREIGN_MINISTER [~GOV]             the agent code follows the country: KEN + GOV = KENGOV
    ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVJUD]   an irregular plural in braces
    PARLIAMENTARY_OPPOSITION {} [~OPP]   empty braces: no plural
    HUMAN_RIGHTS_BODY [NGO~]             the code goes before the country (not supported here)

and substitution sets defined as `!PERSON! = MAN, MEN, WOMAN` and used as `CONGRESS!PERSON!`:
each member replaces the marker. Regular plurals are left to the actor finder, which forms
them for every agent noun. Nouns become lowercase `AgentEntry` nouns grouped by code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.coder.actors_data import AgentEntry
from pipelines.coder.petrarch.report import FileReport, Tally
from pipelines.coder.petrarch.source import Line, phrase, read_lines

MARKER_DEFINITION = re.compile(r"^\s*!([^!]+)!\s*=(.*)$")
MARKER = re.compile(r"!([^!]*)!")
SUFFIX_CODE = re.compile(r"^~([A-Z]{3,})$")  # "~GOV": the agent follows the country


@dataclass(frozen=True)
class AgentsFile:
    """The agents of the file, one entry per code, and its report."""

    agents: tuple[AgentEntry, ...]
    report: FileReport


def read_agents(path: Path) -> AgentsFile:
    """Read the agents file into AgentEntry values (code without '~', lowercase nouns)."""
    tally = Tally(path, "agents", "agent nouns")
    markers: dict[str, list[str]] = {}
    nouns: dict[str, list[str]] = {}  # code -> nouns, in file order
    seen: set[str] = set()
    for line in read_lines(path):
        definition = MARKER_DEFINITION.match(line.text)
        if definition:
            markers[definition.group(1)] = [item.strip() for item in definition.group(2).split(",") if item.strip()]
            tally.count("substitution sets")
            continue
        entry = _entry(line, markers, tally)
        if entry is None:
            continue
        code, forms = entry
        for noun in forms:
            if noun in seen:
                tally.skip("nouns: already listed for an earlier line (the first is kept)", line.number)
                continue
            seen.add(noun)
            nouns.setdefault(code, []).append(noun)
    agents = tuple(AgentEntry(code, f"PETRARCH agent {code}", tuple(words)) for code, words in nouns.items())
    tally.count("codes", len(agents))
    return AgentsFile(agents, tally.freeze(sum(len(agent.nouns) for agent in agents)))


def _entry(line: Line, markers: dict[str, list[str]], tally: Tally) -> tuple[str, list[str]] | None:
    """(code, noun forms) of one line; None (and a counted reason) when the line is unusable."""
    text, bracket, rest = line.text.partition("[")
    if not bracket:
        tally.skip("lines: no [code]", line.number)
        return None
    raw_code = rest.partition("]")[0].strip()
    match = SUFFIX_CODE.match(raw_code)
    if match is None:
        reason = "code goes before the country (NGO~); not supported" if raw_code.endswith("~") else "code is not ~CODE"
        tally.skip(f"lines: {reason}", line.number)
        return None
    forms = _forms(text, line, tally)
    if forms is None:
        return None
    expanded = _substitute(forms, markers)
    if expanded is None:
        tally.skip("lines: undefined substitution marker", line.number)
        return None
    if " " in text.partition("{")[0].strip():
        # PETRARCH lets other words come between space-separated words; we match them adjacent.
        tally.note("space-separated words matched as adjacent words", line.number)
    nouns = [phrase(form).lower() for form in expanded]
    return match.group(1), [noun for noun in nouns if noun]


def _forms(text: str, line: Line, tally: Tally) -> list[str] | None:
    """The singular and any plural written in braces."""
    if "{" not in text:
        return [text]
    singular, _, rest = text.partition("{")
    if "}" not in rest:
        tally.skip("lines: '{' without '}'", line.number)
        return None
    plural = rest.partition("}")[0]
    return [singular, plural] if plural.strip() else [singular]


def _substitute(forms: list[str], markers: dict[str, list[str]]) -> list[str] | None:
    """Every form with its !MARKER! replaced by each member of the set; None if a set is unknown."""
    result = []
    for form in forms:
        match = MARKER.search(form)
        if match is None:
            result.append(form)
            continue
        if match.group(1) not in markers:
            return None
        result += [form[: match.start()] + member + form[match.end() :] for member in markers[match.group(1)]]
    return result
