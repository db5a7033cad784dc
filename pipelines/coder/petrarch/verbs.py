"""Reader for the PETRARCH verb dictionary (CAMEO.2.0.txt), as far as it maps onto our rules.

The file (PETRreader.read_verb_dictionary) holds synonym sets, then verb blocks:

    &CURRENCY                      a synset: '+' lines are its members
    +DOLLAR
    ---  GRANT   [070]  ---        a block: its name and the code of its verbs
    GIVE {GAVE GIVEN GIVING}       a verb (irregular forms in braces), with the block's code
    ASK [020]                      a verb with a code of its own ([---]: no event on its own)
    +ASK_FOR {+ASKED_FOR} [020]    a two-word verb: '+' marks the verb, the other word follows it
    - * &CURRENCY [0231]           a pattern for every verb of the block: object from a synset
    - * (TO) [042:043]             a preposition after the verb; [a:b] is a paired event

What maps: each verb with a code becomes `Rule(pos="verb", lemmas={verb}, code, source
["subject"], target ["dobj"])` (a two-word verb also needs its particle and may find its target
after it); a pattern whose only condition after the verb is one object word or synset, one bare
preposition, or both, becomes a rule with `object` and/or `prep` conditions and the target
`prep:X` for a preposition. Everything else (conditions before the verb, noun phrases in
braces, prepositions with required nouns, source/target markers, transformations) is skipped and
counted by reason. Object words are matched against the object's lemma, so plural pattern words
also list their singular.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.coder.codebook import Codebook, load_codebook
from pipelines.coder.petrarch.report import FileReport, Tally
from pipelines.coder.petrarch.source import Line, read_lines
from pipelines.coder.rules import Rule

NULL_CODE = "---"
CODE_AT_END = re.compile(r"\[([^\]]*)\]\s*$")
OBJECT_WORD = re.compile(r"^[a-z][a-z'\-.]*$")
PREPOSITION = re.compile(r"^[a-z]+$")
MARKERS = ("$", "+", "^", "%")


@dataclass(frozen=True)
class VerbsFile:
    """The rules imported from the verb dictionary and its report."""

    rules: tuple[Rule, ...]
    report: FileReport


@dataclass(frozen=True)
class _Verb:
    lemma: str
    particle: str | None
    code: str | None  # None: no event for the verb alone
    line: int
    text: str


@dataclass
class _Block:
    """A verb block while it is read: its verbs, then its patterns."""

    name: str
    code: str | None
    verbs: list[_Verb] = field(default_factory=list)
    patterns: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class _Condition:
    """What a pattern requires after the verb, in our rule terms."""

    object: frozenset[str] | None = None
    prep: str | None = None


class _Reader:
    """State while the file is read: synsets, the current block, rules made, conditions seen."""

    def __init__(self, path: Path, codebook: Codebook) -> None:
        self.path, self.codebook = path, codebook
        self.tally = Tally(path, "verbs", "rules")
        self.synsets: dict[str, frozenset[str]] = {}
        self.synset: str | None = None  # the synset whose '+' members are being read
        self.block: _Block | None = None
        self.rules: list[Rule] = []
        self.seen: set[tuple] = set()
        self.claimed: dict[tuple[str, str | None], str] = {}  # (lemma, particle) -> its block

    def read(self) -> VerbsFile:
        for line in read_lines(self.path):
            self._line(line)
        self._finish_block()
        verb_rules = sum(rule.object is None and rule.prep is None for rule in self.rules)
        self.tally.count("verb rules", verb_rules)
        self.tally.count("pattern rules", len(self.rules) - verb_rules)
        self.tally.count("verbs", len({lemma for rule in self.rules for lemma in rule.lemmas}))
        self.tally.count("synsets", len(self.synsets))
        return VerbsFile(tuple(self.rules), self.tally.freeze(len(self.rules)))

    def _line(self, line: Line) -> None:
        text = line.text.strip()
        if text.startswith("+") and self.synset is not None:
            self._synset_member(text[1:], line)
            return
        self.synset = None
        if text.startswith("&"):
            self.synset = text.split()[0].rstrip("_")
            self.synsets.setdefault(self.synset, frozenset())
        elif text.startswith("---"):
            self._finish_block()
            self.block = _block(text, line, self)
        elif text.startswith("~"):
            self.tally.skip("lines: verb transformations (~)", line.number)
        elif self.block is None:
            self.tally.skip("lines: outside any verb block", line.number)
        elif text.startswith("-"):
            self.block.patterns.append(line)
        else:
            verb = self._verb(text, line)
            if verb is not None and self._claim(verb):
                self.block.verbs.append(verb)

    def _synset_member(self, text: str, line: Line) -> None:
        words = text.replace("_", " ").split()
        if len(words) != 1:
            # Our object condition compares one lemma, so a phrase cannot be an object word.
            self.tally.note("synset members of several words left out", line.number)
            return
        self.synsets[self.synset] = self.synsets[self.synset] | _lemma_forms(words[0].lower())

    def code(self, raw: str, line: int, what: str) -> str | None:
        """The code to emit for a bracket's content; None for the null code or an unusable one."""
        raw = raw.strip()
        if raw == NULL_CODE or not raw:
            return None
        first, colon, second = raw.partition(":")
        if colon and not first:
            self.tally.skip(f"{what}: reverse-only paired code [:b]", line)
            return None
        if colon:
            self.tally.note("paired code [a:b]: only a, source to target, is coded", line)
        if first not in self.codebook:
            self.tally.skip(f"{what}: code not in the CAMEO codebook", line)
            return None
        return first

    def _verb(self, text: str, line: Line) -> _Verb | None:
        assert self.block is not None
        match = CODE_AT_END.search(text)
        code = self.code(match.group(1), line.number, "verbs") if match else self.block.code
        head = text.split("{")[0].split("[")[0].strip()
        parsed = _verb_words(head)
        if isinstance(parsed, str):
            self.tally.skip(f"verbs: {parsed}", line.number)
            return None
        lemma, particle = parsed
        return _Verb(lemma, particle, code, line.number, text)

    def _claim(self, verb: _Verb) -> bool:
        """A verb belongs to the first block that lists it, as in PETRARCH; False for a repeat."""
        assert self.block is not None
        owner = self.claimed.setdefault((verb.lemma, verb.particle), self.block.name)
        if owner == self.block.name:
            return all((v.lemma, v.particle) != (verb.lemma, verb.particle) for v in self.block.verbs)
        self.tally.skip("verbs: already in an earlier block (the first is kept, as in PETRARCH)", verb.line)
        return False

    def _finish_block(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        for verb in block.verbs:
            if verb.code is not None:
                self._add(block, [verb], verb.code, _Condition(), verb.line, verb.text)
        for line in block.patterns:
            self._pattern(block, line)

    def _pattern(self, block: _Block, line: Line) -> None:
        match = CODE_AT_END.search(line.text)
        if match is None:
            self.tally.skip("patterns: no [code]", line.number)
            return
        if match.group(1).strip() == NULL_CODE:
            self.tally.skip("patterns: null code [---] (PETRARCH blocks coding with it)", line.number)
            return
        condition = _condition(line.text[: match.start()].strip()[1:], self.synsets)
        if isinstance(condition, str):
            self.tally.skip(f"patterns: {condition}", line.number)
            return
        code = self.code(match.group(1), line.number, "patterns")
        if code is None:
            return
        if not block.verbs:
            self.tally.skip("patterns: the block has no usable verb", line.number)
            return
        self._add(block, block.verbs, code, condition, line.number, line.text.strip())

    def _add(self, block: _Block, verbs: list[_Verb], code: str, condition: _Condition, line: int, text: str) -> None:
        """One rule per particle among `verbs` (plain verbs, then each two-word verb's particle)."""
        groups: dict[str | None, set[str]] = {}
        for verb in verbs:
            groups.setdefault(verb.particle, set()).add(verb.lemma)
        made = 0
        for particle, lemmas in groups.items():
            key = (frozenset(lemmas), particle, condition.object, condition.prep)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.rules.append(_rule(self.path, block, frozenset(lemmas), particle, code, condition, line, text))
            made += 1
        if not made:
            self.tally.skip("patterns: same verbs and conditions as an earlier line (the first is kept)", line)


def read_verbs(path: Path, codebook: Codebook | None = None) -> VerbsFile:
    """Read the verb dictionary into rules; codes outside the CAMEO codebook are skipped."""
    return _Reader(path, codebook or load_codebook()).read()


def _block(text: str, line: Line, reader: _Reader) -> _Block:
    """A block header `---  NAME  [CODE]  ---`."""
    inner = text.strip("-").strip()
    match = re.search(r"\[([^\]]*)\]", inner)
    code = reader.code(match.group(1), line.number, "blocks") if match else None
    return _Block(inner.split("[")[0].strip(), code)


def _verb_words(head: str) -> tuple[str, str | None] | str:
    """(lemma, particle) of a verb line's first word, or the reason it cannot be used."""
    if not head or len(head.split()) > 1:
        return "several words without '_'"
    if "+" not in head:
        return (head.lower(), None) if "_" not in head else "'_' without '+' to mark the verb"
    words = head.split("_")
    if not words[0].startswith("+"):
        return "two-word verb whose verb is not the first word (RE_+ARREST)"
    if len(words) != 2 or not words[1]:
        return "verb of more than two words"
    return words[0][1:].lower(), words[1].lower()


def _condition(pattern: str, synsets: dict[str, frozenset[str]]) -> _Condition | str:
    """The pattern `PRE * POST` as object/prep conditions, or the reason it does not map."""
    if "*" not in pattern:
        return "no '*' for the verb"
    before, _, after = pattern.partition("*")
    if before.strip():
        return "condition before the verb (on the subject)"
    tokens = after.split()
    if any(token.strip("(){}") in MARKERS or token.startswith(MARKERS) for token in tokens):
        return "source/target markers ($, +, ^, %)"
    words, preps = [], []
    while tokens:
        token = tokens.pop(0)
        if token.startswith("{"):
            return "noun phrase in braces {...}"
        if token.startswith("("):
            if not token.endswith(")"):
                return "preposition with a required noun (PREP NOUN)"
            preps.append(token.strip("()").lower())
        else:
            words.append(token)
    if len(preps) > 1 or len(words) > 1:
        return "more than one word or preposition after the verb"
    if preps and not PREPOSITION.match(preps[0]):
        return "preposition is not a plain word"
    objects = _object(words[0], synsets) if words else None
    if isinstance(objects, str):
        return objects
    if objects is None and not preps:
        return "nothing after the verb"
    return _Condition(object=objects, prep=preps[0] if preps else None)


def _object(word: str, synsets: dict[str, frozenset[str]]) -> frozenset[str] | str:
    if word.startswith("&"):
        members = synsets.get(word.rstrip("_"))
        if members is None:
            return "undefined synset"
        return members or "synset of multi-word phrases only"
    word = word.rstrip("_").lower()
    if "_" in word:
        return "object of several words joined by '_'"
    if not OBJECT_WORD.match(word):
        return "object is not a word"
    return _lemma_forms(word)


def _lemma_forms(word: str) -> frozenset[str]:
    """The word and its regular singular: the object condition compares lemmas ("rallies")."""
    forms = {word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        forms.add(word[:-1])
    return frozenset(forms)


def _rule(
    path: Path, block: _Block, lemmas: frozenset[str], particle: str | None,
    code: str, condition: _Condition, line: int, text: str,
) -> Rule:
    """Our rule for one line of the file; the id names the file and line, the note the block."""
    target: tuple[str, ...] = ("dobj",)
    if condition.prep:
        target = (f"prep:{condition.prep}",)
    elif particle and PREPOSITION.match(particle):
        target = ("dobj", f"prep:{particle}")  # "scoffed at Kenya": the target follows the particle
    suffix = f":{particle}" if particle else ""
    return Rule(
        id=f"petrarch:{path.stem}:{line}{suffix}", code=code, pos="verb", lemmas=lemmas,
        source=("subject",), target=target, particle=particle, prep=condition.prep,
        object=condition.object, note=f"PETRARCH {block.name}: {text}", file=str(path), line=line,
    )
