"""Protects the dictionary of political leaders (data/actors/people.yaml) and its loading.

A leader named in a story must code as their country's government while in office, as a former
office holder (ELI) after it, and not at all before a role the file gives: "Hosni Mubarak" is
EGYGOV in 1998 and EGYELI in 2015. Titles with a surname ("President Mugabe", "Chancellor Kohl")
code too; surnames left out because they are common or shared ("Assad", "Sharif", "Khan") must
not match, and names follow FORMAT.md's case rule. Heads of international organisations code as
the organisation while in office. people.yaml is optional: a researcher's folder with only the
four required files still loads, and a broken people.yaml gets an error naming its line.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipelines.coder.actors import ActorFinder
from pipelines.coder.actors_data import (
    DEFAULT_DIRECTORY,
    DISCARDS_FILE,
    NAMED_FILE,
    PEOPLE_FILE,
    REQUIRED_FILES,
    ActorDictionary,
    NamedActor,
    load_actor_dictionary,
    phrase_key,
)
from pipelines.coder.engine import EventCoder
from pipelines.coder.errors import DictionaryError

D = dt.date


@pytest.fixture(scope="module")
def shipped() -> ActorDictionary:
    return load_actor_dictionary()


def person(dictionary: ActorDictionary, name: str) -> NamedActor:
    key = phrase_key(name)
    return next(p for p in dictionary.people if key in {phrase_key(n) for n in p.names})


def pairs(coder: EventCoder, text: str, day: dt.date | None) -> set[tuple[str, str]]:
    return {(event.source.code, event.target.code) for event in coder.code_text(text, day)}


def named_mentions(
    coder: EventCoder, text: str, day: dt.date | None, finder: ActorFinder | None = None
) -> list[tuple[str, str]]:
    """(words, code) of every named-actor mention in the text on the story date."""
    doc = coder.nlp(text)
    mentions = (finder or coder.finder).tag(doc, day).mentions()
    return [
        (doc[m.start : m.end].text, m.organization or f"{m.country}{m.agent or ''}")
        for m in mentions
        if m.kind == "named"
    ]


# --- the shipped file --------------------------------------------------------------------------


def test_people_file_loads_after_named(shipped: ActorDictionary) -> None:
    assert PEOPLE_FILE in shipped.files and NAMED_FILE in shipped.files
    assert len(shipped.people) >= 100 + 600  # named.yaml's groups, then people.yaml's leaders
    assert shipped.people.index(person(shipped, "Hamas")) < shipped.people.index(person(shipped, "Jimmy Carter"))
    assert all(actor.text_case and actor.codes for actor in shipped.people)


def test_every_code_is_a_country_and_agent_an_organisation_or_transnational(shipped: ActorDictionary) -> None:
    countries = {country.code for country in shipped.countries}
    agents = {agent.code for agent in shipped.agents}
    organizations = {organization.code for organization in shipped.organizations}
    for actor in shipped.people:
        for dated in actor.codes:
            prefix, rest = dated.code[:3], dated.code[3:]
            assert (
                prefix == "IMG" or dated.code in organizations or (prefix in countries and (not rest or rest in agents))
            ), (actor.names[0], dated.code)


@pytest.mark.parametrize(
    ("name", "day", "code"),
    [
        ("Hosni Mubarak", D(1990, 1, 1), "EGYGOV"),
        ("Hosni Mubarak", D(2011, 2, 10), "EGYGOV"),
        ("Hosni Mubarak", D(2011, 2, 11), "EGYELI"),  # an end date is exclusive
        ("Robert Mugabe", D(1979, 6, 1), "ZWEREB"),
        ("Robert Mugabe", D(2000, 1, 1), "ZWEGOV"),
        ("Mugabe", D(2018, 1, 1), "ZWEELI"),
        ("Nelson Mandela", D(1989, 1, 1), "ZAFOPP"),
        ("Nelson Mandela", D(1996, 1, 1), "ZAFGOV"),
        ("Vladimir Putin", D(1999, 1, 1), "RUSSPY"),
        ("Putin", D(2010, 1, 1), "RUSGOV"),  # prime minister then: still the government
        ("Aung San Suu Kyi", D(2000, 1, 1), "MMROPP"),
        ("Suu Kyi", D(2018, 1, 1), "MMRGOV"),
        ("Yasser Arafat", D(1995, 1, 1), "PSEGOV"),
        ("Kofi Annan", D(2000, 1, 1), "IGOUNO"),
        ("Kofi Annan", D(2010, 1, 1), "GHAELI"),
        ("Jens Stoltenberg", D(2020, 1, 1), "IGOWSTNAT"),
        ("Ursula von der Leyen", D(2022, 1, 1), "IGOEUREEC"),
        ("Bush", D(1990, 1, 1), "USAGOV"),  # one entry for both presidents Bush
        ("Bush", D(1996, 1, 1), "USAELI"),
        ("Bush", D(2004, 1, 1), "USAGOV"),
        ("Kabila", D(1997, 1, 1), "CODREB"),
        ("Kabila", D(2010, 1, 1), "CODGOV"),
        ("Donald Trump", D(2023, 1, 1), "USAELI"),
        ("Donald Trump", D(2025, 6, 1), "USAGOV"),
    ],
)
def test_codes_on_a_story_date(shipped: ActorDictionary, name: str, day: dt.date, code: str) -> None:
    assert person(shipped, name).code_on(day) == code


def test_no_code_before_the_first_known_role(shipped: ActorDictionary) -> None:
    # Trump was a businessman before 2017: the file gives him no role, so he is not an actor then.
    assert person(shipped, "Donald Trump").code_on(D(2010, 1, 1)) is None


def test_without_a_date_the_latest_role_is_used(shipped: ActorDictionary) -> None:
    assert person(shipped, "Hosni Mubarak").code_on(None) == "EGYELI"
    assert person(shipped, "Xi Jinping").code_on(None) == "CHNGOV"


# --- through the engine ------------------------------------------------------------------------


def test_full_name_criticising_a_country(coder: EventCoder) -> None:
    assert pairs(coder, "Hosni Mubarak sharply criticised Israel on Monday.", D(1998, 5, 4)) == {("EGYGOV", "ISR")}


def test_the_same_person_after_leaving_office_is_an_elite(coder: EventCoder) -> None:
    text = "Mubarak harshly criticised Israel in a television interview."
    assert pairs(coder, text, D(2005, 5, 4)) == {("EGYGOV", "ISR")}
    assert pairs(coder, text, D(2015, 5, 4)) == {("EGYELI", "ISR")}


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("President Mugabe accused Britain of plotting against his government.", D(2005, 3, 1), ("ZWEGOV", "GBR")),
        ("Chancellor Kohl praised France for its support.", D(1990, 10, 3), ("DEUGOV", "FRA")),
        ("Erdogan accused Greece of provoking tensions in the Aegean.", D(2020, 9, 1), ("TURGOV", "GRC")),
        ("Former President Mugabe criticised Britain on Friday.", D(2018, 3, 1), ("ZWEELI", "GBR")),
    ],
)
def test_a_title_and_surname(coder: EventCoder, text: str, day: dt.date, expected: tuple[str, str]) -> None:
    assert expected in pairs(coder, text, day)


def test_the_head_of_an_organisation_codes_as_the_organisation(coder: EventCoder) -> None:
    text = "UN Secretary-General Ban Ki-moon urged North Korea to return to the talks."
    assert pairs(coder, text, D(2009, 6, 1)) == {("IGOUNO", "PRK")}


def test_full_names_and_titled_forms_match(coder: EventCoder) -> None:
    assert named_mentions(coder, "Prime Minister Nawaz Sharif flew to Lahore.", D(1998, 6, 1)) == [
        ("Prime Minister Nawaz Sharif", "PAKGOV")
    ]
    assert named_mentions(coder, "Bashar al-Assad and President Assad.", D(2010, 1, 1)) == [
        ("Bashar al-Assad", "SYRGOV"),
        ("President Assad", "SYRGOV"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Assad denounced Turkey on Sunday.",  # the family name alone: Hafez, Bashar, Rifaat, Maher...
        "Sharif denounced India on Sunday.",  # Nawaz, Shehbaz, Raheel
        "Khan spoke to reporters in Karachi.",
        "Kim arrived in Seoul.",
        "Castro returned to Havana.",
        "Begin the talks, the envoy said.",  # Menachem Begin's surname is a verb
        "The talks in Xi'an ended without agreement.",
    ],
)
def test_surnames_left_out_do_not_match(coder: EventCoder, text: str) -> None:
    assert named_mentions(coder, text, D(2014, 1, 1)) == []


def test_names_follow_the_case_rule(coder: EventCoder) -> None:
    assert named_mentions(coder, "He played the trump card against putin's critics.", D(2025, 6, 1)) == []
    assert named_mentions(coder, "Trump phoned Putin.", D(2025, 6, 1)) == [("Trump", "USAGOV"), ("Putin", "RUSGOV")]
    assert named_mentions(coder, "amlo and AMLO", D(2020, 1, 1)) == [("AMLO", "MEXGOV")]


def test_a_relative_is_not_the_leader(coder: EventCoder) -> None:
    # The longer name wins on every date: Grace Mugabe is her own entry, never her husband.
    assert named_mentions(coder, "Grace Mugabe left Harare.", D(2016, 1, 1)) == [("Grace Mugabe", "ZWEGOV")]
    assert named_mentions(coder, "Grace Mugabe left Harare.", D(2010, 1, 1)) == [("Grace Mugabe", "ZWEELI")]


# --- loading -----------------------------------------------------------------------------------


def copy_required(directory: Path, *extra: str) -> Path:
    for name in (*REQUIRED_FILES, *extra):
        shutil.copy(DEFAULT_DIRECTORY / name, directory / name)
    return directory


def test_a_folder_with_only_the_four_required_files_loads(
    tmp_path: Path, shipped: ActorDictionary, coder: EventCoder
) -> None:
    dictionary = load_actor_dictionary(copy_required(tmp_path))
    assert dictionary.files == tuple(sorted(REQUIRED_FILES))
    assert dictionary.people == () and dictionary.version != shipped.version
    finder = ActorFinder(coder.nlp, dictionary)
    assert named_mentions(coder, "Hosni Mubarak visited Paris.", D(2000, 1, 1), finder) == []


def test_people_without_named(tmp_path: Path, shipped: ActorDictionary) -> None:
    dictionary = load_actor_dictionary(copy_required(tmp_path, PEOPLE_FILE))
    assert PEOPLE_FILE in dictionary.files and NAMED_FILE not in dictionary.files
    assert person(dictionary, "Hosni Mubarak").code_on(D(2000, 1, 1)) == "EGYGOV"
    assert not any(phrase_key("Hamas") in {phrase_key(n) for n in p.names} for p in dictionary.people)


def test_version_covers_the_people_file(tmp_path: Path, shipped: ActorDictionary) -> None:
    copy_required(tmp_path, NAMED_FILE, PEOPLE_FILE, DISCARDS_FILE)
    assert load_actor_dictionary(tmp_path).version == shipped.version
    with (tmp_path / PEOPLE_FILE).open("a", encoding="utf-8") as handle:
        handle.write("# a researcher's comment\n")
    assert load_actor_dictionary(tmp_path).version != shipped.version


GOOD = "people:\n  - names: [Ana Lopez Ferrer]\n    code: ESPGOV\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("named:\n  - names: [Ana Lopez Ferrer]\n    code: ESPGOV\n", 1, "unknown key 'named'"),
        (GOOD + "  - names: [Jordan]\n    code: JORGOV\n", 4, "'Jordan'"),  # a country's name
        (GOOD + "  - names: [Hezbollah]\n    code: LBNREB\n", 4, "'Hezbollah'"),  # a named.yaml name
        (GOOD + "  - names: [Piet Hendriks]\n    code: IGOXYZ\n", 5, "IGO, which is neither a country"),
        (GOOD + "  - names: [ana lopez ferrer]\n    code: ESPOPP\n", 4, "line 2"),
        (
            GOOD + "  - names: [Piet Hendriks]\n    codes:\n"
            "      - {code: NLDGOV, start: 2001-01-01, end: 2000-01-01}\n",
            6, "is not after start",
        ),
    ],
    ids=["named-key", "country-name", "named-name", "unknown-organisation", "name-twice", "end-before-start"],
)
def test_malformed_people_file(tmp_path: Path, text: str, line: int, words: str) -> None:
    copy_required(tmp_path, NAMED_FILE)
    (tmp_path / PEOPLE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError) as caught:
        load_actor_dictionary(tmp_path)
    error = caught.value
    assert (Path(error.path).name, error.line) == (PEOPLE_FILE, line)
    assert words in error.message


def test_an_organisation_code_loads(tmp_path: Path) -> None:
    copy_required(tmp_path)
    text = (
        GOOD + "  - names: [Piet Hendriks]\n    codes:\n      - {code: IGOWSTNAT, end: 2001-01-01}\n"
        "      - {code: NLDELI, start: 2001-01-01}\n"
    )
    (tmp_path / PEOPLE_FILE).write_text(text, encoding="utf-8")
    hendriks = person(load_actor_dictionary(tmp_path), "Piet Hendriks")
    assert (hendriks.code_on(D(2000, 1, 1)), hendriks.code_on(D(2002, 1, 1))) == ("IGOWSTNAT", "NLDELI")


def test_a_person_named_in_full_is_the_same_actor_by_surname_later(code) -> None:
    # A name the dictionary does not know takes the actor its title gave it ...
    story = "Kenyan opposition leader John Mwangi met the British ambassador on Monday. Mwangi accused the police of brutality."
    assert ("KENOPP", "KENCOP", "112") in code(story)
    assert ("KENOPP", "KENCOP", "112") in code(story.replace(". Mwangi", ". Mr. Mwangi"))
    # ... a listed person named family name first is the same person by that name ...
    assert ("CHNGOV", "AUSGOV", "022") in code("Chinese Foreign Minister Wang Yi met Penny Wong. Wang urged Canberra to cooperate.")
    # ... and a surname no one was named by stands for no one.
    assert not any(s.startswith("KEN") for s, _, _ in code("John Smith met the Kenyan president. Smith criticized Uganda."))

