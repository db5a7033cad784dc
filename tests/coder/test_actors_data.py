"""Protects the actor dictionaries and their loader.

The shipped YAML files must load, cover every ISO-3166 country, and resolve the phrases news
stories use ("North Korean", "Pyongyang", "U.S.", "Britain", "the North") to the right CAMEO
codes. A researcher who breaks a file must get an error naming the file and the line to fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pycountry
import pytest

from pipelines.coder.actors_data import (
    DEFAULT_DIRECTORY,
    FILE_NAMES,
    ActorDictionary,
    case_rule,
    is_case_sensitive,
    load_actor_dictionary,
    phrase_key,
    plural_forms,
)
from pipelines.coder.errors import DictionaryError

# ISO-3166 entries deliberately without a dictionary entry. None today: keep it that way, or
# say here why a code is left out.
DELIBERATELY_ABSENT: frozenset[str] = frozenset()

# Entries without an adjective: uninhabited or tiny territories, and states whose adjective
# belongs to a namesake ("Congolese" is the DR Congo's, "Dominican" the Dominican Republic's).
ALLOWED_WITHOUT_ADJECTIVE = frozenset(
    "ALA ATA ATF BES BLM BVT CCK COG CXR DMA GGY HMD IOT JEY MAF NFK PCN SGS SJM SPM SXM UMI VAT".split()
)
# Entries without a capital: the capital is the country's own name (SGP, MCO, ...), the territory
# is uninhabited, or the capital is a common word or shared name (Victoria, Male, Brussels, ...).
ALLOWED_WITHOUT_CAPITAL = frozenset(
    "AIA ATA ATF ATG BEL BMU BVT CCK CRI CYM DJI FLK GIB GLP GUF GUY HKG HMD IMN IOT LUX MAC MCO "
    "MDV MSR NFK REU SGP SGS SHN SMR SPM STP SYC TKL UMI VAT".split()
)


@pytest.fixture(scope="module")
def shipped() -> ActorDictionary:
    return load_actor_dictionary()


def country_phrases(dictionary: ActorDictionary) -> dict[str, tuple[str, str]]:
    """phrase key -> (country code, kind) over names, adjectives, capitals and seats."""
    index: dict[str, tuple[str, str]] = {}
    for country in dictionary.countries:
        for kind in ("names", "adjectives", "capitals"):
            for phrase in getattr(country, kind):
                index[phrase_key(phrase)] = (country.code, kind)
        for phrase, agent in country.seats:
            index[phrase_key(phrase)] = (country.code, f"seat {agent}")
    return index


# --- the shipped dictionaries ------------------------------------------------------------------


def test_shipped_dictionaries_load_with_a_version(shipped: ActorDictionary) -> None:
    assert len(shipped.version) == 12 and int(shipped.version, 16) >= 0
    assert shipped.files == (
        "agents.yaml", "context.yaml", "countries.yaml", "discards.yaml", "named.yaml", "organizations.yaml",
        "people.yaml",
    )
    assert load_actor_dictionary().version == shipped.version


def test_version_changes_when_a_file_changes(tmp_path: Path, shipped: ActorDictionary) -> None:
    for name in FILE_NAMES:
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    assert load_actor_dictionary(tmp_path).version == shipped.version
    with (tmp_path / "agents.yaml").open("a") as handle:
        handle.write("# a researcher's comment\n")
    assert load_actor_dictionary(tmp_path).version != shipped.version


def test_every_iso_country_has_an_entry(shipped: ActorDictionary) -> None:
    codes = {country.code for country in shipped.countries}
    iso = {country.alpha_3 for country in pycountry.countries}
    assert iso - DELIBERATELY_ABSENT - codes == set()
    assert {"KSV", "PSE"} <= codes  # CAMEO's Kosovo and Palestine


def test_countries_have_adjectives_and_capitals(shipped: ActorDictionary) -> None:
    without_adjective = {c.code for c in shipped.countries if not c.adjectives}
    without_capital = {c.code for c in shipped.countries if not c.capitals}
    assert without_adjective <= ALLOWED_WITHOUT_ADJECTIVE
    assert without_capital <= ALLOWED_WITHOUT_CAPITAL


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("North Korean", ("PRK", "adjectives")),
        ("Pyongyang", ("PRK", "capitals")),
        ("DPRK", ("PRK", "names")),
        ("Democratic People's Republic of Korea", ("PRK", "names")),
        ("South Korean", ("KOR", "adjectives")),
        ("Seoul", ("KOR", "capitals")),
        ("Republic of Korea", ("KOR", "names")),
        ("Japanese", ("JPN", "adjectives")),
        ("Tokyo", ("JPN", "capitals")),
        ("U.S.", ("USA", "names")),
        ("United States of America", ("USA", "names")),
        ("America", ("USA", "names")),
        ("American", ("USA", "adjectives")),
        ("Washington", ("USA", "capitals")),
        ("Britain", ("GBR", "names")),
        ("U.K.", ("GBR", "names")),
        ("British", ("GBR", "adjectives")),
        ("Russian Federation", ("RUS", "names")),
        ("Islamic Republic of Iran", ("IRN", "names")),
        ("Syria", ("SYR", "names")),
        ("Ivory Coast", ("CIV", "names")),
        ("Cote d'Ivoire", ("CIV", "names")),
        ("Burma", ("MMR", "names")),
        ("Czech Republic", ("CZE", "names")),
        ("Czechia", ("CZE", "names")),
        ("Israeli", ("ISR", "adjectives")),
        ("Palestinian", ("PSE", "adjectives")),
        ("Kosovo", ("KSV", "names")),
        ("Kiev", ("UKR", "capitals")),
        ("Kyiv", ("UKR", "capitals")),
        ("Beijing", ("CHN", "capitals")),
        ("Moscow", ("RUS", "capitals")),
    ],
)
def test_country_phrases_resolve(shipped: ActorDictionary, phrase: str, expected: tuple[str, str]) -> None:
    assert country_phrases(shipped)[phrase_key(phrase)] == expected


@pytest.mark.parametrize(
    ("phrase", "country", "agent"),
    [
        ("White House", "USA", "GOV"),
        ("State Department", "USA", "GOV"),
        ("Pentagon", "USA", "MIL"),
        ("Congress", "USA", "LEG"),
        ("Kremlin", "RUS", "GOV"),
        ("Downing Street", "GBR", "GOV"),
        ("Blue House", "KOR", "GOV"),
        ("Knesset", "ISR", "LEG"),
        ("Korean Central News Agency", "PRK", "MED"),
        ("Kyodo News Agency", "JPN", "MED"),
    ],
)
def test_seats_name_country_and_agent(shipped: ActorDictionary, phrase: str, country: str, agent: str) -> None:
    assert country_phrases(shipped)[phrase_key(phrase)] == (country, f"seat {agent}")


def test_ambiguous_words_are_not_country_phrases(shipped: ActorDictionary) -> None:
    index = country_phrases(shipped)
    for word in ("us", "Korea", "Korean", "Male", "Victoria", "Reunion", "Jersey", "Brussels"):
        assert phrase_key(word) not in index, word
    assert "Latin America" in shipped.not_actors


@pytest.mark.parametrize(
    ("noun", "agent"),
    [
        ("official", "GOV"),
        ("foreign ministry", "GOV"),
        ("spokesman", "GOV"),
        ("troop", "MIL"),
        ("armed force", "MIL"),
        ("police", "COP"),
        ("court", "JUD"),
        ("military court", "JUD"),
        ("lawmaker", "LEG"),
        ("opposition", "OPP"),
        ("rebel", "REB"),
        ("journalist", "MED"),
        ("refugee", "REF"),
        ("gunman", "UAF"),
        ("former president", "ELI"),
    ],
)
def test_agent_nouns_resolve(shipped: ActorDictionary, noun: str, agent: str) -> None:
    owners = [a.code for a in shipped.agents if noun in a.nouns]
    assert owners == [agent]


def test_specific_agents_outrank_generic_government_nouns(shipped: ActorDictionary) -> None:
    # "opposition leader", "rebel spokesman", "military official" must not code as GOV
    for code in ("OPP", "REB", "MIL", "COP", "JUD"):
        assert shipped.agent(code).priority > shipped.agent("GOV").priority


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United Nations", "IGOUNO"),
        ("U.N.", "IGOUNO"),
        ("UN Security Council", "IGOUNO"),
        ("European Union", "IGOEUREEC"),
        ("NATO", "IGOWSTNAT"),
        ("African Union", "IGOAFRAFU"),
        ("ASEAN", "IGOSEAASN"),
        ("OPEC", "IGOBUSOPC"),
        ("World Health Organization", "IGOUNOWHO"),
        ("UNHCR", "IGOUNOHCR"),
        ("International Monetary Fund", "IGOIMF"),
        ("Amnesty International", "NGOAMN"),
        ("Human Rights Watch", "NGOHRW"),
        ("Doctors Without Borders", "NGOMSF"),
        ("International Committee of the Red Cross", "NGOIRC"),
    ],
)
def test_organization_names_resolve(shipped: ActorDictionary, name: str, code: str) -> None:
    owners = [o.code for o in shipped.organizations if name in o.names]
    assert owners == [code]


def test_context_aliases_and_groups(shipped: ActorDictionary) -> None:
    first_north = next(alias for alias in shipped.aliases if alias.text == "the North")
    assert (first_north.refers_to, set(first_north.requires_any)) == ("PRK", {"PRK", "KOR"})
    first_south = next(alias for alias in shipped.aliases if alias.text == "the South")
    assert first_south.refers_to == "KOR"
    assert shipped.resolve_alias("the North", ["JPN", "PRK"]).refers_to == "PRK"
    assert shipped.resolve_alias("The South", ["SDN"]).refers_to == "SSD"
    assert shipped.resolve_alias("the South", ["SDN", "KOR"]).refers_to == "KOR"  # listed first
    assert shipped.resolve_alias("the North", ["JPN"]) is None
    groups = {group.text: group.refers_to for group in shipped.groups}
    assert groups["the two Koreas"] == ("PRK", "KOR")
    assert groups["the two countries"] == ()
    assert groups["the two sides"] == ()


# --- matching helpers --------------------------------------------------------------------------


def test_short_capital_abbreviations_are_case_sensitive() -> None:
    assert is_case_sensitive("US") and is_case_sensitive("U.S.") and is_case_sensitive("DPRK")
    assert is_case_sensitive("WHO") and is_case_sensitive("G7")
    assert not is_case_sensitive("us") and not is_case_sensitive("Nato")
    assert not is_case_sensitive("UNESCO")  # six letters: the press also writes "Unesco"
    assert phrase_key("US") != phrase_key("us")
    assert phrase_key("North  Korea") == phrase_key("north korea")


def test_case_rules_per_word() -> None:
    assert case_rule("US", "US") == "exact"
    assert case_rule("the North", "the") == "any"
    assert case_rule("the North", "North") == "capitalized"
    assert case_rule("Turkey", "Turkey") == "capitalized"
    assert case_rule("armed force", "force") == "any"


def test_plural_forms() -> None:
    assert plural_forms("Israeli") == ("Israelis",)
    assert plural_forms("armed force") == ("armed forces",)
    assert plural_forms("party") == ("parties",)
    assert plural_forms("attorney") == ("attorneys",)
    assert plural_forms("Swiss") == ("Swisses",)
    assert plural_forms("US") == () and plural_forms("U.S.") == ()


# --- malformed files ---------------------------------------------------------------------------

AGENTS = """\
agents:
  - code: GOV
    name: Government
    nouns: [government, official]
  - code: MIL
    name: Military
    priority: 3
    nouns: [army]
"""
COUNTRIES = """\
countries:
  - code: PRK
    names: [North Korea, DPRK]
    adjectives: [North Korean]
    capitals: [Pyongyang]
  - code: JPN
    names: [Japan]
    seats:
      Kantei: GOV
not_actors: [Sea of Japan]
"""
ORGANIZATIONS = """\
organizations:
  - code: IGOUNO
    names: [United Nations, UN]
"""
CONTEXT = """\
aliases:
  - text: the North
    refers_to: PRK
    requires_any: [PRK]
groups:
  - text: the two countries
"""


def write_dictionary(directory: Path, **replacements: str) -> Path:
    """Write a tiny valid dictionary, with some files replaced by the given texts."""
    texts = {"agents": AGENTS, "countries": COUNTRIES, "organizations": ORGANIZATIONS, "context": CONTEXT}
    texts.update(replacements)
    for stem, text in texts.items():
        (directory / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return directory


def load_error(directory: Path) -> DictionaryError:
    with pytest.raises(DictionaryError) as caught:
        load_actor_dictionary(directory)
    return caught.value


def test_tiny_dictionary_loads(tmp_path: Path) -> None:
    dictionary = load_actor_dictionary(write_dictionary(tmp_path))
    assert dictionary.country("JPN").seats == (("Kantei", "GOV"),)
    assert dictionary.agent("MIL").priority == 3 and dictionary.agent("GOV").priority == 1
    assert dictionary.aliases[0].requires_any == ("PRK",)
    assert dictionary.not_actors == ("Sea of Japan",)


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    countries = "countries:\n  - code: PRK\n    names: [North Korea]\n    capital: [Pyongyang]\n"
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (error.path, error.line) == (str(tmp_path / "countries.yaml"), 4)
    assert "unknown key 'capital'" in error.message


def test_bad_country_code(tmp_path: Path) -> None:
    countries = "countries:\n  - code: PRK\n    names: [North Korea]\n  - code: Jpn\n    names: [Japan]\n"
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", 4)
    assert "'Jpn'" in error.message


def test_bad_organization_code(tmp_path: Path) -> None:
    organizations = "organizations:\n  - code: UNO\n    names: [United Nations]\n"
    error = load_error(write_dictionary(tmp_path, organizations=organizations))
    assert (Path(error.path).name, error.line) == ("organizations.yaml", 2)


def test_phrase_for_two_countries_reports_both_lines(tmp_path: Path) -> None:
    countries = (
        "countries:\n"
        "  - code: PRK\n"
        "    names: [North Korea]\n"
        "  - code: KOR\n"
        "    names: [South Korea,\n"
        "      North Korea]\n"
    )
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", 6)
    assert "KOR" in error.message and "PRK" in error.message and "line 3" in error.message


def test_organization_name_that_is_a_country_phrase(tmp_path: Path) -> None:
    organizations = "organizations:\n  - code: IGOUNO\n    names: [United Nations, DPRK]\n"
    error = load_error(write_dictionary(tmp_path, organizations=organizations))
    assert (Path(error.path).name, error.line) == ("organizations.yaml", 3)
    assert "countries.yaml:3" in error.message


def test_seat_with_an_undefined_agent(tmp_path: Path) -> None:
    countries = "countries:\n  - code: JPN\n    names: [Japan]\n    seats:\n      Kantei: XYZ\n"
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", 5)
    assert "XYZ" in error.message


@pytest.mark.parametrize(
    ("countries", "line", "words"),
    [
        ("countries:\n  - names: [Japan]\n", 2, "no 'code'"),
        ("countries:\n  - code: JPN\n    names: []\n", 3, "no names"),
        ("countries:\n  - code: JPN\n    names: [Japan, '']\n", 3, "empty"),
        ("countries:\n  - code: JPN\n    names: [Japan, 1984]\n", 3, "must be text"),
        ("countries:\n  - code: JPN\n    names: [Japan]\n    names: [Nippon]\n", 4, "given twice"),
        ("countries:\n  - code: JPN\n    names: [Japan\n", 4, "not valid YAML"),
        ("countries:\n  - code: JPN\n    names: [Japan]\n  - code: JPN\n    names: [Nippon]\n", 4, "JPN"),
    ],
)
def test_malformed_country_entries(tmp_path: Path, countries: str, line: int, words: str) -> None:
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", line)
    assert words in error.message


def test_uppercase_agent_noun_is_rejected(tmp_path: Path) -> None:
    agents = "agents:\n  - code: GOV\n    name: Government\n    nouns: [government, Minister]\n"
    error = load_error(write_dictionary(tmp_path, agents=agents))
    assert (Path(error.path).name, error.line) == ("agents.yaml", 4)


def test_alias_for_an_undefined_country(tmp_path: Path) -> None:
    context = "aliases:\n  - text: the South\n    refers_to: KOR\n    requires_any: [PRK]\n"
    error = load_error(write_dictionary(tmp_path, context=context))
    assert (Path(error.path).name, error.line) == ("context.yaml", 3)
    assert "KOR" in error.message


def test_missing_file(tmp_path: Path) -> None:
    write_dictionary(tmp_path)
    (tmp_path / "context.yaml").unlink()
    error = load_error(tmp_path)
    assert Path(error.path).name == "context.yaml" and "not found" in error.message


def test_not_actors_phrase_must_shadow_a_country_phrase(tmp_path: Path) -> None:
    countries = COUNTRIES.replace("not_actors: [Sea of Japan]", "not_actors: [Sea of Japna]")
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", 10)
    assert "Sea of Japna" in error.message


def test_agent_code_may_not_be_a_country_code(tmp_path: Path) -> None:
    agents = AGENTS + "  - code: JPN\n    name: Clash\n    nouns: [clash]\n"
    error = load_error(write_dictionary(tmp_path, agents=agents))
    assert (Path(error.path).name, error.line) == ("agents.yaml", 9)


def test_group_of_one_country_is_rejected(tmp_path: Path) -> None:
    context = "groups:\n  - text: the Japanese side\n    refers_to: [JPN]\n"
    error = load_error(write_dictionary(tmp_path, context=context))
    assert (Path(error.path).name, error.line) == ("context.yaml", 3)
    assert "make it an alias" in error.message


def test_a_groups_agent_must_be_an_agent_code(tmp_path: Path) -> None:
    context = "groups:\n  - text: the two leaders\n    agent: LEADER\n"
    error = load_error(write_dictionary(tmp_path, context=context))
    assert (Path(error.path).name, error.line) == ("context.yaml", 3)
    assert "unknown agent code 'LEADER'" in error.message


@pytest.mark.parametrize("count", ["three", "1", "2.5"])
def test_a_groups_count_must_be_a_whole_number_of_two_or_more(tmp_path: Path, count: str) -> None:
    context = f"groups:\n  - text: the three countries\n    count: {count}\n"
    error = load_error(write_dictionary(tmp_path, context=context))
    assert (Path(error.path).name, error.line) == ("context.yaml", 3)
    assert "count must be a whole number of two or more" in error.message


def test_regions_are_places_of_one_country_and_never_actors(tmp_path: Path, shipped: ActorDictionary) -> None:
    assert "Darfur" in shipped.country("SDN").regions and "Crimea" in shipped.country("UKR").regions
    countries = (
        "countries:\n"
        "  - code: PRK\n"
        "    names: [North Korea]\n"
        "    regions: [Kaesong Region]\n"
        "  - code: KOR\n"
        "    names: [South Korea]\n"
        "    regions: [Kaesong Region]\n"
    )
    error = load_error(write_dictionary(tmp_path, countries=countries))
    assert (Path(error.path).name, error.line) == ("countries.yaml", 7)
    assert "region 'Kaesong Region'" in error.message and "PRK" in error.message


def test_discard_phrases_load_and_a_bad_one_names_its_line(tmp_path: Path) -> None:
    discards = "discards:\n  - phrase: stoppage time\n    story: true\n  - phrase: friendly match\n"
    dictionary = load_actor_dictionary(write_dictionary(tmp_path, discards=discards))
    assert [(d.phrase, d.story) for d in dictionary.discards] == [("stoppage time", True), ("friendly match", False)]
    error = load_error(write_dictionary(tmp_path, discards="discards:\n  - phrase: half-time\n    story: maybe\n"))
    assert (Path(error.path).name, error.line) == ("discards.yaml", 3)
    error = load_error(write_dictionary(tmp_path, discards="discards:\n  - phrase: own goal\n  - phrase: Own Goal\n"))
    assert error.line == 3 and "listed" in error.message


def test_a_match_report_codes_nothing(code) -> None:
    # the teams are countries by name; the report's wording gives it away
    story = "Ghana beat Nigeria 2-1 on Saturday with a goal in stoppage time. The two sides meet again in June."
    assert code(story) == set()
    assert code("Ghana criticized Nigeria on Saturday. The two sides meet again in June.") != set()
