"""A parse as plain Python objects: what the coder reads of a spaCy Doc, read from it once.

spaCy builds a new Token object on every `doc[i]`, `token.head` and `token.children`, looks up a
string on every `token.lemma_`, and `token.sent` scans for the sentence's edges each time. The
coder asks for the same few attributes of the same tokens thousands of times a story, so it reads
them here once per Doc, from the Doc's arrays, into `Tok` objects with the names spaCy gives
them (`text`, `lemma_`, `dep_`, `head`, `children`, `sent`, `subtree`, …). Only what the coder
reads is here; the matchers (actors, dates) still run on the spaCy Doc, whose token offsets are
the same.

A few repairs are made while reading, where the small model misreads objects, conjuncts and
clauses (`repaired` lists the words moved):
- a name split into two objects of one verb is joined again (`_join_split_object`);
- a name run into the predicate after it is parted from it (`_part_object_and_predicate`);
- an object read as a modifier of the adjective said of it is the object again
  (`_object_out_of_predicate`);
- a finite verb read as a conjunct of an infinitive is the conjunct of the verb the infinitive
  completes (`_finite_conjunct_out_of_infinitive`);
- a verb of demanding read as a conjunct of a reported past perfect or past passive ("said the
  attackers *had used* Afghan soil and *demanded*…") is the speaker's
  (`_demand_out_of_reported_clause`);
- a subject split in two ("[Sudan's paramilitary] [Rapid Support Forces] shelled…") is joined
  again (`_join_split_subject`);
- a sentence read as one noun phrase ("[Israeli air strikes killed 12 people]") is a clause again
  (`_clause_out_of_noun_root`), also with the verb at the end of its prepositional phrases ("[air
  strikes on a camp for displaced people killed dozens]", `_clause_out_of_noun_phrase_end`);
- "called for Israel to halt…" reads as "called on Israel to halt…": the one asked is the appeal's
  object (`_appeal_for_clause`);
- a past-tense verb read as a modifier of the noun after it ("The US [extended] sanctions on
  Iran") is the sentence's verb, the noun its object (`_clause_out_of_modifier`);
- a past-tense verb read as a modifier of the noun after the subject's place ("[Protesters in
  Tbilisi *hurled* fireworks]") is the sentence's verb (`_clause_out_of_place_phrase`);
- a preposition that is a copula's predicate ("Russian agents *were behind* the bombing") is read
  as an adjective would be, the predicate (`_predicate_preposition`);
- a noun after a preposition read as the subject of the participle after it ("fired tear gas at
  [*students* marching] on parliament") is the preposition's object, the participle its modifier
  (`_object_out_of_gerund`);
- "outside" read as an adjective of the place after it ("dispersed [the crowd outside
  parliament]", the crowd a modifier of "parliament") says where the noun before it is
  (`_place_out_of_modifier`).

Each token is one object, so tokens compare by identity (as spaCy's compare by Doc and index);
a `Tok` is never mixed with a spaCy Token.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, POS
from spacy.tokens import Doc

# What every token needs, read into its attributes; the rest (tag, spacing) only when asked for.
_ATTRS = [LEMMA, POS, DEP, HEAD, IDX, LENGTH]
_LEMMA, _HEAD, _IDX, _LENGTH = (_ATTRS.index(attr) for attr in (LEMMA, HEAD, IDX, LENGTH))
_HEAD_SIGN = 2**63  # heads are offsets, negative to the left, stored unsigned
# Words read as adjectives before a place that say where a noun before them is: "the crowd *outside* parliament".
LOCATIVE_ADJECTIVES = frozenset({"outside", "inside"})
# Prepositions that, as a copula's predicate, say something of its subject as an adjective does:
# "Russian agents *were behind* the bombing" (responsible for it).
PREDICATE_PREPOSITIONS = frozenset({"behind"})
# Verbs of demanding that, after a reported clause, are the speaker's ("said … and *demanded*…").
REPORTED_DEMAND_VERBS = frozenset({"demand", "urge", "call", "accuse", "insist", "ask", "appeal", "warn"})
# Verbs of asking whose "for X to do" names the one asked: "called for Israel to halt…".
FOR_APPEAL_VERBS = frozenset({"call", "appeal", "push", "press", "plead", "lobby", "campaign", "clamour", "clamor"})


class Tok:
    """One token of a `Parsed` document, with the attribute names of spaCy's Token."""

    __slots__ = ("doc", "i", "text", "lower_", "lemma_", "pos_", "dep_", "head", "kids", "sent")

    doc: Parsed
    i: int
    text: str
    lower_: str
    lemma_: str
    pos_: str
    dep_: str
    head: Tok
    kids: list[tuple[str, Tok]]  # (dependency label, child), left to right
    sent: Segment

    @property
    def idx(self) -> int:
        return self.doc.char_starts[self.i]

    @property
    def tag_(self) -> str:
        return self.doc.spacy_doc[self.i].tag_

    @property
    def whitespace_(self) -> str:
        return self.doc.spacy_doc[self.i].whitespace_

    @property
    def is_alpha(self) -> bool:
        return self.text.isalpha()  # spaCy's lexical attribute is this

    @property
    def is_sent_start(self) -> bool:
        return self.sent.start == self.i

    @property
    def children(self) -> Iterator[Tok]:
        return (child for _, child in self.kids)

    @property
    def lefts(self) -> Iterator[Tok]:
        return (child for _, child in self.kids if child.i < self.i)

    @property
    def rights(self) -> Iterator[Tok]:
        return (child for _, child in self.kids if child.i > self.i)

    @property
    def subtree(self) -> Iterator[Tok]:
        """The token and its descendants, in spaCy's order (left subtrees, the token, right ones)."""
        for child in self.lefts:
            yield from child.subtree
        yield self
        for child in self.rights:
            yield from child.subtree

    @property
    def left_edge(self) -> Tok:
        return self.doc.tokens[min(token.i for token in self.subtree)]

    @property
    def conjuncts(self) -> tuple[Tok, ...]:
        """The tokens coordinated with this one, itself left out (as spaCy's `Token.conjuncts`)."""
        start = self
        while start.dep_ == "conj" and start.head is not start:
            start = start.head
        queue, output = [start], [start]
        for word in queue:
            for child in word.rights:
                if child.dep_ == "conj":
                    output.append(child)
                    queue.append(child)
        return tuple(word for word in output if word is not self)

    def __len__(self) -> int:
        return len(self.text)

    def __lt__(self, other: Tok) -> bool:
        return self.i < other.i

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


class Segment:
    """Consecutive tokens of a `Parsed` document: a sentence or a phrase (spaCy's Span)."""

    __slots__ = ("doc", "start", "end")

    def __init__(self, doc: Parsed, start: int, end: int) -> None:
        self.doc, self.start, self.end = doc, start, end

    def __iter__(self) -> Iterator[Tok]:
        return iter(self.doc.tokens[self.start : self.end])

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, index: int) -> Tok:
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self.doc.tokens[self.start + index if index >= 0 else self.end + index]

    @property
    def start_char(self) -> int:
        return self.doc.char_starts[self.start] if self.end > self.start else 0

    @property
    def end_char(self) -> int:
        return self.doc.char_ends[self.end - 1] if self.end > self.start else 0

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char : self.end_char]

    def __repr__(self) -> str:
        return self.text


class Parsed:
    """A spaCy Doc's parse, read once (see the module's note). `doc[i]`, `doc[a:b]`, `len(doc)`,
    `doc.sents` and `doc.user_data` work as on a Doc; `spacy_doc` is the Doc itself."""

    __slots__ = ("spacy_doc", "tokens", "sents", "text", "user_data", "char_starts", "char_ends", "repaired")

    def __init__(self, doc: Doc) -> None:
        self.spacy_doc = doc
        self.text = doc.text
        self.user_data: dict = {}  # per-document caches of the coder's readers (dates, places)
        array = doc.to_array(_ATTRS)
        self.char_starts = starts = array[:, _IDX].tolist()  # where each token's text starts and ends
        self.char_ends = ends = (array[:, _IDX] + array[:, _LENGTH]).tolist()
        strings, labels, text = doc.vocab.strings, _LABELS, self.text
        tokens: list[Tok] = []
        for i, (lemma, pos, dep) in enumerate(array[:, _LEMMA:_HEAD].tolist()):
            token = Tok()
            token.doc, token.i, token.kids = self, i, []
            token.text = word = text[starts[i] : ends[i]]
            token.lower_, token.lemma_ = word.lower(), strings[lemma]  # spaCy's LOWER is str.lower
            token.pos_ = labels.get(pos) or _label(strings, pos)
            token.dep_ = labels.get(dep) or _label(strings, dep)
            tokens.append(token)
        objects, subjects, modifiers, predicates, conjuncts, clauses, tails, appeals, verb_modifiers, locatives, preps, gerunds = (
            [], [], [], [], [], [], [], [], [], [], [], [])
        for token, offset in zip(tokens, array[:, _HEAD].tolist()):
            head = tokens[token.i + offset - 2 * _HEAD_SIGN if offset >= _HEAD_SIGN else token.i + offset]
            token.head = head
            if head is not token:
                head.kids.append((token.dep_, token))
                if token.dep_ == "dobj":
                    objects.append(token)
                elif token.dep_ == "nsubj":
                    subjects.append(token)
                elif token.dep_ == "nmod":
                    modifiers.append(token)
                elif token.dep_ == "oprd":
                    predicates.append(token)
                elif token.dep_ == "conj" and token.pos_ == "VERB":
                    conjuncts.append(token)
                elif token.dep_ == "acl" and head.dep_ == "ROOT":
                    clauses.append(token)
                elif token.dep_ == "acl" and head.dep_ == "pobj" and token.tag_ in ("VBD", "VBN"):
                    tails.append(token)
                elif token.dep_ == "advcl" and (head.lemma_ in FOR_APPEAL_VERBS or head.pos_ == "VERB"):
                    appeals.append(token)  # (on any verb: "renewed its *calls* for Israel to…", `_appeal_for_clause`)
                elif token.dep_ == "amod" and token.pos_ == "VERB" and head.dep_ in ("ROOT", "compound", "pobj"):
                    verb_modifiers.append(token)  # (a compound's head is known only once all heads are)
                elif token.dep_ == "amod" and token.lower_ in LOCATIVE_ADJECTIVES:
                    locatives.append(token)
                elif token.dep_ == "prep" and token.lower_ in PREDICATE_PREPOSITIONS:
                    preps.append(token)
                elif token.dep_ == "pcomp" and token.pos_ == "VERB" and head.pos_ == "ADP" and token.tag_ == "VBG":
                    gerunds.append(token)
        self.tokens = tokens
        self.repaired = [i for token in objects[1:] if (i := _join_split_object(token)) is not None]
        self.repaired += [i for token in subjects[1:] if (i := _join_split_subject(token)) is not None]
        self.repaired += [i for token in modifiers if (i := _part_object_and_predicate(token)) is not None]
        self.repaired += [i for token in predicates if (i := _object_out_of_predicate(token)) is not None]
        self.repaired += [i for token in conjuncts if (i := _finite_conjunct_out_of_infinitive(token)) is not None]
        self.repaired += [i for token in conjuncts if (i := _demand_out_of_reported_clause(token)) is not None]
        self.repaired += [i for token in clauses if (i := _clause_out_of_noun_root(token)) is not None]
        self.repaired += [i for token in tails if (i := _clause_out_of_noun_phrase_end(token)) is not None]
        self.repaired += [i for token in appeals if (i := _appeal_for_clause(token)) is not None]
        self.repaired += [i for token in verb_modifiers if (i := _clause_out_of_modifier(token)) is not None]
        self.repaired += [i for token in locatives if (i := _place_out_of_modifier(token)) is not None]
        self.repaired += [i for token in preps if (i := _predicate_preposition(token)) is not None]
        self.repaired += [i for token in gerunds if (i := _object_out_of_gerund(token)) is not None]
        self.sents = [Segment(self, sent.start, sent.end) for sent in doc.sents] if tokens else []
        for sentence in self.sents:
            for token in tokens[sentence.start : sentence.end]:
                token.sent = sentence

    def release(self) -> None:
        """Unlink the tokens (heads, children and documents refer to each other), so the whole
        parse is freed at once when coding is done instead of waiting for the cycle collector."""
        for token in self.tokens:
            token.head = token.kids = token.doc = token.sent = None
        self.tokens = []
        self.sents = []
        self.user_data = {}

    @property
    def vocab(self):
        return self.spacy_doc.vocab

    def to_array(self, attrs):
        return self.spacy_doc.to_array(attrs)

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Tok]:
        return iter(self.tokens)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _ = index.indices(len(self.tokens))
            return Segment(self, start, max(start, stop))
        return self.tokens[index]


# Part-of-speech and dependency labels by id: a few dozen strings, shared by every document.
_LABELS: dict[int, str] = {}


def _label(strings, key: int) -> str:
    _LABELS[key] = label = strings[key]
    return label


def _join_split_object(second: Tok) -> int | None:
    """Repair a name the parser split into two objects of one verb: "accused [Kosovo] [Prime
    Minister Albin Kurti] of …". A bare proper noun right before the second object's phrase is
    that phrase's first word, a compound of its head, as the same name elsewhere parses. Returns
    the position of the word moved, if any."""
    verb = second.head
    first = next((kid for dep, kid in verb.kids if dep == "dobj" and kid is not second), None)
    if first is None or first.kids or first.pos_ != "PROPN" or second.pos_ != "PROPN" or first.i > second.i:
        return None  # ("denied *Iran* access" has two objects: the second is no name)
    edge = second
    while edge.kids and edge.kids[0][1].i < edge.i:
        edge = edge.kids[0][1]
    if edge.i != first.i + 1 or edge.pos_ != "PROPN":
        return None
    verb.kids.remove(("dobj", first))
    first.dep_, first.head = "compound", second
    second.kids.insert(0, ("compound", first))
    return first.i


def _join_split_subject(second: Tok) -> int | None:
    """Repair a subject the parser split in two: "[Sudan's paramilitary] [Rapid Support Forces]
    shelled…" (both subjects of the verb). A first subject that ends right where the second begins,
    an adjective or a noun, describes the second. Returns the position of the word moved, if any."""
    verb = second.head
    first = next((kid for dep, kid in verb.kids if dep == "nsubj" and kid is not second), None)
    if first is None or first.i > second.i or first.pos_ not in ("ADJ", "NOUN") or any(kid.i > first.i for _, kid in first.kids):
        return None
    edge = second
    while edge.kids and edge.kids[0][1].i < edge.i:
        edge = edge.kids[0][1]
    if edge.i != first.i + 1:
        return None
    verb.kids.remove(("nsubj", first))
    first.dep_, first.head = ("amod" if first.pos_ == "ADJ" else "compound"), second
    second.kids.insert(0, (first.dep_, first))
    return first.i


def _part_object_and_predicate(name: Tok) -> int | None:
    """Repair an object and its predicate the parser ran into one phrase: "branded [Netanyahu a
    war criminal]" (Netanyahu a modifier of "criminal"). A proper noun that opens a verb's object
    and is followed by that object's article is the object; the rest says what it was called, as
    "called Milei a fascist" parses. Returns the position of the name, if moved."""
    phrase = name.head
    verb = phrase.head
    if name.pos_ != "PROPN" or name.kids or phrase.dep_ != "dobj" or phrase is verb:
        return None
    left = [kid for _, kid in phrase.kids if kid.i < phrase.i]
    if not left or left[0] is not name or len(left) < 2 or left[1].i != name.i + 1 or left[1].dep_ != "det":
        return None
    phrase.kids.remove(("nmod", name))
    verb.kids[verb.kids.index(("dobj", phrase))] = ("oprd", phrase)
    phrase.dep_, name.dep_, name.head = "oprd", "dobj", verb
    verb.kids.insert(next((k for k, (_, kid) in enumerate(verb.kids) if kid.i > name.i), len(verb.kids)), ("dobj", name))
    return name.i


def _object_out_of_predicate(adjective: Tok) -> int | None:
    """Repair an object the parser hung on the adjective said of it: "called [the junta]
    illegitimate", "called [Russia's attack] barbaric" (the noun a compound of the adjective).
    A noun right before the predicate of an active verb without an object is that object, with
    the words before it (the small model may tag the adjective a noun, so its tag is not asked).
    A name read as the predicate, a name before it, is the object whole. Returns the position of
    the noun (or name), if moved."""
    verb = adjective.head
    left = [kid for _, kid in adjective.kids if kid.i < adjective.i]
    if not left or left[-1].i != adjective.i - 1 or left[-1].pos_ not in ("NOUN", "PROPN") or left[-1].dep_ not in ("compound", "nmod"):
        return None
    if any(dep in ("dobj", "obj", "nsubjpass", "auxpass") for dep, _ in verb.kids):
        return None  # (a predicate with no object is a misparse, unless the verb is passive)
    noun = left[-1]
    if adjective.pos_ == "PROPN" and noun.pos_ == "PROPN" and noun.dep_ == "compound":
        # "called [Iranian President Ebrahim Raisi] on Sunday": a name read as the predicate is the
        # object, whole
        verb.kids[verb.kids.index((adjective.dep_, adjective))] = ("dobj", adjective)
        adjective.dep_ = "dobj"
        return adjective.i
    adjective.kids = [(dep, kid) for dep, kid in adjective.kids if kid.i > adjective.i]
    for kid in left[:-1]:  # its article or possessor goes with it
        kid.head = noun
        noun.kids.append((kid.dep_, kid))
    noun.kids.sort(key=lambda pair: pair[1].i)
    noun.dep_, noun.head = "dobj", verb
    verb.kids.insert(next((k for k, (_, kid) in enumerate(verb.kids) if kid.i > noun.i), len(verb.kids)), ("dobj", noun))
    return noun.i


def _finite_conjunct_out_of_infinitive(verb: Tok) -> int | None:
    """Repair a finite verb the parser coordinated with an infinitive: "refused [to recognise the
    parliament and *called* on the army…]". "called" is past tense, so it cannot be under "to":
    it is coordinated with "refused", and is no more refused than said. Returns its position, if
    moved."""
    infinitive = verb.head
    governor = infinitive.head
    if infinitive.dep_ != "xcomp" or not any(dep == "aux" and kid.lower_ == "to" for dep, kid in infinitive.kids):
        return None
    if verb.tag_ not in ("VBD", "VBZ") or infinitive.tag_ != "VB" or governor.tag_ not in ("VBD", "VBZ"):
        return None
    infinitive.kids.remove(("conj", verb))
    verb.head = governor
    governor.kids.insert(next((k for k, (_, kid) in enumerate(governor.kids) if kid.i > verb.i), len(governor.kids)), ("conj", verb))
    return verb.i


def _demand_out_of_reported_clause(verb: Tok) -> int | None:
    """Repair a verb of demanding the parser coordinated with the verb of a reported clause: "the
    office said [the attackers had used Afghan soil and *demanded* that Kabul act]". A verb of
    demanding or warning with no subject of its own, after a past perfect or a past passive that
    reports what someone said, is the speaker's: coordinated with "said". Returns its position,
    if moved."""
    reported = verb.head
    speaker = reported.head
    if verb.lemma_.lower() not in REPORTED_DEMAND_VERBS or verb.tag_ != "VBD" or reported.dep_ != "ccomp" or speaker is reported:
        return None
    if speaker.tag_ != "VBD" or not any(
            (dep == "aux" and kid.lower_ == "had") or (dep == "auxpass" and kid.lower_ in ("was", "were")) for dep, kid in reported.kids):
        return None  # (a past perfect, or a past passive: "denied that Afghan soil *was used* … and urged")
    if any(dep in ("nsubj", "nsubjpass", "aux", "auxpass") for dep, _ in verb.kids):
        return None
    reported.kids.remove(("conj", verb))
    verb.head = speaker
    speaker.kids.insert(next((k for k, (_, kid) in enumerate(speaker.kids) if kid.i > verb.i), len(speaker.kids)), ("conj", verb))
    return verb.i


def _clause_out_of_noun_root(verb: Tok) -> int | None:
    """Repair a sentence the parser read as one noun phrase: "Israeli air strikes *killed* 12
    people" as strikes [that were] killed, the noun the root. A participle or past-tense verb
    right after the root noun that has an object of its own is no reduced passive ("the men
    killed in the attack"): it is the sentence's verb, the noun its subject. Returns the verb's
    position, if moved."""
    noun = verb.head
    if noun.pos_ not in ("NOUN", "PROPN") or verb.i != noun.i + 1 or verb.tag_ not in ("VBD", "VBN"):
        return None
    if not any(dep == "dobj" for dep, _ in verb.kids):
        return None
    _verb_as_root(verb, noun)
    return verb.i



def _clause_out_of_noun_phrase_end(verb: Tok) -> int | None:
    """Repair a sentence the parser read as one noun phrase with the verb a reduced relative at
    its end: "[The junta's air strikes on a camp for displaced people *killed* dozens]" (people
    who killed dozens). A past-tense verb with an object of its own, on the last noun of a chain
    of prepositional phrases under the root noun, is the sentence's verb: the root its subject.
    (A reduced passive has no object: "the people *killed* in the attack".) Returns the verb's
    position, if moved."""
    if not any(dep == "dobj" for dep, _ in verb.kids):
        return None
    root, hops = verb.head, 0
    while root.dep_ in ("pobj", "prep") and hops < 8:
        root, hops = root.head, hops + 1
    if root.dep_ != "ROOT" or root.pos_ not in ("NOUN", "PROPN") or root.i > verb.i:
        return None
    verb.head.kids.remove(("acl", verb))
    _verb_as_root(verb, root)
    return verb.i


def _appeal_for_clause(clause: Tok) -> int | None:
    """Repair "called for Israel to halt its offensive", which parses as a clause of its own
    ("for" its mark, Israel its subject), or with Israel the object of "for" and the infinitive
    hung on the verb: it asks the same as "called on Israel to halt…" and "urged Israel to
    halt…", so the one asked becomes the appeal's object and the clause its complement; also after
    a noun of appeal that the parser passes over ("renewed its calls for Israel to halt…"). In the
    second reading only a name is moved: "appealed for aid to rebuild…" asks for aid. Returns the
    position of the one asked, if moved."""
    verb = clause.head
    if not any(dep == "aux" and kid.lower_ == "to" for dep, kid in clause.kids):
        return None
    marks = [kid for dep, kid in clause.kids if dep == "mark"]
    subject = next((kid for dep, kid in clause.kids if dep == "nsubj"), None)
    if verb.lemma_ not in FOR_APPEAL_VERBS:
        # "renewed its *calls* [for Israel to allow…]": the clause hangs on the verb that carries
        # the appeal; it is the appeal's, as after "Egypt's calls"
        noun = next((kid for dep, kid in verb.kids if dep == "dobj" and kid.lemma_ in FOR_APPEAL_VERBS and kid.i < clause.i), None)
        if noun is None or noun.pos_ != "NOUN" or len(marks) != 1 or marks[0].lower_ != "for" or subject is None:
            return None
        verb.kids.remove(("advcl", clause))
        clause.head, verb = noun, noun
        noun.kids = sorted([*noun.kids, ("advcl", clause)], key=lambda pair: pair[1].i)
    if any(dep == "dobj" for dep, _ in verb.kids):
        return None
    if len(marks) == 1 and marks[0].lower_ == "for" and subject is not None and subject.i > marks[0].i:
        # ("for" stays with the verb, an empty preposition, so that phrases keep their word order)
        clause.kids.remove(("nsubj", subject))
        clause.kids.remove(("mark", marks[0]))
        marks[0].dep_, marks[0].head = "prep", verb
        verb.kids.insert(next((k for k, (_, kid) in enumerate(verb.kids) if kid.i > marks[0].i), len(verb.kids)), ("prep", marks[0]))
    elif not marks and subject is None:
        # "called [for Sweden] [to extradite…]"
        prep = next((kid for dep, kid in verb.kids if dep == "prep" and kid.lower_ == "for" and kid.i < clause.i), None)
        objects = [kid for dep, kid in prep.kids] if prep is not None else []
        if len(objects) != 1 or objects[0].dep_ != "pobj" or objects[0].pos_ != "PROPN" or objects[0].i > clause.i:
            return None
        subject = objects[0]
        prep.kids.clear()
    else:
        return None
    verb.kids[verb.kids.index(("advcl", clause))] = ("xcomp", clause)
    clause.dep_, subject.dep_, subject.head = "xcomp", "dobj", verb
    verb.kids.insert(next((k for k, (_, kid) in enumerate(verb.kids) if kid.i > subject.i), len(verb.kids)), ("dobj", subject))
    return subject.i


def _clause_out_of_modifier(verb: Tok) -> int | None:
    """Repair a sentence the parser read as one noun phrase with the verb a modifier of its
    object: "The US [extended] sanctions on Iran", "Kenyan police [tear-gassed] protesters",
    "Qatar's emir [hosted] Palestinian President Mahmoud Abbas". A past-tense verb before the
    root noun (or a title compounded with it) that has a subject of its own, or a noun read as its
    adverb right before it, or that comes right after a noun modifier of the root, is the
    sentence's verb: that noun its subject (with the words before it), the root its object.
    Returns the verb's position, if moved."""
    noun = verb.head
    if noun.dep_ == "pobj":
        return _clause_out_of_place_phrase(verb)
    root = noun.head if noun.dep_ == "compound" else noun
    if root.dep_ != "ROOT" or noun.pos_ not in ("NOUN", "PROPN") or verb.i > noun.i or verb.tag_ not in ("VBD", "VBN"):
        return None
    subject = next((kid for dep, kid in verb.kids if dep == "nsubj"), None)
    before = [kid for phrase in ((noun,) if noun is root else (noun, root)) for _, kid in phrase.kids if kid.i < verb.i]
    adverb = next((kid for dep, kid in verb.kids if dep == "npadvmod" and kid.i == verb.i - 1 and kid.pos_ in ("NOUN", "PROPN")), None)
    if subject is None and adverb is not None:
        # "Qatar's emir hosted…": the subject read as an adverb of the verb ("state-funded" is
        # no such case: the hyphen stands between them)
        subject = adverb
        verb.kids[verb.kids.index(("npadvmod", adverb))] = ("nsubj", adverb)
        _move_kids(before, subject)
    elif subject is None and noun is root and before and before[-1].dep_ in ("nmod", "compound") and before[-1].pos_ in ("NOUN", "PROPN"):
        # "Ugandan police tear-gassed protesters": the subject hangs on the root noun, and the
        # words before it ("Ugandan") with it
        subject = before[-1]
        _move_kids(before[:-1], subject)
        noun.kids.remove((subject.dep_, subject))
        subject.head = verb
        verb.kids.append(("nsubj", subject))
    elif subject is None or before:
        return None
    subject.dep_ = "nsubj"
    noun.kids.remove(("amod", verb))
    verb.kids.append(("dobj", root))
    verb.kids.sort(key=lambda pair: pair[1].i)
    verb.dep_, verb.head, root.dep_, root.head = "ROOT", verb, "dobj", verb
    return verb.i


def _clause_out_of_place_phrase(verb: Tok) -> int | None:
    """Repair a sentence the parser read as one noun phrase with the verb a modifier of the noun
    after a place: "[Protesters in Tbilisi *hurled* fireworks] at riot police" (fireworks a second
    object of "in"), "Riot police in Dhaka *baton-charged* students" (Dhaka a modifier of
    "students"). A past-tense verb right after the name of the root noun's place, modifying the
    noun after it, is the sentence's verb: the root noun its subject, the noun its object, the name
    where the subject is. Returns the verb's position, if moved."""
    noun, prep = verb.head, verb.head.head
    root = prep.head
    if verb.tag_ not in ("VBD", "VBN") or verb.i > noun.i or prep.dep_ != "prep" or root.dep_ != "ROOT":
        return None
    if root.pos_ not in ("NOUN", "PROPN") or any(dep == "nsubj" for dep, _ in verb.kids):
        return None
    edge = verb.kids[0][1] if verb.kids and verb.kids[0][1].i < verb.i else verb
    place = prep.doc.tokens[prep.i + 1 : edge.i]
    if not place or not all(word.pos_ == "PROPN" or (word.pos_ == "ADJ" and word.text[0].isupper()) for word in place):
        return None  # (a name may be tagged an adjective: "in Minsk")
    name = place[-1]
    if name.head is noun and name.dep_ in ("nmod", "compound"):
        # "in [Dhaka] … students": the name is what "in" governs
        noun.kids.remove((name.dep_, name))
        name.dep_, name.head = "pobj", prep
        prep.kids.append(("pobj", name))
    elif name.head is not prep or name.dep_ != "pobj":
        return None
    prep.kids.remove(("pobj", noun))
    noun.kids.remove(("amod", verb))
    noun.dep_, noun.head = "dobj", verb
    _verb_as_root(verb, root, ("dobj", noun))
    return verb.i


def _verb_as_root(verb: Tok, subject: Tok, *added: tuple[str, Tok]) -> None:
    """Make the verb the sentence's root and the old root noun its subject; the noun's words
    after the verb (and `added`) become the verb's."""
    after = [(dep, kid) for dep, kid in subject.kids if kid.i > verb.i]
    subject.kids = [(dep, kid) for dep, kid in subject.kids if kid.i < verb.i]
    for _, kid in after:
        kid.head = verb
    verb.kids = sorted([("nsubj", subject), *verb.kids, *added, *after], key=lambda pair: pair[1].i)
    verb.dep_, verb.head, subject.dep_, subject.head = "ROOT", verb, "nsubj", verb


def _move_kids(words: list[Tok], subject: Tok) -> None:
    """Hang these words on `subject` instead of where they hang."""
    for word in words:
        word.head.kids.remove((word.dep_, word))
        word.head = subject
    subject.kids = sorted([*((word.dep_, word) for word in words), *subject.kids], key=lambda pair: pair[1].i)


def _place_out_of_modifier(word: Tok) -> int | None:
    """Repair a noun the parser hung on a place after it: "dispersed [the crowd *outside*
    parliament]" (crowd a modifier of "parliament", "outside" an adjective). A noun right before
    "outside" or "inside", modifying the same word, is the head of the phrase, and the word after
    is where it is: the crowd outside (the) parliament. Returns the position of the noun, if moved."""
    place = word.head
    noun = next((kid for _, kid in place.kids if kid.i == word.i - 1), None)
    if noun is None or noun.dep_ not in ("nmod", "compound") or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    if place.head is place or place.i < word.i:
        return None
    governor = place.head
    governor.kids[governor.kids.index((place.dep_, place))] = (place.dep_, noun)
    moved = [(dep, kid) for dep, kid in place.kids if kid.i < noun.i]  # its article goes with it
    place.kids = [(dep, kid) for dep, kid in place.kids if kid.i > word.i]
    for _, kid in moved:
        kid.head = noun
    noun.kids = sorted([*moved, *noun.kids, ("prep", word)], key=lambda pair: pair[1].i)
    noun.dep_, noun.head = place.dep_, governor
    word.dep_, word.pos_, word.head, word.kids = "prep", "ADP", noun, [("pobj", place)]
    place.dep_, place.head = "pobj", word
    return noun.i


def _predicate_preposition(word: Tok) -> int | None:
    """Read a preposition that is the predicate of "be" as the adjective it stands for: "Russian
    agents *were behind* the bombing" says of the agents what "were responsible for" does, so
    rules name it among their adjectives (`adjective: [behind]`), and its subject, mood and
    speaker are the copula's. Only with a subject and an object. Returns its position, if read so."""
    copula = word.head
    if copula.lemma_ != "be" or not any(dep == "pobj" for dep, _ in word.kids):
        return None
    if not any(dep in ("nsubj", "nsubjpass") for dep, _ in copula.kids):
        return None
    copula.kids[copula.kids.index(("prep", word))] = ("acomp", word)
    word.dep_, word.pos_ = "acomp", "ADJ"
    return word.i


def _object_out_of_gerund(verb: Tok) -> int | None:
    """Repair a preposition's object the parser read as the subject of a gerund clause: "fired
    tear gas at [students *marching*] toward the palace", "opened fire on [crowds *fleeing*]". The
    noun is what the preposition governs, as in "fired at students who were marching"; the
    participle says what they were doing. Returns the noun's position, if moved."""
    prep = verb.head
    subject = next((kid for dep, kid in verb.kids if dep == "nsubj"), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN") or not prep.i < subject.i < verb.i:
        return None
    verb.kids.remove(("nsubj", subject))
    prep.kids[prep.kids.index(("pcomp", verb))] = ("pobj", subject)
    subject.dep_, subject.head, verb.dep_, verb.head = "pobj", prep, "acl", subject
    subject.kids = sorted([*subject.kids, ("acl", verb)], key=lambda pair: pair[1].i)
    return subject.i
