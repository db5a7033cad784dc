"""Protects the coder's shortcuts for speed: each must give what the plain spaCy reading gives.

- `Parsed` reads a Doc's parse once into plain objects; every attribute the coder reads must be
  what spaCy's own Token and Span give;
- `_maybe_triggers` finds the tokens that may trigger a rule from the Doc's arrays, and the
  sentence loop looks at no other token: it must never leave out a token the rules would fire on.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from pipelines.coder.engine import EventCoder
from pipelines.coder.parsed import Parsed, Tok
from pipelines.coder.text import clean_text

REPOSITORY = Path(__file__).resolve().parents[2]
# Odd spacing, paragraph breaks, a lemma written in capitals, a sentence-initial rule verb the
# tagger may read as a name, and a question: the cases a shortcut could get wrong.
SENTENCES = [
    "Denouncing the blockade, Ecuador's foreign minister recalled the envoy to Lima.",
    "TALKS between Nepal and Bhutan RESUMED on Monday.  The two sides met again.\nA deal?",
    "Protesters marched on the parliament in Accra.\n\nPolice arrested twelve of them on Friday .",
    "Kenya's president hosted his Tanzanian counterpart; they signed three accords and agreed to meet in May.",
    "Peace-keeping troops from Ghana, Togo and Benin, and Malian police, patrolled Gao and Timbuktu.",
]


def gold_texts() -> list[str]:
    rows = [json.loads(line) for line in (REPOSITORY / "tests" / "gold" / "rules_examples.jsonl").open() if line.strip()]
    return [row["text"] for row in rows]


def _reading(token) -> tuple:
    """Everything the coder reads of a token, with tokens given by position."""
    return (
        token.i, token.text, token.lower_, token.lemma_, token.pos_, token.dep_, token.tag_, token.whitespace_,
        token.idx, token.is_alpha, bool(token.is_sent_start), token.head.i, [c.i for c in token.children],
        [c.i for c in token.lefts], [c.i for c in token.rights], [t.i for t in token.subtree], token.left_edge.i,
        [c.i for c in token.conjuncts], (token.sent.start, token.sent.end), len(token),
    )


def test_the_parse_read_once_is_what_spacy_gives(coder: EventCoder) -> None:
    repaired, texts = 0, SENTENCES + gold_texts()
    for doc in coder.nlp.pipe([clean_text(text) for text in texts]):
        parsed = Parsed(doc)
        assert len(parsed) == len(doc) and parsed.text == doc.text
        if parsed.repaired:
            repaired += 1
            continue  # the one repair changes the parse on purpose (see the test below)
        assert [_reading(token) for token in parsed] == [_reading(token) for token in doc]
        assert [(s.start, s.end, s.text) for s in parsed.sents] == [(s.start, s.end, s.text) for s in doc.sents]
        for start, end in [(0, len(doc)), (1, 3), (len(doc) - 1, len(doc)), (2, 2), (-3, len(doc))]:
            ours, theirs = parsed[start:end], doc[start:end]
            assert (ours.start, ours.end, ours.text, [t.i for t in ours]) == (theirs.start, theirs.end, theirs.text, [t.i for t in theirs])
        assert parsed[-1] is parsed[len(doc) - 1] and parsed[0].head.doc is parsed
    # nearly every example (97 %) is read exactly as spaCy parsed it, though the rule examples
    # include the sentences each repair was written for
    assert repaired <= len(texts) // 33


@pytest.mark.parametrize("text, name, country_word", [
    ("Serbia accused Kosovo Prime Minister Albin Kurti of provoking violence.", "Kurti", "Kosovo"),
    ("Pakistan accused India Prime Minister Narendra Modi of warmongering.", "Modi", "India"),
])
def test_a_name_split_into_two_objects_is_joined_again(coder: EventCoder, text: str, name: str, country_word: str) -> None:
    """The small model reads "accused [Kosovo] [Prime Minister Albin Kurti]" as two objects; the
    country is then coded as the target instead of the prime minister."""
    parsed = Parsed(coder.nlp(text))
    verb = next(t for t in parsed if t.lemma_ == "accuse")
    word = next(t for t in parsed if t.text == country_word)
    assert [c.text for c in verb.children if c.dep_ == "dobj"] == [name]
    assert word.dep_ == "compound" and word.head.text == name and word in list(word.head.subtree)


def test_a_subject_split_in_two_is_joined_again(coder: EventCoder) -> None:
    """ "[Sudan's paramilitary] [Rapid Support Forces] shelled…": the small model makes both a
    subject of the verb; the adjective describes the name, so the name is the one subject."""
    parsed = Parsed(coder.nlp("Sudan's paramilitary Rapid Support Forces shelled the city, killing 12 civilians."))
    by_text = {token.text: token for token in parsed}
    assert parsed.repaired == [by_text["paramilitary"].i]
    assert (by_text["paramilitary"].dep_, by_text["paramilitary"].head) == ("amod", by_text["Forces"])
    assert [t.text for _, t in by_text["shelled"].kids if _ == "nsubj"] == ["Forces"]
    assert [t.i for t in by_text["Forces"].subtree] == list(range(6))
    assert not Parsed(coder.nlp("The army and the rebels clashed.")).repaired


def test_two_real_objects_stay_two(coder: EventCoder) -> None:
    """ "denied Iran access": a country and a thing, both objects, as spaCy read them."""
    parsed = Parsed(coder.nlp("Israel denied Iran access to the site."))
    assert not parsed.repaired
    assert [c.text for c in parsed[1].children if c.dep_ == "dobj"] == ["Iran", "access"]


def test_a_coded_parse_is_freed_at_once(coder: EventCoder) -> None:
    # Heads and children refer to each other: left linked, every coded story would wait for
    # Python's cycle collector instead of being freed when it is coded.
    gc.collect()
    gc.disable()
    try:
        assert coder.code_text("Nepal's prime minister met his Bhutanese counterpart in Thimphu on Monday.")
        assert not [o for o in gc.get_objects() if isinstance(o, (Parsed, Tok))]
    finally:
        gc.enable()


def test_every_token_a_rule_fires_on_is_among_the_possible_triggers(coder: EventCoder) -> None:
    missed = []
    for doc in coder.nlp.pipe([clean_text(text) for text in SENTENCES + gold_texts()]):
        maybe = set(coder._maybe_triggers(doc))
        for token in Parsed(doc):
            pos, lemma = coder._trigger_key(token)
            if pos and coder.rules.candidates(pos, lemma) and token.i not in maybe:
                missed.append(f"{token.text!r} ({pos} {lemma}) in {doc.text!r}")
    assert not missed, "\n".join(missed)


def test_possible_triggers_leave_out_words_no_rule_names(coder: EventCoder) -> None:
    doc = coder.nlp("The old bridge across the river was painted green last summer.")
    assert coder._maybe_triggers(doc) == []


def test_a_trigger_written_in_capitals_is_still_tried(coder: EventCoder) -> None:
    # The tagger reads "CONDEMNED" as a name with the lemma in capitals; the rule is still tried.
    tried = coder.explain("Nepal CONDEMNED Bhutan on Monday.").split("RULES TRIED")[1]
    assert "'CONDEMNED' (lemma CONDEMNED): rule disapprove" in tried


def test_parses_are_read_a_chunk_ahead_of_coding_and_keep_their_order() -> None:
    from pipelines.coder.engine import parsed_ahead

    pulled: list[int] = []

    def parses():
        for number in range(7):
            pulled.append(number)
            yield number, f"document {number}"

    ahead = parsed_ahead(parses(), size=3)
    assert next(ahead) == (0, "document 0") and pulled == [0, 1, 2]  # three parsed before the first is coded
    assert [number for number, _ in ahead] == [1, 2, 3, 4, 5, 6]


def test_a_date_of_stories_is_parsed_in_even_batches_near_the_batch_size() -> None:
    import math

    from pipelines.coder.engine import even_batch_size

    assert even_batch_size(70, 64) == 70  # one batch, not 64 and a batch of 6
    assert even_batch_size(464, 64) == 67  # seven batches of 67 (the last 62), not 7 x 64 and 16
    for n in range(1, 600):
        size = even_batch_size(n, 64)
        batches = math.ceil(n / size)
        assert n - (batches - 1) * size > size / 2 or batches == 1, n  # no small batch at the end
        assert 32 < size < 128 or n < 96, n


def test_a_name_run_into_what_it_was_called_is_parted_from_it(coder: EventCoder) -> None:
    """ "branded [Netanyahu a war criminal]": the small model makes the name a modifier of
    "criminal", so the target would be a criminal; the name is the object, the rest its predicate."""
    parsed = Parsed(coder.nlp("Erdogan branded Netanyahu a war criminal."))
    verb, name, called = parsed[1], parsed[2], parsed[5]
    assert parsed.repaired == [2]
    assert (name.dep_, name.head) == ("dobj", verb) and (called.dep_, called.head) == ("oprd", verb)
    assert [(dep, kid.text) for dep, kid in verb.kids] == [("nsubj", "Erdogan"), ("dobj", "Netanyahu"), ("oprd", "criminal"), ("punct", ".")]
    assert [t.text for t in called.subtree] == ["a", "war", "criminal"]


def test_an_object_read_as_a_modifier_of_its_predicate_is_the_object_again(coder: EventCoder) -> None:
    """ "called [Russia's attack barbaric]": the small model hangs the object on the predicate
    (and may tag "barbaric" a noun); the object is the verb's again, with its possessor."""
    parsed = Parsed(coder.nlp("Germany called Russia's attack barbaric."))
    verb, attack, barbaric = parsed[1], parsed[4], parsed[5]
    assert parsed.repaired == [4]
    assert (attack.dep_, attack.head) == ("dobj", verb) and barbaric.head is verb and not list(barbaric.children)
    assert [t.text for t in attack.subtree] == ["Russia", "'s", "attack"]


def test_a_name_read_as_a_predicate_is_the_object_whole(coder: EventCoder) -> None:
    """ "called [Iranian President Ebrahim] [Raisi]": the small model reads the surname as what
    the rest was called; the name is the object, whole, and nothing was said of it."""
    parsed = Parsed(coder.nlp("The French president called Iranian President Ebrahim Raisi on Sunday."))
    called, raisi = parsed[3], parsed[7]
    assert parsed.repaired == [7]
    assert (raisi.dep_, raisi.head) == ("dobj", called) and "oprd" not in {dep for dep, _ in called.kids}
    assert [t.text for t in raisi.subtree] == ["Iranian", "President", "Ebrahim", "Raisi"]


def test_a_passive_predicate_keeps_its_parse(coder: EventCoder) -> None:
    parsed = Parsed(coder.nlp("The strike on the hospital was called a war crime."))
    assert not parsed.repaired


def test_a_past_tense_verb_is_no_conjunct_of_an_infinitive(coder: EventCoder) -> None:
    """ "refused to sign the bill and *called* on parliament…": the small model coordinates
    "called" with "sign", which puts it under "refused"; past tense, it is coordinated with
    "refused" itself, and the call is made, not refused."""
    parsed = Parsed(coder.nlp("Kenya's president refused to sign the finance bill and called on parliament to amend it."))
    refused, called = parsed[3], next(t for t in parsed if t.text == "called")
    assert called.i in parsed.repaired
    assert (called.dep_, called.head) == ("conj", refused) and called in list(refused.children)


def test_a_demand_after_a_reported_clause_is_the_speakers(coder: EventCoder) -> None:
    """ "Beijing said [the vessel had intruded … and *warned* Manila]": the small model coordinates
    the warning with the reported verb, so the vessel would warn; Beijing did."""
    parsed = Parsed(coder.nlp("Beijing said the vessel had intruded into Chinese waters and warned Manila to stop."))
    said, warned = parsed[1], parsed[10]
    assert parsed.repaired == [warned.i] and (warned.dep_, warned.head) == ("conj", said)
    # what the reported clause itself says is left as it is
    assert not Parsed(coder.nlp("The ministry said the troops had shelled the town and killed ten people.")).repaired
    # after a reported past passive too: "denied that [its soil was used … and *urged* Pakistan…]"
    parsed = Parsed(coder.nlp("Kabul denied that its soil was used for the attack and urged Pakistan to talk."))
    denied, urged = parsed[1], parsed[11]
    assert urged.text == "urged" and parsed.repaired == [urged.i] and (urged.dep_, urged.head) == ("conj", denied)


def test_an_infinitive_keeps_its_infinitive_conjunct(coder: EventCoder) -> None:
    parsed = Parsed(coder.nlp("Russia refused to meet and talk with Ukraine."))
    assert not parsed.repaired


def test_a_sentence_read_as_one_noun_phrase_is_a_clause_again(coder: EventCoder) -> None:
    """ "Israeli air strikes killed 12 people": the small model reads "killed" as a reduced
    relative on "strikes"; with an object of its own it is the verb, "strikes" its subject."""
    parsed = Parsed(coder.nlp("Israeli air strikes killed at least 12 people in southern Lebanon on Tuesday."))
    strikes, killed = parsed[2], parsed[3]
    assert parsed.repaired == [3]
    assert (killed.dep_, killed.head) == ("ROOT", killed) and (strikes.dep_, strikes.head) == ("nsubj", killed)
    assert [t.i for t in killed.subtree] == list(range(len(parsed)))


def test_a_verb_at_the_end_of_a_long_noun_phrase_is_the_verb_again(coder: EventCoder) -> None:
    """ "[The junta's air strikes on a camp for displaced people killed dozens]": the small model
    makes "killed" a relative clause of "people"; with an object of its own it is the verb."""
    parsed = Parsed(coder.nlp("The Myanmar junta's air strikes on a camp for displaced people killed dozens."))
    by_text = {token.text: token for token in parsed}
    killed = by_text["killed"]
    assert parsed.repaired == [killed.i] and (killed.dep_, killed.head) == ("ROOT", killed)
    assert (by_text["strikes"].dep_, by_text["strikes"].head) == ("nsubj", killed)
    assert [t.i for t in killed.subtree] == list(range(len(parsed)))
    # a reduced passive has no object: "the soldiers killed in the attack" stays as it is
    assert not Parsed(coder.nlp("The funeral of the soldiers killed in the attack.")).repaired


def test_a_reduced_passive_stays_a_modifier(coder: EventCoder) -> None:
    assert not Parsed(coder.nlp("The men killed in the attack were buried on Friday.")).repaired


def test_the_one_called_for_to_act_is_the_appeals_object(coder: EventCoder) -> None:
    """ "called for Sweden to extradite…" parses as a clause with "for" its mark and Sweden its
    subject; it asks what "urged Sweden to extradite…" asks, so Sweden becomes the object of
    "called" and the clause its complement."""
    parsed = Parsed(coder.nlp("Turkey called for Sweden to extradite the suspects."))
    called, sweden, extradite = parsed[1], parsed[3], parsed[5]
    assert parsed.repaired == [3]
    assert (sweden.dep_, sweden.head) == ("dobj", called) and (extradite.dep_, extradite.head) == ("xcomp", called)
    assert [t.i for t in called.subtree] == list(range(len(parsed)))
    # the other reading: "for" the clause's mark, Israel its subject
    parsed = Parsed(coder.nlp("The UN called for Israel to halt its offensive in Rafah."))
    called, israel, halt = parsed[2], parsed[4], parsed[6]
    assert parsed.repaired == [4]
    assert (israel.dep_, israel.head) == ("dobj", called) and (halt.dep_, halt.head) == ("xcomp", called)
    assert [t.i for t in called.subtree] == list(range(len(parsed)))


def test_the_one_a_renewed_call_is_for_is_the_calls_object(coder: EventCoder) -> None:
    """ "renewed its calls for Israel to allow…": the parser hangs the clause on "renewed"; it is
    what the calls ask, so Israel becomes the object of "calls" and the clause its complement."""
    parsed = Parsed(coder.nlp("Egypt renewed its calls for Israel to allow more aid into Gaza."))
    calls, israel, allow = parsed[3], parsed[5], parsed[7]
    assert parsed.repaired == [5]
    assert (israel.dep_, israel.head) == ("dobj", calls) and (allow.dep_, allow.head) == ("xcomp", calls)
    assert [t.i for t in parsed[1].subtree] == list(range(len(parsed)))
    # any other object of the verb keeps its clause
    assert not Parsed(coder.nlp("Egypt made a deal for Israel to receive gas.")).repaired


def test_waiting_for_someone_to_act_asks_nothing_of_them(coder: EventCoder) -> None:
    assert not Parsed(coder.nlp("Turkey is waiting for Sweden to respond.")).repaired


@pytest.mark.parametrize("text, verb, subject, obj", [
    ("The US extended sanctions on Iran.", "extended", "US", "sanctions"),
    ("Ugandan police tear-gassed opposition supporters in Kampala.", "gassed", "police", "supporters"),
    # the subject read as the verb's adverb, the object a name with its title
    ("Qatar's emir hosted Palestinian President Mahmoud Abbas in Doha.", "hosted", "emir", "Abbas"),
    ("The Qatari emir hosted Palestinian President Mahmoud Abbas in Doha.", "hosted", "emir", "Abbas"),
])
def test_a_verb_read_as_a_modifier_of_its_object_is_the_verb_again(coder: EventCoder, text: str, verb: str, subject: str, obj: str) -> None:
    """The small model reads some short sentences as one noun phrase, the verb a modifier of the
    noun after it ("[The US extended sanctions] on Iran"): the verb is the root again, the noun
    its object and the noun before it its subject, with its own modifiers."""
    _assert_repaired_clause(Parsed(coder.nlp(text)), verb, subject, obj)


def _assert_repaired_clause(parsed: Parsed, verb: str, subject: str, obj: str) -> dict:
    """The one repair made the verb the root, with that subject and object and the whole
    sentence below it; returns the tokens by their text."""
    by_text = {token.text: token for token in parsed}
    root = by_text[verb]
    assert parsed.repaired == [root.i]
    assert (root.dep_, root.head) == ("ROOT", root)
    assert (by_text[subject].dep_, by_text[subject].head) == ("nsubj", root)
    assert (by_text[obj].dep_, by_text[obj].head) == ("dobj", root)
    assert [t.i for t in root.subtree] == list(range(len(parsed)))
    return by_text


@pytest.mark.parametrize("text, verb, subject, place, obj", [
    ("Protesters in Tbilisi hurled fireworks at riot police outside parliament.", "hurled", "Protesters", "Tbilisi", "fireworks"),
    ("Riot police in Dhaka baton-charged students protesting against job quotas.", "charged", "police", "Dhaka", "students"),
    ("A crackdown in Minsk jailed activists.", "jailed", "crackdown", "Minsk", "activists"),
])
def test_a_verb_read_as_a_modifier_after_a_place_is_the_verb_again(coder: EventCoder, text: str, verb: str, subject: str, place: str, obj: str) -> None:
    """ "[Protesters in Tbilisi hurled fireworks]": the small model reads the sentence as one noun
    phrase, the verb a modifier of the noun after the place. The verb is the root again, the noun
    before "in" its subject, the place where that subject is, and the noun after the verb its
    object."""
    by_text = _assert_repaired_clause(Parsed(coder.nlp(text)), verb, subject, obj)
    assert (by_text[place].dep_, by_text[place].head.text, by_text[place].head.head) == ("pobj", "in", by_text[subject])


def test_a_headline_with_a_participle_after_its_place_keeps_its_parse(coder: EventCoder) -> None:
    # the participle follows a second preposition, not the place: "stalled" modifies "aid"
    assert not Parsed(coder.nlp("Fears in Kyiv over stalled aid.")).repaired


def test_the_noun_before_outside_is_the_head_of_its_phrase(coder: EventCoder) -> None:
    """ "dispersed [the crowd outside parliament]": the small model makes "outside" an adjective
    of "parliament" and the crowd its modifier, so what was dispersed is parliament; the crowd is
    the object, outside parliament where it was."""
    parsed = Parsed(coder.nlp("Police dispersed the crowd outside parliament."))
    dispersed, the, crowd, outside, parliament = parsed[1], parsed[2], parsed[3], parsed[4], parsed[5]
    assert parsed.repaired == [3]
    assert (crowd.dep_, crowd.head) == ("dobj", dispersed) and the.head is crowd
    assert (outside.dep_, outside.head) == ("prep", crowd) and (parliament.dep_, parliament.head) == ("pobj", outside)
    assert [t.i for t in dispersed.subtree] == list(range(len(parsed)))
    assert not Parsed(coder.nlp("The outside world ignored the crisis.")).repaired


def test_a_participle_modifying_a_subject_stays_a_modifier(coder: EventCoder) -> None:
    assert not Parsed(coder.nlp("The detained journalists were freed on Monday.")).repaired


def test_a_preposition_said_of_a_subject_is_read_as_its_predicate(coder: EventCoder) -> None:
    """ "Russian agents *were behind* the bombing": "behind" is what the copula says of its
    subject, as "responsible" would be, so a rule can name it among its adjectives."""
    parsed = Parsed(coder.nlp("Officials said Russian agents were behind the bombing."))
    were, behind = parsed[4], parsed[5]
    assert parsed.repaired == [behind.i]
    assert (behind.dep_, behind.pos_, behind.head) == ("acomp", "ADJ", were)
    assert ("acomp", behind) in were.kids
    # a place behind something, or "behind" on any verb but a copula, stays a preposition
    assert not Parsed(coder.nlp("The soldiers hid behind the wall.")).repaired
    assert not Parsed(coder.nlp("Behind the talks was a deal on gas.")).repaired


def test_a_nouns_gerund_after_a_preposition_is_its_modifier(coder: EventCoder) -> None:
    """ "fired tear gas at [students marching] toward the palace": the small model reads the
    students as the subject of a clause "marching…" that "at" governs, so nobody is fired at; the
    students are the object of "at", and "marching" says what they were doing."""
    parsed = Parsed(coder.nlp("Police fired tear gas at students marching toward the palace."))
    at, students, marching = parsed[4], parsed[5], parsed[6]
    assert parsed.repaired == [students.i]
    assert (students.dep_, students.head) == ("pobj", at) and (marching.dep_, marching.head) == ("acl", students)
    assert [t.i for t in parsed[1].subtree] == list(range(len(parsed)))
    # a gerund with no subject of its own stays the preposition's clause
    assert not Parsed(coder.nlp("After meeting the king, the envoy flew home.")).repaired
