"""Finding actors: dictionary phrases matched in a Doc, then resolved through the parse.

Two steps. `ActorFinder.tag(doc)` marks every dictionary phrase (countries, adjectives,
capitals, seats of power, organisations, agents, context aliases) once per document.
`DocActors.resolve(token)` then answers "which actors does this noun phrase denote?" by
reading the phrase's head and its modifiers: "an unidentified North Korean foreign ministry
spokesman" → PRKGOV, "the two countries' officials" → the last two countries named.
Named actors (the built-in named.yaml, and any imported from PETRARCH) are tagged with their
code on the story date, and discard phrases are recorded so the engine can leave their sentence or story uncoded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from pipelines.coder.actors_data import (
    ORGANIZATION_PREFIXES,
    ActorDictionary,
    Discard,
    NamedActor,
    case_rule,
    is_case_sensitive,
    plural_forms,
    split_actor_code,
)
from pipelines.coder.parsed import Parsed, Segment, Tok
from pipelines.coder.syntax import clause_subject, governors, kids, own_subject, possessor
from pipelines.coder.types import Actor, Event

# Armed men who fight their own state (see `localize` and the engine's `_distinct`).
INSURGENT_AGENTS = frozenset({"REB", "INS", "SEP", "UAF"})
# Modifier relations that carry an actor's country or agent: "North Korean spokesman" (amod),
# "foreign ministry spokesman" (compound), "Japan's minister" (poss), "minister of Japan" (prep).
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "appos", "npadvmod"})
# Acts whose "of" names the victim ("the killing of protesters"), not whose act it is.
VICTIM_NOUNS = frozenset({"killing", "murder", "death", "arrest", "detention", "torture", "execution", "abduction",
                          "kidnapping", "massacre", "assassination", "imprisonment", "jailing", "disappearance",
                          "rape", "beating", "shooting", "persecution", "mistreatment", "treatment", "bombing",
                          "bombardment", "shelling", "attack", "strike", "airstrike", "raid", "siege", "invasion",
                          "occupation", "targeting", "slaughter", "displacement", "expulsion", "deportation",
                          "release", "freeing", "extradition", "handover"})
SIBLING_AGENT_DEPS = frozenset({"amod", "compound", "nmod"})
OWNER_PREPS = frozenset({"of", "from", "for", "by"})
# After a move away "from" names the place left, not the owner: "the withdrawal of Russian troops
# *from Ukraine*".
DEPARTURE_NOUNS = frozenset({"withdrawal", "pullout", "pull-out", "retreat", "departure", "exit", "evacuation",
                             "expulsion", "deportation", "return", "flight", "redeployment"})
# A country that is the object of these prepositions is where something happened, not who.
LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "throughout", "within", "around"})
PLACE_CHAIN_DEPS = frozenset({"compound", "conj", "appos", "pobj"})
# (Not "us": it is written as "US", the United States.)
PRONOUNS = frozenset({"it", "its", "they", "their", "them", "he", "she", "his", "her", "we", "our", "i", "my"})
# The speaker's own words in a quotation: '"*We* are ready to talk," the minister said'.
FIRST_PERSON_PRONOUNS = frozenset({"we", "our", "i", "my"})
QUOTE_MARKS = frozenset({'"', "“", "”", "'", "‘", "’"})
# Titles of address before a bare name ("*Mr.* Mwangi"): the name still stands alone.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "madam"})
# Pronouns that can stand for a state or an organisation ("Hungary said *it* will support…").
STATE_PRONOUNS = frozenset({"it", "its", "they", "their", "them"})
PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
# "criticised Hungary *over*/*for* its treatment of migrants": the reason for an act done to someone.
REASON_PREPS = frozenset({"over", "for"})
# People named by no role: "them" after "arrested five *men*" is those men, no actor.
PEOPLE_NOUNS = frozenset({"man", "men", "woman", "women", "people", "person", "persons", "child", "children",
                          "boy", "boys", "girl", "girls", "individual", "individuals", "youth", "youths", "other", "others"})
# Words that count the people of their of-phrase: "dozens of them", "some of them".
COUNTED_HEADS = frozenset({"dozens", "hundreds", "thousands", "scores", "some", "many", "most", "all", "several",
                           "few", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})
# Singular nouns that may be "they": "police said they", "the opposition said they".
COLLECTIVE_NOUNS = frozenset({"police", "opposition", "military", "army", "junta", "crowd", "family", "staff", "team",
                              "personnel", "leadership", "public", "youth", "clergy", "militia"})
# People who act for or stand with one person: "an *aide* to Machado", "an *ally* of Navalny".
ASSOCIATE_NOUNS = frozenset({"aide", "adviser", "advisor", "ally", "associate", "confidant", "confidante", "assistant",
                             "bodyguard", "loyalist"})
# People who stand for others: "representatives *of the army and the RSF*" are both sides.
PROXY_NOUNS = frozenset({"representative", "delegation", "delegate", "envoy", "negotiator", "official", "emissary"})
# "the *ruling* Georgian Dream party": a governing party is the government.
RULING_WORDS = frozenset({"ruling", "governing"})
# Weapons that stand for the armed forces that fire them ("Russian warplanes bombed…").
WEAPON_NOUNS = frozenset({"warship", "warplane", "jet", "aircraft", "plane", "helicopter", "gunship", "drone", "missile",
                          "artillery", "frigate", "submarine", "gunboat", "rocket", "shell", "strike", "airstrike"})
# A ship's flag is seldom that of those who act on it (`DocActors.localize`).
SHIP_NOUNS = frozenset({"ship", "vessel", "tanker", "freighter", "carrier", "trawler", "boat", "ferry", "yacht"})
# Those who fight back: a state's forces and armed groups. Violence against anyone else (a
# hospital, villagers) is one-sided: its target is no side of a conflict.
FIGHTING_AGENTS = INSURGENT_AGENTS | {"MIL", "COP", "GOV", "CRM", "OPP"}
VIOLENT_ROOTS = frozenset({"18", "19", "20"})
# Groups that are non-governmental organisations when no country is named for them: "rights
# groups", "aid agencies" (`DocActors._stateless_group`); a lone activist or aid worker is not.
STATELESS_GROUP_AGENTS = frozenset({"HRI", "NGO"})
NGO_GROUP_NOUNS = frozenset({"group", "organization", "organisation", "watchdog", "agency", "charity", "ngo",
                             "monitor", "observatory"})
# "all parties", "both parties", "the warring parties", "parties to the conflict": the sides of a
# conflict or an accord, not political parties.
SIDE_WORDS = frozenset({"all", "both", "warring", "conflicting", "belligerent", "contracting", "signatory"})
SIDED_THINGS = frozenset({"conflict", "war", "fighting", "agreement", "accord", "deal", "treaty", "ceasefire",
                          "truce", "talks", "dispute", "negotiations"})
PERSON_POSSESSIVES = frozenset({"his", "her"})
POSSESSIVE_PRONOUNS = STATE_PRONOUNS | PERSON_POSSESSIVES
# Bodies that act but are no person: "he" and "his" do not stand for them.
INSTITUTION_NOUNS = frozenset({"court", "government", "ministry", "parliament", "army", "police", "party", "council",
                               "agency", "commission", "authority", "authorities", "tribunal", "committee", "office"})
# Kinds whose capitalised words must be capitalised in the text: "Turkey" the country, not "turkey".
CONTEXT_KINDS = frozenset({"alias", "group"})  # readings that depend on the document
NAME_KINDS = frozenset({"country", "adjective", "capital", "seat", "organization", "alias", "not_actor"})


@dataclass(frozen=True)
class Mention:
    """A dictionary phrase found in the text."""

    kind: str  # country | adjective | capital | seat | organization | agent | alias | group | named
    start: int
    end: int
    country: str | None = None
    agent: str | None = None
    organization: str | None = None
    alias: int | None = None  # index into the dictionary's aliases or groups
    person: bool = False  # a named person (people.yaml), not a group or an office


def pluralize(word: str) -> str:
    """English plural of the last word of an agent noun, for surface matching."""
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


class ActorFinder:
    """Compiled matchers for one actor dictionary; build once, tag many documents."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._labels: dict[str, Mention] = {}
        self._lower_words: dict[str, frozenset[str]] = {}
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._agent_words: dict[str, str] = {}
        self._add_countries(nlp)
        self._add_organizations(nlp)
        self._add_agents(nlp)
        self._add_context(nlp)
        self._add(nlp, "not_actor", Mention("not_actor", 0, 0), self.dictionary.not_actors)
        self._agent_priority = {entry.code: entry.priority for entry in self.dictionary.agents}
        self._add_people(nlp)
        self._add_discards(nlp)

    def _add(self, nlp: Language, label: str, mention: Mention, phrases: Iterable[str], exact: bool = False) -> None:
        self._labels[label] = mention
        phrases = list(phrases)
        # words a name is written with in lower case ("UN refugee agency"): no capital asked of them
        self._lower_words[label] = self._lower_words.get(label, frozenset()) | {w for p in phrases for w in p.lower().split() if w in p.split()}
        for phrase in phrases:
            matcher = self._exact if exact or is_case_sensitive(phrase) else self._lower
            matcher.add(label, [nlp.make_doc(phrase)])

    def _add_countries(self, nlp: Language) -> None:
        for entry in self.dictionary.countries:
            self._add(nlp, f"country:{entry.code}", Mention("country", 0, 0, country=entry.code), entry.names)
            # spaCy keeps proper-noun plurals as they are ("Israelis"), so list the plural forms too.
            adjectives = [form for adjective in entry.adjectives for form in (adjective, *plural_forms(adjective))]
            self._add(nlp, f"adjective:{entry.code}", Mention("adjective", 0, 0, country=entry.code), adjectives)
            self._add(nlp, f"capital:{entry.code}", Mention("capital", 0, 0, country=entry.code, agent="GOV"), entry.capitals)
            for phrase, agent in entry.seats:
                label = f"seat:{entry.code}:{agent}"
                self._add(nlp, label, Mention("seat", 0, 0, country=entry.code, agent=agent), [phrase])

    def _add_organizations(self, nlp: Language) -> None:
        for entry in self.dictionary.organizations:
            mention = Mention("organization", 0, 0, organization=entry.code)
            self._add(nlp, f"organization:{entry.code}", mention, entry.names)

    def _add_agents(self, nlp: Language) -> None:
        for entry in self.dictionary.agents:
            multiword = []
            for noun in entry.nouns:
                words = noun.lower().split()
                if len(words) == 1:
                    self._agent_words.setdefault(words[0], entry.code)
                    self._agent_words.setdefault(pluralize(words[0]), entry.code)
                else:
                    multiword += [noun, " ".join(words[:-1] + [pluralize(words[-1])])]
            if multiword:
                self._add(nlp, f"agent:{entry.code}", Mention("agent", 0, 0, agent=entry.code), multiword)

    def _add_context(self, nlp: Language) -> None:
        # Aliases sharing a text ("the South") are told apart when resolved, by what came before.
        texts = sorted({alias.text for alias in self.dictionary.aliases})
        self._add(nlp, "alias", Mention("alias", 0, 0), texts)
        for number, group in enumerate(self.dictionary.groups):
            self._add(nlp, f"group:{number}", Mention("group", 0, 0, alias=number), [group.text])

    def _add_people(self, nlp: Language) -> None:
        """Named actors get their own matchers, one label each: the code depends on the story date.

        Built-in names (written as in text) follow the case rules of FORMAT.md, one label per name
        so a match can be checked against the name's own capitals; PETRARCH's all-capital names
        are title-cased and matched ignoring case.
        """
        self._people: dict[int, NamedActor] = {}
        self._people_matcher: PhraseMatcher | None = None
        self._cased_names: dict[int, tuple[NamedActor, Doc]] = {}  # label -> (actor, name as written)
        self._cased_matchers: tuple[PhraseMatcher, ...] = ()
        self._code_mentions: dict[tuple[str, bool], Mention] = {}
        countries = {entry.code for entry in self.dictionary.countries}
        # Codes starting with an agent ("ELI") name no country; the rest split country + agent.
        self._agent_prefixes = frozenset(entry.code[:3] for entry in self.dictionary.agents) - countries
        cased = [person for person in self.dictionary.people if person.text_case]
        imported = [person for person in self.dictionary.people if not person.text_case]
        if cased:
            self._add_cased_people(nlp, cased)
        if not imported:
            return
        self._people_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for number, person in enumerate(imported):
            label = f"named:{number}"
            self._people[nlp.vocab.strings.add(label)] = person
            # Title case tokenises like running text: "MR. OBAMA" would split where "Mr. Obama" does not.
            self._people_matcher.add(label, list(nlp.tokenizer.pipe(name.title() for name in person.names)))

    def _add_cased_people(self, nlp: Language, people: list[NamedActor]) -> None:
        """Built-in names: short capital abbreviations ("ELN", "M23") exactly, the rest ignoring
        case and then checked word by word; the last word also in its plural ("Houthis")."""
        lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for number, person in enumerate(people):
            for index, name in enumerate(person.names):
                for form in (name, *plural_forms(name)):
                    for written in _running_forms(nlp, form):
                        label = f"builtin-named:{number}:{index}:{written.text}"
                        self._cased_names[nlp.vocab.strings.add(label)] = (person, written)
                        (exact if is_case_sensitive(name) else lower).add(label, [written])
        self._cased_matchers = (exact, lower)

    def _add_discards(self, nlp: Language) -> None:
        """Phrases that make a sentence (or story) uncodable, matched ignoring case."""
        self._discards: dict[int, Discard] = {}
        self._discard_matcher: PhraseMatcher | None = None
        if not self.dictionary.discards:
            return
        self._discard_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for number, discard in enumerate(self.dictionary.discards):
            label = f"discard:{number}"
            self._discards[nlp.vocab.strings.add(label)] = discard
            self._discard_matcher.add(label, [nlp.make_doc(discard.phrase)])

    def tag(self, doc: Doc | Parsed, story_date: dt.date | None = None) -> DocActors:
        """All dictionary phrases in the document, longest match first.

        Named actors resolve to their code on `story_date`; on a tie in length a built-in phrase
        beats a named actor, and a named.yaml name an imported one (the sort below is stable and
        they come in that order). The matchers run on the spaCy Doc, the rest reads its parse.
        """
        parse = doc if isinstance(doc, Parsed) else Parsed(doc)
        doc = parse.spacy_doc
        strings = doc.vocab.strings
        found = []
        for matcher in (self._lower, self._exact):
            for match_id, start, end in matcher(doc):
                label = strings[match_id]
                template = self._labels[label]
                if template.kind not in NAME_KINDS or _capitalised(parse[start:end], self._lower_words[label]):
                    found.append((start, end, template))
        found = [item for item in found if item[2].kind not in ("capital", "seat") or not _inside_longer_name(parse, item[0])]
        found += self._named_matches(parse, story_date)
        # "*pro-Palestinian* protesters in London", "*anti-Russian* sentiment": a stance, not who they are
        found = [item for item in found if not _after_stance_prefix(parse, item[0])]
        # Longest first; on a tie a context alias gives way ("the South" in "the South Korean
        # president" is "South Korean"), then the earlier match wins.
        found.sort(key=lambda item: (-(item[1] - item[0]), item[2].kind in CONTEXT_KINDS, item[0]))
        by_token: dict[int, Mention] = {}
        for start, end, template in found:
            if any(i in by_token for i in range(start, end)):
                continue
            mention = Mention(
                template.kind, start, end, template.country, template.agent, template.organization, template.alias,
                template.person,
            )
            for i in range(start, end):
                by_token[i] = mention
        return DocActors(parse, self, by_token, self._discard_matches(doc))

    def _named_matches(self, parse: Parsed, story_date: dt.date | None) -> list[tuple[int, int, Mention]]:
        """Named actors written as names, with a code on the story date; built-in ones first.

        An imported one-word name opening a sentence must be tagged a proper noun: PETRARCH's
        names are all capitals, so "MALE" (the Maldives' capital) would otherwise match "Male
        students ...". Built-in names keep their case and are chosen not to be common words.
        """
        found = self._cased_named_matches(parse, story_date)
        if self._people_matcher is None:
            return found
        for match_id, start, end in self._people_matcher(parse.spacy_doc):
            span = parse[start:end]
            if not _capitalised(span) or (len(span) == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN"):
                continue
            code = self._people[match_id].code_on(story_date)
            if code is not None:
                found.append((start, end, self._code_mention(code, self._people[match_id].person)))
        return found

    def _cased_named_matches(self, parse: Parsed, story_date: dt.date | None) -> list[tuple[int, int, Mention]]:
        """Built-in named actors whose words are cased as the name requires: a capitalised word
        of the name must be capitalised in the text ("Islamic State", not "islamic state")."""
        found = []
        for matcher in self._cased_matchers:
            for match_id, start, end in matcher(parse.spacy_doc):
                person, written = self._cased_names[match_id]
                if not _cased_like(parse[start:end], written):
                    continue
                code = person.code_on(story_date)
                if code is not None:
                    found.append((start, end, self._code_mention(code, person.person)))
        return found

    def _code_mention(self, code: str, person: bool = False) -> Mention:
        """The mention template for a named actor's code: "USAGOV" is USA + GOV, "ELI" an agent."""
        if (code, person) not in self._code_mentions:
            country, agent, organization = split_actor_code(code, self._agent_prefixes)
            kind = "agent" if country is None and organization is None else "named"
            self._code_mentions[code, person] = Mention(kind, 0, 0, country=country, agent=agent, organization=organization, person=person)
        return self._code_mentions[code, person]

    def _discard_matches(self, doc: Doc) -> tuple[tuple[int, int, Discard], ...]:
        if self._discard_matcher is None:
            return ()
        return tuple((start, end, self._discards[match_id]) for match_id, start, end in self._discard_matcher(doc))

    def agent_priority(self, agent: str | None) -> int:
        return self._agent_priority.get(agent, 0) if agent else -1

    def agent_word(self, token: Tok) -> str | None:
        """The agent code of a single-word agent noun ("police", "rebels"), if any; also of such a
        word tagged an adjective when it describes a group or its attack: "a *militant* group",
        "an *extremist* organization", "a *jihadist* assault", "*rebel* Serbs" (not "*militant*
        rhetoric")."""
        if token.pos_ not in ("NOUN", "PROPN") and not (
            token.pos_ == "ADJ" and token.dep_ in ("amod", "compound")
            and (token.head.lemma_.lower() in GROUP_HEADS or token.head.tag_ == "NNPS")  # "*rebel* Serbs"
        ):
            return None
        if token.lemma_.lower() == "party" and _sides(token):
            return None
        return self._agent_words.get(token.lower_) or self._agent_words.get(token.lemma_.lower())


class DocActors:
    """The actor phrases of one document and the resolution of noun phrases to actors."""

    def __init__(
        self, doc: Parsed, finder: ActorFinder, by_token: dict[int, Mention],
        discards: tuple[tuple[int, int, Discard], ...] = (),
    ) -> None:
        self.doc = doc
        self.finder = finder
        self.by_token = by_token
        self.discards = discards  # (start, end, discard phrase) found in the text
        self._resolving: set[int] = set()  # subjects being resolved for a pronoun (no cycles)
        self.memo: dict[tuple, object] = {}  # the engine's per-document lookups (places)
        self.coded: list = []  # the events of the sentences coded so far (the engine's `Event`s)
        self._named = self._named_countries()
        self.dateline: str | None = None  # the country of the story's dateline ("BAMAKO —"), set by the engine
        self.speech_verbs: frozenset[str] = frozenset()  # the rules' `speech_verbs`, set by the engine

    def story_discard(self) -> Discard | None:
        """A story-level discard phrase anywhere in the document: nothing in it is coded."""
        return next((discard for _, _, discard in self.discards if discard.story), None)

    def sentence_discard(self, sentence: Segment) -> Discard | None:
        """A discard phrase inside the sentence: the sentence is not coded."""
        return next((d for start, end, d in self.discards if start >= sentence.start and end <= sentence.end), None)

    def mentions(self) -> list[Mention]:
        """Each mention once, in text order."""
        unique = {(m.start, m.end): m for m in self.by_token.values()}
        return [unique[key] for key in sorted(unique)]

    def is_place(self, token: Tok) -> bool:
        """True when the token sits in a locative phrase: "talks in Cairo, Egypt"."""
        current = token
        for _ in range(6):
            if current.dep_ == "pobj" and current.head.lower_ in LOCATIVE_PREPS:
                return True
            if current.dep_ not in PLACE_CHAIN_DEPS or current.head == current:
                return False
            current = current.head
        return False

    def _named_countries(self) -> list[tuple[int, str, int]]:
        """(token index, country, weight) of every country named as a possible actor, in order. A
        nationality adjective weighs half a name where `home_country` is asked to weigh: a story
        may name the others it is about by their nationality ("expelled two *Russian* diplomats")."""
        named = []
        for mention in self.mentions():
            if mention.country and mention.kind in ("country", "adjective", "capital", "seat", "named"):
                if not self.is_place(self.doc[mention.end - 1]):
                    named.append((mention.start, mention.country, 1 if mention.kind == "adjective" else 2))
        return named

    def _last_country(self, before: int, among: frozenset[str] | None = None) -> str | None:
        """The country of the last country, nationality or capital named before a token, as a
        place too ("Protests continued *in Kenya*. The country's president…"); only one `among`
        these when given ("the *kingdom's* foreign ministry": a monarchy)."""
        last = None
        for mention in self.mentions():
            if mention.start >= before:
                break
            if mention.country and mention.kind in ("country", "adjective", "capital") and (among is None or mention.country in among):
                last = mention.country
        return last

    def reread_capitals(
        self, shared: Callable[[str, str], bool], city_country: Callable[[str, tuple[str, ...]], str | None]
    ) -> None:
        """A capital's name that is also a large city of a country the story is about names that
        city: "militias in Tripoli" beside "the north Lebanese port" are Lebanese, not Libyan.
        `shared(name, country)` says whether another country has a large city of that name;
        `city_country(name, countries)` is the gazetteer's reading of a place name in context
        (`PlaceLookup.city_in`); the capital itself does not count as context."""
        moved = False
        capitals = {(m.start, m.end): m for m in self.by_token.values() if m.kind == "capital"}
        for mention in capitals.values():
            name = self.doc[mention.start : mention.end].text
            if not shared(name, mention.country):
                continue
            sentence = self.doc[mention.start].sent
            country = city_country(name, self.place_context(sentence.start, sentence.end, skip=mention.start))
            if country is not None and country != mention.country:
                city = replace(mention, kind="country", country=country, agent=None)  # a city, not a seat of government
                for i in range(mention.start, mention.end):
                    self.by_token[i] = city
                moved = True
        if moved:
            self._named = self._named_countries()

    def place_context(self, sentence_start: int, sentence_end: int, skip: int | None = None) -> tuple[str, ...]:
        """Countries a place name in this sentence most likely belongs to: those the sentence
        names, then those named before it, most recent first (`skip`: a mention's own position)."""
        here = [country for position, country, _ in self._named if sentence_start <= position < sentence_end and position != skip]
        return tuple(dict.fromkeys([*here, *self.countries_before(sentence_start)]))

    def countries_before(self, index: int) -> list[str]:
        """Distinct countries named before a token, most recent first."""
        recent: list[str] = []
        for position, country, _ in reversed(self._named):
            if position < index and country not in recent:
                recent.append(country)
        return recent

    def resolve(self, token: Tok | None) -> list[Actor]:
        """The actors a noun phrase denotes, one per coordinated member: "Brazil and Argentina"."""
        if token is None:
            return []
        if token.lemma_.lower() in PROXY_NOUNS and (represented := _represented(token)) is not None:
            # "representatives *of the army and the RSF*": each side; "officials of Japan and
            # China" are their governments
            agent = self.finder.agent_word(token)
            return [replace(a, code=a.country + agent, agent=agent, reason=f"'{token.text}' ({agent}) of {a.reason}")
                    if agent and a.agent is None and a.code == a.country else a for a in self.resolve(represented)]
        if (token.lemma_.lower() in PROXY_NOUNS and token.i not in self.by_token
                and (owner := possessor(token)) is not None and owner.lower_ in STATE_PRONOUNS):
            # "the RSF said *its delegation* would travel": the group's own, not its country's
            # government (a state's "its envoy" keeps the proxy's reading below)
            sides = [a for a in self._antecedent(owner) if (a.agent not in (None, "GOV") or a.code.startswith(ORGANIZATION_PREFIXES)) and not a.group]
            if sides:
                start, end = token.left_edge.i, max(t.i for t in token.subtree) + 1
                return [replace(a, text=self.doc[start:end].text, start=start, end=end, head=token.i,
                                reason=f"'{token.text}' of {a.text}: {a.reason}") for a in sides]
        if token.lemma_.lower() in ASSOCIATE_NOUNS and token.i not in self.by_token and (patron := _patron(token)) is not None:
            # "a senior aide *to opposition leader Machado*", "an ally of Navalny": on that person's
            # side, as what the sentence does to them (the phrase is the associate's)
            start, end = token.left_edge.i, max(t.i for t in token.subtree) + 1
            return [replace(a, text=self.doc[start:end].text, start=start, end=end, head=token.i,
                            reason=f"'{token.text}' of {a.text}: {a.reason}") for a in self.resolve(patron)]
        found = [actor for member in (token, *token.conjuncts) for actor in self._resolve_one(member)]
        countries = {a.country for a in found if a.country and not a.code.startswith(ORGANIZATION_PREFIXES)}
        if len(countries) == 1 and len(found) > 1:
            # "the Sudanese government and the rebels": a country-less member shares its partner's.
            (country,) = countries
            found = [a if a.country or not a.agent or a.code.startswith(ORGANIZATION_PREFIXES) else replace(
                a, code=country + a.agent, country=country, reason=f"{a.reason}; country {country} from the conjoined actor",
            ) for a in found]
        actors: dict[str, Actor] = {}
        for actor in found:
            actors.setdefault(actor.code, actor)
        return list(actors.values())

    def _resolve_one(self, token: Tok) -> list[Actor]:
        if token.lower_ in PRONOUNS:
            return self._antecedent(token)
        if token.lower_ in COUNTED_HEADS and (counted := _counted_pronoun(token)) is not None:
            return self._antecedent(counted)  # "arrested dozens *of them*"
        mention = self.by_token.get(token.i)
        if mention is not None and mention.kind != "agent":
            own = self._mention_actors(token, mention)
            if own:
                return own
        own_agent = self._agent_at(token)
        found = self._search_modifiers(token, located=own_agent is not None)
        if own_agent is None and found.agent and not found.countries and not found.organizations:
            # "opposition groups in Zimbabwe": the agent is a modifier, the place still says whose.
            found = self._search_modifiers(token, located=True)
        agent = self._stronger(own_agent, found.agent)
        if agent == "PTY" and own_agent == "PTY" and any(t.lower_ in RULING_WORDS for t in token.lefts):
            # "the ruling Georgian Dream party": a governing party is the government in CAMEO (as
            # "ruling party" is, listed whole), also with its name between the words
            agent = "GOV"
        if agent in STATE_OFFICES and any(t.lower_ in FORMER_WORDS for t in token.lefts):
            # "the former Kenyan prime minister" (the words apart, so not the noun "former minister")
            agent = "ELI"
        if token.lemma_.lower() in OPPONENT_NOUNS and (found.agent is None or found.agent in SUPPORTERS_OF):
            # "opponents of the government", "critics of the president": the opposition
            agent = "OPP"
        elif token.lemma_.lower() in RIVAL_NOUNS and found.agent in SUPPORTERS_OF:
            agent = "OPP"  # "Erdogan's main *rival*" (not "India's rival": a state's rival is another state)
        elif own_agent is None and token.lemma_.lower() in SUPPORTER_NOUNS:
            # "supporters of former President Ben Bella" are in opposition, "supporters of the
            # president" are people, not the government.
            agent = SUPPORTERS_OF.get(agent, agent)
        tokens = sorted({token.i, *found.tokens})
        text = self.doc[tokens[0] : tokens[-1] + 1].text
        if not found.countries and not found.organizations:
            # "the police", "opposition activists": an agent whose country the sentence or story
            # must supply (see `localize`); without an agent it is no actor at all.
            if not agent and (earlier := self._named_group_before(token)):
                # "Hezbollah … after *the group* fired rockets"
                return earlier
            if not agent and (earlier := self._same_person_before(token)):
                # "Kenyan opposition leader John Mwangi … *Mwangi* accused the police…"
                return earlier
            if agent and (earlier := self._same_noun_before(token)):
                # "the United Nations human rights envoy … *The envoy* had criticised…"
                return earlier
            if agent and self._foreign(token, found):
                # "demanded the withdrawal of *foreign* troops": someone else's, country unknown
                return [replace(self._actor(None, None, agent, text, tokens, token.i, f"'{token.text}' ({agent}), foreign: country unknown"), foreign=True)]
            return [self._actor(None, None, agent, text, tokens, token.i, f"'{token.text}' ({agent}), country not named")] if agent else []
        reason = f"head '{token.text}'" + (f", agent {agent}" if agent else "") + f"; {found.reason}"
        actors = [self._actor(country, None, agent, text, tokens, token.i, reason) for country in found.countries]
        actors += [self._actor(None, org, None, text, tokens, token.i, reason) for org in found.organizations]
        return actors + [a for a in found.whole if a.code not in {b.code for b in actors}]

    def modifier_actors(self, noun: Tok) -> list[Actor]:
        """Who does what an event noun names, by the words before it: a nationality ("the
        *Russian* invasion"), a named group or organisation ("*Hamas* attacks", "*NATO* air
        strikes"), an agent ("a *police* crackdown") or an abbreviated state ("*US* sanctions").
        A country's name is mostly where or against whom ("the *Gaza* blockade"), so not that."""
        actors: list[Actor] = []
        words = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod") and c.i < noun.i]
        # and those on a noun compounded with it: "a *Burkinabe* drone strike" (on "drone")
        words += [g for c in words if c.dep_ == "compound" for g in c.children if g.dep_ in ("amod", "compound", "nmod") and g.i < c.i]
        for child in sorted(words):
            mention = self.by_token.get(child.i)
            if mention is None:
                if agent := self.finder.agent_word(child):
                    actors.append(self._actor(None, None, agent, child.text, [child.i], child.i, f"'{child.text}' ({agent}) on '{noun.text}'"))
                continue
            text = self.doc[mention.start : mention.end].text
            if mention.kind == "adjective" and mention.country:
                actors.append(self._actor(mention.country, None, None, text, [child.i], child.i, f"adjective '{text}' on '{noun.text}'"))
            elif mention.kind in ("named", "organization") or (mention.kind == "country" and text.isupper()):
                actors += self._mention_actors(child, mention)
        return actors

    def _same_noun_before(self, token: Tok) -> list[Actor]:
        """For a bare definite envoy noun ("the envoy", "the inspectors"), the actor the story
        named with that noun in an earlier sentence, when every earlier such noun named the same
        actor. (Not "the government" or "the police": those are mostly the story's own.)
        "The soldiers" and "the troops" are those named before with either word, in this sentence
        too: "Israeli troops raided Nablus … gunmen opened fire on *the soldiers*". Armed men
        named again ("*the rebels*") are those named so before, not of whoever speaks of them."""
        lemma = token.lemma_.lower()
        if (lemma not in ENVOY_NOUNS and lemma not in TROOP_NOUNS and lemma not in ARMED_NOUNS) or [t.lower_ for t in token.lefts] != ["the"]:
            return []
        if any(dep not in ("relcl", "punct") for dep, kid in token.kids if kid.i > token.i):
            return []  # ("the soldiers, *who* returned fire"; not "the soldiers *of Mali*")
        if lemma in TROOP_NOUNS:
            earlier = [t for t in self.doc.tokens[: token.i] if t.lemma_.lower() in TROOP_NOUNS and t.pos_ == "NOUN"]
        else:
            earlier = [t for t in self.doc.tokens[: token.sent.start] if t.lemma_ == token.lemma_ and t.pos_ == "NOUN"]
        codes = {}
        for other in earlier:
            for actor in self._resolve_one(other):
                if actor.country or actor.code.startswith(ORGANIZATION_PREFIXES):
                    codes[actor.code] = actor
        return _the_one_before(token, codes, f"the {token.text}")

    def _same_person_before(self, token: Tok) -> list[Actor]:
        """For a bare name ("Mwangi", "Mr. Wang"), the person named in full before it: a name
        whose last word it is ("opposition leader John *Mwangi*"), or a listed person's whose
        first word it is ("Foreign Minister *Wang* Yi", family name first). The latest such
        person, when the words before its name made it an actor; nothing otherwise."""
        if token.pos_ != "PROPN" or any(kid.pos_ == "PROPN" and kid.lower_.rstrip(".") not in HONORIFICS for _, kid in token.kids):
            return []
        for other in reversed(self.doc.tokens[: token.i]):
            if other.text != token.text or other.pos_ != "PROPN":
                continue
            if any(dep == "compound" and kid.pos_ == "PROPN" and kid.i == other.i - 1 for dep, kid in other.kids):
                head = other  # "John Mwangi"
            elif other.dep_ == "compound" and other.head.i == other.i + 1 and (mention := self.by_token.get(other.i)) is not None and mention.person:
                head = other.head  # "Wang Yi", a listed person
            else:
                continue
            actors = [a for a in self._resolve_one(head) if a.agent or a.country]
            return [replace(a, reason=f"'{token.text}' is {a.text!r} named before: {a.reason}") for a in actors]
        return []

    def _named_group_before(self, token: Tok) -> list[Actor]:
        """For "the group" or "the movement", the one named group (not a state, not a person) the
        story named before it; none when it named several."""
        if token.lemma_.lower() not in GROUP_NOUNS or [t.lower_ for t in token.children] != ["the"]:
            return []
        named = {}
        for mention in self.mentions():
            if mention.start >= token.i:
                break
            if mention.kind == "named" and not mention.person and not mention.organization:
                for actor in self._mention_actors(self.doc[mention.end - 1], mention):
                    named[actor.code] = actor
        return _the_one_before(token, named, "the group")

    def _foreign(self, head: Tok, found: _Found) -> bool:
        """ "foreign troops", "the withdrawal of foreign forces": the agent's word is marked as
        someone else's ("the foreign minister" is an office of one's own)."""
        words = [self.doc[i] for i in sorted({head.i, *found.tokens})]
        return any(word.lemma_.lower() not in OWN_FOREIGN_OFFICES and any(t.lower_ in FOREIGN_WORDS for t in word.lefts)
                   for word in words)

    def home_country(self, before: int, by_name: bool = False) -> str | None:
        """The story's own country so far: the most often named (the earliest on a tie).
        `by_name`: a nationality adjective weighs half a name (see `localize`). The dateline's
        country counts as one more name, named last: "KAMPALA — Police arrested…" is about Uganda,
        while a story filed from Geneva that names Sudan is about Sudan."""
        counts: dict[str, int] = {}
        for position, country, weight in self._named:
            if position < before:
                counts[country] = counts.get(country, 0) + (weight if by_name else 1)
        if self.dateline is not None:
            counts[self.dateline] = counts.get(self.dateline, 0) + (2 if by_name else 1)
        return max(counts, key=lambda country: counts[country]) if counts else None

    def localize(
        self, actor: Actor, counterparts: tuple[Actor, ...], sentence_end: int,
        place_country: Callable[[], str | None] = lambda: None,
        clause_place: Callable[[], str | None] = lambda: None,
        nationals_are_foreign: bool = False,
        state_at_home: bool = False,
    ) -> Actor | None:
        """Give a country-less agent its country: a domestic counterpart's, else the story's own,
        else (when the story names no country as an actor) the country of the places it names.

        "Bolivia's opposition criticized the government" → BOLGOV (the counterpart BOLOPP is a
        domestic agent); "Police arrested protesters" in a story about Kenya → KENCOP, KENCVL;
        "Students marched in Jakarta" → IDNEDU.
        `nationals_are_foreign` (for sources): a counterpart known only by a nationality
        ("police arrested two *British* tourists", "the president met the *Chinese* ambassador")
        is most likely foreign, so the story and the place come first; only when neither says
        anything does the source share that nationality.
        `state_at_home` (for the targets of arrests, trials, bans, criminal investigations): a state
        mostly does these to its own people, so "Saudi Arabia sentenced a rights activist" is SAUHRI
        whatever country the story is about; only where the sentence says it happened weighs more.
        """
        if actor.country or actor.foreign or actor.code.startswith(ORGANIZATION_PREFIXES):
            return actor
        weapon = self.doc[actor.head]
        if actor.agent == "MIL" and weapon.lemma_.lower() in WEAPON_NOUNS and not any(dep == "poss" and self.resolve(kid) for dep, kid in weapon.kids):
            # "a missile hit a school in Kharkiv": a weapon nobody is named for is no army's, least
            # of all that of the country it hit ("*its* aircraft", after "the army said", are the army's)
            return None
        if actor.agent in INSURGENT_AGENTS and (place := next((c for c in counterparts if c.territory), None)):
            # "Gunmen attacked Kano", "fighters took control of Kidal": armed men are most likely
            # of the country whose place they fight for.
            return _with_country(actor, place.country, f"the place they attacked or took ('{place.text}')")
        domestic = [c.country for c in counterparts if c.country and c.agent]
        if self.doc[actor.head].lemma_.lower() in SHIP_NOUNS:
            domestic = []  # "pirates attacked a merchant ship": ships sail under other flags
        if len(set(domestic)) > 1:
            # "French and Malian troops killed jihadists in central Mali": of several countries on
            # the other side, the one where it happened, else the story's own.
            # With none of them there, none is the agent's: "Argentina, Chile and Peru rejected the
            # results announced by the electoral council" (a council of the story's country).
            home = next((c for c in (clause_place(), place_country(), self.home_country(sentence_end)) if c in domestic), None)
            domestic = sorted(domestic, key=lambda country: country != home) if home else []
        if nationals_are_foreign and domestic and all(self._by_nationality(c) for c in counterparts if c.country and c.agent):
            # (in the story's first sentence, that sentence: "the expulsion of two *Russian*
            # diplomats was announced by *Moldova's* ministry after the country's service…")
            story = self.home_country(self.doc[actor.head].sent.start) or self.home_country(sentence_end, by_name=True)
            for country, origin in ((story, "the story"), (place_country(), "the place named")):
                if country is not None and country not in domestic:
                    return _with_country(actor, country, f"{origin}, not the other actor's nationality")
        state = next((c.country for c in counterparts if c.country and c.agent is None), None) if state_at_home else None
        country, origin = (domestic[0], "the other actor") if domestic else (self.home_country(sentence_end), "the story")
        if state is not None and not domestic:
            # "Georgia's crackdown on protesters" in a story the US department's words open: a
            # state coerces its own people, whatever country the story is about (unless the
            # sentence says where it happened, below)
            country, origin, domestic = state, "the state that acts on it at home", [state]
        if (here := clause_place()) is not None and here not in {c.country for c in counterparts}:
            # Where the event happened says more than the other side's country: "Iraqi troops
            # killed civilians in Kuwait City" (a target's place, see the engine).
            country, origin, domestic = here, "the place of the event", [here]
        others = {c.country for c in counterparts}
        if country is None or (not domestic and country in others):
            # The story's country is the other side's: "the administration said China must…"
            # gives no reason to think the administration is Chinese. A place named in the
            # sentence may still say: "Palestinian gunmen killed five people in Tel Aviv".
            country, origin = place_country(), "the place named"
            if country is None and not others - {None}:
                # "Teachers went on strike *in Nigeria*. The education minister met union leaders":
                # a story that names its country only as a place
                country, origin = self._last_country(self.doc[sentence_end - 1].sent.start), "the country the story named as a place"
        if country is None or (not domestic and country in others):
            return self._stateless_group(actor)
        return _with_country(actor, country, origin)

    def _stateless_group(self, actor: Actor) -> Actor | None:
        """A rights group or an aid agency of no country the story names is a non-governmental
        organisation (NGO, as CAMEO codes it): "rights groups demanded that Egypt release…" →
        NGOHRI. Other agents of no known country name no actor."""
        if actor.agent not in STATELESS_GROUP_AGENTS or self.doc[actor.head].lemma_.lower() not in NGO_GROUP_NOUNS:
            return None
        agent = None if actor.agent == "NGO" else actor.agent
        return Actor(code="NGO" + (agent or ""), country=None, agent=agent, text=actor.text, start=actor.start,
                     end=actor.end, head=actor.head, reason=f"{actor.reason}; no country named: a non-governmental organisation")

    def _by_nationality(self, actor: Actor) -> bool:
        """Whether the actor's country comes from a nationality word: "*British* tourists"."""
        return any(
            (m := self.by_token.get(i)) is not None and m.kind == "adjective" and m.country == actor.country
            for i in range(actor.start, actor.end)
        )

    def _antecedent(self, pronoun: Tok) -> list[Actor]:
        """What "it"/"they" stands for: the subject of the nearest governing clause that names an
        actor ("Hungary said it will…", "Turkey accused Greece of violating its airspace")."""
        person = pronoun.lower_ in PERSON_PRONOUNS
        if pronoun.lower_ in FIRST_PERSON_PRONOUNS:
            return self._quoted_speaker(pronoun)
        if not person and pronoun.lower_ not in STATE_PRONOUNS:
            return []
        if pronoun.dep_ == "poss" and (judged := self._judged_object(pronoun, person)):
            return judged
        if pronoun.dep_ == "poss" and pronoun.head.dep_ in ("nsubj", "nsubjpass") and (
                source := _according_to(pronoun.head.head)) is not None and source.i not in self._resolving:
            # "*according to the defence ministry*, its forces killed…": the source the clause is told by
            if actors := self._referent(source, person, self.resolve):
                return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}, the clause's source: {a.reason}") for a in actors]
        local = _own_clauses(pronoun)
        for governor in governors(pronoun):
            if governor in local:
                # "the service accused *them*", "police used tear gas to disperse *them*": an
                # object is not the subject of its own clause, nor of the clause that controls it
                continue
            subject = next((c for dep, c in kids(governor) if dep in ("nsubj", "nsubjpass") and c.i < pronoun.i), None)
            if subject is not None and pronoun.lower_ in PLURAL_PRONOUNS and _singular(subject):
                continue  # "the government stripped prisoners of … after releasing *them*": not the government
            if subject is not None and subject.lower_ not in PRONOUNS and subject.i not in self._resolving:
                if pronoun in subject.subtree:
                    continue  # "its forces said…": the pronoun is inside that subject
                if person and (subject.lemma_.lower() in INSTITUTION_NOUNS or self._is_state_name(subject)):
                    # "the court declared the arrest of Imran Khan illegal and ordered *his*
                    # release": not the court, but the person it named before the pronoun
                    return self._named_person_before(pronoun, subject)
                # "he"/"she" stands for a person: an actor with a role ("the president said he…").
                actors = self._referent(subject, person, self.resolve)
                if not actors and pronoun.lower_ in PLURAL_PRONOUNS:
                    # "The expulsion *of two Russian diplomats* was announced days after the
                    # service accused *them*": the people the subject's phrase names
                    actors = next((found for t in subject.subtree if t != subject and t.tag_ in ("NNS", "NNPS")
                                   if (found := self._referent(subject, True, lambda _, t=t: self.resolve(t)))), [])
                return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}: {a.reason}") for a in actors]
        return self._previous_subject(pronoun, person) or self._previous_group(pronoun)

    def _quoted_speaker(self, pronoun: Tok) -> list[Actor]:
        """"We"/"our"/"I" in a quotation: whoever says it ('"We are ready to talk," Pakistan's
        prime minister said'), the subject of the verb of saying (the rules' `speech_verbs`) whose
        complement holds it."""
        if not any(t.text in QUOTE_MARKS for t in pronoun.sent):
            return []
        child, node = pronoun, pronoun.head
        while node is not child:
            if child.dep_ in ("ccomp", "parataxis") and node.lemma_.lower() in self.speech_verbs:
                speaker = next((kid for dep, kid in node.kids if dep == "nsubj"), None)
                if speaker is None or speaker.lower_ in PRONOUNS:
                    return []
                return [replace(a, reason=f"'{pronoun.text}' in the words of {a.text!r}: {a.reason}") for a in self.resolve(speaker)]
            child, node = node, node.head
        return []

    def _judged_object(self, pronoun: Tok, person: bool) -> list[Actor]:
        """ "rebuked Georgia over *its* crackdown", "thanked Turkey for *its* mediation": a
        possessive in the over/for phrase that gives the reason for an act done to someone is
        that someone's, not the doer's. "its" needs a singular object."""
        noun = pronoun.head
        prep = noun.head
        if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in REASON_PREPS or prep.head.pos_ != "VERB":
            return []
        obj = next((kid for dep, kid in prep.head.kids if dep == "dobj" and kid.i < prep.i), None)
        if obj is None or obj.lower_ in PRONOUNS or obj.i in self._resolving:
            return []
        if pronoun.lower_ == "its" and (obj.tag_ in ("NNS", "NNPS") or obj.conjuncts):
            return []
        actors = self._referent(obj, person, self.resolve)
        return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}, whom the act is about: {a.reason}") for a in actors]

    def _previous_group(self, pronoun: Tok) -> list[Actor]:
        """ "Protesters gathered outside parliament. Police dispersed *them*": an object "them"
        with no subject to stand for is the last group named before it, in its sentence or the one
        before (a plural noun that is an actor), passing over things ("went on strike over unpaid
        *wages*") and the group doing it to them ("clashed with *police*. Police dispersed them").
        Nothing when that group is people no actor names ("arrested five *men*. Officials
        released them")."""
        if pronoun.lower_ != "them" or pronoun.dep_ not in ("dobj", "pobj", "dative"):
            return []
        verb = pronoun.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
            verb = verb.head  # "arrested dozens of *them*", "fired live rounds at *them*"
        subject = clause_subject(verb)
        if pronoun.i in self._resolving or (subject is not None and subject.i in self._resolving):
            return []  # (a chain of pronouns standing for each other)
        self._resolving.add(pronoun.i)
        try:
            return self._group_before(pronoun, subject)
        finally:
            self._resolving.discard(pronoun.i)

    def _group_before(self, pronoun: Tok, subject: Tok | None) -> list[Actor]:
        # (by agent: "police in Bangladesh" and a later "Police" are the same police)
        doers = {a.agent or a.code for a in self._referent(subject, False, self.resolve)} if subject is not None else set()
        # First the words before it in its own sentence ("stripped 135 political *prisoners* of
        # their citizenship after releasing *them*"), then the sentence before.
        start = pronoun.sent.start
        before = [(t, "") for t in reversed(self.doc.tokens[start : pronoun.i])]
        if start:
            before += [(t, " in the sentence before") for t in reversed(list(self.doc[start - 1].sent))]
        for token, where in before:
            if token.tag_ not in ("NNS", "NNPS") or token.dep_ in ("compound", "amod", "poss"):
                continue
            actors = self._referent(token, False, self.resolve)
            if not actors and token.lemma_.lower() in PEOPLE_NOUNS:
                return []
            if not actors or {a.agent or a.code for a in actors} <= doers:
                continue
            return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}{where}: {a.reason}") for a in actors]
        return []

    def _named_person_before(self, pronoun: Tok, subject: Tok) -> list[Actor]:
        """The last person named by name in the pronoun's sentence before it, outside `subject`;
        else the last person the sentence before names, by name or by role ("Police arrested *an
        opposition activist*. The US demanded her release")."""
        inside = {t.i for t in subject.subtree}
        for token in reversed(self.doc.tokens[pronoun.sent.start : pronoun.i]):
            mention = self.by_token.get(token.i)
            if token.i in inside or mention is None or mention.kind != "named" or token.i != mention.end - 1:
                continue
            actors = self._referent(token, True, self.resolve)
            if actors:
                return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}, the person named before: {a.reason}") for a in actors]
        start = pronoun.sent.start
        if start == 0:
            return []
        for token in reversed(self.doc.tokens[self.doc.tokens[start - 1].sent.start : start]):
            mention = self.by_token.get(token.i)
            named = mention is not None and mention.kind == "named" and token.i == mention.end - 1
            role = token.tag_ == "NN" and token.lemma_.lower() not in INSTITUTION_NOUNS and self.finder.agent_word(token) is not None
            if (named or role) and (actors := self._referent(token, True, self.resolve)):
                return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r}, named in the sentence before: {a.reason}") for a in actors]
        return []

    def _is_state_name(self, token: Tok) -> bool:
        """A country, capital, seat of government, organisation or group named as such (not a
        person of people.yaml): no "he" or "she"."""
        mention = self.by_token.get(token.i)
        return mention is not None and (mention.kind in ("country", "capital", "seat", "organization")
                                        or (mention.kind == "named" and not mention.person))

    def _referent(self, subject: Tok, person: bool, read: Callable[[Tok], list[Actor]]) -> list[Actor]:
        """`read(subject)`, guarded against resolving the same subject again from inside (a pronoun
        chain); a person pronoun keeps only actors with a role."""
        self._resolving.add(subject.i)
        try:
            return [a for a in read(subject) if not person or a.agent]
        finally:
            self._resolving.discard(subject.i)

    def _previous_subject(self, pronoun: Tok, person: bool) -> list[Actor]:
        """ "Russia expelled two diplomats. *It* also accused Estonia…": a pronoun subject of a
        sentence's main clause stands for the main subject of the sentence before."""
        clause = pronoun.head
        if pronoun.dep_ not in ("nsubj", "nsubjpass") or not (clause.dep_ == "ROOT" or (clause.dep_ == "conj" and clause.head.dep_ == "ROOT")):
            return []
        start = pronoun.sent.start
        if start == 0:
            return []
        previous = self.doc[start - 1].sent
        root = next((t for t in previous if t.dep_ == "ROOT"), None)
        subject = own_subject(root) if root is not None else None
        if subject is None or subject.i in self._resolving:
            return []
        # a pronoun there refers further back ("They discussed security. *He* later flew…")
        actors = self._referent(subject, person, self._antecedent if subject.lower_ in PRONOUNS else self.resolve)
        return [replace(a, reason=f"'{pronoun.text}' refers to {a.text!r} in the sentence before: {a.reason}") for a in actors]

    def _mention_actors(self, token: Tok, mention: Mention) -> list[Actor]:
        """A token inside a dictionary phrase that is itself the actor: "Japan", "the Kremlin"."""
        text = self.doc[mention.start : mention.end].text
        span = list(range(mention.start, mention.end))
        if mention.kind == "organization" or (mention.kind == "named" and mention.organization):
            return [self._actor(None, mention.organization, None, text, span, token.i, f"organisation '{text}'")]
        if mention.kind in ("country", "capital", "seat", "named"):
            found = self._search_modifiers(token, own=range(mention.start, mention.end))
            if mention.kind == "named" and found.organizations:
                # The title the story gives a person says whom they act for: "UN Secretary-General
                # Kofi Annan", "Kofi Annan, the UN secretary-general" speak for the UN, whatever
                # role the dictionary knows them by.
                reason = f"named '{text}', titled by {found.reason}"
                return [self._actor(None, org, None, text, span, token.i, reason) for org in found.organizations]
            agent = mention.agent or found.agent
            if mention.kind == "named" and mention.agent == "ELI" and not found.agent:
                # a title inside the name as written: "President Mugabe" (listed whole)
                found.agent = next((a for i in span if (a := self.finder.agent_word(self.doc[i])) in STATE_OFFICES), None)
            if mention.kind == "named" and found.agent and (
                self.finder.agent_priority(found.agent) > self.finder.agent_priority(mention.agent)
                or (mention.agent == "ELI" and found.agent in STATE_OFFICES)
            ):
                # The story's title for a named person beats the dictionary's dated role: "opposition
                # leader John Mahama" acts for the opposition whatever office he held later, and
                # "French President Jacques Chirac" for the state, though he has since retired.
                agent = found.agent
                if agent in STATE_OFFICES and any(t.lower_ in FORMER_WORDS for t in token.subtree if t.i < mention.start):
                    agent = "ELI"  # "former French President Jacques Chirac"
            if mention.kind == "seat" and (others := [c for c in found.countries if c != mention.country]):
                # A seat's name with another country's name on it is that country's own body:
                # "Peru's Congress", "the Nigeria Labour Congress" (LAB).
                agent = found.agent or mention.agent
                reason = f"'{text}' of {others[0]} ({found.reason}), not {mention.country}'s"
                return [self._actor(others[0], None, agent, text, span, token.i, reason)]
            reason = f"{mention.kind} '{text}'" + (f", agent {agent} ({found.reason})" if found.agent else "")
            return [self._actor(mention.country, None, agent, text, span, token.i, reason)]
        if mention.kind == "adjective" and token.pos_ in ("NOUN", "PROPN") and token.dep_ != "amod":
            return self._people_of(token, mention, text, span)
        if mention.kind == "group" and (sides := self._domestic_sides(mention, text, span, token)):
            return sides
        if mention.kind in ("alias", "group"):
            countries = self._context_countries(mention)
            reason = f"'{text}' refers back to {', '.join(countries) or 'nothing named earlier'}"
            agent = self.finder.dictionary.groups[mention.alias].agent if mention.kind == "group" else None
            return [replace(self._actor(country, None, agent, text, span, token.i, reason), group=mention.kind == "group")
                    for country in countries]
        return []

    def _people_of(self, token: Tok, mention: Mention, text: str, span: list[int]) -> list[Actor]:
        """ "Nigerians" are people of Nigeria; but "Bosnian Serbs" and "the Albanians of southern
        Serbia" are an ethnic group living in another country (its civilians, CVL), and "ethnic
        Turks" live in a country the sentence or story must supply (`localize`)."""
        for child in token.children:
            inner = [child] if child.dep_ in ("amod", "compound") else (
                [g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" and child.lower_ in ("of", "in") else []
            )
            for node in inner:
                for member in (node, *(t for t in node.subtree if t.dep_ in ("compound", "amod") or t == node)):
                    other = self.by_token.get(member.i)
                    if other is not None and other.kind in ("adjective", "country") and other.country and other.country != mention.country:
                        reason = f"'{text}' living in {other.country} ('{member.text}')"
                        return [self._actor(other.country, None, "CVL", text, span, token.i, reason)]
        if any(child.lower_ == "ethnic" for child in token.children):
            return [self._actor(None, None, "CVL", text, span, token.i, f"ethnic '{text}', country not named")]
        for child in token.children:
            if child.dep_ in ("amod", "compound") and child.i not in self.by_token and (agent := self.finder.agent_word(child)):
                # "rebel Serbs", "militant Palestinians": people of that country in that role
                return [self._actor(mention.country, None, agent, f"{child.text} {text}", [child.i, *span], token.i,
                                    f"'{child.text}' ({agent}) people of '{text}'")]
        if _a_crowd(token, self.by_token):
            # "thousands of Nigerians", "young Algerians": people in the street, not the state.
            return [self._actor(mention.country, None, "CVL", text, span, token.i, f"people of '{text}', a crowd")]
        return [self._actor(mention.country, None, None, text, span, token.i, f"people of '{text}'")]

    def _domestic_sides(self, mention: Mention, text: str, span: list[int], token: Tok) -> list[Actor]:
        """"Both sides" after a fight within one country ("federal forces and militiamen clashed …
        the AU urged *both sides* to…"): the two actors of the story's latest conflict, when they
        are of the same country. (The sides of a conflict between states are those states.)"""
        group = self.finder.dictionary.groups[mention.alias]
        if group.refers_to or group.agent or "side" not in text.lower():
            return []
        # Sides are in conflict (roots 10-20; not "its delegation would travel to Geneva"), and not
        # the target of one-sided violence ("the RSF shelled a hospital … urged *both sides*").
        latest = next((e for e in reversed(self.coded)
                       if e.source.code != e.target.code and e.event_code[:2] >= "10" and not _one_sided(e)), None)
        if latest is None or latest.source.country is None or latest.source.country != latest.target.country:
            return []
        reason = f"'{text}': the two sides of {latest.rule_id} ({latest.source.code}, {latest.target.code})"
        return [replace(self._actor(side.country, None, side.agent, text, span, token.i, reason), group=True)
                for side in (latest.source, latest.target)]

    def _context_countries(self, mention: Mention) -> list[str]:
        """Countries a context phrase refers to, given what the document named before it."""
        earlier = self.countries_before(mention.start)
        if mention.kind == "alias":
            alias = self.finder.dictionary.resolve_alias(self.doc[mention.start : mention.end].text, earlier)
            return [alias.refers_to] if alias is not None else []
        group = self.finder.dictionary.groups[mention.alias]
        if group.refers_to:
            return list(group.refers_to)
        # "talks mediated *by Angola* … the two leaders": the third party is not one of the two
        parties = [c for c in dict.fromkeys(c for p, c, _ in reversed(self._named) if p < mention.start and not self._third_party(p))]
        if group.count != 2:  # "the three countries": the last three named
            return sorted(parties[: group.count]) if len(parties) >= group.count else []
        if len(parties) >= 2:
            # The two of the last event between two of them ("Erdogan hosted Orban … Orban said
            # Hungary opposed sanctions on Russia … *the two leaders* signed…": Turkey and
            # Hungary), else the last two named.
            for event in reversed(self.coded):
                pair = {event.source.country, event.target.country}
                if len(pair) == 2 and pair <= set(parties):
                    return sorted(pair)
            return sorted(parties[:2])
        return sorted(earlier[:2]) if len(earlier) >= 2 else []

    def _third_party(self, position: int) -> bool:
        """A name in the by-phrase of a participle on a noun: "talks *mediated by Angola*", "a
        summit hosted by Turkey" name who brings the parties together, not a party."""
        current = self.doc[position]
        for _ in range(5):
            if current.dep_ == "agent" and current.head.dep_ == "acl":
                return True
            if current.head == current:
                return False
            current = current.head
        return False

    def _agent_at(self, token: Tok) -> str | None:
        mention = self.by_token.get(token.i)
        if mention is not None and mention.kind == "agent":
            return mention.agent
        if token.lower_ in BARE_CROWDS and token.pos_ == "NOUN" and all(
                o.lower_ in CROWD_WORDS for p in token.children if p.lower_ == "of" for o in p.children):
            # "*Thousands* marched in Tel Aviv", "*tens* of thousands rallied": people, as "thousands
            # of people" are (not "thousands *of soldiers*": those are the soldiers)
            return "CVL"
        return self.finder.agent_word(token)

    def _search_modifiers(self, head: Tok, max_depth: int = 3, located: bool = False, own: range = range(0)) -> _Found:
        """Breadth-first through the head's modifiers for countries, organisations and an agent.

        `located`: the head is an agent, so "in X" tells whose it is ("opposition groups in Chile").
        `own`: the positions of the head's own phrase (a name's first names), passed through.
        """
        found = _Found()
        frontier = [(child, 1) for child in _modifiers(head, located)]
        while frontier:
            token, depth = frontier.pop(0)
            if token.i in own:
                frontier += [(child, depth) for child in _modifiers(token)]
                continue
            if self._collect(token, found):
                # The nearest modifier naming an actor decides: "Russia's invasion of Ukraine" is
                # Russia's, not also Ukraine's. Its siblings may still name the agent:
                # "Pakistani opposition supporters".
                for sibling, _ in frontier:
                    if sibling.dep_ in SIBLING_AGENT_DEPS:  # not "Egypt's treatment *of prisoners*"
                        self._collect_agent(sibling, found)
                break
            if depth < max_depth:
                frontier += [(child, depth + 1) for child in _modifiers(token)]
        return found

    def _collect_agent(self, token: Tok, found: _Found) -> None:
        mention = self.by_token.get(token.i)
        agent = mention.agent if mention is not None and mention.kind == "agent" else self.finder.agent_word(token)
        if agent:
            found.agent = self._stronger(found.agent, agent)
            found.tokens.add(token.i)

    def _collect(self, token: Tok, found: _Found) -> bool:
        """Record what a modifier token contributes; True when it named an actor (stop there)."""
        if token.lower_ in PERSON_POSSESSIVES and any(
            (m := self.by_token.get(c.i)) is not None and m.country for c in token.head.children if c is not token
        ):
            return False  # "his *Ethiopian* counterpart": the nationality says whose
        if token.dep_ == "poss" and token.lower_ in POSSESSIVE_PRONOUNS:
            # "Pakistan urged *its* citizens": the owner is what the pronoun refers to ("Hamas
            # rejected *his* remarks": the person named before).
            antecedents = [a for a in self._antecedent(token) if a.country and not a.code.startswith(ORGANIZATION_PREFIXES)]
            countries = [a.country for a in antecedents]
            found.countries += [c for c in countries if c not in found.countries]
            if token.lower_ in PERSON_POSSESSIVES and len(antecedents) == 1 and token.head.lemma_.lower() not in INSTITUTION_NOUNS:
                found.agent = self._stronger(found.agent, antecedents[0].agent)  # "his remarks": the minister's
            if countries:
                found.reasons.append(f"'{token.text}' = {', '.join(countries)}")
            return bool(countries)
        if token.dep_ == "poss" and token.lower_ in STATE_NOUNS and any(c.lower_ == "the" for c in token.children):
            # "Protests continued in Kenya. *The country's* president…": the country named last
            country = self._last_country(token.i, STATE_NOUN_COUNTRIES.get(token.lemma_.lower()))
            if country is not None:
                found.countries.append(country)
                found.reasons.append(f"'the {token.text}' = {country}, the country named last")
            return country is not None
        mention = self.by_token.get(token.i)
        if mention is not None and mention.kind == "agent":
            found.agent = self._stronger(found.agent, mention.agent)
            found.tokens.add(token.i)
            return False
        if mention is not None and mention.kind == "not_actor":
            return True
        if mention is not None:
            actors = self._mention_actors(token, mention) or (
                [self._actor(mention.country, None, mention.agent, "", [], token.i, "")] if mention.country else []
            )
            if token.dep_ in ("amod", "compound", "nmod", "pobj"):
                # "French and Egyptian warships", "officials from Armenia and Azerbaijan": every
                # coordinated modifier names an actor.
                for c in _coordinated(token):
                    m = self.by_token.get(c.i)
                    if m is not None and m.kind in ("adjective", "country") and m.country:
                        actors.append(self._actor(m.country, None, None, "", [], c.i, ""))
                    elif m is not None and m.kind == "named" and c.i == m.end - 1:
                        found.whole += self._mention_actors(c, m)  # "Israeli and *Hamas* negotiators": as named
            for actor in actors:
                if actor.country and actor.country not in found.countries and not actor.code.startswith(ORGANIZATION_PREFIXES):
                    found.countries.append(actor.country)
                elif actor.code.startswith(ORGANIZATION_PREFIXES) and actor.code not in found.organizations:
                    found.organizations.append(actor.code)
                found.agent = self._stronger(found.agent, actor.agent)
            found.tokens.update(range(mention.start, mention.end))
            found.reasons.append(f"{mention.kind} '{self.doc[mention.start:mention.end].text}'")
            return bool(actors)
        agent = self.finder.agent_word(token)
        if agent:
            found.agent = self._stronger(found.agent, agent)
            found.tokens.add(token.i)
        return False

    def _stronger(self, first: str | None, second: str | None) -> str | None:
        """Of two agents in one mention the higher priority wins; on a tie, the first (the head's)."""
        return second if self.finder.agent_priority(second) > self.finder.agent_priority(first) else first

    def _actor(
        self, country: str | None, organization: str | None, agent: str | None,
        text: str, tokens: Iterable[int], head: int, reason: str,
    ) -> Actor:
        indices = sorted(tokens) or [head]
        code = (organization or country or "") + (agent or "" if not organization else "")
        return Actor(
            code=code, country=country, agent=agent if not organization else None, text=text,
            start=indices[0], end=indices[-1] + 1, head=head, reason=reason,
        )


class _Found:
    """Accumulator for a modifier search."""

    def __init__(self) -> None:
        self.countries: list[str] = []
        self.organizations: list[str] = []
        self.agent: str | None = None
        self.tokens: set[int] = set()
        self.reasons: list[str] = []
        self.whole: list[Actor] = []  # named actors coordinated with a modifier, kept as named

    @property
    def reason(self) -> str:
        return "via " + ", ".join(self.reasons) if self.reasons else "no modifier named a country"


# Soldiers named again as "the soldiers" or "the troops": "Israeli troops … fired on *the soldiers*".
TROOP_NOUNS = frozenset({"soldier", "troop", "troops", "trooper", "paratrooper", "marine"})
# Armed men named again: "accused Kyiv of backing *Malian* rebels … Kyiv provided *the rebels*…".
ARMED_NOUNS = frozenset({"rebel", "militant", "insurgent", "separatist", "jihadist", "gunman", "fighter", "attacker"})
# People sent by someone, who stay theirs when named again: "the UN envoy … the envoy".
ENVOY_NOUNS = frozenset({"envoy", "ambassador", "emissary", "mediator", "negotiator", "delegation", "delegate",
                         "spokesman", "spokeswoman", "spokesperson", "representative", "inspector", "monitor",
                         "observer", "investigator", "mission", "peacekeeper"})
FOREIGN_WORDS = frozenset({"foreign", "overseas"})
# "the group", "the movement": the named group a story is about, named again.
GROUP_NOUNS = frozenset({"group", "movement", "organisation", "organization", "faction"})
# Offices for dealing with other countries: "the foreign minister" is the story's own.
OWN_FOREIGN_OFFICES = frozenset({"minister", "ministry", "secretary", "office", "service", "affairs", "intelligence",
                                 "correspondent", "policy"})
# "the country's president", "the island's leader": a state named by what it is (singular: "the two
# countries'" is `context.yaml`'s).
STATE_NOUNS = frozenset({"country", "nation", "island", "kingdom", "republic", "emirate"})
# The states a state noun can stand for, where it is not any: "the kingdom" is a monarchy
# ("Saudi Arabia hosted talks on Sudan. The *kingdom's* foreign ministry…" is Saudi).
STATE_NOUN_COUNTRIES = {
    "kingdom": frozenset({"SAU", "JOR", "MAR", "BHR", "GBR", "ESP", "NLD", "BEL", "DNK", "NOR", "SWE", "THA", "KHM",
                          "BTN", "SWZ", "LSO", "TON"}),
    "emirate": frozenset({"ARE", "QAT", "KWT"}),
}
# People who back someone: not that someone's office ("supporters of the president" are CVL).
SUPPORTER_NOUNS = frozenset({"supporter", "follower", "loyalist", "backer", "partisan", "sympathizer", "sympathiser"})
# Offices of the state a title can give a person the dictionary knows as a former official (ELI).
STATE_OFFICES = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})
FORMER_WORDS = frozenset({"former", "ex", "ex-", "retired", "erstwhile", "onetime", "one-time", "ousted", "deposed",
                          "toppled", "overthrown", "exiled"})
OPPONENT_NOUNS = frozenset({"opponent", "critic"})
RIVAL_NOUNS = frozenset({"rival", "challenger"})  # in opposition only to a leader or an office
SUPPORTERS_OF = {"GOV": "CVL", "MIL": "CVL", "COP": "CVL", "LEG": "CVL", "JUD": "CVL", "SPY": "CVL", "ELI": "OPP"}
# Nouns whose agent adjective says who: a body of people ("a militant group"), an attack by them
# ("a jihadist assault", "militant attacks"), one of their roles ("a separatist leader", "a rebel
# commander"), their places ("militant positions") or their vehicles ("a military convoy").
GROUP_HEADS = frozenset({"group", "organization", "organisation", "movement", "faction", "outfit", "network",
                         "cell", "wing", "force", "attack", "assault", "raid", "offensive", "ambush", "insurgency",
                         "leader", "commander", "chief", "spokesman", "spokeswoman", "spokesperson", "official",
                         "member", "figure", "boss", "representative", "negotiator", "delegate", "delegation",
                         "camp", "base", "position", "stronghold", "hideout",
                         # what armed men move in or hold: "a military convoy", "a military checkpoint"
                         "convoy", "patrol", "unit", "checkpoint", "outpost", "installation", "barracks",
                         "vehicle", "helicopter", "plane", "vessel", "ship",
                         # people known by what they do: "a *dissident* artist", "an *opposition* politician"
                         "artist", "writer", "poet", "blogger", "cleric", "politician", "lawyer", "academic"})
# Counts that alone stand for people: "*thousands* marched".
BARE_CROWDS = frozenset({"thousands", "hundreds", "dozens", "scores", "tens", "millions"})
CROWD_WORDS = frozenset({"thousand", "thousands", "hundred", "hundreds", "million", "millions", "dozen", "dozens",
                         "crowd", "group", "groups", "scores"})


def _the_one_before(token: Tok, named: dict[str, Actor], what: str) -> list[Actor]:
    """The one actor a definite noun ("the envoy", "the group") names again, at the noun; none
    when the story named several."""
    if len(named) != 1:
        return []
    actor = next(iter(named.values()))
    return [replace(actor, text=token.text, start=token.i, end=token.i + 1, head=token.i,
                    reason=f"'the {token.text}': {what} named before ({actor.text}, {actor.code})")]


def _sides(party: Tok) -> bool:
    if any(dep in ("det", "amod", "predet") and kid.lower_ in SIDE_WORDS for dep, kid in party.kids):
        return True
    # "parties *to the conflict*" (the parser may hang "to" on the verb)
    after = party.doc.tokens[party.i + 1 : party.i + 4]
    return len(after) == 3 and after[0].lower_ == "to" and any(t.lemma_.lower() in SIDED_THINGS for t in after[1:])


def _singular(noun: Tok) -> bool:
    """A singular common noun alone, which "they" and "them" do not stand for ("the government",
    not "the government and the army", nor "police")."""
    return noun.tag_ == "NN" and not any(dep == "conj" for dep, _ in noun.kids) and noun.lemma_.lower() not in COLLECTIVE_NOUNS


def _represented(proxy: Tok) -> Tok | None:
    """The sides a proxy noun's of/from-phrase names, when it names several ("delegations *of
    Serbia and Kosovo*", "envoys *from Washington and Tehran*"); one side keeps the proxy's own
    reading ("representatives of the army")."""
    for dep, prep in proxy.kids:
        if dep == "prep" and prep.lower_ in ("of", "from"):
            side = next((o for d, o in prep.kids if d == "pobj"), None)
            return side if side is not None and side.conjuncts else None
    return None


def _according_to(clause: Tok) -> Tok | None:
    """The source a clause is attributed to: "*according to the ministry*, …"."""
    for dep, word in clause.kids:
        if dep == "prep" and word.lower_ == "according":
            return next((o for d, to in word.kids if d == "prep" and to.lower_ == "to" for dd, o in to.kids if dd == "pobj"), None)
    return None


def _patron(associate: Tok) -> Tok | None:
    """The one an associate noun serves: the object of its "to" or "of" ("an aide *to* X"), also
    where the parser hangs that phrase on the verb right after the noun ("arrested an aide [to
    Machado]")."""
    for dep, prep in associate.kids:
        if dep == "prep" and prep.lower_ in ("to", "of"):
            return next((o for d, o in prep.kids if d == "pobj"), None)
    if associate.dep_ == "dobj":
        end = max(t.i for t in associate.subtree)
        for dep, prep in associate.head.kids:
            if dep == "prep" and prep.lower_ in ("to", "of") and prep.i == end + 1:
                return next((o for d, o in prep.kids if d == "pobj"), None)
    return None


def _counted_pronoun(head: Tok) -> Tok | None:
    """The pronoun a counting word counts: "dozens *of them*"."""
    for dep, prep in head.kids:
        if dep == "prep" and prep.lower_ == "of":
            return next((o for d, o in prep.kids if d == "pobj" and o.lower_ in PRONOUNS), None)
    return None


def _own_clauses(pronoun: Tok) -> set[Tok]:
    """For an object pronoun, its verb and the verbs whose subject that verb's infinitive takes
    ("used tear gas *to disperse* them": disperse, used) or that it shares as a conjunct or as a
    participle with no subject of its own ("arrested activists, *accusing* them…"); also for
    the object of a preposition on a verb or on its object ("fired live rounds *at them*",
    "arrested dozens *of them*")."""
    if pronoun.dep_ == "pobj" and pronoun.head.dep_ == "prep":
        verb = pronoun.head.head
        while verb.dep_ in ("dobj", "pobj", "prep") and verb.pos_ not in ("VERB", "AUX"):
            verb = verb.head  # "arrested dozens *of them*"
        if verb.pos_ not in ("VERB", "AUX"):
            return set()
    elif pronoun.dep_ in ("dobj", "dative"):
        verb = pronoun.head
    else:
        return set()
    local = set()
    while True:
        local.add(verb)
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and own_subject(verb) is None:
            verb = verb.head  # "police arrested three journalists and released *them*": one doer
            continue
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and own_subject(verb) is None:
            verb = verb.head  # "police arrested 78 activists, *accusing* them of…": the police accuse
            continue
        if verb.dep_ not in ("xcomp", "advcl") or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return local
        verb = verb.head


def _coordinated(token: Tok) -> tuple[Tok, ...]:
    """The modifiers coordinated with this one; also when the parser hung the second beside the
    first instead of under it: "*Thai* and *Cambodian* commanders" (Thai has the "and")."""
    conjuncts = token.conjuncts
    if conjuncts or not any(dep == "cc" for dep, _ in token.kids):
        return conjuncts
    return tuple(c for c in token.head.children if c.i > token.i and c.dep_ in ("amod", "compound", "nmod"))


def _a_crowd(token: Tok, mentions: dict[int, Mention]) -> bool:
    """Counted or described people: "1,000 Nigerians", "thousands of Nigerians", "young Algerians"."""
    if any(c.dep_ in ("nummod", "quantmod") or (c.dep_ in ("amod", "compound") and c.is_alpha and c.i not in mentions) for c in token.children):
        return True
    return token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in CROWD_WORDS


def _running_forms(nlp: Language, name: str) -> list[Doc]:
    """The name tokenised as in running text, and again at the end of a sentence when the full
    stop changes the tokens: spaCy keeps a final single letter's stop ("ISIS-K." -> "K.")."""
    forms = [nlp.make_doc(name)]
    closing = nlp.make_doc(f"{name}.")
    if closing[-1].text != ".":
        forms.append(closing)
    return forms


def _cased_like(span: Segment, written: Doc) -> bool:
    """Whether each word of the text is capitalised where the name as written has a capital
    (the case rule of FORMAT.md): "Islamic State" does not match "islamic state"."""
    phrase = written.text
    return all(
        case_rule(phrase, word.text) != "capitalized" or token.text[:1].isupper()
        for token, word in zip(span, written)
    )


def _inside_longer_name(doc: Parsed, start: int) -> bool:
    """A capital's name ending a longer place name: "Mocimboa da *Praia*" is not Cape Verde's."""
    return start >= 2 and doc[start - 1].text in _NAME_PARTICLES and doc[start - 2].text[:1].isupper()


def _one_sided(event: Event) -> bool:
    """Violence against people or places that do not fight back (`FIGHTING_AGENTS`), or a measure
    on the source's own people that the text does not name ("imposed a curfew on the city": the
    engine's own-side target stands on the source's own words)."""
    if event.target.head == event.source.head:
        return True
    return event.event_code[:2] in VIOLENT_ROOTS and event.target.agent not in FIGHTING_AGENTS


def _after_stance_prefix(doc: Parsed, start: int) -> bool:
    """A name after "pro-" or "anti-": "pro-Palestinian protesters" are for Palestine, not from it."""
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in STANCE_PREFIXES


# Prefixes that make a name an attitude towards it: "pro-Kremlin", "anti-American".
STANCE_PREFIXES = frozenset({"pro", "anti"})
_NAME_PARTICLES = frozenset({"da", "de", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "el", "al"})


def _capitalised(span, lower_words: frozenset[str] = frozenset()) -> bool:
    """Every word of a name written with a capital, except short function words ("the", "of") and
    words the dictionary writes in lower case ("UN refugee agency")."""
    return all(t.text[:1].isupper() or not t.is_alpha or t.lower_ in _FUNCTION_WORDS or t.lower_ in lower_words for t in span)


_FUNCTION_WORDS = frozenset({"the", "of", "and", "for", "de", "du", "da", "la", "le", "el", "al", "on", "in", "d'"})


def _with_country(actor: Actor, country: str, origin: str) -> Actor:
    return Actor(
        code=country + (actor.agent or ""), country=country, agent=actor.agent, text=actor.text,
        start=actor.start, end=actor.end, head=actor.head,
        reason=f"{actor.reason}; country {country} from {origin}",
    )


def _modifiers(token: Tok, located: bool = False) -> Iterator[Tok]:
    """Children that modify a noun phrase, with `of/from/for` objects seen through the preposition.
    After an act of violence "of" names the victim, not the owner: "the killing *of protesters*"."""
    preps = OWNER_PREPS | {"in"} if located else OWNER_PREPS
    if token.lemma_.lower() in VICTIM_NOUNS:
        preps = preps - {"of"}
    if token.lemma_.lower() in DEPARTURE_NOUNS:
        preps = preps - {"from"}
    if token.dep_ == "pobj" and token.head.lower_ == "of":
        preps = preps - {"by"}  # "the seizure of [a tanker *by Iranian forces*]": the act's doer
    for dep, child in kids(token):
        if dep in MODIFIER_DEPS:
            yield child
        elif dep == "prep" and child.lower_ in preps:
            yield from (grandchild for d, grandchild in kids(child) if d == "pobj")
