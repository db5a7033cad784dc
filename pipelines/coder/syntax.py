"""Reading a spaCy dependency parse: who governs whom, subjects, objects, voice and mood.

Everything here takes the tokens of a parse (`parsed.Tok`) and returns tokens or plain values;
no coding decisions.
The dependency labels are spaCy's English (ClearNLP) scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pipelines.coder.parsed import Tok

# Relations through which an embedded verb shares its governor's subject:
# "agreed to meet" (xcomp), "met and signed" (conj), "Denouncing X, the official said" (advcl).
SUBJECT_SHARING_DEPS = frozenset({"xcomp", "conj", "advcl", "pcomp", "acomp"})  # acomp: "X is *ready* to…"
RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "that"})
# Relations that attach a clause (its head is a verb, or a verb the tagger mistook for a name).
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "pcomp", "parataxis"})


def kids(token: Tok) -> list[tuple[str, Tok]]:
    """The token's children with their dependency labels, left to right (read once, see parsed.py)."""
    return token.kids


def children(token: Tok, *deps: str) -> list[Tok]:
    """The token's children with any of the given dependency labels, left to right."""
    return [child for dep, child in kids(token) if dep in deps]


def first_child(token: Tok, *deps: str) -> Tok | None:
    found = children(token, *deps)
    return found[0] if found else None


def is_passive(verb: Tok) -> bool:
    """True for a passive verb: "was rejected", "were expelled", and a past participle that
    modifies a noun ("Israel, *accused* of war crimes by South Africa, …")."""
    return any(dep in ("nsubjpass", "auxpass") for dep, _ in kids(verb)) or _participle(verb)


def _participle(verb: Tok) -> bool:
    """A bare past participle on a noun; not a clause with its own subject that the parser hung
    on a noun ("a statement that the army *had broken*…")."""
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(dep in ("nsubj", "aux", "mark") for dep, _ in kids(verb))


def own_subject(verb: Tok) -> Tok | None:
    """The verb's own active subject, or the `by` agent of a passive verb."""
    if is_passive(verb):
        agent = first_child(verb, "agent")
        return first_child(agent, "pobj") if agent is not None else _stray_agent(verb)
    return first_child(verb, "nsubj", "csubj")


def _stray_agent(verb: Tok) -> Tok | None:
    """A passive's agent the parser hung on the active gerund after it: "was accused of embezzling
    funds *by government officials*" (an active gerund with its object has no agent of its own)."""
    for prep in children(verb, "prep"):
        for gerund in children(prep, "pcomp"):
            if gerund.tag_ == "VBG" and first_child(gerund, "dobj") is not None and not children(gerund, "auxpass"):
                by = next((p for p in children(gerund, "prep") if p.lower_ == "by"), None)
                noun = first_child(by, "pobj") if by is not None else None
                if noun is not None and noun.pos_ in ("NOUN", "PROPN"):
                    return noun
    return None


def clause_subject(verb: Tok, max_hops: int = 4, noun_holder: Callable[[Tok], Tok | None] | None = None) -> Tok | None:
    """The subject of a verb, inherited from its governor when the verb has none of its own.

    "North Korea agreed to hold talks": `hold` (xcomp) inherits North Korea. A passive governor
    passes on its surface subject: "Japan is scheduled to meet Korea", "the envoy was forced to
    leave". A relative clause takes the noun it modifies: "the officials who met" → officials.
    `noun_holder`, given an infinitive that completes a noun ("willingness *to resume*"), says
    whose the noun is; without it such a verb has no subject.
    """
    current = verb
    if _trailing_participle(verb):
        # "refused to allow girls to return to school, *drawing* condemnation": the parser hangs
        # the participle on the embedded infinitive, whose subject (girls) is not the one acting.
        current = verb.head.head
    for hop in range(max_hops):
        if hop and previous_dep == "xcomp" and (patient := passive_patient(current)) is not None:
            return patient
        subject = own_subject(current)
        if subject is not None:
            # "Brazil, *which* has criticized Israel": a relative pronoun stands for the noun.
            return current.head if current.dep_ == "relcl" and subject.lower_ in RELATIVE_PRONOUNS else subject
        if current.dep_ == "relcl" or _misparsed_main_verb(current):
            return current.head
        if current.dep_ == "prep" and hop and previous_dep == "pcomp":
            # "After *meeting* the crown prince, Blinken flew…": through the preposition.
            previous_dep, current = current.dep_, current.head
            continue
        if current.dep_ == "acl" and noun_holder is not None:
            return noun_holder(current)
        if current.dep_ not in SUBJECT_SHARING_DEPS or current.head == current:
            return None
        if current.dep_ == "conj" and current.head.pos_ not in ("VERB", "AUX"):
            return None
        previous_dep = current.dep_
        current = current.head
    return None


def _trailing_participle(verb: Tok) -> bool:
    """A participle set off by a comma that hangs on an infinitive with a subject of its own, an
    infinitive that itself completes a verb ("allowed girls to return, drawing…", "let them
    return, drawing…")."""
    head = verb.head
    return (verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.i > 0 and verb.doc[verb.i - 1].text == ","
            and head.dep_ in ("ccomp", "xcomp") and (is_infinitive(head) or head.tag_ == "VB") and own_subject(head) is not None
            and head.head is not head)


def _misparsed_main_verb(verb: Tok) -> bool:
    """A sentence's past-tense main verb the parser hung on its subject: "The minister *headed*
    to Moscow" read as a noun phrase with a modifier."""
    return verb.dep_ == "acl" and verb.head.dep_ == "ROOT" and verb.head.pos_ in ("NOUN", "PROPN") and verb.tag_ == "VBD"


def noun_intention_holder(acl: Tok, nouns: frozenset[str], carriers: frozenset[str]) -> Tok | None:
    """Whose intention an infinitive completes: "Turkey reaffirmed *its* readiness to mediate" →
    its; "Chile expressed willingness to resume talks" → Chile, the subject of the verb that makes
    it known (one of `carriers`). None when the noun is not one of `nouns` or nobody states it as
    theirs ("Japan welcomed the decision to lift sanctions": not Japan's decision)."""
    noun = acl.head
    if noun.lemma_.lower() not in nouns or not is_infinitive(acl):
        return None
    if (owner := possessor(noun)) is not None:
        return owner
    carrier = governing_verb(noun)
    if carrier is not None and carrier.lemma_.lower() in carriers:
        return clause_subject(carrier)
    return None


def passive_patient(verb: Tok) -> Tok | None:
    """The surface subject of a passive verb: the one acted upon (for a participle, its noun)."""
    return first_child(verb, "nsubjpass") or (verb.head if _participle(verb) else None)


def is_infinitive(verb: Tok) -> bool:
    """ "to resume": a verb with the infinitive marker."""
    return any(dep == "aux" and child.lower_ == "to" for dep, child in kids(verb))


def direct_object(verb: Tok) -> Tok | None:
    """The verb's direct object; for a passive verb, its surface subject."""
    if is_passive(verb):
        return passive_patient(verb)
    # A noun the parser took for a clause is the object: "denied [IAEA inspectors] *access*";
    # so is the subject it gave an infinitive clause: "allowed [inspectors to visit]".
    clauses = []
    for dep, child in kids(verb):
        if dep in ("dobj", "obj"):
            return child
        if dep == "ccomp":
            clauses.append(child)
        elif dep == "acomp" and child.lower_ == "dead" and (obj := first_child(child, "dobj")) is not None:
            return obj  # "shot [dead two protesters]": the parser hangs the object on "dead"
    if not clauses:
        return None
    return next((c for c in clauses if c.pos_ == "NOUN"), None) or next(
        (s for c in clauses if is_infinitive(c) and (s := first_child(c, "nsubj")) is not None), None
    )


def prep_objects(head: Tok, prep_lemma: str) -> list[Tok]:
    """Objects of the head's preposition `prep_lemma`: "talks *with* Japan" → [Japan]."""
    found = []
    for dep, prep in kids(head):
        if dep in ("prep", "agent", "dative") and prep.lower_ == prep_lemma:
            found.extend(children(prep, "pobj", "pcomp") or _misparsed_object(prep))
    return found


def _misparsed_object(prep: Tok) -> list[Tok]:
    """A preposition left without its object because the parser read the phrase after it as a
    clause's subject: "granted asylum to [five officers holed up in…]" (officers ← holed). That
    subject, when its phrase starts right after the preposition."""
    for dep, clause in kids(prep.head):
        if clause.i > prep.i and dep in ("advcl", "ccomp", "conj", "acl", "relcl"):
            subject = first_child(clause, "nsubj")
            if subject is not None and min(t.i for t in subject.subtree) == prep.i + 1:
                return [subject]
    return []


def complement_verbs(verb: Tok) -> list[Tok]:
    """The verbs that complete this one: its xcomp ("agreed *to meet*"), and an infinitive with a
    subject of its own ("allowed [aid trucks *to enter* Gaza]", parsed as a ccomp)."""
    return [*children(verb, "xcomp"), *(c for c in children(verb, "ccomp") if is_infinitive(c))]


def possessor(noun: Tok) -> Tok | None:
    """The possessor of a noun: "the South's offer" → South."""
    return first_child(noun, "poss")


def clause_head(token: Tok) -> Tok:
    """The verb of the clause the token belongs to (the token itself when it is a verb)."""
    current = token
    while current.pos_ not in ("VERB", "AUX") and current.head != current:
        current = current.head
    return current


def governors(token: Tok) -> Iterator[Tok]:
    """The token's ancestors from nearest to the root."""
    current = token
    while current.head != current:
        current = current.head
        yield current


def governing_verb(noun: Tok) -> Tok | None:
    """The verb whose object a noun is: "held their first meeting" → held; also through a
    measure noun: "launched 10 days *of* war games", "staged a wave *of* protests"."""
    noun = measured(noun)
    head = noun.head
    if noun.dep_ in ("dobj", "obj", "nsubjpass", "attr") and head.pos_ in ("VERB", "AUX"):
        return head
    if noun.dep_ in ("dobj", "obj") and is_infinitive(head):
        return head  # "offered to *host* talks" with "host" tagged a noun: "to" and an object make it a verb
    return None


# "claimed *responsibility* for the bombing", "took *credit* for the attack": whose the act is.
RESPONSIBILITY_NOUNS = frozenset({"responsibility", "credit"})
CLAIM_VERBS = frozenset({"claim", "accept", "take", "admit", "acknowledge"})


def claimant(noun: Tok) -> Tok | None:
    """Who claims a nominal act as theirs: "*al-Shabaab* claimed responsibility for the attack"
    (with "for" on the noun of responsibility or, as the parser may hang it, on the verb). Not
    one who denies it or has not claimed it."""
    if noun.dep_ != "pobj" or noun.head.lower_ != "for":
        return None
    verb = noun.head.head
    if verb.lemma_.lower() in RESPONSIBILITY_NOUNS and verb.dep_ == "dobj":
        verb = verb.head
    obj = direct_object(verb)
    if verb.lemma_.lower() not in CLAIM_VERBS or obj is None or obj.lemma_.lower() not in RESPONSIBILITY_NOUNS or negated(verb):
        return None
    return clause_subject(verb)


def measured(noun: Tok) -> Tok:
    """The measure noun a nominal event is counted by ("two rounds *of* talks"), which stands in
    the clause where the event would; else the noun itself."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in MEASURE_NOUNS:
        return noun.head.head
    return noun


# Nouns that count or measure a nominal event: "two rounds of talks", "a series of attacks".
MEASURE_NOUNS = frozenset({
    "day", "week", "month", "hour", "year", "round", "series", "wave", "spate", "string", "number",
    "couple", "flurry", "campaign", "cycle", "set", "day-long",
})


def negated(token: Tok) -> bool:
    """A `not`/`never` on the token or the verb governing it, or "no longer"; `no` on a noun."""
    if any(dep == "neg" or (dep == "advmod" and child.lower_ == "longer" and any(d == "neg" for d, _ in kids(child)))
           for dep, child in kids(token)):
        return True  # ("will *no longer* tolerate": the parser hangs "no" on "longer")
    if token.pos_ in ("NOUN", "PROPN"):
        return any(dep == "det" and child.lower_ in ("no",) for dep, child in kids(token))
    return False


def aux_words(verb: Tok) -> set[str]:
    """Lower-cased auxiliaries of a verb: {"will", "be"}."""
    return {child.lower_ for dep, child in kids(verb) if dep in ("aux", "auxpass")}
