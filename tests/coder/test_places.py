"""Protects event locations: a city or country in an in/at/near phrase of the trigger's clause
becomes the event's place with its ISO alpha-3 country and coordinates; a country or US state
written after the city picks the right one of several same-named cities; month names and
sentences without a locative give no place."""

from __future__ import annotations

import pytest

from pipelines.coder.nlp import load_nlp
from pipelines.coder.parsed import Parsed
from pipelines.coder.places import Place, default_place_lookup, resolve_place


@pytest.fixture(scope="module")
def nlp():
    """Text to the parse the coder reads (`Parsed`)."""
    model = load_nlp()
    return lambda text: Parsed(model(text))


@pytest.fixture(scope="module")
def lookup():
    return default_place_lookup()


def place_of(nlp, lookup, sentence: str, trigger: str) -> Place | None:
    doc = nlp(sentence)
    return resolve_place(next(t for t in doc if t.text == trigger), lookup)


def test_a_city_gets_its_country_and_coordinates(nlp, lookup):
    place = place_of(nlp, lookup, "The foreign ministers met in Cairo.", "met")
    assert (place.name, place.country) == ("Cairo", "EGY")
    assert place.lat == pytest.approx(30.06, abs=0.1) and place.lon == pytest.approx(31.25, abs=0.1)


def test_a_city_followed_by_its_country_on_a_noun_trigger(nlp, lookup):
    place = place_of(nlp, lookup, "The talks in Cairo, Egypt, collapsed.", "talks")
    assert (place.name, place.country) == ("Cairo", "EGY")


def test_a_country_is_placed_at_its_capital(nlp, lookup):
    place = place_of(nlp, lookup, "The two presidents met in Egypt.", "met")
    cairo = place_of(nlp, lookup, "The foreign ministers met in Cairo.", "met")
    assert (place.name, place.country) == ("Egypt", "EGY")
    assert (place.lat, place.lon) == (cairo.lat, cairo.lon)


@pytest.mark.parametrize(("name", "code"), [("South Korea", "KOR"), ("Britain", "GBR"), ("China", "CHN")])
def test_common_country_names_are_recognised(nlp, lookup, name, code):
    assert place_of(nlp, lookup, f"The envoys met in {name}.", "met").country == code


def test_no_locative_means_no_place(nlp, lookup):
    assert place_of(nlp, lookup, "Rebels attacked the army convoy.", "attacked") is None


def test_a_month_is_not_a_place(nlp, lookup):
    # The gazetteer has an English town called March.
    assert place_of(nlp, lookup, "The envoys met in March.", "met") is None


def test_an_ambiguous_city_is_the_most_populous_unless_a_country_follows(nlp, lookup):
    assert place_of(nlp, lookup, "Gunmen clashed in Tripoli.", "clashed").country == "LBY"
    assert place_of(nlp, lookup, "Gunmen clashed in Tripoli, Lebanon, on Sunday.", "clashed").country == "LBN"


def test_a_us_state_after_the_city_picks_the_american_one(nlp, lookup):
    place = place_of(nlp, lookup, "Delegates gathered in Paris, Texas.", "gathered")
    assert (place.name, place.country) == ("Paris", "USA")


def test_an_older_english_name_finds_the_city(nlp, lookup):
    assert place_of(nlp, lookup, "The ministers met in Bombay.", "met").name == "Mumbai"


def test_a_transliterated_name_is_found_as_the_press_writes_it(nlp, lookup):
    # The gazetteer writes Arabic names with marks for 'ayn and hamza: "Sāmarrā’", "Ta’if".
    assert place_of(nlp, lookup, "Two soldiers were killed near Samarra.", "killed").country == "IRQ"
    assert place_of(nlp, lookup, "The delegations met in Taif.", "met").country == "SAU"
    assert place_of(nlp, lookup, "The ministers met in N’Djamena.", "met").country == "TCD"


def test_a_place_in_another_clause_is_not_the_events(nlp, lookup):
    sentence = "The envoy who lives in Geneva criticized the plan."
    assert place_of(nlp, lookup, sentence, "criticized") is None


def test_a_city_name_several_countries_share_is_read_in_the_story_s_countries(nlp, lookup):
    doc = nlp("Gunmen opened fire in Tripoli.")
    fired = next(t for t in doc if t.text == "opened")
    assert resolve_place(fired, lookup).country == "LBY"  # the larger Tripoli, with no context
    assert resolve_place(fired, lookup, ("LBN",)).country == "LBN"
    # A small namesake never wins: Paris, Texas, in a story naming the United States.
    doc = nlp("The two ministers met in Paris.")
    assert resolve_place(next(t for t in doc if t.text == "met"), lookup, ("USA",)).country == "FRA"
    # Where no large city has the name, the story's country decides even for a small town.
    doc = nlp("Soldiers clashed in Bor.")
    clashed = next(t for t in doc if t.text == "clashed")
    assert resolve_place(clashed, lookup).country == "RUS"  # the largest Bor, with no context
    assert resolve_place(clashed, lookup, ("SSD",)).country == "SSD"


def test_the_coder_reads_a_shared_city_name_in_the_sentence_s_countries(coder):
    event, = coder.code_text("Gunmen killed three Lebanese soldiers in Tripoli.")
    assert (event.action_place, event.action_country) == ("Tripoli", "LBN")


def test_a_region_the_dictionary_lists_is_a_place_without_coordinates(nlp, lookup):
    # Regions beat same-named cities elsewhere: Bali is Indonesia's island, not the Indian town.
    assert place_of(nlp, lookup, "Rebels attacked an army base in Darfur.", "attacked") == Place("Darfur", "SDN", None, None)
    assert place_of(nlp, lookup, "Tourists protested in Bali.", "protested").country == "IDN"


def test_the_coder_gives_a_country_less_agent_the_country_of_its_region(coder):
    assert {(e.source.code, e.target.code) for e in coder.code_text("Soldiers clashed with rebels in Tigray.")} == {("ETHMIL", "ETHREB")}

