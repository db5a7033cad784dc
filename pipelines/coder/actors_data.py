"""The actor dictionaries: countries, agents, organisations, named actors and document context.

The files live in `data/actors/` beside this module; their format is written down in
`data/actors/FORMAT.md`. Loading validates every entry and stops at the first problem with a
`DictionaryError` naming the file and line, so a researcher who edits a file learns exactly what
to fix. The result is a tree of frozen dataclasses plus a version (a content hash) that every
coded row can carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from pipelines.coder.errors import DictionaryError

DEFAULT_DIRECTORY = Path(__file__).parent / "data" / "actors"
AGENTS_FILE = "agents.yaml"
COUNTRIES_FILE = "countries.yaml"
ORGANIZATIONS_FILE = "organizations.yaml"
CONTEXT_FILE = "context.yaml"
NAMED_FILE = "named.yaml"
PEOPLE_FILE = "people.yaml"
DISCARDS_FILE = "discards.yaml"
REQUIRED_FILES = (AGENTS_FILE, CONTEXT_FILE, COUNTRIES_FILE, ORGANIZATIONS_FILE)
# named.yaml, people.yaml and discards.yaml are optional so that a researcher's own dictionary folder needs only
# the four files.
OPTIONAL_FILES = (NAMED_FILE, PEOPLE_FILE, DISCARDS_FILE)
FILE_NAMES = tuple(sorted(REQUIRED_FILES + OPTIONAL_FILES))

COUNTRY_CODE = re.compile(r"^[A-Z]{3}$")
AGENT_CODE = re.compile(r"^[A-Z]{3}$")
ORGANIZATION_CODE = re.compile(r"^(IGO|NGO)[A-Z]{3,9}$")
# A named actor's code: a country (or a transnational prefix) plus at most a few more triples.
NAMED_CODE = re.compile(r"^(?:[A-Z]{3}){1,3}$")
# CAMEO's prefix for international militarised groups (al-Qaeda, Islamic State): not a country,
# so their codes are IMG + religion + group ("IMGMUSALQ") rather than country + agent.
TRANSNATIONAL_PREFIXES = frozenset({"IMG"})

# Abbreviations this short collide with ordinary words in other cases ("US"/"us", "WHO"/"who");
# longer ones are often written in title case by the press ("Unesco"), so they match any case.
CASE_SENSITIVE_MAX_LETTERS = 5

CaseRule = Literal["exact", "capitalized", "any"]


@dataclass(frozen=True)
class CountryEntry:
    """A country or territory: its CAMEO code and every phrase that names it."""

    code: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]
    seats: tuple[tuple[str, str], ...]  # (phrase, agent code), e.g. ("White House", "GOV")
    regions: tuple[str, ...] = ()  # places only, never actors: "Darfur", "Crimea"


@dataclass(frozen=True)
class AgentEntry:
    """A CAMEO agent (role) code and the nouns that name it."""

    code: str
    name: str
    nouns: tuple[str, ...]
    priority: int = 1  # when one mention holds nouns of two agents, the higher priority wins


@dataclass(frozen=True)
class OrganizationEntry:
    """An international organisation with its CAMEO code (IGO…/NGO…)."""

    code: str
    names: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class ContextAlias:
    """A phrase that names `refers_to` once a country in `requires_any` was named earlier."""

    text: str
    refers_to: str
    requires_any: tuple[str, ...]


@dataclass(frozen=True)
class GroupAlias:
    """A phrase naming several countries; empty `refers_to` = the `count` most recently named."""

    text: str
    refers_to: tuple[str, ...]
    agent: str | None = None  # "the two leaders": each country's GOV
    count: int = 2  # "the three countries": the last three named


@dataclass(frozen=True)
class DatedCode:
    """An actor code valid from `start` (inclusive) until `end` (exclusive); None = open-ended."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class NamedActor:
    """A named actor (a person, a party, an armed group) whose code may change over time.

    "Barack Obama" is USAELI until 2000 and USAGOV from 2009-01-20: `code_on` picks by story date.
    """

    names: tuple[str, ...]
    codes: tuple[DatedCode, ...]
    # True for names written as they appear in text (named.yaml), which follow FORMAT.md's case
    # rules ("ELN" only in capitals); PETRARCH's names are all capitals and match in any case.
    text_case: bool = False
    person: bool = False  # one of people.yaml: "he" and "his" may stand for them

    def code_on(self, day: dt.date | None) -> str | None:
        """The code on a story date: one whose dates cover it, else an undated one, else the
        last one that ended before it (a person keeps their last known role); without a date,
        an undated code, else the latest-starting one (the current role)."""
        undated = next((c.code for c in self.codes if not c.dated), None)
        if day is None:
            return undated or _latest(self.codes, lambda c: c.start)
        covering = next((c.code for c in self.codes if c.dated and c.covers(day)), None)
        ended = [c for c in self.codes if c.end is not None and c.end <= day]
        return covering or undated or _latest(ended, lambda c: c.end)


def _latest(codes: Iterable[DatedCode], when: Callable[[DatedCode], dt.date | None]) -> str | None:
    """The code whose `when` date is latest (codes without that date count as earliest)."""
    ordered = sorted(codes, key=lambda c: when(c) or dt.date.min)
    return ordered[-1].code if ordered else None


@dataclass(frozen=True)
class Discard:
    """A phrase that makes a sentence (or, when `story`, the whole story) uncodable."""

    phrase: str
    story: bool = False


@dataclass(frozen=True)
class ActorDictionary:
    """All actor dictionaries, validated, with the version of the files they came from."""

    countries: tuple[CountryEntry, ...]
    agents: tuple[AgentEntry, ...]
    organizations: tuple[OrganizationEntry, ...]
    aliases: tuple[ContextAlias, ...]
    groups: tuple[GroupAlias, ...]
    version: str  # first 12 hex digits of sha256 over the files' bytes, in `files` order
    files: tuple[str, ...]  # file names, sorted
    not_actors: tuple[str, ...] = field(default=())  # phrases that shadow a country phrase
    people: tuple[NamedActor, ...] = field(default=())  # named actors, e.g. imported from PETRARCH
    discards: tuple[Discard, ...] = field(default=())  # phrases that make a sentence uncodable

    def country(self, code: str) -> CountryEntry:
        """The country entry for `code`; KeyError if there is none."""
        return _by_code(self.countries, code)

    def agent(self, code: str) -> AgentEntry:
        """The agent entry for `code`; KeyError if there is none."""
        return _by_code(self.agents, code)

    def organization(self, code: str) -> OrganizationEntry:
        """The organisation entry for `code`; KeyError if there is none."""
        return _by_code(self.organizations, code)

    def resolve_alias(self, text: str, named_earlier: Iterable[str]) -> ContextAlias | None:
        """The alias `text` stands for, given the country codes the document named before it.

        Aliases sharing a text ("the South": KOR after a Korea, SSD after a Sudan) are tried in
        file order; the first whose `requires_any` meets a named country wins. None if none does.
        """
        named = set(named_earlier)
        key = phrase_key(text)
        for alias in self.aliases:
            if phrase_key(alias.text) == key and named.intersection(alias.requires_any):
                return alias
        return None


def _by_code(entries: tuple[Any, ...], code: str) -> Any:
    for entry in entries:
        if entry.code == code:
            return entry
    raise KeyError(code)


# --- matching helpers the coder shares with the validation -------------------------------------


def is_case_sensitive(phrase: str) -> bool:
    """True for an all-capitals abbreviation of at most five letters ("US", "U.S.", "DPRK", "WHO").

    Such a phrase matches only in exactly that case, so "US" never matches the pronoun "us".
    """
    letters = [ch for ch in phrase if ch.isalpha()]
    return 0 < len(letters) <= CASE_SENSITIVE_MAX_LETTERS and all(ch.isupper() for ch in letters)


def case_rule(phrase: str, word: str) -> CaseRule:
    """How one word (token) of `phrase` must be cased in the text to match.

    "exact" for every word of a case-sensitive abbreviation; "capitalized" for a word written
    with a capital ("Turkey" does not match "turkey", "the North" does not match "the north");
    "any" for a lowercase word ("the", agent nouns).
    """
    if is_case_sensitive(phrase):
        return "exact"
    return "capitalized" if word[:1].isupper() else "any"


def phrase_key(phrase: str) -> str:
    """The form two phrases are compared in: exact for case-sensitive ones, else casefolded."""
    collapsed = " ".join(phrase.split())
    return collapsed if is_case_sensitive(collapsed) else collapsed.casefold()


def plural_forms(phrase: str) -> tuple[str, ...]:
    """Regular English plurals of the phrase's last word ("Israeli" -> "Israelis").

    spaCy does not lemmatise proper-noun plurals ("Israelis" keeps its lemma), so the coder
    matches these forms too. Irregular plurals of common nouns ("gunmen") are left to the lemma.
    """
    if is_case_sensitive(phrase) or not phrase[-1:].isalpha():
        return ()
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return (f"{prefix}{last}es",)
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return (f"{prefix}{last[:-1]}ies",)
    return (f"{prefix}{last}s",)


# --- YAML with line numbers --------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A YAML value and the 1-based line it starts on. `kind` is map, seq, str or another tag."""

    kind: str
    value: Any  # dict[str, _Node] | list[_Node] | str
    line: int


def _parse(path: Path, data: bytes) -> _Node:
    """Compose the YAML in `data` into _Nodes, turning syntax errors into DictionaryErrors."""
    try:
        text = data.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        raise DictionaryError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DictionaryError(path, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        raise DictionaryError(path, None, "the file is empty")
    return _convert(path, root)


def _convert(path: Path, node: yaml.Node) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _Node("map", _convert_mapping(path, node), line)
    if isinstance(node, yaml.SequenceNode):
        return _Node("seq", [_convert(path, item) for item in node.value], line)
    # Only plain text is wanted; other tags (int, bool, null) are kept so errors can name them.
    kind = "str" if node.tag == "tag:yaml.org,2002:str" else node.tag.rsplit(":", 1)[-1]
    return _Node(kind, node.value, line)


def _convert_mapping(path: Path, node: yaml.MappingNode) -> dict[str, _Node]:
    # PyYAML silently keeps the last of two equal keys; a researcher's typo must not vanish.
    result: dict[str, _Node] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise DictionaryError(path, key_line, "a key must be plain text")
        key = key_node.value
        if key in result:
            first = result[key].line
            raise DictionaryError(path, key_line, f"key '{key}' given twice (first on line {first})")
        value = _convert(path, value_node)
        # Errors about a value point at its key: a block list starts on the line below.
        result[key] = _Node(value.kind, value.value, key_line)
    return result


# --- shape checks ------------------------------------------------------------------------------


def _mapping(
    path: Path, node: _Node, what: str, allowed: set[str], required: set[str]
) -> dict[str, _Node]:
    """The node as a mapping with only `allowed` keys and every `required` key."""
    if node.kind != "map":
        raise DictionaryError(path, node.line, f"{what} must be a mapping of keys to values")
    for key, value in node.value.items():
        if key not in allowed:
            names = ", ".join(sorted(allowed))
            raise DictionaryError(path, value.line, f"unknown key '{key}' in {what} (allowed: {names})")
    for key in sorted(required - node.value.keys()):
        raise DictionaryError(path, node.line, f"{what} has no '{key}'")
    return node.value


def _sequence(path: Path, node: _Node | None, what: str) -> list[_Node]:
    """The node as a list; a missing or empty value is an empty list."""
    if node is None or node.kind == "null":
        return []
    if node.kind != "seq":
        raise DictionaryError(path, node.line, f"{what} must be a list")
    return node.value


def _text(path: Path, node: _Node, what: str) -> str:
    """The node as non-empty text without surrounding spaces."""
    if node.kind != "str":
        hint = " (put it in quotes)" if node.kind in ("bool", "int", "float", "null") else ""
        message = f"{what} must be text, not {node.kind} '{node.value}'{hint}"
        raise DictionaryError(path, node.line, message)
    if not node.value.strip():
        raise DictionaryError(path, node.line, f"{what} is empty")
    if node.value != node.value.strip():
        raise DictionaryError(path, node.line, f"{what} '{node.value}' has spaces at its ends")
    return node.value


def _texts(path: Path, node: _Node | None, what: str) -> list[tuple[str, int]]:
    """A list of texts with their lines."""
    return [(_text(path, item, what), item.line) for item in _sequence(path, node, f"{what}s")]


def _code(path: Path, node: _Node, pattern: re.Pattern[str], what: str) -> str:
    code = _text(path, node, what)
    if not pattern.match(code):
        raise DictionaryError(path, node.line, f"{what} '{code}' does not match {pattern.pattern}")
    return code


def _int(path: Path, node: _Node, what: str) -> int:
    if node.kind != "int":
        raise DictionaryError(path, node.line, f"{what} must be a whole number, not '{node.value}'")
    return int(node.value)


# --- uniqueness --------------------------------------------------------------------------------


@dataclass
class _Seen:
    """Where each key was first defined, to report both places when it comes again."""

    what: str
    first: dict[str, tuple[str, Path, int]] = field(default_factory=dict)

    def add(self, key: str, owner: str, path: Path, line: int, shown: str | None = None) -> None:
        """Record `key` for `owner`; raise if it was already recorded (for anyone)."""
        if key not in self.first:
            self.first[key] = (owner, path, line)
            return
        other, other_path, other_line = self.first[key]
        place = f"line {other_line}" if other_path == path else f"{other_path}:{other_line}"
        who = f"again for {owner}" if other == owner else f"for {owner} and for {other}"
        raise DictionaryError(path, line, f"{self.what} '{shown or key}' is listed {who} ({place})")


# --- the four required files -------------------------------------------------------------------


def _load_agents(path: Path, root: _Node) -> tuple[tuple[AgentEntry, ...], dict[str, int]]:
    """The agents and the line each is defined on."""
    top = _mapping(path, root, "the file", {"agents"}, {"agents"})
    codes, nouns = _Seen("agent code"), _Seen("agent noun")
    entries, lines = [], {}
    for node in _sequence(path, top["agents"], "agents"):
        entry = _agent(path, node, nouns)
        codes.add(entry.code, entry.code, path, node.line)
        entries.append(entry)
        lines[entry.code] = node.line
    return tuple(entries), lines


def _agent(path: Path, node: _Node, nouns: _Seen) -> AgentEntry:
    allowed = {"code", "name", "priority", "nouns"}
    fields = _mapping(path, node, "an agent", allowed, allowed - {"priority"})
    code = _code(path, fields["code"], AGENT_CODE, "agent code")
    words = _texts(path, fields["nouns"], "agent noun")
    if not words:
        raise DictionaryError(path, fields["nouns"].line, f"agent {code} has no nouns")
    for word, line in words:
        # Nouns are generic words; only short abbreviations keep their capitals ("MP", "NGO").
        if word != word.lower() and not is_case_sensitive(word):
            raise DictionaryError(path, line, f"agent noun '{word}' must be lowercase")
        nouns.add(phrase_key(word), code, path, line, word)
    priority = _int(path, fields["priority"], "priority") if "priority" in fields else 1
    name = _text(path, fields["name"], "agent name")
    return AgentEntry(code, name, tuple(word for word, _ in words), priority)


def _check_code_clash(path: Path, agent_lines: dict[str, int], country_codes: set[str]) -> None:
    # "PRKGOV" must split one way only: an agent code may not also be a country code.
    for code, line in agent_lines.items():
        if code in country_codes:
            raise DictionaryError(path, line, f"agent code {code} is also a country code")


def _load_countries(
    path: Path, root: _Node, agent_codes: set[str], phrases: _Seen
) -> tuple[tuple[CountryEntry, ...], tuple[str, ...]]:
    """The countries and the not_actors phrases; every phrase is recorded in `phrases`."""
    top = _mapping(path, root, "the file", {"countries", "not_actors"}, {"countries"})
    codes = _Seen("country code")
    regions = _Seen("region")
    entries = []
    for node in _sequence(path, top["countries"], "countries"):
        entry = _country(path, node, agent_codes, phrases, regions)
        codes.add(entry.code, entry.code, path, node.line)
        entries.append(entry)
    return tuple(entries), _not_actors(path, top.get("not_actors"), phrases)


def _country(path: Path, node: _Node, agent_codes: set[str], phrases: _Seen, regions: _Seen) -> CountryEntry:
    allowed = {"code", "names", "adjectives", "capitals", "seats", "regions"}
    fields = _mapping(path, node, "a country", allowed, {"code", "names"})
    code = _code(path, fields["code"], COUNTRY_CODE, "country code")
    texts: dict[str, tuple[str, ...]] = {}
    for key in ("names", "adjectives", "capitals"):
        listed = _texts(path, fields.get(key), key[:-1])
        for phrase, line in listed:
            phrases.add(phrase_key(phrase), code, path, line, phrase)
        texts[key] = tuple(phrase for phrase, _ in listed)
    if not texts["names"]:
        raise DictionaryError(path, fields["names"].line, f"country {code} has no names")
    seats = _seats(path, fields.get("seats"), code, agent_codes, phrases)
    listed = _texts(path, fields.get("regions"), "region")
    for region, line in listed:  # places, not actor phrases: unique among regions only
        regions.add(phrase_key(region), code, path, line, region)
    return CountryEntry(code, texts["names"], texts["adjectives"], texts["capitals"], seats, tuple(r for r, _ in listed))


def _seats(
    path: Path, node: _Node | None, code: str, agent_codes: set[str], phrases: _Seen
) -> tuple[tuple[str, str], ...]:
    if node is None or node.kind == "null":
        return ()
    if node.kind != "map":
        raise DictionaryError(path, node.line, "seats must be a mapping of phrase: agent code")
    seats = []
    for phrase, agent_node in node.value.items():
        agent = _code(path, agent_node, AGENT_CODE, "agent code")
        if agent not in agent_codes:
            message = f"seat '{phrase}' names agent {agent}, which {AGENTS_FILE} does not define"
            raise DictionaryError(path, agent_node.line, message)
        phrases.add(phrase_key(phrase), code, path, agent_node.line, phrase)
        seats.append((phrase, agent))
    return tuple(seats)


def _not_actors(path: Path, node: _Node | None, phrases: _Seen) -> tuple[str, ...]:
    seen = _Seen("not_actors phrase")
    result = []
    sensitive = frozenset(key for key in phrases.first if is_case_sensitive(key))
    folded = frozenset(phrases.first) - sensitive
    for phrase, line in _texts(path, node, "not_actors phrase"):
        key = phrase_key(phrase)
        seen.add(key, "not_actors", path, line, phrase)
        if key in phrases.first:
            raise DictionaryError(path, line, f"'{phrase}' is itself a country phrase, not a non-actor")
        # A phrase that contains no country phrase shadows nothing: most likely a typo.
        if not (_starts_word_in(sensitive, phrase) or _starts_word_in(folded, phrase.casefold())):
            raise DictionaryError(path, line, f"not_actors phrase '{phrase}' contains no country phrase")
        result.append(phrase)
    return tuple(result)


def _starts_word_in(keys: frozenset[str], haystack: str) -> bool:
    """Whether one of the keys starts a word in the haystack ("America" in "Americas")."""
    for start in range(len(haystack)):
        if start and (haystack[start - 1].isalnum() or haystack[start - 1] == "_"):
            continue
        if any(haystack[start:end] in keys for end in range(start + 1, len(haystack) + 1)):
            return True
    return False


def _load_organizations(path: Path, root: _Node, phrases: _Seen) -> tuple[OrganizationEntry, ...]:
    top = _mapping(path, root, "the file", {"organizations"}, {"organizations"})
    codes = _Seen("organisation code")
    entries = []
    for node in _sequence(path, top["organizations"], "organizations"):
        entry = _organization(path, node, phrases)
        codes.add(entry.code, entry.code, path, node.line)
        entries.append(entry)
    return tuple(entries)


def _organization(path: Path, node: _Node, phrases: _Seen) -> OrganizationEntry:
    fields = _mapping(path, node, "an organisation", {"code", "names", "note"}, {"code", "names"})
    code = _code(path, fields["code"], ORGANIZATION_CODE, "organisation code")
    names = _texts(path, fields["names"], "name")
    if not names:
        raise DictionaryError(path, fields["names"].line, f"organisation {code} has no names")
    for name, line in names:
        phrases.add(phrase_key(name), code, path, line, name)
    note = _text(path, fields["note"], "note") if "note" in fields else None
    return OrganizationEntry(code, tuple(name for name, _ in names), note)


def _load_context(
    path: Path, root: _Node, country_codes: set[str], agent_codes: set[str] = frozenset()
) -> tuple[tuple[ContextAlias, ...], tuple[GroupAlias, ...]]:
    top = _mapping(path, root, "the file", {"aliases", "groups"}, set())
    seen_aliases, seen_groups = _Seen("alias"), _Seen("group phrase")
    alias_nodes = _sequence(path, top.get("aliases"), "aliases")
    aliases = tuple(_alias(path, node, country_codes, seen_aliases) for node in alias_nodes)
    alias_keys = {phrase_key(alias.text) for alias in aliases}
    groups = []
    for node in _sequence(path, top.get("groups"), "groups"):
        group = _group(path, node, country_codes, seen_groups, agent_codes)
        if phrase_key(group.text) in alias_keys:
            raise DictionaryError(path, node.line, f"'{group.text}' is both an alias and a group")
        groups.append(group)
    return aliases, tuple(groups)


def _country_ref(path: Path, node: _Node, country_codes: set[str], what: str) -> str:
    code = _code(path, node, COUNTRY_CODE, "country code")
    if code not in country_codes:
        raise DictionaryError(path, node.line, f"{what} names {code}, which {COUNTRIES_FILE} does not define")
    return code


def _alias(path: Path, node: _Node, country_codes: set[str], seen: _Seen) -> ContextAlias:
    keys = {"text", "refers_to", "requires_any"}
    fields = _mapping(path, node, "an alias", keys, keys)
    text = _text(path, fields["text"], "alias text")
    refers_to = _country_ref(path, fields["refers_to"], country_codes, "refers_to")
    items = _sequence(path, fields["requires_any"], "requires_any")
    requires_any = tuple(_country_ref(path, item, country_codes, "requires_any") for item in items)
    if not requires_any:
        raise DictionaryError(path, fields["requires_any"].line, f"alias '{text}' has an empty requires_any")
    # One text may stand for different countries in different documents, but not twice for one.
    seen.add(f"{phrase_key(text)} -> {refers_to}", refers_to, path, fields["text"].line, text)
    return ContextAlias(text, refers_to, requires_any)


def _group(path: Path, node: _Node, country_codes: set[str], seen: _Seen, agent_codes: set[str] = frozenset()) -> GroupAlias:
    fields = _mapping(path, node, "a group", {"text", "refers_to", "agent", "count"}, {"text"})
    text = _text(path, fields["text"], "group text")
    items = _sequence(path, fields.get("refers_to"), "refers_to")
    refers_to = tuple(_country_ref(path, item, country_codes, "refers_to") for item in items)
    if len(refers_to) == 1:
        message = f"group '{text}' names one country; make it an alias"
        raise DictionaryError(path, fields["refers_to"].line, message)
    seen.add(phrase_key(text), "groups", path, fields["text"].line, text)
    agent = _text(path, fields["agent"], "agent") if "agent" in fields else None
    if agent is not None and agent not in agent_codes:
        raise DictionaryError(path, fields["agent"].line, f"group '{text}': unknown agent code '{agent}'")
    count = 2
    if "count" in fields:
        node = fields["count"]
        if node.kind != "int" or int(node.value) < 2 or refers_to:
            raise DictionaryError(path, node.line, f"group '{text}': count must be a whole number of two or more, without refers_to")
        count = int(node.value)
    return GroupAlias(text, refers_to, agent, count)


# --- named actors ------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _load_named(
    path: Path, root: _Node, country_codes: set[str], agent_codes: set[str], phrases: _Seen, key: str = "named",
    organization_codes: Collection[str] = (),
) -> tuple[NamedActor, ...]:
    """The named actors of named.yaml (top key `named`) or people.yaml (`people`); each name is
    recorded in `phrases` (shared with the countries and organisations), so one phrase never means
    two actors."""
    top = _mapping(path, root, "the file", {key}, {key})
    nodes = _sequence(path, top[key], key)
    named = (_named(path, node, country_codes, agent_codes, phrases, organization_codes) for node in nodes)
    return tuple(replace(actor, person=True) for actor in named) if key == "people" else tuple(named)


def _named(
    path: Path, node: _Node, country_codes: set[str], agent_codes: set[str], phrases: _Seen,
    organization_codes: Collection[str] = (),
) -> NamedActor:
    fields = _mapping(path, node, "a named actor", {"names", "code", "codes", "note"}, {"names"})
    if ("code" in fields) == ("codes" in fields):
        raise DictionaryError(path, node.line, "a named actor needs exactly one of 'code' and 'codes'")
    names = _texts(path, fields["names"], "name")
    if not names:
        raise DictionaryError(path, fields["names"].line, "a named actor has no names")
    if "code" in fields:
        code = _named_code(path, fields["code"], country_codes, agent_codes, organization_codes)
        codes: tuple[DatedCode, ...] = (DatedCode(code),)
    else:
        codes = _dated_codes(path, fields["codes"], country_codes, agent_codes, organization_codes)
    owner = f"{names[0][0]} ({codes[-1].code})"
    for name, line in names:
        phrases.add(phrase_key(name), owner, path, line, name)
    if "note" in fields:
        _text(path, fields["note"], "note")  # checked for the reader's sake; the coder ignores it
    return NamedActor(tuple(name for name, _ in names), codes, text_case=True)


def _named_code(
    path: Path, node: _Node, country_codes: set[str], agent_codes: set[str], organization_codes: Collection[str] = ()
) -> str:
    """A country plus at most one agent ("PSEREB"), a transnational code ("IMGMUSALQ"), or an
    organisation's code of organizations.yaml ("IGOUNO": a UN Secretary-General in office)."""
    code = _code(path, node, NAMED_CODE, "actor code")
    prefix, agent = code[:3], code[3:]
    if prefix in TRANSNATIONAL_PREFIXES or code in organization_codes:
        return code
    if prefix not in country_codes:
        allowed = ", ".join(sorted(TRANSNATIONAL_PREFIXES))
        message = (
            f"actor code '{code}' starts with {prefix}, which is neither a country of {COUNTRIES_FILE} nor {allowed}"
            f" (nor is it an organisation code of {ORGANIZATIONS_FILE})"
        )
        raise DictionaryError(path, node.line, message)
    # The coder splits a code into country + one agent; a longer code would lose its tail's meaning.
    if agent and agent not in agent_codes:
        message = f"actor code '{code}': {agent} is not an agent code of {AGENTS_FILE} (write country + one agent)"
        raise DictionaryError(path, node.line, message)
    return code


def _dated_codes(
    path: Path, node: _Node, country_codes: set[str], agent_codes: set[str], organization_codes: Collection[str] = ()
) -> tuple[DatedCode, ...]:
    """The `codes` list: each a code with an optional start (inclusive) and end (exclusive)."""
    items = _sequence(path, node, "codes")
    if not items:
        raise DictionaryError(path, node.line, "codes is empty (or write a single 'code')")
    dated = []
    for item in items:
        fields = _mapping(path, item, "a dated code", {"code", "start", "end"}, {"code"})
        code = _named_code(path, fields["code"], country_codes, agent_codes, organization_codes)
        start = _date(path, fields["start"], "start") if "start" in fields else None
        end = _date(path, fields["end"], "end") if "end" in fields else None
        if start is not None and end is not None and start >= end:
            raise DictionaryError(path, fields["end"].line, f"end {end} is not after start {start}")
        dated.append((DatedCode(code, start, end), item.line))
    _check_periods(path, dated)
    return tuple(code for code, _ in dated)


def _date(path: Path, node: _Node, what: str) -> dt.date:
    """A YYYY-MM-DD date (YAML reads it as a timestamp; a quoted one is text: both are fine)."""
    text = str(node.value)
    if node.kind not in ("timestamp", "str") or not ISO_DATE.match(text):
        raise DictionaryError(path, node.line, f"{what} '{text}' is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise DictionaryError(path, node.line, f"{what} '{text}' is not a real date ({exc})") from exc


def _check_periods(path: Path, dated: list[tuple[DatedCode, int]]) -> None:
    """At most one undated code (the fallback) and no two dated periods that overlap: on any
    story date at most one code may apply, or the file order would silently decide."""
    undated = [line for code, line in dated if not code.dated]
    if len(undated) > 1:
        raise DictionaryError(path, undated[1], f"a second code without dates (first on line {undated[0]})")
    periods = sorted(
        ((code, line) for code, line in dated if code.dated), key=lambda item: item[0].start or dt.date.min
    )
    for (before, before_line), (after, after_line) in zip(periods, periods[1:]):
        if before.end is None or (after.start or dt.date.min) < before.end:
            message = f"the dates of {after.code} overlap those of {before.code} (line {before_line})"
            raise DictionaryError(path, after_line, message)


# --- entry point -------------------------------------------------------------------------------


def _read(directory: Path) -> dict[str, tuple[Path, bytes]]:
    """The bytes of every required file and of the optional files that are present."""
    files = {}
    for name in FILE_NAMES:
        path = directory / name
        if not path.is_file():
            if name in OPTIONAL_FILES:
                continue
            raise DictionaryError(path, None, "file not found")
        files[name] = (path, path.read_bytes())
    return files


def _version(files: dict[str, tuple[Path, bytes]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):  # sorted, so the version does not depend on reading order
        digest.update(files[name][1])
    return digest.hexdigest()[:12]


def load_actor_dictionary(directory: Path | None = None) -> ActorDictionary:
    """Load and validate the actor dictionaries from `directory` (default: the packaged data).

    Raises DictionaryError (file, line, message) at the first malformed entry.
    """
    files = _read(directory or DEFAULT_DIRECTORY)
    parsed = {name: (path, _parse(path, data)) for name, (path, data) in files.items()}
    agents, agent_lines = _load_agents(*parsed[AGENTS_FILE])
    phrases = _Seen("phrase")  # countries and organisations share one namespace of phrases
    countries, not_actors = _load_countries(*parsed[COUNTRIES_FILE], set(agent_lines), phrases)
    country_codes = {country.code for country in countries}
    _check_code_clash(parsed[AGENTS_FILE][0], agent_lines, country_codes)
    organizations = _load_organizations(*parsed[ORGANIZATIONS_FILE], phrases)
    aliases, groups = _load_context(*parsed[CONTEXT_FILE], country_codes, set(agent_lines))
    organization_codes = {organization.code for organization in organizations}
    people: tuple[NamedActor, ...] = ()
    for name, key in ((NAMED_FILE, "named"), (PEOPLE_FILE, "people")):  # named actors, then people
        if name in parsed:
            people += _load_named(*parsed[name], country_codes, set(agent_lines), phrases, key, organization_codes)
    discards = _load_discards(*parsed[DISCARDS_FILE]) if DISCARDS_FILE in parsed else ()
    return ActorDictionary(
        countries=countries,
        agents=agents,
        organizations=organizations,
        aliases=aliases,
        groups=groups,
        version=_version(files),
        files=tuple(sorted(files)),
        not_actors=not_actors,
        people=people,
        discards=discards,
    )


def _load_discards(path: Path, root: _Node) -> tuple[Discard, ...]:
    """Phrases that leave their sentence (or, with `story: true`, their story) uncoded."""
    top = _mapping(path, root, "the file", {"discards"}, {"discards"})
    seen = _Seen("discard phrase")
    discards = []
    for node in _sequence(path, top["discards"], "discards"):
        fields = _mapping(path, node, "a discard", {"phrase", "story", "note"}, {"phrase"})
        phrase = _text(path, fields["phrase"], "discard phrase")
        seen.add(phrase_key(phrase), "a discard", path, fields["phrase"].line, phrase)
        story = fields.get("story")
        if story is not None and story.kind != "bool":
            raise DictionaryError(path, story.line, "'story' must be true or false")
        discards.append(Discard(phrase, bool(story.value) if story is not None else False))
    return tuple(discards)


# --- combining dictionaries --------------------------------------------------------------------

# Codes that name an organisation rather than a country: they never split into country + agent.
# IMG (international militarised groups: al-Qaeda) belongs here too: such a group has no country,
# and "al-Qaeda militants" is the group itself, not "IMG" + the noun's agent (REB).
ORGANIZATION_PREFIXES = ("IGO", "NGO", "IMG")
MERGE_MODES = ("add", "replace")


def split_actor_code(code: str, agent_codes: Collection[str]) -> tuple[str | None, str | None, str | None]:
    """(country, agent, organisation) of a full CAMEO actor code.

    "USAGOV" -> ("USA", "GOV", None); "IGOUNOKID" and "IMGMUSALQ" are organisations
    (None, None, code); a code that starts with an agent ("ELI", "GOVMED") has no country:
    (None, "ELI", None). Other three-letter prefixes (countries, regions, MNC) fill the country
    part, so the code survives intact.
    """
    if code.startswith(ORGANIZATION_PREFIXES):
        return None, None, code
    if code[:3] in agent_codes:
        return None, code, None
    return code[:3], code[3:] or None, None


def merge(base: ActorDictionary, extra: ActorDictionary, mode: str = "add") -> ActorDictionary:
    """`base` with the agents, named actors and discards of `extra` added ("add"), or `extra` alone
    ("replace"). When adding, the built-in dictionary wins: an imported agent noun that a built-in
    agent already has is dropped, and built-in phrases beat imported names of the same length.
    """
    if mode not in MERGE_MODES:
        raise ValueError(f"merge mode must be one of {MERGE_MODES}, not {mode!r}")
    version = hashlib.sha256(f"{mode}:{base.version}:{extra.version}".encode()).hexdigest()[:12]
    if mode == "replace":
        return replace(extra, version=version)
    return replace(
        base,
        agents=merge_agents(base.agents, extra.agents, builtin_phrases(base)),
        people=base.people + extra.people,
        discards=base.discards + extra.discards,
        version=version,
        files=base.files + extra.files,
    )


def builtin_phrases(dictionary: ActorDictionary) -> frozenset[str]:
    """Every phrase of the dictionary's countries, organisations, context aliases and built-in
    named actors (named.yaml; imported PETRARCH names are not built-in), as keys."""
    phrases = [
        *(name for person in dictionary.people if person.text_case for name in person.names),
        *(p for c in dictionary.countries for p in (*c.names, *c.adjectives, *c.capitals, *(s for s, _ in c.seats))),
        *(name for org in dictionary.organizations for name in org.names),
        *(alias.text for alias in dictionary.aliases), *(group.text for group in dictionary.groups),
        *dictionary.not_actors,
    ]
    return frozenset(phrase_key(phrase) for phrase in phrases)


def merge_agents(
    base: tuple[AgentEntry, ...], extra: tuple[AgentEntry, ...], phrases: frozenset[str] = frozenset()
) -> tuple[AgentEntry, ...]:
    """Built-in agents extended with imported nouns they lack; new codes appended.

    An imported noun that a built-in agent or a built-in phrase (`phrases`, e.g. the UN's
    "Security Council") already names is dropped: the built-in reading wins. A new code takes the
    priority of the built-in agent its first three letters name ("GOVMED" ranks as GOV), so
    imported sub-agents do not outrank the built-in ones they refine.
    """
    taken = {phrase_key(noun) for entry in base for noun in entry.nouns} | set(phrases)
    priority = {entry.code: entry.priority for entry in base}
    added: dict[str, list[str]] = {}
    for entry in extra:
        for noun in entry.nouns:
            if phrase_key(noun) not in taken:
                taken.add(phrase_key(noun))
                added.setdefault(entry.code, []).append(noun)
    merged = [replace(entry, nouns=entry.nouns + tuple(added.pop(entry.code, ()))) for entry in base]
    names = {entry.code: entry.name for entry in extra}
    merged += [
        AgentEntry(code, names[code], tuple(nouns), priority.get(code[:3], 1)) for code, nouns in added.items()
    ]
    return tuple(merged)
