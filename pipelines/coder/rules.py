"""Event rules as data: the rule format, its validation, and the lemma index the coder uses.

The format is documented in `data/rules/FORMAT.md`. A rule says: this lemma (a verb or a noun),
under these conditions, is this CAMEO code; the source and target actors are found in these
syntactic slots, tried in order.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.coder.codebook import load_codebook
from pipelines.coder.errors import DictionaryError
from pipelines.coder.yaml_lines import check_keys, line_of, load_yaml

RULES_DIR = Path(__file__).parent / "data" / "rules"

SIMPLE_SLOTS = frozenset(
    {"subject", "speaker", "dobj", "iobj", "poss", "object_poss", "between", "parties", "passive_subject", "ccomp_subject", "xcomp_object",
     "xcomp_target", "xcomp_further_target", "own_government", "own_people", "condition_subject", "addressee",
     "situation_country", "place_people", "object_place", "from_place", "hit_place", "subtree_hit_place", "aimed_place", "xcomp_place", "holder", "ended_doer", "purpose_object", "addressed",
     "met_partner"}
)
PREP_SLOT_KINDS = ("prep", "object_prep", "verb_prep", "xcomp_prep", "subtree_prep", "purpose_prep")
PREP_SLOT = re.compile(rf"^({'|'.join(PREP_SLOT_KINDS)}):[a-z]+$")
CODE_PATTERN = re.compile(r"^\d{3,4}$")
RULE_KEYS = {
    "id", "code", "verb", "noun", "adjective", "particle", "prep", "object", "about", "xcomp", "subject_words", "source_agents",
    "not_source_agents", "not_target_agents", "foreign_target", "source", "target", "intent", "negated", "refused", "symmetric", "fallback", "note",
    "refine", "intransitive", "no_predicate", "not_object", "not_particle",
}
# Word lists the engine itself reads (mood, light verbs, reported speech). They are data like
# the rules, so a researcher can see and change them, but every rule file set must define them.
ENGINE_CLASSES = ("light_verbs", "speech_verbs", "intent_verbs", "negative_verbs", "irrealis_verbs")


@dataclass(frozen=True)
class Rule:
    """One event rule. Conditions left as None are not checked."""

    id: str
    code: str
    pos: str  # "verb", "noun" or "adjective" (the predicate of a copula: "Y was *responsible*")
    lemmas: frozenset[str]
    source: tuple[str, ...]
    target: tuple[str, ...]
    particle: str | None = None
    not_particle: frozenset[str] | None = None  # "took *in* refugees" is no capture
    prep: str | None = None
    object: frozenset[str] | None = None
    not_object: frozenset[str] | None = None  # "hosted *nuclear weapons*" is no visit
    about: frozenset[str] | None = None
    xcomp: frozenset[str] | None = None
    subject_words: frozenset[str] | None = None
    source_agents: frozenset[str] | None = None  # CAMEO agent codes a source must have
    not_source_agents: frozenset[str] | None = None  # CAMEO agent codes a source must not have
    not_target_agents: frozenset[str] | None = None  # nor a target: "talked *to reporters*" is no meeting
    # Target slots pass over actors of the sources' own country ("protested to Russia over the
    # detention of its fishermen" is against Russia, not the fishermen).
    foreign_target: bool = False
    # The verb must have no direct object: "flew to Paris", not "flew them to Paris".
    intransitive: bool = False
    # The verb must have no object predicate: "called his counterpart", not "called him *a liar*".
    no_predicate: bool = False
    intent: str | None = None
    negated: str | None = None
    refused: str | None = None  # negated in the future: "will not negotiate" (else `negated`)
    symmetric: bool = False
    # A fallback rule is tried after every other rule of its trigger, and its event is kept only
    # when no other rule coded the same pair of actors in the sentence.
    fallback: bool = False
    # Rules whose topic (`about`, `object`) refines this rule's code when it holds: a generic "must"
    # demand about a release is 1053, as "demanded the release" is.
    refine: tuple[str, ...] = ()
    note: str | None = None
    file: str = ""
    line: int | None = None

    @property
    def specificity(self) -> int:
        """More conditions first: "reject + offer to meet" is tried before plain "reject";
        fallback rules after all others."""
        conditions = (self.particle, self.prep, self.object, self.about, self.xcomp, self.subject_words, self.source_agents)
        return sum(condition is not None for condition in conditions) - (10 if self.fallback else 0)


@dataclass(frozen=True)
class RuleSet:
    """All rules, the word classes, and an index from (pos, lemma) to candidate rules."""

    rules: tuple[Rule, ...]
    classes: Mapping[str, frozenset[str]]
    version: str
    files: tuple[str, ...]
    index: Mapping[tuple[str, str], tuple[Rule, ...]] = field(repr=False, default_factory=dict)
    by_id: Mapping[str, Rule] = field(repr=False, default_factory=dict)
    verb_forms: Mapping[str, str] = field(repr=False, default_factory=dict)

    def candidates(self, pos: str, lemma: str) -> tuple[Rule, ...]:
        """Rules triggered by a lemma, most specific first."""
        return self.index.get((pos, lemma), ())

    def word_class(self, name: str) -> frozenset[str]:
        return self.classes.get(name, frozenset())


def load_rules(directory: Path | None = None, extra_files: Iterable[Path] = ()) -> RuleSet:
    """Load and validate every `*.yaml` rule file in `directory` (the built-in rules by default)."""
    paths = sorted((directory or RULES_DIR).glob("*.yaml")) + list(extra_files)
    if not paths:
        raise DictionaryError(directory or RULES_DIR, None, "no rule files (*.yaml) found")
    documents = [(path, load_yaml(path)) for path in paths]
    classes = _collect_classes(documents)
    for name in ENGINE_CLASSES:
        if name not in classes:
            raise DictionaryError(paths[0], None, f"word class '{name}' is required by the engine")
    rules = [rule for path, data in documents for rule in _parse_rules(path, data, classes)]
    _check_unique_ids(rules)
    _check_codes(rules)
    by_id = {rule.id: rule for rule in rules}
    _check_refinements(rules, by_id)
    return RuleSet(
        rules=tuple(rules),
        classes=classes,
        version=_content_hash(paths),
        files=tuple(str(path) for path in paths),
        index=_build_index(rules),
        verb_forms=_verb_forms(rules),
        by_id=by_id,
    )


def _check_refinements(rules: list[Rule], by_id: Mapping[str, Rule]) -> None:
    """Every rule named in a `refine` list exists and has a topic (`about` or `object`)."""
    for rule in rules:
        for name in rule.refine:
            other = by_id.get(name)
            if other is None:
                raise DictionaryError(Path(rule.file), rule.line, f"rule '{rule.id}' refines by unknown rule '{name}'")
            if other.about is None and other.object is None:
                raise DictionaryError(Path(rule.file), rule.line, f"rule '{rule.id}' refines by '{name}', which has no 'about' or 'object'")


def _content_hash(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _collect_classes(documents: list[tuple[Path, object]]) -> dict[str, frozenset[str]]:
    classes: dict[str, frozenset[str]] = {}
    for path, data in documents:
        if not isinstance(data, dict):
            raise DictionaryError(path, None, "a rule file is a mapping with 'classes' and/or 'rules'")
        check_keys(path, data, {"classes", "rules", "description"}, set())
        for name, words in (data.get("classes") or {}).items():
            if name == "__line__":
                continue
            if name in classes:
                raise DictionaryError(path, line_of(data.get("classes")), f"word class '{name}' is defined twice")
            if not isinstance(words, list) or not all(isinstance(word, str) and word for word in words):
                raise DictionaryError(path, line_of(data.get("classes")), f"class '{name}' must be a list of words")
            classes[name] = frozenset(word.lower() for word in words)
    return classes


def _parse_rules(path: Path, data: dict, classes: Mapping[str, frozenset[str]]) -> list[Rule]:
    entries = data.get("rules") or []
    if not isinstance(entries, list):
        raise DictionaryError(path, line_of(data), "'rules' must be a list")
    return [_parse_rule(path, entry, classes) for entry in entries]


def _parse_rule(path: Path, entry: object, classes: Mapping[str, frozenset[str]]) -> Rule:
    if not isinstance(entry, dict):
        raise DictionaryError(path, None, f"a rule must be a mapping, got {entry!r}")
    line = line_of(entry)
    check_keys(path, entry, RULE_KEYS, {"id", "code"})
    kinds = [kind for kind in ("verb", "noun", "adjective") if kind in entry]
    if len(kinds) != 1:
        raise DictionaryError(path, line, f"rule '{entry['id']}' needs exactly one of 'verb', 'noun' or 'adjective'")
    pos = kinds[0]
    for key in ("particle", "prep"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].isalpha()):
            # YAML reads a bare `on` or `off` as true/false: quote it ("on").
            raise DictionaryError(path, line, f"rule '{entry['id']}': '{key}' must be a quoted word, got {entry[key]!r}")

    def words(key: str) -> frozenset[str] | None:
        return _expand_words(path, line, entry.get(key), classes, key) if key in entry else None

    rule = Rule(
        id=str(entry["id"]),
        code=_code(path, line, entry["code"], "code"),
        pos=pos,
        lemmas=words(pos) or frozenset(),
        source=_slots(path, line, entry.get("source", ["subject"]), "source"),
        target=_slots(path, line, entry.get("target", ["dobj"]), "target"),
        particle=entry.get("particle"),
        not_particle=words("not_particle"),
        prep=entry.get("prep"),
        object=words("object"),
        not_object=words("not_object"),
        about=words("about"),
        xcomp=words("xcomp"),
        subject_words=words("subject_words"),
        source_agents=frozenset(a.upper() for a in words("source_agents")) if "source_agents" in entry else None,
        not_source_agents=frozenset(a.upper() for a in words("not_source_agents")) if "not_source_agents" in entry else None,
        not_target_agents=frozenset(a.upper() for a in words("not_target_agents")) if "not_target_agents" in entry else None,
        intent=_code(path, line, entry["intent"], "intent") if "intent" in entry else None,
        negated=_code(path, line, entry["negated"], "negated") if "negated" in entry else None,
        refused=_code(path, line, entry["refused"], "refused") if "refused" in entry else None,
        foreign_target=bool(entry.get("foreign_target", False)),
        intransitive=bool(entry.get("intransitive", False)),
        no_predicate=bool(entry.get("no_predicate", False)),
        symmetric=bool(entry.get("symmetric", False)),
        fallback=bool(entry.get("fallback", False)),
        refine=_names(path, line, entry.get("refine", []), "refine"),
        note=entry.get("note"),
        file=str(path),
        line=line,
    )
    if not rule.lemmas:
        raise DictionaryError(path, line, f"rule '{rule.id}' has no trigger words")
    return rule


def _names(path: Path, line: int | None, value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise DictionaryError(path, line, f"'{key}' must be a list of rule ids")
    return tuple(value)


def _code(path: Path, line: int | None, value: object, key: str) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise DictionaryError(path, line, f"'{key}' must be a quoted CAMEO code like \"036\", got {value!r}")
    return value


def _expand_words(
    path: Path, line: int | None, value: object, classes: Mapping[str, frozenset[str]], key: str
) -> frozenset[str]:
    """A word list may mix plain words and `@class` references."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise DictionaryError(path, line, f"'{key}' must be a word, a @class or a list of them")
    words: set[str] = set()
    for item in items:
        if not isinstance(item, str) or not item:
            raise DictionaryError(path, line, f"'{key}' has a non-word entry {item!r}")
        if item.startswith("@"):
            if item[1:] not in classes:
                raise DictionaryError(path, line, f"'{key}' refers to unknown class {item}")
            words |= classes[item[1:]]
        else:
            words.add(item.lower())
    return frozenset(words)


def _slots(path: Path, line: int | None, value: object, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise DictionaryError(path, line, f"'{key}' must be a slot or a list of slots")
    for slot in items:
        if not isinstance(slot, str) or not (slot in SIMPLE_SLOTS or PREP_SLOT.match(slot)):
            allowed = sorted(SIMPLE_SLOTS) + [f"{kind}:<word>" for kind in PREP_SLOT_KINDS]
            raise DictionaryError(path, line, f"'{key}' has unknown slot {slot!r}; allowed: {allowed}")
    return tuple(items)


def _check_unique_ids(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            raise DictionaryError(rule.file, rule.line, f"rule id '{rule.id}' already used at {first.file}:{first.line}")
        seen[rule.id] = rule


def _check_codes(rules: list[Rule]) -> None:
    """Every code a rule can emit must be an event code of the CAMEO codebook."""
    codebook = load_codebook()
    for rule in rules:
        for code in (rule.code, rule.intent, rule.negated, rule.refused):
            if code is not None and code not in codebook:
                raise DictionaryError(rule.file, rule.line, f"rule '{rule.id}': {code} is not a CAMEO event code")


def inflections(lemma: str) -> set[str]:
    """Regular English forms of a verb: denounce -> denounces, denounced, denouncing."""
    stem = lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma
    forms = {lemma, lemma + ("es" if lemma.endswith(("s", "x", "ch", "sh")) else "s"), stem + "ed", stem + "ing"}
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "i", "o", "u"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", lemma):  # slam -> slammed, slamming
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _verb_forms(rules: list[Rule]) -> dict[str, str]:
    """Surface forms of every verb lemma, for verbs the tagger took for names ("Denouncing X, ...")."""
    return {form: lemma for rule in rules if rule.pos == "verb" for lemma in rule.lemmas for form in inflections(lemma)}


def _build_index(rules: list[Rule]) -> dict[tuple[str, str], tuple[Rule, ...]]:
    index: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for order, rule in enumerate(rules):
        for lemma in rule.lemmas:
            index[(rule.pos, lemma)].append(rule)
    return {
        key: tuple(sorted(candidates, key=lambda rule: -rule.specificity))
        for key, candidates in index.items()
    }


def extend_rules(
    base: RuleSet, extra: Iterable[Rule], version: str, files: Iterable[str] = (), replace: bool = False
) -> RuleSet:
    """`base` with `extra` rules tried after it (or, with `replace`, `extra` alone).

    Imported rules come after the built-in ones for every lemma, whatever their specificity:
    where both have rules for a lemma, a built-in rule that fires wins. The engine's word classes
    always come from `base`. `extra` is trusted to be valid (its importer checked the codes).
    """
    extra = list(extra)
    layers = [extra] if replace else [list(base.rules), extra]
    rules = [rule for layer in layers for rule in layer]
    index: dict[tuple[str, str], tuple[Rule, ...]] = {}
    for layer in layers:
        for key, candidates in _build_index(layer).items():
            index[key] = index.get(key, ()) + candidates
    return RuleSet(
        rules=tuple(rules),
        classes=base.classes,
        version=version,
        files=(() if replace else base.files) + tuple(files),
        index=index,
        verb_forms=_verb_forms(rules),
        by_id={**base.by_id, **{rule.id: rule for rule in extra}},  # refinements may name built-in rules
    )
