"""Protects the built-in dictionary of named actors (data/actors/named.yaml) and its loader.

Armed groups, movements, parties and a few state bodies must resolve to their CAMEO code on the
story date, through the whole engine: Hamas is PSEREB, the Taliban AFGREB before 15 August 2021
and AFGGOV after, al-Qaeda the transnational IMGMUSALQ with no country. Short capital
abbreviations keep FORMAT.md's case rule ("IS" is never the verb "is"). A researcher who breaks
named.yaml must get an error naming the file and the line; the dictionary version must cover the
file; and PETRARCH names merged on top must not displace the built-in reading.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipelines.coder.actors import ActorFinder
from pipelines.coder.actors_data import (
    DEFAULT_DIRECTORY,
    FILE_NAMES,
    NAMED_FILE,
    ActorDictionary,
    DatedCode,
    NamedActor,
    builtin_phrases,
    load_actor_dictionary,
    merge,
    phrase_key,
)
from pipelines.coder.engine import EventCoder
from pipelines.coder.errors import DictionaryError

BEFORE_KABUL = dt.date(2019, 3, 1)
AFTER_KABUL = dt.date(2023, 3, 1)


@pytest.fixture(scope="module")
def shipped() -> ActorDictionary:
    return load_actor_dictionary()


def named(dictionary: ActorDictionary, name: str) -> NamedActor:
    """The named actor that lists `name` (compared as the loader compares phrases)."""
    key = phrase_key(name)
    return next(person for person in dictionary.people if key in {phrase_key(n) for n in person.names})


# --- the shipped file --------------------------------------------------------------------------


def test_named_file_loads_as_built_in_people(shipped: ActorDictionary) -> None:
    assert NAMED_FILE in shipped.files
    assert len(shipped.people) >= 100
    assert all(person.text_case and person.codes for person in shipped.people)


@pytest.mark.parametrize(
    ("name", "day", "code"),
    [
        ("Hamas", dt.date(2023, 10, 7), "PSEREB"),
        ("Hamas", dt.date(2006, 9, 1), "PSEGOV"),  # the Haniyeh cabinet
        ("Taliban", BEFORE_KABUL, "AFGREB"),
        ("Taliban", AFTER_KABUL, "AFGGOV"),
        ("Taliban", dt.date(1999, 1, 1), "AFGGOV"),
        ("Taliban", dt.date(2021, 8, 14), "AFGREB"),  # an end date is exclusive
        ("Taliban", dt.date(2021, 8, 15), "AFGGOV"),
        ("Taliban", None, "AFGGOV"),  # without a date: the current role
        ("Hezbollah", AFTER_KABUL, "LBNREB"),
        ("Houthis", AFTER_KABUL, "YEMREB"),
        ("Ansar Allah", AFTER_KABUL, "YEMREB"),
        ("Rapid Support Forces", dt.date(2020, 1, 1), "SDNMIL"),
        ("Rapid Support Forces", dt.date(2024, 1, 1), "SDNREB"),
        ("Hayat Tahrir al-Sham", dt.date(2020, 1, 1), "SYRREB"),
        ("HTS", dt.date(2025, 1, 1), "SYRGOV"),
        ("al-Qaeda", AFTER_KABUL, "IMGMUSALQ"),
        ("ISIL", AFTER_KABUL, "IMGMUSISI"),
        ("Daesh", AFTER_KABUL, "IMGMUSISI"),
        ("Boko Haram", AFTER_KABUL, "NGAREB"),
        ("al-Shabaab", AFTER_KABUL, "SOMREB"),
        ("PKK", AFTER_KABUL, "TURREB"),
        ("FARC", AFTER_KABUL, "COLREB"),
        ("ELN", AFTER_KABUL, "COLREB"),
        ("M23", AFTER_KABUL, "CODREB"),
        ("Wagner Group", AFTER_KABUL, "RUSMIL"),
        ("Muslim Brotherhood", dt.date(2013, 1, 1), "EGYGOV"),
        ("Muslim Brotherhood", dt.date(2015, 1, 1), "EGYOPP"),
        ("Fatah", AFTER_KABUL, "PSEGOV"),
        ("Quds Force", AFTER_KABUL, "IRNMIL"),
        ("Pakistani Taliban", AFTER_KABUL, "PAKREB"),
    ],
)
def test_codes_on_a_story_date(shipped: ActorDictionary, name: str, day: dt.date | None, code: str) -> None:
    assert named(shipped, name if name != "Houthis" else "Houthi").code_on(day) == code


def test_party_not_yet_founded_is_not_coded(shipped: ActorDictionary) -> None:
    # Before its first researched period a party has no code: better none than a guessed one.
    assert named(shipped, "National Unity Government").code_on(dt.date(2016, 1, 1)) is None


def test_seats_stay_seats(shipped: ActorDictionary) -> None:
    """State bodies already in countries.yaml are not repeated (one meaning per phrase)."""
    seats = {phrase_key(phrase) for country in shipped.countries for phrase, _ in country.seats}
    for phrase in ("IRGC", "Revolutionary Guards", "Tatmadaw", "PLO", "Palestinian Authority", "Kremlin"):
        assert phrase_key(phrase) in seats
        assert not any(phrase_key(phrase) in {phrase_key(n) for n in p.names} for p in shipped.people)


def test_every_named_code_is_a_country_and_agent_or_transnational(shipped: ActorDictionary) -> None:
    countries = {country.code for country in shipped.countries}
    agents = {agent.code for agent in shipped.agents}
    # people.yaml also gives heads of international organisations their organisation's code.
    organizations = {organization.code for organization in shipped.organizations}
    for person in shipped.people:
        for dated in person.codes:
            prefix, rest = dated.code[:3], dated.code[3:]
            assert (
                prefix == "IMG" or dated.code in organizations or (prefix in countries and (not rest or rest in agents))
            ), dated.code


# --- through the engine ------------------------------------------------------------------------


def coded(coder: EventCoder, text: str, day: dt.date | None) -> set[tuple[str, str, str]]:
    return {(event.source.code, event.target.code, event.event_code[:2]) for event in coder.code_text(text, day)}


def test_armed_group_as_source(coder: EventCoder) -> None:
    events = coded(coder, "Hamas fighters fired rockets at Israel on Tuesday.", dt.date(2024, 2, 6))
    assert {(source, target) for source, target, _ in events} == {("PSEREB", "ISR")}


def test_the_story_date_picks_the_taliban_role(coder: EventCoder) -> None:
    text = "The Taliban sharply criticized Pakistan."
    assert {source for source, _, _ in coded(coder, text, BEFORE_KABUL)} == {"AFGREB"}
    assert {source for source, _, _ in coded(coder, text, AFTER_KABUL)} == {"AFGGOV"}


def test_transnational_group_keeps_its_code_and_has_no_country(coder: EventCoder) -> None:
    events = coder.code_text("Islamic State militants attacked Nigerian soldiers.", dt.date(2016, 4, 2))
    assert [(e.source.code, e.source.country, e.target.code) for e in events] == [("IMGMUSISI", None, "NGAMIL")]


def test_transnational_group_gives_no_country_to_an_agent(coder: EventCoder) -> None:
    # "the government" cannot be al-Qaeda's: IMG is not a country, so nothing is coded.
    assert coded(coder, "Al-Qaeda militants denounced the government.", dt.date(2012, 1, 1)) == set()


def test_country_named_group_as_target(coder: EventCoder) -> None:
    events = coded(coder, "Colombia's government resumed peace talks with the ELN.", dt.date(2023, 1, 1))
    assert {(source, target) for source, target, _ in events} == {("COLGOV", "COLREB")}


@pytest.fixture(scope="module")
def finder(coder: EventCoder) -> ActorFinder:
    return coder.finder


def tagged(coder: EventCoder, finder: ActorFinder, text: str) -> list[tuple[str, str]]:
    """(words, code) of every named mention in the text, on a 2024 story date."""
    doc = coder.nlp(text)
    mentions = finder.tag(doc, dt.date(2024, 1, 1)).mentions()
    return [
        (doc[m.start : m.end].text, m.organization or f"{m.country}{m.agent or ''}")
        for m in mentions
        if m.kind == "named"
    ]


def test_short_abbreviations_match_only_in_capitals(coder: EventCoder, finder: ActorFinder) -> None:
    assert tagged(coder, finder, "Is it true that the army is ready?") == []
    assert tagged(coder, finder, "IS fighters fled as the eln waited.") == [("IS", "IMGMUSISI")]


def test_capitalised_names_need_capitals(coder: EventCoder, finder: ActorFinder) -> None:
    assert tagged(coder, finder, "a sermon on the islamic state of grace") == []
    assert tagged(coder, finder, "HAMAS and Hamas") == [("HAMAS", "PSEREB"), ("Hamas", "PSEREB")]


def test_longest_name_and_plurals(coder: EventCoder, finder: ActorFinder) -> None:
    assert tagged(coder, finder, "The Pakistani Taliban and the Houthis clashed with ISIS-K.") == [
        ("Pakistani Taliban", "PAKREB"),
        ("Houthis", "YEMREB"),
        ("ISIS-K.", "AFGREB"),  # spaCy keeps the full stop on a final single letter
    ]
    assert tagged(coder, finder, "ISIS-K claimed it.") == [("ISIS-K", "AFGREB")]


def test_built_in_name_beats_an_imported_one(coder: EventCoder, shipped: ActorDictionary) -> None:
    imported = ActorDictionary(
        countries=(), agents=(), organizations=(), aliases=(), groups=(), version="0" * 12, files=("x.txt",),
        people=(NamedActor(("HAMAS",), (DatedCode("GRCGOV"),)),),
    )
    merged = merge(shipped, imported, "add")
    assert merged.people[: len(shipped.people)] == shipped.people
    assert phrase_key("Hamas") in builtin_phrases(shipped)
    assert tagged(coder, ActorFinder(coder.nlp, merged), "Hamas said so.") == [("Hamas", "PSEREB")]


# --- malformed files ---------------------------------------------------------------------------


def copy_dictionary(directory: Path, named_text: str | None) -> Path:
    """The shipped dictionary with named.yaml replaced (None: left out)."""
    for name in FILE_NAMES:
        if name != NAMED_FILE:
            shutil.copy(DEFAULT_DIRECTORY / name, directory / name)
    if named_text is not None:
        (directory / NAMED_FILE).write_text(named_text, encoding="utf-8")
    return directory


def test_named_file_is_optional(tmp_path: Path, shipped: ActorDictionary) -> None:
    without = load_actor_dictionary(copy_dictionary(tmp_path, None))
    assert NAMED_FILE not in without.files
    # Only people.yaml's leaders remain: none of named.yaml's actors.
    assert not any(phrase_key("Hamas") in {phrase_key(n) for n in p.names} for p in without.people)
    assert without.people and without.people == shipped.people[len(shipped.people) - len(without.people) :]
    assert without.version != shipped.version


def test_version_covers_the_named_file(tmp_path: Path, shipped: ActorDictionary) -> None:
    text = (DEFAULT_DIRECTORY / NAMED_FILE).read_text(encoding="utf-8")
    assert load_actor_dictionary(copy_dictionary(tmp_path, text)).version == shipped.version
    edited = load_actor_dictionary(copy_dictionary(tmp_path, text + "# a comment\n"))
    assert edited.version != shipped.version


GOOD = "named:\n  - names: [Blue Lantern Front]\n    code: GRCREB\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("named:\n  - names: [Blue Lantern Front]\n    code: GRCREB\n    cod: GRC\n", 4, "unknown key 'cod'"),
        ("named:\n  - names: [Blue Lantern Front]\n    code: GRCreb\n", 3, "'GRCreb' does not match"),
        ("named:\n  - names: [Blue Lantern Front]\n    code: GRCXYZ\n", 3, "XYZ is not an agent code"),
        ("named:\n  - names: [Blue Lantern Front]\n    code: GRCREBMIL\n", 3, "REBMIL is not an agent code"),
        ("named:\n  - names: [Blue Lantern Front]\n    code: QQQREB\n", 3, "QQQ, which is neither a country"),
        ("named:\n  - names: [Blue Lantern Front]\n", 2, "exactly one of 'code' and 'codes'"),
        ("named:\n  - names: []\n    code: GRCREB\n", 2, "has no names"),
        ("named:\n  - names: [Blue Lantern Front, 1984]\n    code: GRCREB\n", 2, "must be text"),
        (
            "named:\n  - names: [Blue Lantern Front]\n    codes:\n      - {code: GRCREB, end: 2021-02-30}\n",
            4, "not a real date",
        ),
        (
            "named:\n  - names: [Blue Lantern Front]\n    codes:\n      - {code: GRCREB, end: 21-02-03}\n",
            4, "not a date written YYYY-MM-DD",
        ),
        (
            "named:\n  - names: [Blue Lantern Front]\n    codes:\n"
            "      - {code: GRCREB, start: 2021-02-03, end: 2020-01-01}\n",
            4, "is not after start",
        ),
        (
            "named:\n  - names: [Blue Lantern Front]\n    codes:\n"
            "      - {code: GRCREB, end: 2021-01-01}\n      - {code: GRCGOV, start: 2020-06-01}\n",
            5, "overlap those of GRCREB (line 4)",
        ),
        (
            "named:\n  - names: [Blue Lantern Front]\n    codes:\n      - {code: GRCREB}\n      - {code: GRCGOV}\n",
            5, "a second code without dates",
        ),
        ("named:\n  - names: [Blue Lantern Front]\n    codes: []\n", 3, "codes is empty"),
        (GOOD + "  - names: [Sea Wolves,\n      blue lantern front]\n    code: GRCOPP\n", 5, "line 2"),
    ],
    ids=[
        "unknown-key", "lowercase-code", "unknown-agent", "two-agents", "unknown-country", "no-code",
        "no-names", "number-as-name", "impossible-date", "short-date", "end-before-start", "overlap",
        "two-undated", "empty-codes", "name-twice",
    ],
)
def test_malformed_named_file(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(DictionaryError) as caught:
        load_actor_dictionary(copy_dictionary(tmp_path, text))
    error = caught.value
    assert (error.path, error.line) == (str(tmp_path / NAMED_FILE), line)
    assert words in error.message
    assert str(error).startswith(f"{tmp_path / NAMED_FILE}:{line}: ")


def test_name_that_is_a_country_phrase_names_both_files(tmp_path: Path) -> None:
    text = GOOD + "  - names: [Fighters of Kabul, Pentagon]\n    code: USAMIL\n"
    with pytest.raises(DictionaryError) as caught:
        load_actor_dictionary(copy_dictionary(tmp_path, text))
    error = caught.value
    assert (Path(error.path).name, error.line) == (NAMED_FILE, 4)
    assert "'Pentagon'" in error.message and "countries.yaml:" in error.message


def test_valid_entry_loads(tmp_path: Path) -> None:
    text = GOOD + (
        "  - names: [Sea Wolves]\n    codes:\n      - {code: GRCREB, end: 2001-01-01}\n"
        "      - {code: GRCGOV, start: '2001-01-01'}\n    note: A made-up group.\n"
    )
    people = load_actor_dictionary(copy_dictionary(tmp_path, text)).people
    assert people[0] == NamedActor(("Blue Lantern Front",), (DatedCode("GRCREB"),), text_case=True)
    assert people[1].code_on(dt.date(2000, 12, 31)) == "GRCREB"
    assert people[1].code_on(dt.date(2001, 1, 1)) == "GRCGOV"


def test_armed_groups_of_the_cameo_era_are_coded_by_date(code) -> None:
    assert any(s == "LKAREB" for s, _, _ in code("The Tamil Tigers attacked Sri Lankan government troops near Jaffna.", dt.date(1996, 7, 18)))
    assert any(s == "KHMGOV" for s, _, _ in code("The Khmer Rouge expelled Vietnamese residents.", dt.date(1977, 5, 1)))
    assert any(s == "KHMREB" for s, _, _ in code("The Khmer Rouge attacked Vietnamese troops.", dt.date(1985, 5, 1)))
