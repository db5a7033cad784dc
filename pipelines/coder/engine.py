"""The EventCoder: streams documents through spaCy and applies the event rules to each sentence.

For every token whose lemma triggers rules, the rules are tried most specific first; the first
rule whose conditions hold, whose mood allows coding, and whose slots yield both a source and
a target actor produces the events (one per source × target pair). Every decision is recorded
in a trace that `explain` prints.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy
from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import IDS
from spacy.strings import hash_string
from spacy.tokens import Doc

from pipelines.coder import mood as moods
from pipelines.coder.actors import INSURGENT_AGENTS, ActorFinder, DocActors
from pipelines.coder.actors_data import ORGANIZATION_PREFIXES, ActorDictionary, load_actor_dictionary
from pipelines.coder.codebook import load_codebook
from pipelines.coder.dates import BACKGROUND_DAYS, EventDate, resolve_event_date
from pipelines.coder.parsed import Parsed, Segment, Tok
from pipelines.coder.places import ADMIN_NOUNS, CONTEXT_CITY_MIN_POPULATION, PLACE_NOUNS, Place, PlaceLookup, default_place_lookup, named_place, place_near, resolve_place, sentence_place
from pipelines.coder.rules import Rule, RuleSet, load_rules
from pipelines.coder.slots import about_scope, noun_agents, purpose_clauses, slot_tokens
from pipelines.coder.syntax import (
    CLAUSE_DEPS,
    MEASURE_NOUNS,
    RELATIVE_PRONOUNS,
    children,
    claimant,
    clause_subject,
    complement_verbs,
    direct_object,
    governing_verb,
    is_infinitive,
    kids,
    own_subject,
    prep_objects,
)
from pipelines.coder.text import clean_text, dateline_place
from pipelines.coder.types import Actor, CodedDocument, Document, Event

if TYPE_CHECKING:
    from pipelines.coder.petrarch import LoadReport, PetrarchConfig

CODER_VERSION = "0.17.0"
TRIGGER_POS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun", "ADJ": "adjective"}
# Lemma hashes remembered by `_maybe_triggers` before its memory is cleared (bounds memory on
# corpora with many new words).
LEMMA_MEMORY = 200_000
# Documents per nlp.memory_zone(): each zone rebuilds the lexemes of the words it meets, which
# costs about 8 % of the run with one zone per 64-document batch and well under 1 % at 512.
ZONE_DOCUMENTS = 512
_NO_TENSOR = numpy.zeros((0,), dtype="float32")
PARSE_AHEAD = 512  # Docs parsed before the first of them is coded (`parsed_ahead`)
# Material conflict (CAMEO roots 15-20): the roots whose events may have an unnamed attacker.
MATERIAL_CONFLICT_ROOTS = frozenset({"15", "16", "17", "18", "19", "20"})
IMPLIED_ATTACKER = "UAF"
IMPLIED_AUTHORITY = "GOV"
# People mostly held by their own state when their release is demanded with no holder named.
PREP_TARGETS = ("prep:", "subtree_prep:", "object_prep:")  # target slots whose object may refer back
ONSET_VERBS = frozenset({"go", "embark"})  # "go on strike", "embark on a hunger strike": the noun is the act
HOLDING_VERBS = frozenset({"hold", "detain", "jail", "imprison", "arrest", "capture", "kidnap", "abduct", "seize"})
HOLDING_CODES = ("173", "181")  # arrests and detentions, abductions: whoever did them holds the people
HELD_AT_HOME = frozenset({"OPP", "CVL", "MED", "HRI", "EDU", "LAB", "REL", "AGR"})
SITE_PREPS = ("in", "inside", "near", "outside")  # where a site hit is: "a refinery *inside* Russia"
PLACE_PEOPLE = "CVL"  # the people of a place that was hit ("bombed a village in Sagaing")
PLACE_SLOTS = frozenset({"object_place", "from_place", "hit_place", "subtree_hit_place", "aimed_place", "xcomp_place"})  # a named place as the state whose territory it is
AIMED_PREPS = ("at", "on", "into", "toward", "towards", "against")  # what a projectile is fired at (`aimed_place`)
# "the mayor *of* Istanbul", "gunmen *in* Kirkuk": prepositions whose named place an agent is of.
OWN_PLACE_PREPS = frozenset({"of", "in", "at", "near", "from"})
# Verbs whose subject provides a meeting rather than takes part in it ("offered to host talks").
HOST_VERBS = frozenset({"host", "convene", "organize", "organise", "mediate", "broker", "facilitate", "sponsor"})
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself"})
COERCE_ROOT = "17"  # arrests, detentions, expulsions: done by some authority even when unnamed
EXPEL_CODE = "174"  # expulsions and deportations: mostly of foreigners
CRIME_INVESTIGATION = "091"
RELEASE_PERSONS = "0841"
ANY_WORD = "*"  # `xcomp: "*"` in a rule: any complement verb
INTENT_ROOT = "03"
# Conflict announced rather than done is a threat (CAMEO codebook, 130: "'will attack' is coded
# as 'Threaten to attack'"): the threat code of each conflict code, by its longest prefix here.
FORECAST_THREATS = {
    "15": "138",
    "16": "131", "161": "1313", "162": "1311", "163": "1312", "164": "134", "165": "135", "166": "136",
    "17": "130", "172": "132", "1721": "1321", "1722": "1322", "1723": "1323", "1724": "1324", "175": "137",
    "18": "1383", "19": "1384", "191": "1381", "192": "1382", "20": "138", "204": "1385",
}


@dataclass
class Trace:
    """What the coder tried in one sentence, for `eventcoder explain`."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


@dataclass(frozen=True)
class RuleOutcome:
    """The result of trying one rule on one trigger."""

    rule: Rule
    code: str | None
    sources: tuple[Actor, ...] = ()
    targets: tuple[Actor, ...] = ()
    pairs: tuple[tuple[Actor, Actor], ...] = ()
    mood: str = moods.FACTUAL
    reason: str = ""


class EventCoder:
    """Codes CAMEO events in documents. Build once; reuse for many documents."""

    def __init__(
        self,
        nlp: Language | None = None,
        rules: RuleSet | None = None,
        actors: ActorDictionary | None = None,
        petrarch: PetrarchConfig | None = None,
    ) -> None:
        from pipelines.coder.nlp import load_nlp

        self.nlp = nlp or load_nlp()
        self.rules = rules or load_rules()
        self.actor_dictionary = actors or load_actor_dictionary()
        # PETRARCH/Phoenix dictionaries, when configured: added to (or replacing) the above.
        self.petrarch_report: LoadReport | None = None
        if petrarch is not None:
            from pipelines.coder.petrarch import apply_petrarch

            self.rules, self.actor_dictionary, self.petrarch_report = apply_petrarch(
                petrarch, self.rules, self.actor_dictionary
            )
        self.finder = ActorFinder(self.nlp, self.actor_dictionary)
        self._trigger_lemmas: dict[int, bool] = {}  # lemma hash -> some rule's lemma, in lower case
        self._shared_capitals: dict[tuple[str, str], bool] = {}  # (capital as written, country) -> namesake elsewhere

    @cached_property
    def dictionary_version(self) -> str:
        """One hash over the rules and the actor dictionaries: changes whenever either does."""
        from pipelines.coder.versions import combine

        return combine(self.rules.version, self.actor_dictionary.version)

    @cached_property
    def places(self) -> PlaceLookup:
        """The offline gazetteer, built on first use (about a second)."""
        return default_place_lookup()

    @cached_property
    def model(self) -> str:
        from pipelines.coder.nlp import model_label

        return model_label(self.nlp)

    def parse(self, documents: Iterable[Document], batch_size: int = 64, n_process: int = 1) -> Iterator[tuple[Doc, Document]]:
        """Parse documents with spaCy, streaming; yields (Doc, Document) pairs in input order."""
        # Plain texts, not `as_tuples`: with tuples spaCy tokenizes and serializes every text in
        # this process before sending it to the workers. nlp.pipe keeps the input order, so the
        # documents pair up with their Docs again by position (tee buffers only those in flight).
        documents, originals = itertools.tee(documents)
        texts = (clean_text(document.text) for document in documents)
        for doc, document in zip(self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process), originals):
            doc.tensor = _NO_TENSOR  # tok2vec's output, read by nothing after the parse (a Doc's largest part)
            yield doc, document

    def code_documents(self, documents: Iterable[Document], batch_size: int = 64, n_process: int = 1) -> Iterator[CodedDocument]:
        """Parse and code documents, streaming.

        Every ZONE_DOCUMENTS documents are coded inside one `nlp.memory_zone()`, which frees the
        strings and lexemes spaCy added for them, so memory stays flat over a long run of new words
        (names, numbers). Nothing leaves a zone but CodedDocuments, which hold plain Python values.
        """
        zone_size = max(batch_size, ZONE_DOCUMENTS)
        if n_process == 1:
            # One nlp.pipe call per zone, parsed and coded whole inside it: with one long call,
            # which Docs a zone holds would depend on how spaCy's components batch.
            for group in _batched(documents, zone_size):
                yield from self._code_in_zone(self.parse(group, batch_size=even_batch_size(len(group), batch_size)), len(group))
            return
        from pipelines.coder.parallel import can_fork, code_in_workers

        if can_fork():  # workers parse and code; only plain results come back (parallel.py)
            yield from code_in_workers(self, documents, batch_size, n_process)
            return
        # Workers parse; this process builds each Doc from their bytes only when it is read, so a
        # zone around every `zone_size` Docs read holds exactly those Docs.
        parses = self.parse(documents, batch_size=batch_size, n_process=n_process)
        while coded := self._code_in_zone(parses, zone_size):
            yield from coded

    def _code_in_zone(self, parses: Iterator[tuple[Doc, Document]], limit: int) -> list[CodedDocument]:
        """Code up to `limit` parses inside one memory zone (an empty list when they have run out)."""
        with self.nlp.memory_zone():
            return [self.code_parsed(doc, document) for doc, document in parsed_ahead(itertools.islice(parses, limit))]

    def code_parsed(self, doc: Doc, document: Document, trace: Trace | None = None) -> CodedDocument:
        """Code one already-parsed document."""
        parsed = Parsed(doc)
        try:
            return self._code_doc(parsed, document, trace)
        finally:
            parsed.release()

    def _code_doc(self, doc: Parsed, document: Document, trace: Trace | None) -> CodedDocument:
        doc_actors = self.finder.tag(doc, document.story_date)
        doc_actors.reread_capitals(self._shared_capital_name, self._city_country)
        doc_actors.dateline = self._dateline_country(document.text)
        doc_actors.speech_verbs = self.rules.word_class("speech_verbs")
        events: list[Event] = []
        sentences = doc.sents
        story_discard = doc_actors.story_discard()
        if story_discard is not None and trace:
            trace.add(f"story: contains the discard phrase '{story_discard.phrase}', nothing coded")
        maybe = self._maybe_triggers(doc.spacy_doc)
        for index, sentence in enumerate(sentences if story_discard is None else ()):
            positions = maybe[bisect.bisect_left(maybe, sentence.start) : bisect.bisect_left(maybe, sentence.end)]
            if positions or trace:  # a sentence with no possible trigger codes nothing
                events.extend(self._code_sentence(sentence, index, positions, doc_actors, document, trace))
                doc_actors.coded = events  # what later sentences may refer back to ("rejected the demands")
        return CodedDocument(document=document, events=tuple(events), n_sentences=len(sentences), n_tokens=len(doc))

    def _dateline_country(self, text: str) -> str | None:
        """The country of a wire story's dateline ("BAMAKO —", "KUALA LUMPUR, May 14 (Reuters) -"),
        which `clean_text` keeps out of the parse: a country, region or city of the gazetteer."""
        name = dateline_place(text)
        if name is None:
            return None
        place = self.places.country(name) or self.places.area(name) or self.places.city(name)
        return place.country if place is not None else None

    def code_text(self, text: str, story_date: dt.date | None = None, doc_id: str = "text") -> list[Event]:
        """Code a single text; convenient in tests and notebooks."""
        document = Document(doc_id=doc_id, text=text, story_date=story_date)
        return list(next(self.code_documents([document])).events)

    # -- one sentence ---------------------------------------------------------------------

    def _maybe_triggers(self, doc: Doc) -> list[int]:
        """Positions of the tokens that may trigger a rule, found from the Doc's arrays.

        A superset of the triggers (`_trigger_key` decides): a noun or verb whose lemma, lower-cased,
        is some rule's, a word spelled like a rule's verb, or the last part of a rule's hyphenated
        word after a hyphen ("sit-in"). Reading every token's attributes through spaCy's Token
        objects instead took a tenth of the coding time.
        """
        rows = doc.to_array([POS, LEMMA, LOWER]).tolist()
        known, strings = self._trigger_lemmas, doc.vocab.strings
        if len(known) > LEMMA_MEMORY:
            known.clear()
        found = []
        tails, hyphen = self._hyphen_tail_hashes, _HYPHEN_HASH
        for i, (pos, lemma, lower) in enumerate(rows):
            if lower in self._verb_form_hashes or (i > 1 and rows[i - 1][2] == hyphen and (lower in tails or lemma in tails)):
                found.append(i)
            elif pos in _TRIGGER_POS_IDS:
                maybe = known.get(lemma)
                if maybe is None:
                    maybe = known[lemma] = strings[lemma].lower() in self._rule_lemmas
                if maybe:
                    found.append(i)
        return found

    @cached_property
    def _rule_lemmas(self) -> frozenset[str]:
        return frozenset(lemma for _, lemma in self.rules.index)

    @cached_property
    def _hyphen_tail_hashes(self) -> frozenset[int]:
        """The last parts of the rules' hyphenated words ("in" of "sit-in"), which spaCy splits off."""
        return frozenset(hash_string(lemma.rsplit("-", 1)[1]) for lemma in self._rule_lemmas if "-" in lemma)

    @cached_property
    def _verb_form_hashes(self) -> frozenset[int]:
        return frozenset(hash_string(form) for form in self.rules.verb_forms)

    def _code_sentence(
        self, sentence: Segment, index: int, positions: list[int], doc_actors: DocActors, document: Document,
        trace: Trace | None,
    ) -> list[Event]:
        if moods.question(sentence):
            if trace:
                trace.add(f"sentence {index}: a question, nothing coded")
            return []
        discard = doc_actors.sentence_discard(sentence)
        if discard is not None:
            if trace:
                trace.add(f"sentence {index}: contains the discard phrase '{discard.phrase}', nothing coded")
            return []
        events: dict[tuple[str, ...], Event] = {}
        fallbacks: dict[tuple[str, ...], Event] = {}
        doc = sentence.doc
        for token in (doc[i] for i in positions):
            pos, lemma = self._trigger_key(token)
            candidates = self.rules.candidates(pos, lemma) if pos else ()
            if lemma in self._prep_topic_lemmas:
                candidates = _prep_object_topic_first(candidates, token)
            for rule in candidates:
                failed = self._unmet_condition(rule, token, doc_actors)
                if failed and not trace:
                    continue  # the common case, kept cheap: most rules ask for an object or topic
                outcome = RuleOutcome(rule, None, reason=failed) if failed else self._try_rule(rule, token, doc_actors)
                if trace:
                    trace.add(_describe(token, outcome))
                if outcome.code is None:
                    continue
                date = self._event_date(token, outcome, document, doc_actors)
                if date.background(document.story_date):
                    if trace:
                        trace.add(f"'{token.text}': dated {date.date} ('{date.text}'), more than {BACKGROUND_DAYS} days before the story: background, not coded")
                    break
                for source, target in outcome.pairs:
                    event = self._event(document, sentence, index, token, outcome, source, target, doc_actors)
                    _keep_most_specific(fallbacks if rule.fallback else events, event)
                break
        events, fallbacks = _protest_purposes(events, fallbacks, doc, self.rules)
        events = _one_act_once(events, doc)
        # A fallback adds nothing where a specific rule coded the same two actors, or the same
        # source in the same root ("began a hunger strike to protest against X" is against X), or
        # that source as the other side of a reciprocal event ("Japan and the Philippines agreed
        # to share intelligence on Chinese movements": their agreement is coded, China is no party).
        coded = {_pair_key(e) for e in events.values()} | {
            (_country(actor), e.event_code[:2]) for e in events.values() for actor in (e.source, e.target)
        }
        for key, event in fallbacks.items():
            if _pair_key(event) in coded or (_country(event.source), event.event_code[:2]) in coded:
                if trace:
                    trace.add(f"fallback {event.rule_id} dropped: a specific rule coded {event.source.code} -> {event.target.code} or the same source in root {event.event_code[:2]}")
            elif key not in events:
                events[key] = event
        return list(events.values())

    @cached_property
    def _prep_topic_lemmas(self) -> frozenset[str]:
        """Trigger lemmas with a rule that asks for a preposition and a topic ("agree" + to)."""
        return frozenset(lemma for rule in self.rules.rules if rule.prep and rule.about for lemma in rule.lemmas)

    def _trigger_key(self, token: Tok) -> tuple[str | None, str]:
        """(verb|noun|adjective, lemma); a verb the tagger mistook for a name still counts as a verb, and a
        present participle before a noun is an adjective: "*striking* doctors" attack nobody."""
        pos = TRIGGER_POS.get(token.pos_)
        if pos == "verb" and token.dep_ == "amod" and token.tag_ == "VBG":
            return None, token.lemma_.lower()
        if pos != "verb" and token.dep_ in CLAUSE_DEPS and token.lower_ in self.rules.verb_forms:
            if any(dep in ("dobj", "nsubj", "prep", "prt") for dep, _ in kids(token)):
                return "verb", self.rules.verb_forms[token.lower_]
        if pos == "adjective" and token.dep_ != "acomp":
            return None, token.lemma_.lower()  # only a predicate: "was *responsible*", not "the responsible minister"
        if pos:  # spaCy splits "sit-in" and "tear-gassed"; the rules name them whole
            for joined in _hyphen_joined(token):
                if self.rules.candidates(pos, joined):
                    return pos, joined
        return pos, token.lemma_.lower()

    def _try_rule(self, rule: Rule, trigger: Tok, doc_actors: DocActors) -> RuleOutcome:
        """A rule whose conditions hold: its mood, its actors, the events it codes."""
        mood = moods.mood_of(trigger, self.rules, rule.pos == "noun", is_modal_rule=trigger.dep_ == "aux")
        code = self._code_for_mood(rule, mood)
        if code is None:
            return RuleOutcome(rule, None, reason=f"not coded: {mood.reason}")
        if rule.refine and code == rule.code:
            code = self._refined_code(rule, trigger, doc_actors.memo) or code
        sources = self._fill(rule, rule.source, trigger, doc_actors)
        if not sources and rule.pos == "noun" and (trigger.dep_ in ("nsubj", "nsubjpass", "ROOT") or _suffered_in(trigger)):
            # "calls *by the African Union* for a ceasefire have gone unheeded": the by-phrase of
            # an event the sentence is about is its doer
            if "prep:by" not in rule.target:
                sources = self._fill(rule, ("prep:by",), trigger, doc_actors)
            # "the *Russian* invasion of Ukraine began…", "*Hamas* attacks continued", "a *police*
            # crackdown left ten dead", "were killed in an *Israeli* strike": an event the sentence
            # is about (not one it refers to: "complained over Somali incursions" is the complaint)
            sources = sources or tuple(doc_actors.modifier_actors(trigger))
            if not sources and rule.code[:2] in MATERIAL_CONFLICT_ROOTS and _suffered_in(trigger):
                # "three soldiers were killed in a *roadside bomb* attack": an unidentified attacker
                sources = tuple(a for a in (self._implied_attacker(trigger, trigger, doc_actors),) if a is not None)
        if not sources and not rule.symmetric:  # only a symmetric rule pairs actors without a source
            return RuleOutcome(rule, None, reason="no source actor")
        sources = self._own_place(sources, doc_actors)
        own = {source.country for source in sources if source.country} if rule.foreign_target else set()
        targets = self._own_place(self._fill(rule, rule.target, trigger, doc_actors, skip=own), doc_actors)
        if rule.pos == "verb" and {t.head for t in targets} <= {s.head for s in sources}:
            # no target, or only the source again ("were condemned *by the party*" fills "prep:by"):
            # the object (or, for "the arrest drew condemnation", the subject) may name an earlier event
            for slot, find in (("dobj", direct_object), ("subject", clause_subject)):
                if slot in rule.target and (referred := _referred_back(find(trigger), doc_actors)):
                    targets = referred
                    break
            else:
                # "expressed concern *over the crackdown*": a prepositional target too
                targets = next((referred for slot in (rule.target if doc_actors.coded else ()) if slot.startswith(PREP_TARGETS)
                                for token in slot_tokens(slot, trigger, self.rules, rule.pos == "noun")
                                if (referred := _referred_back(token, doc_actors))), targets)
        if rule.code[:2] in ATTACK_ROOTS:
            targets = tuple(_capital_as_territory(t, doc_actors) for t in targets)
        end = trigger.sent.end  # the story's country so far, this sentence included

        def place_country() -> str | None:
            place = self._trigger_place(trigger, doc_actors) or self._sentence_place(trigger.sent, doc_actors)
            return place.country if place else None

        def clause_place() -> str | None:
            place = self._trigger_place(trigger, doc_actors)
            if place is None and rule.code[:2] in ATTACK_ROOTS and (subject := own_subject(trigger)) is not None and subject.pos_ == "NOUN":
                # "a Russian missile strike *on Dnipro* killed nine people": where the attack hit
                hit = self._territory("hit_place", subject, doc_actors)
                return hit[0].country if hit else None
            return place.country if place else None

        sources, targets = (
            _localize_all(doc_actors, sources, targets, end, place_country, clause_place, nationals_are_foreign=True),
            _localize_all(doc_actors, targets, sources, end, place_country, clause_place, state_at_home=_acts_at_home(rule)),
        )
        if rule.source_agents is not None:
            sources = tuple(s for s in sources if _agent_kind(s, doc_actors) in rule.source_agents)
        if rule.not_source_agents is not None:
            sources = tuple(s for s in sources if _agent_kind(s, doc_actors) not in rule.not_source_agents)
        if rule.not_target_agents is not None:
            targets = tuple(t for t in targets if _agent_kind(t, doc_actors) not in rule.not_target_agents)
        between = _localize_all(doc_actors, self._fill(rule, ("between",), trigger, doc_actors), (), end, place_country) if rule.symmetric else ()
        hosts = rule.symmetric and rule.pos == "noun" and _hosted(trigger)
        pairs = _pairs(rule, sources, targets, between, hosts)
        if not pairs and len(sources) >= 2 and _reciprocal(trigger):
            # "Serbia and Kosovo blamed each other": each acts on the other
            pairs = tuple((a, b) for a in sources for b in sources if a is not b and _distinct(a, b))
        if not pairs and (own := _own_side(rule.target, sources)):
            # No target, or only the source's own bare country ("imposed a curfew in Algiers").
            targets = own
            pairs = _pairs(rule, sources, targets, between, hosts)
        if not pairs:
            missing = "source" if not sources else "target"
            return RuleOutcome(rule, None, sources, targets, reason=f"no {missing} actor")
        return RuleOutcome(rule, code, sources, targets, pairs, mood.kind, reason=mood.reason)

    def _code_for_mood(self, rule: Rule, mood: moods.Mood) -> str | None:
        if mood.kind == moods.FACTUAL:
            return rule.code
        if mood.kind == moods.INTENT:
            # "vowed to attack Israel", "will expel the ambassador": announced conflict is a threat.
            # (Not a reciprocal rule: "agreed to fight *with* Somalia" may be on Somalia's side.)
            return rule.intent or (None if rule.symmetric else _forecast_threat(rule.code))
        if mood.kind == moods.REFUSED:
            return rule.refused or rule.negated
        if mood.kind == "negated":
            return rule.negated
        return None

    def _unmet_condition(self, rule: Rule, trigger: Tok, doc_actors: DocActors) -> str | None:
        """The first condition of the rule that the trigger's parse does not meet."""
        memo = doc_actors.memo
        if rule.particle and not any(c.lower_ == rule.particle for c in _particles(trigger)):
            return f"needs particle '{rule.particle}'"
        if rule.not_particle and any(c.lower_ in rule.not_particle for c in children(trigger, "prt")):
            return "has a particle in the rule's list of exceptions"
        if rule.prep and not any(c.lower_ == rule.prep for c in children(trigger, "prep", "agent", "dative")):
            return f"needs preposition '{rule.prep}'"
        if rule.intransitive and direct_object(trigger) is not None:
            return "has a direct object"
        if rule.no_predicate and children(trigger, "oprd", "xcomp", "ccomp"):
            return "has an object predicate or a clause"
        # The object only when the rule names objects: most rules do not, and finding it is not free.
        if rule.object is not None and (rule.pos != "verb" or (
                rule.object.isdisjoint(_object_words(trigger, memo)) and rule.object.isdisjoint(_referent_words(trigger, doc_actors)))):
            return "object not in the rule's list"
        if rule.not_object is not None and not rule.not_object.isdisjoint(_object_words(trigger, memo)):
            return "object in the rule's list of exceptions"
        if rule.about is not None and rule.about.isdisjoint(self._scope_lemmas(trigger, memo)):
            return "not about the rule's topic"
        if rule.subject_words is not None:
            # A nominal event's subject is its light verb's: "*troops* completed their withdrawal".
            carrier = trigger.head if rule.pos == "noun" and trigger.dep_ == "dobj" else trigger
            if not _subject_in(carrier, rule.subject_words):
                return "subject not in the rule's list"
        if rule.xcomp is not None and ANY_WORD not in rule.xcomp and rule.xcomp.isdisjoint(self._complement_words(trigger, memo)):
            return "no complement verb from the rule's list"
        if rule.xcomp is not None and ANY_WORD in rule.xcomp and not any(c.pos_ in ("VERB", "AUX") for c in children(trigger, "xcomp")):
            return "no complement verb"
        if rule.fallback and rule.code.startswith(INTENT_ROOT) and any(self._conflict_verb(c) for c in children(trigger, "xcomp")):
            # "vowed to crush the rebels" is no intent to cooperate.
            return "the complement is a conflict verb"
        return None

    def _complement_words(self, trigger: Tok, memo: dict) -> list[str]:
        """A complement verb's lemma, and for a light verb its object's too: "threatened to *hold a
        strike*" is a threat to strike, "refused to *hold talks*" a refusal to talk. Once per trigger."""
        key = ("complement", trigger.i)
        if key not in memo:
            words = []
            for verb in complement_verbs(trigger):  # (also "allowed [the leader *to run*]")
                lemma = verb.lemma_.lower()
                words.append(lemma)
                if lemma in self.rules.word_class("light_verbs") and (obj := direct_object(verb)) is not None:
                    words.append(obj.lemma_.lower())
                if lemma in ONSET_VERBS:  # "threatened to *go on strike*"
                    words += [o.lemma_.lower() for o in prep_objects(verb, "on")]
            memo[key] = words
        return memo[key]

    @staticmethod
    def _scope_lemmas(trigger: Tok, memo: dict) -> frozenset[str]:
        """The lemmas of what the trigger is about (`about_scope`), once per trigger. For a modal,
        its verb's: "Iran *must release* the sailors" is about a release."""
        key = ("scope", trigger.i)
        if key not in memo:
            scope = [trigger.head, *about_scope(trigger.head)] if trigger.dep_ == "aux" else about_scope(trigger)
            if trigger.dep_ == "dobj" and trigger.pos_ == "NOUN":
                # "made an appeal to Israel *to free the hostages*": the parser hangs the purpose
                # on the light verb, but it is what the appeal is about
                for purpose in children(trigger.head, "advcl"):
                    if is_infinitive(purpose):
                        scope += [purpose, *about_scope(purpose)]
            words = _words(scope) | _hyphenated(scope) | _magnitudes(scope)
            returns = [t for t in scope if t.lemma_.lower() == "return"]
            if returns and all(t.pos_ == "VERB" and direct_object(t) is None for t in returns):
                words -= {"return"}  # "urged them to *return to work*" asks for no handing back
            for word in NOUN_TOPICS & words:
                # "asked the Taliban to act against militants *sheltering* in Afghanistan" asks for no shelter
                if all(t.pos_ == "VERB" for t in scope if t.lemma_.lower() == word):
                    words -= {word}
            for word in OTHER_SENSES.keys() & words:
                # "asked Canada to *withdraw* dozens of diplomats" asks for no pullback of troops,
                # "before *releasing* a loan tranche" for no one's freedom
                others = OTHER_SENSES[word]
                uses = [t for t in scope if t.lemma_.lower() == word]
                if uses and all((thing := _acted_on(t)) is not None and thing.lemma_.lower() in others for t in uses):
                    words -= {word}
            memo[key] = words
        return memo[key]

    def _refined_code(self, rule: Rule, trigger: Tok, memo: dict) -> str | None:
        """The code of the first rule of `rule.refine` whose topic the trigger's clause is about."""
        carrier = trigger.head if trigger.dep_ == "aux" else trigger
        # (`about_scope` includes what a deadline is set for: "gave the junta a week *to release*…")
        scope = self._scope_lemmas(trigger, memo)
        for name in rule.refine:
            other = self.rules.by_id[name]
            if other.about is not None and other.about.isdisjoint(scope):
                continue
            if other.object is not None and other.object.isdisjoint(_object_words(carrier, memo)):
                continue
            return other.code
        return None

    def _conflict_verb(self, token: Tok) -> bool:
        """A verb only conflict rules (roots 10-20) trigger on: "crush", "attack", not "hand"."""
        roots = {rule.code[:2] for rule in self.rules.candidates("verb", token.lemma_.lower())}
        return bool(roots) and min(roots) >= "10"

    def _fill(
        self, rule: Rule, slots: tuple[str, ...], trigger: Tok, doc_actors: DocActors, skip: set[str] | frozenset[str] = frozenset()
    ) -> tuple[Actor, ...]:
        """Actors of the first slot that yields any; actors of a country in `skip` do not count."""
        is_noun = rule.pos == "noun"
        for slot in slots:
            if slot == "place_people":
                if actors := self._place_people(trigger, doc_actors):
                    return actors
                continue
            if slot == "holder":
                if actors := self._holder(trigger, doc_actors):
                    return actors
                continue
            if slot == "ended_doer":
                if actors := self._ended_doer(trigger, doc_actors):
                    return actors
                continue
            if slot in PLACE_SLOTS:
                if actors := self._territory(slot, trigger, doc_actors):
                    return actors
                continue
            tokens = slot_tokens(slot, trigger, self.rules, is_noun)
            actors = [actor for token in tokens for actor in _resolve_all(doc_actors, token, slot) if actor.country not in skip]
            if not actors and slot == "situation_country":
                actors = [a for token in tokens if (a := self._region_country(token, doc_actors)) is not None and a.country not in skip]
            if not actors and slot == "subject" and rule.code[:2] in MATERIAL_CONFLICT_ROOTS:
                # "claimed responsibility for a bombing *that killed* 12 soldiers": the claimant's
                actors = [a for token in tokens if (c := claimant(token)) is not None for a in _resolve_all(doc_actors, c, slot)]
                actors = actors or [a for token in tokens if (a := self._implied_attacker(token, trigger, doc_actors)) is not None]
            if not actors and slot == "subject" and rule.code[:2] == COERCE_ROOT and (is_noun or _agentless_passive(trigger)):
                # "were arrested in Cairo", "the arrest of the opposition leader sparked riots in Dakar"
                actors = [a for a in (self._implied_authorities(trigger, doc_actors),) if a is not None]
            if actors:
                return tuple(actors)
        return ()

    def _shared_capital_name(self, name: str, country: str) -> bool:
        """`PlaceLookup.large_namesake_elsewhere`, once per capital name (a few hundred)."""
        key = (name, country)
        if key not in self._shared_capitals:
            self._shared_capitals[key] = self.places.large_namesake_elsewhere(name, country)
        return self._shared_capitals[key]

    def _city_country(self, name: str, countries: tuple[str, ...]) -> str | None:
        city = self.places.city_in(name, countries)
        return city.country if city is not None else None

    def _trigger_place(self, trigger: Tok, doc_actors: DocActors) -> Place | None:
        """Where the trigger's event happened; looked up once per trigger (several rules ask)."""
        key = ("trigger", trigger.i)
        if key not in doc_actors.memo:
            context = self._place_context(trigger.sent, doc_actors)
            place = resolve_place(trigger, self.places, context)
            if place is None and trigger.dep_ == "advcl" and trigger.tag_ == "VBG":
                # "shelled Kharkiv, *killing* five civilians": where the act it follows from was
                head = trigger.head
                obj = direct_object(head)
                place = self._trigger_place(head, doc_actors) or (named_place(obj, self.places, context) if obj is not None else None)
            doc_actors.memo[key] = place
        return doc_actors.memo[key]

    def _sentence_place(self, sentence: Segment, doc_actors: DocActors) -> Place | None:
        key = ("sentence", sentence.start)
        if key not in doc_actors.memo:
            doc_actors.memo[key] = sentence_place(sentence, self.places, self._place_context(sentence, doc_actors))
        return doc_actors.memo[key]

    @staticmethod
    def _place_context(sentence: Segment, doc_actors: DocActors) -> tuple[str, ...]:
        key = ("place context", sentence.start)
        if key not in doc_actors.memo:
            doc_actors.memo[key] = doc_actors.place_context(sentence.start, sentence.end)
        return doc_actors.memo[key]

    def _implied_authorities(self, trigger: Tok, doc_actors: DocActors) -> Actor | None:
        """ "Two journalists were arrested in Cairo": arrests, jailings and expulsions are done by
        the state, here the unnamed authorities (GOV) of the place where it happened. Without a
        named place nothing is guessed (a foreigner arrested abroad is common), except for the
        opposition of a named country, which its own state arrests: "Zambian opposition leader
        Hakainde Hichilema was arrested" → ZMBGOV."""
        place = self._trigger_place(trigger, doc_actors)
        if place is None and trigger.pos_ in ("NOUN", "PROPN"):
            # "a wave of arrests of journalists *in Ethiopia*": where those it was done to were
            place = place_near(trigger, self.places, self._place_context(trigger.sent, doc_actors))
        if place is None and (home := next((a.country for o in prep_objects(trigger, "from") for a in doc_actors.resolve(o) if a.country and not a.agent), None)):
            # "were deported from Iran": sent out by the state they were sent from
            reason = f"'{trigger.text} from' {home} with no doer named: its authorities"
            return _unnamed(IMPLIED_AUTHORITY, home, "(authorities, not named)", trigger.i, reason)
        if place is None:
            patient = direct_object(trigger) if trigger.pos_ == "VERB" else None
            home = next((a.country for a in doc_actors.resolve(patient) if a.agent == "OPP" and a.country), None) if patient else None
            if home is None:
                return None
            reason = f"'{trigger.text}' with no doer named: the opposition of {home} is arrested by its own state"
            return _unnamed(IMPLIED_AUTHORITY, home, "(authorities, not named)", trigger.i, reason)
        reason = f"'{trigger.text}' with no doer named: the authorities of {place.name} ({place.country})"
        return _unnamed(IMPLIED_AUTHORITY, place.country, "(authorities, not named)", trigger.i, reason)

    def _holder(self, trigger: Tok, doc_actors: DocActors) -> tuple[Actor, ...]:
        """Who holds the people whose release is asked for, when nobody is named: for people of
        the country's own society (an activist, a journalist, students) their own government.
        "demanded her release" after "police arrested an opposition activist" → its GOV."""
        words = self.rules.word_class("release_words")
        release = next((o for o in (direct_object(trigger), *prep_objects(trigger, "for")) if o is not None and o.lemma_.lower() in words), None)
        if release is None:
            return ()
        people = [p for p in (*children(release, "poss"), *prep_objects(release, "of")) if p is not None]
        if keeper := self._named_keeper(people, doc_actors):
            return keeper
        taken = next((e for e in reversed(doc_actors.coded) if e.event_code.startswith(HOLDING_CODES)), None) if any(
            p.lower_ in ("his", "her", "their") for p in people) else None
        if taken is not None:
            # "Iran detained a French tourist … demanded *his* release", "arrested an activist and
            # two aides … called for *their* release": whoever the story last told of taking people
            # holds them; at home, its government
            where = f"'{taken.verb_text}' in sentence {taken.sentence_index + 1}"
            if taken.source.country and taken.source.country == taken.target.country:
                reason = f"{where}: taken at home, held by the government of {taken.source.country}"
                return (_unnamed(IMPLIED_AUTHORITY, taken.source.country, "(their government, not named)", release.i, reason),)
            return (replace(taken.source, reason=f"{taken.source.reason}; {where}: {taken.source.text!r} holds them"),)
        held = [a for p in people for a in doc_actors.resolve(p) if a.agent in HELD_AT_HOME]
        if not held:
            return ()
        actor = held[0]
        reason = f"the release of '{actor.text}' ({actor.agent}): held by their own government"
        return (_unnamed(IMPLIED_AUTHORITY, actor.country, "(their government, not named)", release.i, reason),)

    def _ended_doer(self, trigger: Tok, doc_actors: DocActors) -> tuple[Actor, ...]:
        """Whoever does what an appeal or demand asks to end: "called for an end to *the Israeli*
        offensive", "demanded a halt to *Russia's* strikes", "an end to the bombardment *by Russia*"."""
        words, pullbacks = self.rules.word_class("ending_words"), self.rules.word_class("pullback_words")
        asked = [o for o in (direct_object(trigger), *prep_objects(trigger, "for")) if o is not None]
        ending = next((o for o in asked if o.lemma_.lower() in words), None)
        if ending is None:
            # "called for the withdrawal *of Israeli forces*", "demanded *Russia's* withdrawal":
            # those who are to pull back
            pullback = next((o for o in asked if o.lemma_.lower() in pullbacks), None)
            if pullback is None:
                return ()
            doers = [a for t in (*children(pullback, "poss"), *prep_objects(pullback, "of")) for a in doc_actors.resolve(t)]
            return tuple(doers or doc_actors.modifier_actors(pullback))
        acts = [*prep_objects(ending, "to"), *prep_objects(ending, "of")]
        for act in acts:
            doers = [a for t in (*children(act, "poss"), *noun_agents(act)) for a in doc_actors.resolve(t)]
            if doers := doers or doc_actors.modifier_actors(act):
                return tuple(doers)
        # "an end to the war *in Sudan*": with no doer named, asked of the country it is in
        places = [place for act in acts for place in prep_objects(act, "in")]
        return tuple([a for p in places for a in doc_actors.resolve(p) if a.country and not a.agent]
                     or [a for p in places if (a := self._region_country(p, doc_actors)) is not None])

    def _region_country(self, token: Tok, doc_actors: DocActors) -> Actor | None:
        """A region the country dictionary lists, as its country: "the killings *in Darfur*"."""
        if token.pos_ != "PROPN" or token.i in doc_actors.by_token:
            return None
        area = named_place(token, self.places)
        if area is None or self.places.area(area.name) is None:
            return None  # no place, or a city: it only says where
        reason = f"'{area.name}' is a region of {area.country}"
        return Actor(code=area.country, country=area.country, agent=None, text=token.text, start=token.i,
                     end=token.i + 1, head=token.i, reason=reason, territory=True)

    def _named_keeper(self, people: list[Tok], doc_actors: DocActors) -> tuple[Actor, ...]:
        """Who the text says holds them: "two French nationals *held by Hamas*" → Hamas; "a German
        citizen *detained in Iran*" → the government of Iran."""
        for person in people:
            for verb in children(person, "acl"):
                if verb.lemma_.lower() not in HOLDING_VERBS:
                    continue
                if keepers := [a for o in prep_objects(verb, "by") for a in doc_actors.resolve(o)]:
                    return (keepers[0],)
                countries = [a.country for o in prep_objects(verb, "in") for a in doc_actors.resolve(o) if a.country and not a.agent]
                if not countries and (place := place_near(verb, self.places, self._place_context(verb.sent, doc_actors))) is not None:
                    countries = [place.country]
                if countries:
                    reason = f"'{person.text} {verb.text} in' {countries[0]}: held by its government"
                    return (_unnamed(IMPLIED_AUTHORITY, countries[0], "(their keepers, not named)", verb.i, reason),)
        return ()

    def _place_people(self, trigger: Tok, doc_actors: DocActors) -> tuple[Actor, ...]:
        """ "bombed a village in Sagaing": what was hit is a populated place (`populated_places`),
        so the target is the civilians (CVL) of the country where it is. What was hit is the
        direct object, or with none (or "himself") the first at/on/in/near object: "blew himself
        up at a market", "fired on a bus". Without a named place, nothing: "Russian jets bombed a
        hospital" does not say whose."""
        places = self.rules.word_class("populated_places")
        obj = direct_object(trigger)
        if obj is None or obj.lower_ in REFLEXIVES or obj.lemma_.lower() not in places:
            # a nominal attack's prepositions may hang on its light verb: "carried out air strikes
            # *on a village*"; and "opened fire *on a concert*"
            heads = (trigger, trigger.head) if trigger.dep_ == "dobj" and trigger.pos_ in ("NOUN", "PROPN") else (trigger,)
            heads += (obj,) if obj is not None and obj.lower_ not in REFLEXIVES else ()
            obj = next((o for prep in ("at", "on", "in", "near") for head in heads for o in prep_objects(head, prep)
                        if o.lemma_.lower() in places), None)
        if obj is None:
            return ()
        place = place_near(obj, self.places, self._place_context(trigger.sent, doc_actors)) or self._trigger_place(trigger, doc_actors)
        if place is None:
            return ()
        reason = f"'{obj.text}' in {place.name}: the people of {place.country}"
        return (_unnamed(PLACE_PEOPLE, place.country, obj.text, obj.i, reason),)

    def _territory(self, slot: str, trigger: Tok, doc_actors: DocActors) -> tuple[Actor, ...]:
        """ "shelled Kharkiv", "captured the town of Shusha", "pulled out of Kherson", "struck a
        power plant in Lviv", "an air strike on Kharkiv": a named place that is no actor itself
        stands for the state whose territory it is (a bare country).
        `object_place` reads the direct object; `from_place` the objects of "from" and "(out) of";
        `hit_place` those of "on" and "against" (and of "of" on a noun), `subtree_hit_place` those
        of the nearest such phrase in the trigger's phrase (as `subtree_prep:on` finds them); `aimed_place` those of
        at/on/into/toward on the trigger, its object and what the object counts ("fired dozens of
        rockets *at Tel Aviv*"); `xcomp_place` the object of the complement verb and the
        in/on/against phrases of it and of its object."""
        if slot == "object_place":
            # "captured Aleppo", and through the object "took control of Aleppo".
            obj = direct_object(trigger)
            tokens = [obj, *prep_objects(obj, "of"), *prep_objects(obj, "over")] if obj is not None else []
            if obj is not None and obj.pos_ == "NOUN":
                # "struck a power plant *in Lviv*": a site hit in a named place is that state's
                tokens += [place for prep in SITE_PREPS for place in prep_objects(obj, prep)]
                # "struck targets *in Syria*": the parser may hang the site's place on the verb
                tokens += [place for prep in SITE_PREPS for place in prep_objects(trigger, prep)]
        elif slot == "xcomp_place":
            # "threatened to attack *Odesa*", "threatened to launch an offensive *in Rafah*", "allowed
            # [aid trucks to enter *Gaza*]" (an infinitive with a subject of its own)
            tokens = []
            for x in complement_verbs(trigger):
                obj = direct_object(x)
                tokens += [obj, *(o for prep in ("of", "in", "on", "against") for o in prep_objects(obj, prep))] if obj is not None else []
                tokens += [o for prep in ("in", "on", "against") for o in prep_objects(x, prep)]
        elif slot == "hit_place":
            # "a Russian air strike *on Kharkiv*", "strikes against Idlib", "the siege *of Mariupol*"
            # (and on a light verb's object: "carried out strikes on Kharkiv")
            heads = (trigger, trigger.head) if trigger.dep_ == "dobj" else (trigger,)
            tokens = [o for head in heads for prep in ("on", "against") for o in prep_objects(head, prep)]
            tokens += prep_objects(trigger, "of") if trigger.pos_ == "NOUN" else []
            if trigger.lemma_.lower() in self.rules.word_class("military_operations"):
                # "launched a military operation *in northern Syria*"
                tokens += [o for head in heads for o in prep_objects(head, "in")]
        elif slot == "subtree_hit_place":
            # "claimed responsibility for the rocket attack *on Tel Aviv*": deeper in the phrase
            is_noun = trigger.pos_ in ("NOUN", "PROPN")
            tokens = [o for word in ("on", "against") for o in slot_tokens(f"subtree_prep:{word}", trigger, self.rules, is_noun)]
        elif slot == "aimed_place":
            # "fired rockets *at Tel Aviv*", "launched dozens of drones *at Kyiv*"
            heads = [trigger]
            if (obj := direct_object(trigger)) is not None:
                heads += [obj, *prep_objects(obj, "of")]
            tokens = [o for head in heads for prep in AIMED_PREPS for o in prep_objects(head, prep)]
        else:
            outs = [out for dep, out in kids(trigger) if dep in ("prep", "prt") and out.lower_ == "out"]  # "pulled out of"
            tokens = prep_objects(trigger, "from") + prep_objects(trigger, "of") + [o for out in outs for o in prep_objects(out, "of")]
        context = self._place_context(trigger.sent, doc_actors)
        # Where the text says it happened ("… the town of Menaka *in eastern Mali*") outweighs a
        # namesake elsewhere, and places a town the gazetteer does not know.
        clause_place = self._trigger_place(trigger, doc_actors)

        def territory(token: Tok, where: Place | None) -> Actor | None:
            place = named_place(token, self.places, context)
            if where is not None and (place is not None or token.pos_ == "PROPN" or token.lemma_.lower() in PLACE_NOUNS):
                place = where if place is None or place.country != where.country else place
            if place is None:
                return None
            reason = f"'{token.text}' is in {place.name}: the territory of {place.country}"
            return Actor(code=place.country, country=place.country, agent=None, text=token.text,
                         start=token.i, end=token.i + 1, head=token.i, reason=reason, territory=True)

        for token in tokens:
            if (first := territory(token, clause_place or place_near(token, self.places, context))) is not None:
                # "struck targets in Lebanon *and Syria*": each state named
                more = [a for c in token.conjuncts if (a := territory(c, None)) is not None and a.country != first.country]
                return (first, *more)
        return ()

    def _own_place(self, actors: tuple[Actor, ...], doc_actors: DocActors) -> tuple[Actor, ...]:
        """ "the mayor of Istanbul", "*Kano* police", "the *Nablus* refugee camp", "gunmen *in*
        Kirkuk": an agent of a named place (the object of its of/in/at/near/from phrase, or a name
        compounded with it) is of that place's country."""
        placed = []
        for actor in actors:
            if actor.country is None and actor.agent and not actor.code.startswith(ORGANIZATION_PREFIXES):
                key = ("own place", actor.head)
                if key not in doc_actors.memo:
                    doc_actors.memo[key] = self._agent_place(doc_actors.doc[actor.head], doc_actors)
                if (found := doc_actors.memo[key]) is not None:
                    name, place = found
                    actor = replace(actor, code=place.country + actor.agent, country=place.country,
                                    reason=f"{actor.reason}; country {place.country} from '{name}' ({place.name})")
            placed.append(actor)
        return tuple(placed)

    def _agent_place(self, head: Tok, doc_actors: DocActors) -> tuple[str, Place] | None:
        """The place an agent's phrase names, with the words naming it (`_own_place`)."""
        names = [o for dep, prep in head.kids if dep == "prep" and prep.lower_ in OWN_PLACE_PREPS for d, o in prep.kids if d == "pobj"]
        names += [name for name in _compounds(head) if name.text[:1].isupper() and name.i not in doc_actors.by_token]
        context = self._place_context(head.sent, doc_actors) if names else ()
        for obj in names:
            if (place := named_place(obj, self.places, context)) is not None and self._sure_place(place, context):
                return obj.text, place
        return None

    def _sure_place(self, place: Place, context: tuple[str, ...]) -> bool:
        """Whether a place says whose an agent is: a country or region, a city of a country the
        story names, or a large city ("*Nablus* refugee camp" beside "Israeli forces"); not a small
        namesake abroad ("in *Samar* province" of the Philippines is no Ukrainian town)."""
        if not context or place.country in context or self.places.country(place.name) or self.places.area(place.name):
            return True
        city = self.places.city(place.name)
        return city is not None and city.population >= CONTEXT_CITY_MIN_POPULATION

    def _implied_attacker(self, token: Tok, trigger: Tok, doc_actors: DocActors) -> Actor | None:
        """CAMEO's unidentified attacker: "a roadside bomb near Mosul killed two soldiers" has no
        named doer, so the source is the armed forces of no one in particular (UAF) of the country
        where it happened; without a named place the story's country is used (`localize`)."""
        words = {token.lemma_.lower(), *(c.lemma_.lower() for c in token.children if c.dep_ in ("compound", "amod"))}
        means = words & self.rules.word_class("attack_means")
        if not means:
            return None
        place = place_near(token, self.places, self._place_context(trigger.sent, doc_actors)) or self._trigger_place(trigger, doc_actors)
        reason = f"'{token.text}' ({sorted(means)[0]}): an unidentified attacker" + (f", in {place.name} ({place.country})" if place else "")
        return _unnamed(IMPLIED_ATTACKER, place.country if place else None, token.text, token.i, reason)

    @staticmethod
    def _event_date(trigger: Tok, outcome: RuleOutcome, document: Document, doc_actors: DocActors) -> EventDate:
        key = ("date", trigger.i, outcome.mood == moods.INTENT)  # one date for all pairs of a trigger
        if key not in doc_actors.memo:
            doc_actors.memo[key] = resolve_event_date(trigger, document.story_date, announced=key[2])
        return doc_actors.memo[key]

    def _event(
        self, document: Document, sentence: Segment, index: int, trigger: Tok,
        outcome: RuleOutcome, source: Actor, target: Actor, doc_actors: DocActors,
    ) -> Event:
        date = self._event_date(trigger, outcome, document, doc_actors)
        place = self._trigger_place(trigger, doc_actors)
        return Event(
            doc_id=document.doc_id,
            sentence_index=index,
            sentence_text=sentence.text.strip(),
            source=source,
            target=target,
            event_code=outcome.code or "",
            rule_id=outcome.rule.id,
            verb_text=_verb_text(trigger),
            trigger_index=trigger.i,
            story_date=document.story_date,
            event_date=date.date,
            event_date_text=date.text,
            date_precision=date.precision,
            action_place=place.name if place else None,
            action_country=place.country if place else None,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            mood=outcome.mood,
            notes=(outcome.reason,),
        )

    # -- explanation ----------------------------------------------------------------------

    def explain(self, text: str, story_date: dt.date | None = None) -> str:
        """A readable account of the parse, the actors and every rule tried."""
        doc = self.nlp(clean_text(text))
        trace = Trace()
        document = Document(doc_id="explain", text=text, story_date=story_date)
        coded = self.code_parsed(doc, document, trace)
        parsed = Parsed(doc)  # the parse as the coder reads it, repairs included
        doc_actors = self.finder.tag(parsed, story_date)
        lines = ["PARSE", *(_token_line(token) + ("  (repaired)" if token.i in parsed.repaired else "")
                            for token in parsed if not token.text.isspace())]
        lines += ["", "ACTOR PHRASES"]
        lines += [f"  {doc[m.start:m.end].text!r}: {m.kind} {m.country or m.organization or ''}{m.agent or ''}" for m in doc_actors.mentions()]
        lines += ["", "RULES TRIED", *(f"  {line}" for line in trace.lines)]
        lines += ["", "EVENTS"]
        lines += [
            f"  {e.source.code} -> {e.target.code}  {e.event_code}  rule={e.rule_id}  verb={e.verb_text!r}"
            f"  source={e.source.text!r} ({e.source.reason})  target={e.target.text!r} ({e.target.reason})"
            for e in coded.events
        ] or ["  (none)"]
        return "\n".join(lines)


def even_batch_size(n_documents: int, batch_size: int) -> int:
    """The batch size nearest `batch_size` that splits `n_documents` into equal batches: 70 stories
    go as one batch of 70, not 64 and then 6. spaCy's batches cost per batch as well as per story:
    parsing 30 story dates of about 67 stories took 15.9 s in batches of 64, 15.3 s in even ones."""
    return math.ceil(n_documents / max(1, round(n_documents / batch_size))) if n_documents else batch_size


def parsed_ahead(parses: Iterable[tuple[Doc, Document]], size: int = PARSE_AHEAD) -> Iterator[tuple[Doc, Document]]:
    """The parses, `size` at a time parsed before any of them is coded.

    Coding between spaCy's batches runs slower: the parser's weights and the coder's data keep
    evicting each other from the CPU caches (coding 2,000 benchmark stories took 1.9 s between
    batches of 64 and 1.6 s after each 512 were parsed). A few hundred Docs held at once cost
    a few megabytes.
    """
    iterator = iter(parses)
    while chunk := list(itertools.islice(iterator, size)):
        yield from chunk


def _batched(items: Iterable[Document], size: int) -> Iterator[tuple[Document, ...]]:
    """Consecutive tuples of `size` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _prep_object_topic_first(rules: tuple[Rule, ...], trigger: Tok) -> tuple[Rule, ...]:
    """Among equally specific rules, one whose topic is in the object phrase of its own preposition
    comes first: "agreed to [a ceasefire] … in talks mediated by Qatar" is a ceasefire, "agreed to
    [ceasefire talks]" talks."""
    preps = {prep.lower_ for dep, prep in kids(trigger) if dep in ("prep", "agent", "dative")}
    if not preps:
        return rules
    objects: dict[str, set[str]] = {}

    def on_topic(rule: Rule) -> bool:
        if rule.prep not in preps or not rule.about:
            return False
        if rule.prep not in objects:
            objects[rule.prep] = {t.lemma_.lower() for o in prep_objects(trigger, rule.prep) for t in o.subtree}
        return not rule.about.isdisjoint(objects[rule.prep])

    first = {rule.id for rule in rules if on_topic(rule)}
    if not first:
        return rules
    return tuple(sorted(rules, key=lambda rule: (-rule.specificity, rule.id not in first)))


def _forecast_threat(code: str) -> str | None:
    """The threat code for a conflict code (roots 15-20) announced rather than done; None for others."""
    return next((FORECAST_THREATS[code[:n]] for n in (4, 3, 2) if code[:n] in FORECAST_THREATS), None)


def _hyphen_joined(token: Tok) -> tuple[str, ...]:
    """The word a token ends when spaCy split it at a hyphen, as written and with the last part's
    lemma: "sit-in" for the "in" of "a sit-in", "tear-gas" for the "gassed" of "tear-gassed"."""
    doc, i = token.doc, token.i
    if i < 2 or doc[i - 1].text != "-" or doc[i - 1].whitespace_ or doc[i - 2].whitespace_:
        return ()
    first = doc[i - 2].lower_
    return (f"{first}-{token.lower_}", f"{first}-{token.lemma_.lower()}")


def _hyphenated(tokens: list[Tok]) -> frozenset[str]:
    """Words spaCy splits at a hyphen, joined with and without it: "peace-keeping" is found as
    peacekeeping and peace-keeping, as rule word lists spell them; and a noun compounded with the
    next ("war crimes") as the two words, the second as its lemma ("war crime")."""
    words: set[str] = set()
    for token in tokens:
        doc, i = token.doc, token.i
        if i + 2 < len(doc) and doc[i + 1].text == "-" and not token.whitespace_ and not doc[i + 1].whitespace_:
            first, second = token.lower_, doc[i + 2].lower_
            words |= {first + second, f"{first}-{second}"}
        if token.dep_ == "compound" and token.head.i == i + 1:
            # a compound noun as one word: "accused Russia of *war crimes*" ("war crime")
            words.add(f"{token.lower_} {token.head.lemma_.lower()}")
    return frozenset(words)


# The words a number stands for, from its least value: the plural from two on (168 deportees are no
# "hundreds").
MAGNITUDE_WORDS = (("hundreds", 200), ("thousand", 1_000), ("thousands", 2_000), ("million", 1_000_000), ("millions", 2_000_000))


def _magnitudes(tokens: list[Tok]) -> frozenset[str]:
    """A number counting a noun, as the word for its magnitude: "forced out *1,000* refugees" is
    about a thousand, as "thousands of refugees" is (a year, which counts nothing, is not)."""
    words = set()
    for token in tokens:
        if token.dep_ == "nummod" and (digits := token.text.replace(",", "")).isdigit():
            value = int(digits)
            words.update(word for word, least in MAGNITUDE_WORDS if value >= least)
    return frozenset(words)


# A demand that is what a protest (14x) is for is part of the protest; a demand for political
# change (104x) makes the protest's kind: CAMEO's 14x1-14x4 follow 1041-1044 (leadership, policy,
# rights, institutions).
DEMAND_ROOT, REFORM_DEMAND, PROTEST_ROOT = "10", "104", "14"
K = TypeVar("K")
PURPOSE_DEPS = frozenset({"xcomp", "advcl", "acl"})


def _protest_purposes(
    events: dict[K, Event], fallbacks: dict[K, Event], doc: Parsed, rules: RuleSet,
) -> tuple[dict[K, Event], dict[K, Event]]:
    """ "Students marched to demand the president's resignation" is one protest for a change of
    leader (1411), not a protest and a demand: the demand is dropped and gives the protest its kind.
    Any other demand a protest is for is dropped too ("went on strike to demand higher pay" is a
    strike). (Before fallbacks are weighed: the demand must not crowd out the protest it is the
    purpose of.) A protest still without its kind takes it from what it is about or for
    (`_protest_topic`): "blocked roads demanding that he be reinstated" is 1441."""
    protests = [e for e in (*events.values(), *fallbacks.values()) if e.event_code[:2] == PROTEST_ROOT]
    if not protests:
        return events, fallbacks
    codebook = load_codebook()
    refined: dict[int, str] = {}
    dropped: set[int] = set()
    for event in events.values():
        if not event.event_code.startswith(DEMAND_ROOT):
            continue
        demand = doc[event.trigger_index]
        protest = next((p for p in protests if p.source.code == event.source.code and _purpose_of(demand, doc[p.trigger_index])), None)
        if protest is not None:
            dropped.add(id(event))
            code = protest.event_code + event.event_code[3:]
            if event.event_code.startswith(REFORM_DEMAND) and len(protest.event_code) == 3 and len(code) == 4 and code in codebook:
                refined[id(protest)] = code

    for event in protests:
        # "recalled its ambassador *in protest at* Paris's stance", "went on strike in protest
        # against pay cuts": the act done in protest is the event, the protest its motive.
        # "Police arrested ten people *in a protest*": force used on those at a protest (CAMEO
        # roots 15-20) by someone the parse would make one of the protesters.
        noun = doc[event.trigger_index]
        if (verb := _setting_verb(noun)) is not None and any(
                other.trigger_index == verb.i and other.source.code == event.source.code
                and (_bare(noun) or other.event_code[:2] in MATERIAL_CONFLICT_ROOTS)
                for other in (*events.values(), *fallbacks.values())):
            dropped.add(id(event))
    for event in protests:
        # "began a hunger strike *to protest* against X": the strike is the protest; what it is
        # for may give its kind
        outer = next((p for p in protests if p is not event and p.source.code == event.source.code
                      and _purpose_of(doc[event.trigger_index], doc[p.trigger_index])), None)
        if outer is not None:
            dropped.add(id(event))
            code = outer.event_code + event.event_code[3:]
            if len(outer.event_code) == 3 and len(code) == 4 and code in codebook:
                refined[id(outer)] = code
    for protest in protests:
        if len(protest.event_code) == 3 and id(protest) not in refined and id(protest) not in dropped:
            code = _protest_topic(doc[protest.trigger_index], protest.event_code, rules)
            if code in codebook:
                refined[id(protest)] = code

    def kept(coded: dict[K, Event]) -> dict[K, Event]:
        return {key: replace(e, event_code=refined[id(e)]) if id(e) in refined else e for key, e in coded.items() if id(e) not in dropped}

    return kept(events), kept(fallbacks)


# What protesters want gives a protest code its last digit (CAMEO 141x-145x), first found first.
PROTEST_TOPICS = (("leadership_change", "1"), ("regime_change", "4"), ("rights_demand", "3"), ("policy_demand", "2"))


def _protest_topic(trigger: Tok, code: str, rules: RuleSet) -> str:
    """The protest's code with the digit of what it is about or for: its own phrase and the
    clauses of purpose on it (or on the light verb that carries it): "staged demonstrations *to
    demand political reforms*" (1412), "blocked roads *demanding that he be reinstated*" (1441)."""
    scope = [*about_scope(trigger, max_depth=6)]
    for purpose in purpose_clauses(trigger, trigger.pos_ in ("NOUN", "PROPN")):
        scope += [purpose, *about_scope(purpose, max_depth=6)]
    words = _words(scope)
    for name, digit in PROTEST_TOPICS:
        if not words.isdisjoint(rules.word_class(name)):
            return code + digit
    return code


def _one_act_once(events: dict[K, Event], doc: Parsed) -> dict[K, Event]:
    """ "opened an investigation into …" is one investigation, though a rule of the verb and one
    of its object noun may both code it: of two events of the same two actors and root whose
    triggers are verb and direct object, the noun's is kept (its own phrase says what the act is
    about; the verb's reach into it is shallower). Likewise two conjoined verbs ("shot and
    killed", "shelled the town, killing…") give one event, the code of the means (`MEANS_OF_FORCE`);
    and an agreement coded by its own rule is not coded again as its complement's intent."""
    if len(events) < 2:
        return events
    dropped = set()
    for event in events.values():
        trigger = doc[event.trigger_index]
        for other in events.values():
            if other is event or _pair_key(other) != _pair_key(event):
                continue
            if (trigger.dep_ == "xcomp" and trigger.head.i == other.trigger_index and event.event_code.startswith(INTENT_ROOT)
                    and not other.event_code.startswith(INTENT_ROOT)):
                # "agreed to extend their ceasefire": the agreement's own code (0871, as CAMEO codes
                # agreements to a ceasefire) says it; the complement's intent (0356) is the same act
                dropped.add(id(event))
                continue
            if not _one_family(other.event_code, event.event_code):
                continue
            if trigger.dep_ in ("dobj", "obj") and other.trigger_index == trigger.head.i:
                dropped.add(id(other))
            elif trigger.dep_ == "advcl" and is_infinitive(trigger) and trigger.head.i == other.trigger_index:
                # "will meet in Cairo *to discuss* the dam": what the meeting is for is that meeting
                dropped.add(id(event))
            elif (_conjoined(trigger, doc[other.trigger_index]) and other.event_code in MEANS_OF_FORCE
                  and event.event_code == other.event_code[:2] + "0"):
                # "shot and killed two teenagers": one act; the root-level code of the two
                # conjoined verbs gives way to the more specific one
                dropped.add(id(event))
    return {key: e for key, e in events.items() if id(e) not in dropped} if dropped else events


def _one_family(one: str, other: str) -> bool:
    """One root, or a meeting and its announcement (036 and 04x): codes one act may carry twice."""
    return one[:2] == other[:2] or {one, other[:2]} == {"036", "04"} or {other, one[:2]} == {"036", "04"}


# Codes that say how force was used (small arms, artillery, aircraft): "shot and killed",
# "shelled the town, killing…" are one act of that kind, not also a generic one (190).
MEANS_OF_FORCE = frozenset({"193", "194", "195", "1951", "1952"})


def _conjoined(one: Tok, other: Tok) -> bool:
    """Two triggers of one act: conjoined verbs ("shot and killed"), or an -ing clause on the
    other's verb ("carried out air strikes …, *killing* 100 people")."""
    return any(
        (a.dep_ == "conj" and a.head == b)
        or (a.dep_ == "advcl" and a.tag_ == "VBG" and (a.head == b or (b.dep_ == "dobj" and a.head == b.head)))
        for a, b in ((one, other), (other, one))
    )


def _setting_verb(noun: Tok) -> Tok | None:
    """The verb whose in- or at-phrase the noun is: "recalled its ambassador *in protest*",
    "arrested ten people *in a protest*" → the verb."""
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("in", "at"):
        return None
    verb = noun.head.head
    return verb if verb.pos_ in ("VERB", "AUX") else None


def _bare(noun: Tok) -> bool:
    """A noun with no article or possessor: "in *protest*" gives a motive ("in *the* capital", "in
    *a* protest" a setting)."""
    return not any(dep in ("det", "poss") for dep, _ in noun.kids)


def _purpose_of(action: Tok, protest: Tok) -> bool:
    """The action is what the protest is for: "marched *to demand*…", "staged a rally *demanding*…"."""
    if action.dep_ not in PURPOSE_DEPS:
        return False
    return action.head == protest or (protest.dep_ == "dobj" and action.head == protest.head)


def _resolve_all(doc_actors: DocActors, token: Tok, slot: str) -> list[Actor]:
    """Resolve a slot token to actors. Rules name their prepositions, so places stay out."""
    if slot == "situation_country":
        mention = doc_actors.by_token.get(token.i)
        return [a for a in doc_actors.resolve(token) if not a.agent] if mention is not None and mention.kind == "country" else []
    found = doc_actors.resolve(token)
    if slot == "between":
        # "between representatives of the South and Japan": members may hang below the head.
        for member in token.subtree:
            if member != token and member.dep_ == "conj":
                countries = {actor.country or actor.code for actor in found}
                found += [a for a in doc_actors.resolve(member) if (a.country or a.code) not in countries]
    return found


def _keep_most_specific(events: dict[tuple[str, ...], Event], event: Event) -> None:
    """One event per (sentence, source, target, code), actors compared by country: of two rules
    that code the same dyad ("travel to Moscow for a summit with the Russian president"), the
    event whose actors say more (an agent) is kept."""
    key = (_country(event.source), _country(event.target), event.event_code)
    kept = events.get(key)
    if kept is not None and kept.trigger_index == event.trigger_index and _other_agent(kept, event):
        # One rule, two actors of one country: "appealed to the Sudanese army and the Rapid Support
        # Forces" is an appeal to each.
        events[(*key, event.source.code, event.target.code)] = event
    elif kept is None or _detail(event) > _detail(kept):
        events[key] = event


def _other_agent(one: Event, other: Event) -> bool:
    """Two events whose sources or targets are different agents (both named) of one country."""
    return any(
        a.code != b.code and a.agent is not None and b.agent is not None
        for a, b in ((one.source, other.source), (one.target, other.target))
    )


def _unnamed(agent: str, country: str | None, text: str, index: int, reason: str) -> Actor:
    """An actor the sentence implies but does not name: an agent of a country (the place's, the
    people's), or of no country yet, for `localize` to settle."""
    return Actor(
        code=(country or "") + agent, country=country, agent=agent, text=text,
        start=index, end=index + 1, head=index, reason=reason,
    )


def _referent_words(verb: Tok, doc_actors: DocActors) -> frozenset[str]:
    """For an object pronoun, the words of what it stands for: "after releasing *them*" (the
    political prisoners) meets a rule's object list as "released the prisoners" does."""
    key = ("referent", verb.i)  # once per verb: rules with an object list are tried many times
    if key not in doc_actors.memo:
        obj = direct_object(verb)
        if obj is None or obj.lower_ not in ("them", "him", "her"):
            doc_actors.memo[key] = frozenset()
        else:
            doc_actors.memo[key] = _words(doc_actors.doc[a.head] for a in doc_actors.resolve(obj) if a.head != obj.i)
    return doc_actors.memo[key]


def _agent_kind(actor: Actor, doc_actors: DocActors) -> str | None:
    """The actor's CAMEO agent for a rule's `source_agents`; `STATE` for a country named by its
    name, with no agent ("Japan protested"; not "Ukrainians protested", its people)."""
    if actor.agent is None and actor.code == actor.country and not actor.territory:
        mention = doc_actors.by_token.get(actor.head)
        if mention is not None and mention.kind == "country":
            return "STATE"
    return actor.agent


def _words(tokens: Iterable[Tok]) -> frozenset[str]:
    """Lemmas and the words as written (lower case): spaCy's lemma is not always the listed form
    ("media" → "medium", "taxes" → "taxis", "arms" → "arm")."""
    return frozenset(w for t in tokens for w in (t.lemma_.lower(), t.lower_))


# Nouns whose for-phrase says what they propose: "a proposal *for a truce*".
PROPOSAL_NOUNS = frozenset({"proposal", "plan", "offer", "initiative", "bid"})
# Object heads that count what follows their "of".
QUANTITY_HEADS = frozenset({
    "dozen", "hundred", "thousand", "million", "score", "number", "group", "handful", "couple", "batch",
    "some", "several", "many", "all", "most", "half", "rest", "hundreds", "thousands", "dozens", "scores",
    # amounts of goods: "700 *kg* of medicine", "20 *truckloads* of food", "300 *boxes* of vaccines"
    "kg", "kilogram", "kilo", "tonne", "ton", "litre", "liter", "gallon", "barrel", "truckload", "planeload",
    "shipload", "shipment", "consignment", "box", "carton", "crate", "sack", "bag", "pallet", "parcel",
    "package", "load", "lot",
})


def _object_words(verb: Tok, memo: dict) -> frozenset[str]:
    """The words an object condition matches, once per verb: the object's lemma (whole when spaCy
    split it at a hyphen: "a *sit-in*"), and the nouns compounded before it: for a name its
    titles ("arrested opposition *leader* Ilya Petrov"), for a thing its kind ("halted *aid*
    deliveries", "suspended *arms* sales")."""
    key = ("object", verb.i)
    if key not in memo:
        obj = direct_object(verb)
        words: set[str] = set()
        # A second object the parser read beside the first: "denied [OPCW inspectors] *access*".
        objects = [obj, *(c for d, c in kids(verb) if d == "dobj" and c is not obj)] if obj is not None else []
        # "freed dozens *of political prisoners*", "handed over two of its nationals": the counted
        # and what a measure noun counts: "faced a *wave* of criticism"; what a proposal is for:
        # "rejected a proposal *for a truce*" (as "a truce proposal")
        objects += [p for o in objects if o.lemma_.lower() in QUANTITY_HEADS or o.lemma_.lower() in MEASURE_NOUNS or o.pos_ == "NUM"
                    for p in prep_objects(o, "of")]
        objects += [p for o in objects if o.lemma_.lower() in PROPOSAL_NOUNS for p in prep_objects(o, "for")]
        for obj in objects:
            words.update((obj.lemma_.lower(), obj.lower_, *_hyphen_joined(obj)))  # as written too (see `_scope_lemmas`)
            words.update(w for c in obj.children if c.dep_ == "compound" for w in (c.lemma_.lower(), c.lower_))
        memo[key] = frozenset(words)
    return memo[key]


def _subject_in(verb: Tok, words: frozenset[str]) -> bool:
    """The clause's subject (or the passive's "by" agent), or a word modifying it, is in `words`:
    "a roadside *bomb* killed…", "were killed by an explosive *device*"."""
    heads = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    heads += [p for agent in children(verb, "agent") for p in children(agent, "pobj")]
    if verb.dep_ == "relcl" and any(h.lower_ in RELATIVE_PRONOUNS for h in heads):
        heads = [verb.head]  # "a suicide *bombing* that killed 12 soldiers": what "that" stands for
    if not heads and (inherited := clause_subject(verb)) is not None:
        heads = [inherited]  # "US *troops* began withdrawing": the governing clause's subject
    return any(
        t.lemma_.lower() in words for head in heads
        for t in (head, *(c for c in head.children if c.dep_ in ("compound", "amod")))
    )


def _particles(verb: Tok) -> list[Tok]:
    """The verb's particles as the parser may hang them: "handed *over* the prisoners", and
    "handed *over* 32 prisoners", where "over" reads as "more than" 32."""
    found = children(verb, "prt", "advmod", "prep")
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if following is not None and following.dep_ == "quantmod" and following.head.i == verb.i + 2:
        found.append(following)
    return found


def _acts_at_home(rule: Rule) -> bool:
    """What a state mostly does to its own people: coercion (root 17) but expulsions (174),
    criminal investigations (091), and releasing the prisoners it holds (0841)."""
    return (rule.code[:2] == COERCE_ROOT and not rule.code.startswith(EXPEL_CODE)) or rule.code in (CRIME_INVESTIGATION, RELEASE_PERSONS)


def _agentless_passive(verb: Tok) -> bool:
    """ "were arrested" with no "by" phrase."""
    deps = {dep for dep, _ in kids(verb)}
    return "auxpass" in deps and "agent" not in deps


# (and prepositions, which a copula's predicate is read as an adjective from: "were *behind*…", parsed.py)
_TRIGGER_POS_IDS = frozenset(IDS[name] for name in (*TRIGGER_POS, "ADP"))
_HYPHEN_HASH = hash_string("-")


def _pair_key(event: Event) -> frozenset[str]:
    """The two actors of an event, by country, in either direction; within one country, by their
    agents ("the president called on the army" is no act on parliament)."""
    source, target = _country(event.source), _country(event.target)
    if source == target:
        return frozenset((event.source.code, event.target.code))
    return frozenset((source, target))


def _country(actor: Actor) -> str:
    return actor.country or actor.code


def _detail(event: Event) -> int:
    return (event.source.agent is not None) + (event.target.agent is not None)


def _localize_all(
    doc_actors: DocActors, actors: tuple[Actor, ...], counterparts: tuple[Actor, ...], end: int,
    place_country: Callable[[], str | None], clause_place: Callable[[], str | None] = lambda: None,
    nationals_are_foreign: bool = False, state_at_home: bool = False,
) -> tuple[Actor, ...]:
    """Localize country-less agents; for targets, the place of the event comes first."""
    localized = (
        doc_actors.localize(actor, counterparts, end, place_country, clause_place, nationals_are_foreign, state_at_home)
        for actor in actors
    )
    return tuple(actor for actor in localized if actor is not None)


def _compounds(head: Tok) -> list[Tok]:
    """The nouns compounded with a head, and theirs: "the [Nablus] [refugee] camp"."""
    found = [kid for dep, kid in head.kids if dep == "compound" and kid.pos_ in ("PROPN", "NOUN")]
    for kid in found:  # (the list grows as it is walked: compounds of compounds)
        found += [k for dep, k in kid.kids if dep == "compound" and k.pos_ in ("PROPN", "NOUN")]
    return found


# Target slots filled from the source's own side when the sentence names no target (FORMAT.md).
OWN_SIDE_SLOTS = {"own_government": "GOV", "own_people": "CVL"}


def _own_side(slots: tuple[str, ...], sources: tuple[Actor, ...]) -> tuple[Actor, ...]:
    """"Students staged a protest in Jakarta" → IDNEDU protests against IDNGOV; "the government
    imposed a curfew" → on its own people (CVL). Only for a source with a country that is not
    already that agent; a bare country is the state itself, which has no government to oppose."""
    agent = next((OWN_SIDE_SLOTS[slot] for slot in slots if slot in OWN_SIDE_SLOTS), None)
    if agent is None:
        return ()
    return tuple(
        Actor(
            code=source.country + agent, country=source.country, agent=agent,
            text=f"(own {'government' if agent == 'GOV' else 'people'}, not named)",
            start=source.start, end=source.end, head=source.head,
            reason=f"no target named: {source.code}'s own {'government' if agent == 'GOV' else 'people'}",
        )
        for source in sources
        if source.country and source.agent != agent and not source.code.startswith(ORGANIZATION_PREFIXES)
        and (source.agent or agent != "GOV")
    )


def _pairs(
    rule: Rule, sources: tuple[Actor, ...], targets: tuple[Actor, ...], between: tuple[Actor, ...], hosts: bool = False,
) -> tuple[tuple[Actor, Actor], ...]:
    """Source × target pairs; symmetric rules also pair the members of a plural subject, unless
    the subject only hosts the meeting ("the AU and IGAD offered to host talks")."""
    # "The US and Britain urged both sides to…": both sides are others than those who urge (but
    # "agreed a pact between the two countries" is between the two who agreed).
    countries = {s.country for s in sources} if not rule.symmetric else set()
    pairs = [(s, t) for s in sources for t in targets if not (t.group and t.country in countries)]
    if rule.symmetric and not pairs:
        members = sources if len(sources) >= 2 and not hosts else between
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    return tuple((s, t) for s, t in pairs if _distinct(s, t))


# Roots whose targets are hit, not addressed: a capital attacked is a city, not its government.
ATTACK_ROOTS = frozenset({"18", "19", "20"})


def _capital_as_territory(actor: Actor, doc_actors: DocActors) -> Actor:
    """ "Russian drones attacked *Kyiv*": a capital hit by force is the state's territory (UKR), not
    its government as when it speaks ("Kyiv said")."""
    if actor.country is None or actor.agent != "GOV":
        return actor
    mention = doc_actors.by_token.get(actor.head)
    whole = mention is not None and mention.kind == "capital" and actor.end - actor.start == mention.end - mention.start
    # "bombed *Damascus suburbs*", "the outskirts of Kyiv": a part of the capital
    part = doc_actors.doc[actor.head].lemma_.lower() in CITY_PARTS and any(
        (m := doc_actors.by_token.get(i)) is not None and m.kind == "capital" for i in range(actor.start, actor.end)
    )
    if not (whole or part):
        return actor
    return replace(actor, code=actor.country, agent=None, territory=True, reason=f"{actor.reason}; a capital attacked: the territory of {actor.country}")


CITY_PARTS = PLACE_NOUNS | ADMIN_NOUNS | {"suburb", "outskirt", "outskirts", "neighbourhood", "neighborhood", "district", "area", "quarter",
                                          "airport", "centre", "center", "street", "streets"}


# Nouns that refer back to an event of the story ("The Rapid Support Forces rejected *the
# appeal*"), and the codes (or their first digits) of the events they can name; () is any event
# ("the move").
ANAPHORIC_EVENTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("demand", "call", "request", "ultimatum"), ("10", "02", "13")),
    **dict.fromkeys(("appeal", "plea"), ("02", "10")),
    **dict.fromkeys(("offer", "proposal", "plan", "initiative", "invitation"), ("03", "05", "02", "04")),
    **dict.fromkeys(("deal", "agreement", "accord", "pact", "treaty"), ("057", "030", "031", "06", "087", "0356", "0841")),
    **dict.fromkeys(("move", "decision", "step", "measure", "action"), ()),
    **dict.fromkeys(("detention", "arrest", "crackdown", "arrests", "detentions"), ("17",)),
    **dict.fromkeys(("verdict", "ruling", "sentence", "conviction"), ("116", "173")),
    **dict.fromkeys(("abduction", "kidnapping", "abductions", "kidnappings"), ("181",)),
    **dict.fromkeys(("operation", "shooting", "shootings", "seizure"), ("17", "18", "19", "20")),
    **dict.fromkeys(("expulsion", "deportation"), ("16", "17", "20")),
    "violence": ("17", "18", "19", "20"),
    **dict.fromkeys(("attack", "strike", "bombing", "shelling", "killing", "raid", "assault", "offensive", "massacre",
                     "killings", "ambush", "incursion", "invasion", "airstrike", "airstrikes", "atrocity",
                     "atrocities"), ("18", "19", "20")),
    **dict.fromkeys(("accusation", "allegation", "criticism", "charge", "condemnation", "remarks", "comments"), ("11",)),
    **dict.fromkeys(("protest", "complaint", "objection"), ("11", "14")),
    **dict.fromkeys(("statement", "statements"), ("11", "10", "02", "13", "12")),  # what was said last
    **dict.fromkeys(("sanction", "embargo"), ("16",)),
    **dict.fromkeys(("ban", "curfew"), ("17", "16")),
    **dict.fromkeys(("exercise", "exercises", "drill", "drills", "deployment", "buildup", "build-up"), ("15",)),
    **dict.fromkeys(("threat", "warning"), ("13",)),
}
# Of those, the codes a noun names most closely (exactly), looked for first: "the strikes" are air
# strikes.
PREFERRED_EVENTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("strike", "airstrike", "airstrikes"), ("195",)),
    "shelling": ("194",),
    "bombing": ("183", "195"),
}
DEFINITE = frozenset({"the", "this", "that", "these", "those"})


# Words of the rules' topics that are what they name only as nouns: militants *sheltering*
# somewhere, a plan *watered* down, a conflict *fuelled*.
NOUN_TOPICS = frozenset({"shelter", "water", "fuel", "tank"})  # ("arm" is aid as a verb too: "urged the US to arm Kyiv")
DIPLOMATIC_STAFF = frozenset({"diplomat", "ambassador", "envoy", "consul", "attache", "embassy", "staff", "accreditation"})
# Words of the rules' topics and the things that, acted on, give them another sense.
OTHER_SENSES = {
    "withdraw": DIPLOMATIC_STAFF,
    "withdrawal": DIPLOMATIC_STAFF,
    "release": frozenset({"loan", "tranche", "report", "statement", "video", "footage", "data", "figure", "result",
                          "finding", "detail", "image", "photo", "photograph", "recording", "document", "budget",
                          "album", "film", "book", "transcript"}),
}


def _acted_on(word: Tok) -> Tok | None:
    """What a verb acts on (its object) or a noun does (its of-phrase): "withdraw *diplomats*",
    "the withdrawal of *diplomats*"."""
    thing = direct_object(word) if word.pos_ == "VERB" else next(iter(prep_objects(word, "of")), None)
    if thing is not None and thing.lemma_.lower() in QUANTITY_HEADS:
        thing = next(iter(prep_objects(thing, "of")), thing)  # "withdraw *dozens of* diplomats"
    return thing


def _referred_back(obj: Tok | None, doc_actors: DocActors) -> tuple[Actor, ...]:
    """ "*The* Rapid Support Forces rejected *the appeal*", "Moscow denounced *the move*": a
    definite event noun with no owner of its own is the story's latest such event; its doer is
    the one acted on."""
    if obj is None or not doc_actors.coded:
        return ()
    roots = ANAPHORIC_EVENTS.get(obj.lemma_.lower())
    if roots is None or not any(c.dep_ == "det" and c.lower_ in DEFINITE for c in obj.children):
        return ()
    if any(c.dep_ in ("poss", "acl", "relcl", "compound") or (c.dep_ == "prep" and c.lower_ in ("by", "from")) or (
            c.dep_ == "prep" and c.lower_ == "of" and any(doc_actors.resolve(o) for o in children(c, "pobj")))
           for c in obj.children):
        return ()  # "the demands of the students", "Egypt's demand": the phrase names its own ("the offer *of talks*" does not)
    # "condemned *the raid*" after a raid and the gunfire it met: the event told with that word
    # ("troops *raided* Nablus"); "condemned *the strikes*" after strikes and a killing: the
    # strikes, as the noun says
    lemma, words = obj.lemma_.lower(), obj.doc
    preferred = PREFERRED_EVENTS.get(lemma)
    earlier = next((e for e in reversed(doc_actors.coded) if words[e.trigger_index].lemma_.lower() == lemma
                    and e.event_code.startswith(roots or ("",))), None) or (
        preferred and next((e for e in reversed(doc_actors.coded) if e.event_code in preferred), None)) or next(
        (e for e in reversed(doc_actors.coded) if e.event_code.startswith(roots or ("",))), None)
    if earlier is None:
        return ()
    reason = f"'{obj.text}' refers back to {earlier.rule_id} in sentence {earlier.sentence_index + 1}"
    return (replace(earlier.source, reason=f"{earlier.source.reason}; {reason}"),)


def _suffered_in(noun: Tok) -> bool:
    """The noun is what a passive subject suffered: "three soldiers were killed *in* an attack"."""
    verb = noun.head.head
    return noun.dep_ == "pobj" and noun.head.lower_ in ("in", "during") and verb.pos_ == "VERB" and bool(children(verb, "nsubjpass"))


def _reciprocal(trigger: Tok) -> bool:
    """The trigger's object, or the object of one of its prepositions, is "each other" or "one
    another"."""
    objects = [c for d, c in kids(trigger) if d in ("dobj", "obj")]
    objects += [p for d, c in kids(trigger) if d == "prep" for p in children(c, "pobj")]
    return any(
        (o.lower_ in ("other", "another") and any(m.lower_ in ("each", "one") for m in o.children))
        or (o.lower_ == "one" and any(m.lower_ == "another" for m in o.children))  # parsed the other way round
        for o in objects
    )


def _hosted(noun: Tok) -> bool:
    """ "offered to *host* talks": the talks' light verb makes its subject the host."""
    verb = governing_verb(noun)
    return verb is not None and verb.lemma_.lower() in HOST_VERBS


def _distinct(source: Actor, target: Actor) -> bool:
    """Two different actors: an event needs someone acting on someone else.

    A state may act on its own people ("Turkey accused the PKK": TUR -> TURREB), but an agent
    does not act on its own bare state: "the government rejected Egypt's demand" must not become
    EGYGOV -> EGY when the story's country was guessed wrong.
    """
    if source.code == target.code:
        return False
    if source.country is not None and source.country == target.country and {source.agent, target.agent} == {"GOV", None}:
        # "Iran and Saudi Arabia agreed to reopen *their* embassies": a state and its own government are one actor
        return False
    if source.country is not None and source.country == target.country and target.agent is None:
        # Except armed men taking or striking a place of their own state: "Syrian rebels seized
        # Aleppo" is SYRREB -> SYR.
        return target.territory and source.agent in INSURGENT_AGENTS
    return True


def _verb_text(trigger: Tok) -> str:
    """The trigger with its particle and auxiliaries: "has been lashing out"."""
    parts = [c for dep, c in kids(trigger) if dep in ("aux", "auxpass", "neg", "prt")] + [trigger]
    return " ".join(t.text for t in sorted(parts, key=lambda t: t.i))


def _describe(token: Tok, outcome: RuleOutcome) -> str:
    status = f"fired {outcome.code}" if outcome.code else "did not fire"
    return f"'{token.text}' (lemma {token.lemma_}): rule {outcome.rule.id} {status}: {outcome.reason}"


def _token_line(token: Tok) -> str:
    return f"  {token.i:>3} {token.text:<16} {token.lemma_:<14} {token.pos_:<6} {token.dep_:<10} head={token.head.i} {token.head.text}"


def with_event_ids(events: Iterable[Event]) -> Iterator[tuple[str, Event]]:
    """Stable event ids: a hash of where the event is and what it is."""
    for event in events:
        key = f"{event.doc_id}|{event.sentence_index}|{event.trigger_index}|{event.source.code}|{event.target.code}|{event.event_code}"
        yield hashlib.sha256(key.encode()).hexdigest()[:20], event


__all__ = ["CODER_VERSION", "EventCoder", "Trace", "with_event_ids"]
