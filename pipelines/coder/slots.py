"""Rule slots: where in the parse a rule looks for its source and target actors.

Each slot name in a rule file maps to a function from the trigger token to candidate tokens;
`DocActors.resolve` turns those tokens into actors. The slot vocabulary is documented in
`data/rules/FORMAT.md`.
"""

from __future__ import annotations

from pipelines.coder.parsed import Tok
from pipelines.coder.rules import RuleSet
from pipelines.coder.syntax import (
    children,
    claimant,
    clause_subject,
    direct_object,
    governing_verb,
    governors,
    is_infinitive,
    kids,
    measured,
    noun_intention_holder,
    own_subject,
    possessor,
    prep_objects,
)


def slot_tokens(slot: str, trigger: Tok, rules: RuleSet, is_noun: bool) -> list[Tok]:
    """Tokens that fill a slot of the trigger (a noun or a verb trigger); empty when absent."""
    kind, _, word = slot.partition(":")
    clause = trigger.head if trigger.dep_ == "aux" else trigger
    if is_noun and trigger.dep_ == "prt" and trigger.head.dep_ in ("compound", "nmod"):
        trigger = trigger.head  # "staged a sit-in outside parliament": spaCy hangs "in" on "sit", "sit" on the next noun
    if is_noun and trigger.dep_ in ("compound", "nmod") and trigger.head.pos_ in ("NOUN", "PROPN"):
        trigger = trigger.head  # "a mediation mission", "peace talks": the phrase's head carries it
    if kind == "subject":
        return _noun_subject(trigger, rules) if is_noun else _present(subject_of(clause, rules))
    if kind == "speaker":
        return _present(speaker_of(clause, rules))
    if kind == "addressee":
        # "warned Iran that *it* must stop…": a pronoun subject of what was said to someone is them
        subject = clause_subject(clause)
        return addressee_of(clause, rules) if subject is not None and subject.lower_ in SUBJECT_PRONOUNS else []
    if kind == "addressed":
        # "told *Putin* in a phone call that…", "urged *Netanyahu* during a call to…": whom the
        # verb that carries the noun speaks to
        verb = trigger.head.head if is_noun and trigger.dep_ == "pobj" and trigger.head.lower_ in ("in", "during", "at") else None
        if verb is None or verb.lemma_.lower() not in rules.word_class("address_verbs"):
            return []
        return [*_present(direct_object(verb)), *(p for d in children(verb, "dative") for p in (d, *children(d, "pobj")))]
    if kind == "dobj":
        obj = direct_object(clause)
        if obj is None and not is_noun and not children(clause, "xcomp", "ccomp"):
            # "shot and wounded the prime minister": two bare verbs share the second one's object
            # (not "has refused to … and has urged its citizens": a clause of its own)
            obj = next((direct_object(c) for c in children(clause, "conj")
                        if c.pos_ == "VERB" and own_subject(c) is None and not children(c, "aux", "auxpass")), None)
        return _present(obj)
    if kind == "iobj":
        return children(clause, "dative")
    if kind == "poss":
        return _present(possessor(trigger))
    if kind == "object_poss":
        obj = direct_object(clause)
        return _present(possessor(obj)) if obj is not None else []
    if kind == "ccomp_subject":
        # "demanded *that Israel* withdraw"; for a noun, "its demand *that Israel* withdraw" (acl)
        clauses = children(clause, "ccomp") + (children(trigger, "acl", "ccomp") if is_noun else [])
        if is_noun and not clauses and trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in rules.word_class("light_verbs"):
            # "renewed its demand on Monday *that Israel* ease…": the parser hangs the clause on the
            # light verb, as a complement or (mistaken) as an adverbial clause still marked "that"
            clauses = [c for dep, c in kids(trigger.head) if dep == "ccomp" or (dep == "advcl" and _marked(c, ("that",)))]
        if not is_noun and not clauses:
            # "saying in a statement *that the army* had broken…": the parser hangs it on the noun
            clauses = [c for p in children(clause, "prep") for o in children(p, "pobj") for c in children(o, "acl") if _marked(c, ("that",))]
        return [s for c in clauses for s in _present(own_subject(c))]
    if kind == "condition_subject":
        # "threatened to strike *unless Israel* rescinded…", "warned that it would respond *if
        # Finland* joined NATO": whom the condition is put to
        verbs = (clause, *children(clause, "xcomp", "ccomp"))
        conditions = [c for verb in verbs for c in children(verb, "advcl") if _marked(c, CONDITION_MARKS)]
        return [s for c in conditions for s in _present(own_subject(c))]
    if kind == "passive_subject":
        # "three soldiers *were wounded in* an attack by Hamas": who suffered the nominal event
        if is_noun and trigger.dep_ == "pobj" and trigger.head.lower_ in ("in", "during") and trigger.head.head.pos_ == "VERB":
            return children(trigger.head.head, "nsubjpass")
        return []
    if kind == "between":
        if not (between := prep_objects(trigger, "between")) and is_noun and trigger.dep_ in ("nsubjpass", "dobj"):
            # "talks *were held between* Indian and Chinese commanders": on the light verb
            between = prep_objects(trigger.head, "between")
        return between
    if kind == "parties":
        # "Rwanda and Congo held *talks brokered* by Angola", "agreed to a truce mediated by
        # Egypt": a participle on a noun names those whose talks or deal it is
        if trigger.dep_ != "acl" or trigger.head.pos_ not in ("NOUN", "PROPN"):
            return []
        noun = trigger.head
        if between := prep_objects(noun, "between"):
            return between
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head
        if noun.dep_ not in ("dobj", "pobj") or verb.pos_ not in ("VERB", "AUX"):
            return []
        # "Tshisekedi met *Kagame* for talks mediated by Angola": whom the subject met is a party too
        # (not "exchanged *prisoners* in a deal mediated by the UAE": whom they met, not what they swapped)
        partner = direct_object(verb) if noun.dep_ == "pobj" and verb.lemma_.lower() in rules.word_class("meet_verbs") else None
        return _present(subject_of(verb, rules)) + _present(partner)
    if kind == "met_partner":
        # "met his Bangladeshi counterpart in Delhi and *signed* seven agreements", "held talks
        # with X and *signed* a deal": whom the subject met in the clause it is coordinated with
        met = clause.head if clause.dep_ == "conj" and clause.head.pos_ == "VERB" else None
        if met is None:
            return []
        obj = direct_object(met)
        if obj is not None and obj.lemma_.lower() in rules.word_class("meeting"):
            return prep_objects(obj, "with") or prep_objects(met, "with")  # ("held talks with X")
        if met.lemma_.lower() in rules.word_class("meet_verbs"):
            return _present(obj) or prep_objects(met, "with")
        return []
    if kind == "situation_country":
        # "condemned the coup *in Niger*", "concern over the crackdown *in Belarus*": the engine
        # keeps only countries named as such (a capital or city is where, not who)
        places = [t for t in about_scope(trigger, max_depth=8) if t.dep_ == "pobj" and t.head.lower_ == "in"]
        # "abuses in *Ethiopia's* Tigray region": the country that owns the place
        return places + [owner for t in places if (owner := possessor(t)) is not None]
    if kind == "prep":
        return noun_agents(trigger) if is_noun and word == "by" else prep_objects(trigger, word)
    if kind == "object_prep":
        obj = direct_object(clause)
        if obj is None:
            # "refused to sign *the agreement drafted by Armenia*": the complement verb's object
            obj = next((o for x in children(clause, "xcomp") if (o := direct_object(x)) is not None), None)
        if obj is None:
            return []
        return noun_agents(obj) if word == "by" else prep_objects(obj, word)
    if kind == "xcomp_object":
        return [o for x in children(clause, "xcomp") for o in _present(direct_object(x))]
    if kind == "xcomp_target":
        # with no complement verb, the object's: "accepted an invitation *to visit Brazil*"
        obj = direct_object(clause)
        complements = children(clause, "xcomp") or ([a for a in children(obj, "acl") if is_infinitive(a)] if obj is not None else [])
        return [t for x in complements for t in complement_targets(x)]
    if kind == "xcomp_further_target":
        # "refused to commit to *assistance* to the US-led war": whom the thing is directed at
        return [t for x in children(clause, "xcomp") for near in complement_targets(x) for t in directed_objects(near)]
    if kind == "xcomp_prep":
        return [o for x in children(clause, "xcomp") for o in prep_objects(x, word)]
    if kind == "purpose_object":
        # "fired tear gas *to disperse them*": whom the act's purpose is done to
        return [o for p in purpose_clauses(trigger, is_noun) if (o := direct_object(p)) is not None]
    if kind == "purpose_prep":
        # "began a hunger strike *to protest against X*": whom the act's purpose is directed at
        return [o for p in purpose_clauses(trigger, is_noun) for o in prep_objects(p, word)]
    if kind == "subtree_prep":
        return _nearest_prep_objects(trigger, word)
    if kind == "verb_prep":
        verb = governing_verb(trigger)
        if verb is None and trigger.dep_ == "pobj" and trigger.head.lower_ in PARTICIPATION_PREPS and trigger.head.head.pos_ == "VERB":
            verb = trigger.head.head  # "engaged *in* ethnic cleansing against X"
        return prep_objects(verb, word) if verb is not None else []
    return []


def purpose_clauses(trigger: Tok, is_noun: bool) -> list[Tok]:
    """The clauses of purpose on the trigger, or on the light verb that carries a noun trigger:
    "began a hunger strike *to protest*…", "went on strike *demanding*…"."""
    carriers = [trigger]
    if is_noun and trigger.dep_ == "dobj":
        carriers.append(trigger.head)
    elif is_noun and trigger.dep_ == "pobj" and trigger.head.head.pos_ == "VERB":
        carriers.append(trigger.head.head)  # "went on hunger strike to protest…"
    return [c for carrier in carriers for c in children(carrier, "advcl", "xcomp", "acl")]


# Prepositions that name whom an action is directed at ("cut off electricity *to* X", "impose
# restrictions *against* X"); locatives ("in", "at") name places, not targets.
DIRECTED_PREPS = ("to", "against", "on", "with", "from", "toward", "towards", "into")


def complement_targets(verb: Tok) -> list[Tok]:
    """Whom a complement action is directed at: its object, dative, then directed prepositions,
    on the verb and on its object ("threatened to impose restrictions *on* X")."""
    found = [*_present(direct_object(verb)), *(p for d in children(verb, "dative") for p in (d, *children(d, "pobj")))]
    obj = direct_object(verb)
    for word in DIRECTED_PREPS:
        found += prep_objects(verb, word)
        if obj is not None:
            found += prep_objects(obj, word)
    return found


def directed_objects(head: Tok) -> list[Tok]:
    """Objects of the head's directed prepositions (`DIRECTED_PREPS`), in their order there."""
    return [o for word in DIRECTED_PREPS for o in prep_objects(head, word)]


# "according *to* state media", "due *to* the war", "thanks *to* Egypt": not a target's preposition.
COMPLEX_PREP_HEADS = frozenset({"according", "due", "thanks", "owing", "prior", "next", "close", "contrary", "compared"})


def _nearest_prep_objects(trigger: Tok, word: str) -> list[Tok]:
    """Objects of the preposition `word` closest to the trigger in its phrase ("break off relations
    *with* X over their ties with Y" → X only)."""
    # ("crimes committed *by* Croat forces": the parser labels a passive's "by" an agent)
    preps = [t for t in about_scope(trigger) if t.dep_ in ("prep", "agent") and t.lower_ == word and t.head.lower_ not in COMPLEX_PREP_HEADS]
    if not preps:
        return []
    nearest = min(preps, key=lambda t: (_depth_below(t, trigger), t.i))
    return children(nearest, "pobj")


def _depth_below(token: Tok, ancestor: Tok) -> int:
    depth = 0
    while token != ancestor and token.head != token:
        token, depth = token.head, depth + 1
    return depth


def about_scope(trigger: Tok, max_depth: int = 5) -> list[Tok]:
    """What an event is about: the trigger's subtree without its subject and reported clauses."""
    scope: list[Tok] = []
    # (a purpose infinitive belongs to it: "sent police to Haiti *to lead a security mission*", and
    # an adjective the parser made a side clause: "held Iran *responsible* for…")
    frontier = [(child, 1) for dep, child in kids(trigger)
                if (dep not in _OUT_OF_SCOPE or (dep == "advcl" and (is_infinitive(child) or child.pos_ == "ADJ")))
                and not (dep == "conj" and child.pos_ == "VERB")]  # "called it unacceptable *and urged*…": an act of its own
    while frontier:
        token, depth = frontier.pop()
        scope.append(token)
        if depth < max_depth:
            frontier += [(child, depth + 1) for dep, child in kids(token)
                         if dep not in ("relcl", "parataxis") and not (dep == "advcl" and token.dep_ == "advcl")]
    return scope


# What an event is about includes a clausal complement ("demanded that Ukraine *withdraw*") and a
# passive's patient ("the *ambassador* was summoned"), not its subject, side clauses or punctuation.
_OUT_OF_SCOPE = frozenset({"nsubj", "csubj", "agent", "parataxis", "punct", "advcl"})


CONDITION_MARKS = ("unless", "if")


def _marked(clause: Tok, words: tuple[str, ...]) -> bool:
    """The clause opens with one of these words ("that", "unless")."""
    return any(mark.lower_ in words for mark in children(clause, "mark"))


def subject_of(verb: Tok, rules: RuleSet) -> Tok | None:
    """`clause_subject`, also through an announced intention: "Chile expressed *willingness* to
    resume talks" (word classes `intent_nouns` and `intent_noun_verbs`)."""
    nouns, carriers = rules.word_class("intent_nouns"), rules.word_class("intent_noun_verbs")
    speech = rules.word_class("speech_nouns")

    def holder(acl: Tok) -> Tok | None:
        if acl.head.lemma_.lower() in speech and acl.tag_ == "VBG":
            return _noun_speaker(acl.head)  # "issued a statement *rejecting* the results": its issuer's
        return noun_intention_holder(acl, nouns, carriers)

    return clause_subject(verb, noun_holder=holder)


def _present(token: Tok | None) -> list[Tok]:
    return [token] if token is not None else []


# "marched *in* protest", "gathered *for* a rally", "met *at* a summit": the verb's subject does
# the nominal event. ("despite negotiations", "after the attack" say nothing of who did them.)
PARTICIPATION_PREPS = frozenset({"in", "for", "at"})
# "is *on* a visit", "embarked on a tour": these verbs' subjects are on the trip ("cracked down on
# protests" is no protest by the police).
ON_VERBS = frozenset({"be", "go", "embark", "set"})
# "*after* talks with…", "*during* a visit to…": a meeting or a trip that sets the clause in time.
TIME_PREPS = frozenset({"after", "following", "during"})
TRAVEL_NOUNS = frozenset({"visit", "trip", "tour"})


def _noun_subject(noun: Tok, rules: RuleSet) -> list[Tok]:
    """The doer of a nominal event carried by a light verb: "Kenya *held* talks" → Kenya."""
    outer = measured(noun)  # "after three days *of* talks": the measure noun stands where the event would
    if outer.dep_ == "pobj" and outer.head.lower_ == "on" and outer.head.head.lemma_.lower() in ON_VERBS:
        return _present(subject_of(outer.head.head, rules))  # "is on an official visit to Laos"
    if outer.dep_ == "pobj" and outer.head.lower_ in PARTICIPATION_PREPS and outer.head.head.pos_ == "VERB":
        verb = outer.head.head
        if children(verb, "nsubjpass", "auxpass") or (outer.head.lower_ in ("for", "at") and direct_object(verb) is not None):
            # "was wounded in the attack", "vowed revenge for the killing", "arrested them for
            # the attack": the subject suffered it or answers for it, it did not do it; "arrested
            # the opposition leader *at a rally*", "fired tear gas at a rally": acted on someone
            # there, not one of those rallying (who "spoke at a rally")
            return []
        return _present(subject_of(verb, rules))
    if (outer.dep_ == "pobj" and outer.head.lower_ in TIME_PREPS and outer.head.head.pos_ == "VERB"
            and (noun.lemma_.lower() in rules.word_class("meeting") | TRAVEL_NOUNS or _phone_call(noun))
            and not children(outer.head.head, "nsubjpass", "auxpass") and not prep_objects(noun, "by")):
        # "*After talks with* Iranian officials, the IAEA chief said…", "during a visit to Hanoi",
        # "during a phone call": the one whose clause it sets in time took part (not for an attack
        # or an arrest, nor after calls for restraint, nor "during a visit *by Erdogan*")
        return _present(subject_of(outer.head.head, rules))
    if (claimed := claimant(noun)) is not None:
        return [claimed]  # "the group claimed responsibility for the bombing"
    verb = governing_verb(noun)
    if verb is None or verb.lemma_.lower() not in rules.word_class("light_verbs"):
        return []
    if any(dep == "oprd" or (dep == "ccomp" and c.pos_ in ("ADJ", "ADV")) for dep, c in kids(verb)):
        return []  # "the court declared the detention *unlawful*": judged, not done, by the subject
    if noun.dep_ == "nsubjpass":  # "talks were held by X"
        agent = children(verb, "agent")
        return [pobj for prep in agent for pobj in children(prep, "pobj")]
    return _present(subject_of(verb, rules))


def _phone_call(noun: Tok) -> bool:
    """A call made on the phone ("a phone call", "a video call"), not a call for something."""
    return noun.lemma_.lower() in ("call", "conversation") and any(c.lower_ in ("phone", "telephone", "video") for c in noun.children)


def speaker_of(clause: Tok, rules: RuleSet) -> Tok | None:
    """Who said it: the subject of the speech verb whose complement holds the clause.

    '"Japan needs to cooperate," said a South Korean official' → official.
    """
    child = clause
    for governor in governors(clause):
        if child.dep_ in ("ccomp", "parataxis") and (
            governor.lemma_.lower() in rules.word_class("speech_verbs") or _issues_speech(governor, rules)
        ):
            return own_subject(governor)
        if child.dep_ in ("acl", "ccomp") and governor.lemma_.lower() in rules.word_class("speech_nouns"):
            return _noun_speaker(governor)
        if child.dep_ not in ("ccomp", "parataxis", "xcomp", "conj", "advcl", "acomp"):
            return None  # (acomp: "said Moscow was *responsible*", through its copula)
        child = governor
    return None


SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})


def _issues_speech(verb: Tok, rules: RuleSet) -> bool:
    """A light verb whose object reports speech: "*issued a reminder* … that Iraq must…" (the
    parser hangs the that-clause on the verb)."""
    obj = direct_object(verb)
    return (
        obj is not None and verb.lemma_.lower() in rules.word_class("light_verbs")
        and obj.lemma_.lower() in rules.word_class("speech_nouns")
    )


def addressee_of(clause: Tok, rules: RuleSet) -> list[Tok]:
    """Whom it was said to: the object of the speech verb whose complement holds the clause ("warned
    *Iran* that…", "told *Japan* it…"), or the to-phrase of a speech noun ("a reminder *to Iraq*
    that…")."""
    child = clause
    for governor in governors(clause):
        if child.dep_ in ("ccomp", "parataxis") and _issues_speech(governor, rules):
            return prep_objects(governor, "to")  # "issued a reminder *to Iraq* that…"
        if child.dep_ in ("ccomp", "parataxis") and governor.lemma_.lower() in rules.word_class("speech_verbs"):
            return [*_present(direct_object(governor)), *(p for d in children(governor, "dative") for p in (d, *children(d, "pobj")))]
        if child.dep_ in ("acl", "ccomp") and governor.lemma_.lower() in rules.word_class("speech_nouns"):
            # the to-phrase may hang on the verb that issued it: "issued a reminder Saturday *to Iraq*"
            return prep_objects(governor, "to") or (prep_objects(governor.head, "to") if governor.dep_ == "dobj" else [])
        if child.dep_ not in ("ccomp", "parataxis", "xcomp", "conj", "advcl"):
            return []
        child = governor
    return []


def _noun_speaker(noun: Tok) -> Tok | None:
    """Whose statement it is: "Kenya's warning that…", "the president issued a warning that…"."""
    owner = possessor(noun)
    if owner is not None:
        return owner
    verb = governing_verb(noun)
    if verb is None and noun.dep_ == "pobj" and noun.head.lower_ == "in" and noun.head.head.pos_ == "VERB":
        return clause_subject(noun.head.head)  # "saying *in a statement* that…", "said in a speech"
    if verb is None or noun.dep_ not in ("dobj", "obj") or verb.lemma_.lower() not in STATEMENT_VERBS:
        return None  # (who "vetoed a resolution calling for…" did not call for it)
    return own_subject(verb)


# Verbs whose subject makes the statement that is their object: "*issued* a statement rejecting…".
STATEMENT_VERBS = frozenset({"issue", "release", "publish", "make", "send", "deliver", "give", "adopt", "pass", "put",
                             "sign", "draft", "table", "submit", "circulate", "present", "introduce", "post", "read",
                             "write", "unveil", "announce", "voice", "express", "renew", "repeat", "reiterate",
                             "sponsor", "propose", "approve", "lodge", "file", "launch", "broadcast", "tweet", "add"})


def noun_agents(noun: Tok) -> list[Tok]:
    """The by-agents of a noun: "the expulsion of ten diplomats *by Poland*" (the parser often
    hangs the agent on the of-object instead of the noun), "the plan *drafted by France*"."""
    return (
        prep_objects(noun, "by")
        or [agent for of in prep_objects(noun, "of") for agent in prep_objects(of, "by")]
        # "the ceasefire proposal *put forward by Egypt*", "a resolution drafted by France"
        or [agent for dep, verb in kids(noun) if dep == "acl" and verb.tag_ == "VBN" for agent in prep_objects(verb, "by")]
    )
