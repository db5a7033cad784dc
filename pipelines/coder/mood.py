"""Mood and polarity of a trigger: did the event happen, is it announced, or is it not an event?

CAMEO codes what actors did or said they will do. Announced or intended actions become 03x
(the rule's `intent` code); negated, conditional, hypothetical, questioned and failed actions
are not events. The word lists come from the rule files (`intent_verbs`, `negative_verbs`,
`irrealis_verbs`, `speech_verbs`), so researchers can see and change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.coder.parsed import Segment, Tok

from pipelines.coder.rules import RuleSet
from pipelines.coder.syntax import aux_words, direct_object, governing_verb, governors, is_infinitive, kids, negated

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "would", "should", "must", "can", "ca"})
CONDITION_MARKS = frozenset({"if", "unless", "whether"})
FUTURE_NOUN_MODIFIERS = frozenset({"future", "upcoming", "planned", "proposed", "scheduled", "next"})
HYPOTHETICAL_NOUN_MODIFIERS = frozenset({"possible", "potential", "hypothetical", "eventual"})
# What a nominal event that is its clause's subject may do that undoes it: "talks *collapsed*".
FAILURE_VERBS = frozenset({"collapse", "stall", "founder", "falter", "break", "fail", "deadlock", "fizzle"})

FACTUAL = "factual"
INTENT = "intent"
REFUSED = "refused"  # negated in the future: "will not negotiate", "said it would never meet"
# Auxiliaries that make a negated action a refusal announced ("won't", "would never" as reported).
REFUSAL_AUX = FUTURE_AUX | {"would"}


@dataclass(frozen=True)
class Mood:
    """The verdict on a trigger: `factual`, `intent`, or `blocked` with the reason."""

    kind: str  # factual | intent | blocked | negated | refused
    reason: str

    @property
    def codable(self) -> bool:
        return self.kind in (FACTUAL, INTENT)


def question(sentence: Segment) -> bool:
    """A sentence asked, not stated."""
    return sentence.text.rstrip(" \"'”’)\n").endswith("?")


def mood_of(trigger: Tok, rules: RuleSet, is_noun: bool, is_modal_rule: bool = False) -> Mood:
    """Decide the mood of a trigger token from its clause and the clauses governing it."""
    clause = _clause_of(trigger, is_noun)
    if is_noun and (not_done := _alleged_noun(trigger, rules) or _asked_for_noun(trigger, rules)) is not None:
        return not_done
    if clause is None:
        if trigger.dep_ == "nsubj" and trigger.head.pos_ in ("VERB", "AUX"):
            return _noun_as_subject(trigger, trigger.head)
        return _noun_without_verb(trigger)
    for check in (_conditional, _alleged, _charged_with, _argued_against, _negated, _noun_modifiers, _control, _subjunctive,
                  _auxiliaries):
        verdict = check(trigger, clause, rules, is_modal_rule)
        if verdict is not None:
            return verdict
    return Mood(FACTUAL, "stated as fact")


def _argued_against(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    """ "warned Washington *against sending* missiles", "voted against deploying troops": a
    gerund under "against" is what someone opposes, not what is done."""
    if clause.dep_ == "pcomp" and clause.tag_ == "VBG" and clause.head.lower_ == "against":
        return Mood("blocked", f"argued against, not done ('against {clause.text}')")
    return None


def _clause_of(trigger: Tok, is_noun: bool) -> Tok | None:
    """The verb whose mood applies: the trigger itself, the verb of a modal, or a noun's light verb."""
    if not is_noun:
        # a modal's verb; an adjective's copula ("Moscow *was* not responsible")
        return trigger.head if trigger.dep_ in ("aux", "acomp") else trigger
    if trigger.dep_ == "compound":
        trigger = trigger.head  # "launched a mediation effort": the effort is what was launched
    verb = governing_verb(trigger)
    if verb is None and trigger.dep_ == "pobj" and trigger.head.head.pos_ in ("VERB", "AUX"):
        verb = trigger.head.head  # "called for talks", "agreed to talks"
    return verb


def _noun_without_verb(noun: Tok) -> Mood:
    if negated(noun):
        return Mood("negated", f"'no' before '{noun.text}'")
    modifiers = {child.lower_ for dep, child in kids(noun) if dep in ("amod", "compound")}
    if modifiers & HYPOTHETICAL_NOUN_MODIFIERS:
        return Mood("blocked", f"hypothetical '{noun.text}'")
    if _under_condition(noun):
        return Mood("blocked", "inside an if/whether/unless clause")
    if modifiers & FUTURE_NOUN_MODIFIERS:
        return Mood(INTENT, f"'{noun.text}' is planned")
    return Mood(FACTUAL, "nominal event")


def _noun_as_subject(noun: Tok, verb: Tok) -> Mood:
    """A nominal event that is the subject of its clause: "the talks *will begin* on Monday"
    (announced), "China's invasion of Taiwan *would be* a disaster" (hypothetical), "talks
    between them *collapsed*" (failed, not held as reported)."""
    aux = aux_words(verb)
    if negated(verb):
        return Mood("negated", f"negated ('not' on '{verb.text}')")
    if aux & HYPOTHETICAL_AUX:
        return Mood("blocked", f"modal '{sorted(aux & HYPOTHETICAL_AUX)[0]}' on '{verb.text}'")
    # "talks collapsed": not coded as held; "the meeting failed to bring them closer" was held.
    if verb.lemma_.lower() in FAILURE_VERBS and not any(dep == "xcomp" for dep, _ in kids(verb)):
        return Mood("blocked", f"'{noun.text}' {verb.text}: failed or stopped, not done")
    if aux & FUTURE_AUX or _going_to(verb):
        return Mood(INTENT, f"future tense ('{verb.text}')")
    # "a meeting between them *is unlikely*", "the summit *is expected* next month"
    predicate = next((c.lower_ for d, c in kids(verb) if d in ("acomp", "attr", "xcomp") and c.lower_ in PREDICATED_MOODS), None)
    if predicate is not None:
        kind = PREDICATED_MOODS[predicate]
        return Mood(kind, f"'{noun.text}' {verb.text} {predicate}: " + ("announced" if kind == INTENT else "not done"))
    return _noun_without_verb(noun)


# Predicates of a nominal event's copula that make it planned (announced) or not done at all.
PREDICATED_MOODS = {
    **dict.fromkeys(("expected", "planned", "scheduled", "due", "likely", "imminent", "set"), INTENT),
    **dict.fromkeys(("unlikely", "possible", "impossible", "uncertain", "doubtful", "necessary", "needed",
                     "essential", "vital", "crucial", "urgent", "unthinkable", "inevitable", "premature"), "blocked"),
}


def _under_condition(token: Tok) -> bool:
    chain = [token, *governors(token)]
    return any(dep == "mark" and child.lower_ in CONDITION_MARKS for node in chain for dep, child in kids(node))


def _conditional(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    if _under_condition(trigger):
        return Mood("blocked", "inside an if/whether/unless clause")
    return None


def _alleged(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    """ "an allegation that the rebels had seized the town", "denied reports that its troops
    attacked", "claims of torture": what an allegation says is not stated as fact by the story."""
    nouns = rules.word_class("allegation_nouns")
    for node in (clause, *governors(clause)):
        if node.dep_ in ("acl", "ccomp") and node.head.pos_ == "NOUN" and node.head.lemma_.lower() in nouns:
            return Mood("blocked", f"alleged ('{node.head.text} that'), not stated as fact")
    return None


def _charged_with(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    """ "accused the army *of killing* civilians", "blamed Serbia *for attacking*…", "thanked Germany
    *for sending*…", "lashed out at Algeria *for jailing*…": a gerund after of/for on a verb with
    an object (or an at/on/against phrase) is that object's act, as the subject says it (an
    accusation, a reason), not the subject's own."""
    if clause.dep_ != "pcomp" or clause.head.lower_ not in ("of", "for"):
        return None
    governor = clause.head.head
    if governor.pos_ in ("VERB", "AUX") and (direct_object(governor) is not None or any(
            dep == "prep" and prep.lower_ in ("at", "on", "against") and any(d == "pobj" for d, _ in prep.kids)
            for dep, prep in kids(governor) if prep is not clause.head)):
        return Mood("blocked", f"what '{governor.text}' says its object did ('{clause.head.text} {clause.text}')")
    return None


def _alleged_noun(noun: Tok, rules: RuleSet) -> Mood | None:
    """ "allegations *of* torture", "reports of attacks on civilians" (see `_alleged`)."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in rules.word_class("allegation_nouns"):
        return Mood("blocked", f"alleged ('{noun.head.head.text} of'), not stated as fact")
    return None


def _asked_for_noun(noun: Tok, rules: RuleSet) -> Mood | None:
    """ "renewed its *demand for* the withdrawal of US forces", "*calls for* talks": what a noun of
    asking is for is not done (the noun's own rule codes the demand)."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "for" and noun.head.head.pos_ == "NOUN" and (
            noun.head.head.lemma_.lower() in rules.word_class("irrealis_verbs")):
        return Mood("blocked", f"asked for ('{noun.head.head.text} for'), not done")
    return None


def _negated(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    # "Iran must not enrich uranium" is still a demand: a modal rule keeps its polarity.
    if modal:
        return None
    if negated(clause) or (trigger != clause and negated(trigger)):
        if refusal := aux_words(clause) & REFUSAL_AUX:  # "Israel *will not* negotiate with Hamas"
            return Mood(REFUSED, f"refused ('not' on '{clause.text}' with '{sorted(refusal)[0]}')")
        return Mood("negated", f"negated ('not' on '{clause.text}')")
    return None


def _noun_modifiers(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    if trigger == clause or modal:  # a verb trigger, or a modal ("must") whose clause is its verb
        return None
    # "called for talks", "refused talks": the nominal event is asked for or refused, not held.
    lemma = clause.lemma_.lower()
    if lemma in rules.word_class("irrealis_verbs") or lemma in rules.word_class("negative_verbs"):
        return Mood("blocked", f"'{trigger.text}' is asked for or refused ('{clause.text}'), not done")
    light = lemma in rules.word_class("light_verbs")  # "undertook a mission", "committed genocide": done
    if not light and lemma in rules.word_class("intent_verbs") and trigger.dep_ in ("dobj", "obj", "nsubjpass"):
        # "planned a meeting", "a meeting is scheduled for May": announced
        if negated(clause):
            return Mood("negated", f"negated ('not' on '{clause.text}')")
        return Mood(INTENT, f"'{trigger.text}' is announced ('{clause.text}')")
    # "Germany criticized Russia's invasion": the invasion is what is criticized; the event coded
    # is the criticism. Only light verbs ("held talks", "launched an attack") carry a nominal event.
    # Likewise in the passive: "the invasion was condemned by Germany".
    if trigger.dep_ in ("dobj", "obj", "nsubjpass") and not light:
        return Mood("blocked", f"'{trigger.text}' is the object of '{clause.text}', not an event of its own")
    modifiers = {child.lower_ for dep, child in kids(trigger) if dep in ("amod", "compound")}
    if modifiers & HYPOTHETICAL_NOUN_MODIFIERS:
        return Mood("blocked", f"hypothetical '{trigger.text}'")
    return None


DEADLINE_WORDS = frozenset({"hour", "day", "week", "month", "year", "deadline", "ultimatum", "time"})
# Nouns whose infinitive is what someone asked or tried for ("a plea to the UN to intervene").
APPEAL_NOUNS = frozenset({"plea", "proposal", "offer", "bid", "effort", "attempt"})


def _control(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    """Embedded under "agreed to", "refused to", "wants to": intent, refusal or wish."""
    if clause.dep_ in ("acl", "ccomp") and clause.head.pos_ == "NOUN" and clause.head.lemma_.lower() in rules.word_class("irrealis_verbs"):
        return Mood("blocked", f"demanded or asked for, not done ('{clause.head.text} that')")
    if clause.dep_ == "acl" and is_infinitive(clause) and clause.head.lemma_.lower() in rules.word_class("intent_nouns"):
        # "expressed willingness to resume talks", "announced plans to build": announced
        carrier = governing_verb(clause.head)
        if carrier is not None and (negated(carrier) or carrier.lemma_.lower() in rules.word_class("negative_verbs")):
            return Mood("negated", f"'{clause.head.text}' denied or refused ('{carrier.text}')")
        return Mood(INTENT, f"announced ('{clause.head.text} to')")
    if clause.dep_ in ("advcl", "xcomp") and is_infinitive(clause) and clause.head.lemma_.lower() in ("give", "grant", "set"):
        # "gave the junta one week *to reinstate* the president": an ultimatum, not done
        if any(c.lemma_.lower() in DEADLINE_WORDS for d, c in kids(clause.head) if d in ("npadvmod", "dobj", "dative", "obj")):
            return Mood("blocked", f"a deadline set ('{clause.head.text} … to'), not done")
    if clause.dep_ in ("advcl", "acl") and is_infinitive(clause):
        # "made a call on China *to release*…", "an appeal to Kenya to withdraw": what the appeal asks
        noun = clause.head if clause.dep_ == "acl" else direct_object(clause.head)
        if noun is not None and noun.lemma_.lower() in (rules.word_class("irrealis_verbs") | APPEAL_NOUNS):
            return Mood("blocked", f"asked for, not done ('{noun.text} … to')")
        if clause.dep_ == "advcl" and clause.head.lemma_.lower() in rules.word_class("irrealis_verbs"):
            # "requested help from Turkey *to fight* al-Shabaab": what the request is for
            return Mood("blocked", f"asked for, not done ('{clause.head.text} … to')")
    current = clause
    while (current.dep_ in ("xcomp", "ccomp", "conj") or (current.dep_ == "advcl" and is_infinitive(current))) and current.head != current:
        governor = current.head
        if current.dep_ in ("conj", "advcl"):
            # "needs to communicate and *cooperate*": as its first conjunct; "urged Israel to do
            # more *to protect* civilians": a purpose is as done as what it is the purpose of
            current = governor
            continue
        lemma = governor.lemma_.lower()
        if current.dep_ == "xcomp" and lemma in rules.word_class("negative_verbs"):
            return Mood("blocked", f"refused or failed ('{governor.text}')")
        if current.dep_ == "xcomp" and lemma in ("have", "be") and any(c.lower_ == "yet" for d, c in kids(governor) if d == "advmod"):
            return Mood("blocked", f"not done yet ('{governor.text} yet to')")  # "have yet to hold talks"
        if current.dep_ == "xcomp" and lemma in rules.word_class("irrealis_verbs"):
            return Mood("blocked", f"wished or requested, not done ('{governor.text}')")
        if current.dep_ == "xcomp" and lemma in rules.word_class("hedge_verbs"):
            return Mood("blocked", f"how it looked, not stated as done ('{governor.text} to')")
        if current.dep_ == "xcomp" and lemma in rules.word_class("intent_verbs"):
            # "the US must be ready to mediate" is a demand, not an intention
            holder = governor.head if governor.dep_ == "acomp" else governor
            hypothetical = aux_words(holder) & (HYPOTHETICAL_AUX - {"would"})
            if hypothetical:
                return Mood("blocked", f"modal '{sorted(hypothetical)[0]}' on '{governor.text}'")
            if negated(holder):
                return Mood("negated", f"negated ('not' on '{governor.text}')")
            return Mood(INTENT, f"intended ('{governor.text}')")
        if current.dep_ == "ccomp" and lemma in rules.word_class("irrealis_verbs"):
            return Mood("blocked", f"demanded or asked for, not done ('{governor.text} that')")
        if is_infinitive(current) and (lemma == "expect" or lemma in rules.word_class("speculation_verbs")) and (
                current.dep_ == "ccomp" or direct_object(governor) is not None):
            # "analysts expect *China* to impose sanctions": someone's guess about another's act
            # ("Japan expects to sign" is Japan's own intention, below)
            return Mood("blocked", f"supposed by others ('{governor.text} … to'), not announced")
        if current.dep_ == "ccomp" and current.i > governor.i and lemma in rules.word_class("denial_verbs"):
            # "denied that it had agreed to a ceasefire": what is denied is not stated as fact
            # (not "X accused Y of …, a charge Y denies", whose accusation was made)
            return Mood("blocked", f"denied ('{governor.text} that')")
        if current.dep_ == "ccomp":
            break
        current = governor
    return None


def _subjunctive(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    """ "reiterated its demand that Israel *ease* restrictions": a that-clause whose verb is the
    bare base form after a subject (a mandative subjunctive) is asked for, not done."""
    if clause.dep_ == "ccomp" and clause.tag_ == "VB" and not aux_words(clause) and any(
        dep in ("nsubj", "nsubjpass") for dep, _ in kids(clause)
    ):
        return Mood("blocked", f"subjunctive '{clause.text}': asked for, not done")
    return None


def _auxiliaries(trigger: Tok, clause: Tok, rules: RuleSet, modal: bool) -> Mood | None:
    aux = aux_words(clause)
    if modal:
        return None
    if aux & FUTURE_AUX or _going_to(clause):
        if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in rules.word_class("speculation_verbs"):
            # "analysts doubt that China will invade": someone else's guess, not an announcement
            return Mood("blocked", f"supposed by others ('{clause.head.text}'), not announced")
        return Mood(INTENT, "future tense")
    if "would" in aux and _reported(clause, rules):
        return Mood(INTENT, "'would' in reported speech")
    hypothetical = aux & HYPOTHETICAL_AUX
    if hypothetical:
        return Mood("blocked", f"modal '{sorted(hypothetical)[0]}'")
    return None


def _going_to(clause: Tok) -> bool:
    head = clause.head
    return clause.dep_ == "xcomp" and head.lemma_ == "go" and any(c.lower_ in ("is", "are", "was", "were", "'s", "'re") for _, c in kids(head))


def _reported(clause: Tok, rules: RuleSet) -> bool:
    return clause.dep_ == "ccomp" and clause.head.lemma_.lower() in rules.word_class("speech_verbs")
