"""A reproducible corpus of news-like stories for the benchmarks, written as raw `.jsonl`.

The stories come from templates written for the benchmarks: real country names, adjectives and
capitals; agents (government, foreign minister, police, rebels, opposition, military); event
sentences of the families the rules code (meet, reject, criticize, demand, appeal, fight,
arrest, aid, threaten, accuse, sign, praise) mixed with neutral ones (weather, economy, sports,
background) that should code nothing. Each story has 4-10 sentences, one or two per paragraph,
behind a dateline, with story dates spread over 30 days.

The same seed gives the same corpus, and a larger corpus starts with the smaller one (one random
stream), so the 1,000- and 10,000-story memory runs share their first thousand stories.

Run: `.venv/bin/python benchmarks/corpus.py --stories 2000 --out /tmp/corpus.jsonl`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 20240301
START_DATE = dt.date(2024, 3, 1)
DAYS = 30
MIN_SENTENCES, MAX_SENTENCES = 4, 10
# About half the sentences of a wire story name an action between actors; the rest is context.
EVENT_SHARE = 0.55


@dataclass(frozen=True)
class Country:
    name: str
    adjective: str
    capital: str


COUNTRIES = (
    Country("France", "French", "Paris"), Country("Germany", "German", "Berlin"),
    Country("Japan", "Japanese", "Tokyo"), Country("China", "Chinese", "Beijing"),
    Country("India", "Indian", "New Delhi"), Country("Pakistan", "Pakistani", "Islamabad"),
    Country("Russia", "Russian", "Moscow"), Country("Ukraine", "Ukrainian", "Kyiv"),
    Country("Turkey", "Turkish", "Ankara"), Country("Greece", "Greek", "Athens"),
    Country("Egypt", "Egyptian", "Cairo"), Country("Ethiopia", "Ethiopian", "Addis Ababa"),
    Country("Kenya", "Kenyan", "Nairobi"), Country("Somalia", "Somali", "Mogadishu"),
    Country("Sudan", "Sudanese", "Khartoum"), Country("Nigeria", "Nigerian", "Abuja"),
    Country("Brazil", "Brazilian", "Brasilia"), Country("Argentina", "Argentine", "Buenos Aires"),
    Country("Mexico", "Mexican", "Mexico City"), Country("Colombia", "Colombian", "Bogota"),
    Country("Peru", "Peruvian", "Lima"), Country("Chile", "Chilean", "Santiago"),
    Country("Indonesia", "Indonesian", "Jakarta"), Country("Malaysia", "Malaysian", "Kuala Lumpur"),
    Country("Vietnam", "Vietnamese", "Hanoi"), Country("Thailand", "Thai", "Bangkok"),
    Country("Iran", "Iranian", "Tehran"), Country("Iraq", "Iraqi", "Baghdad"),
    Country("Saudi Arabia", "Saudi", "Riyadh"), Country("Israel", "Israeli", "Jerusalem"),
    Country("Jordan", "Jordanian", "Amman"), Country("Lebanon", "Lebanese", "Beirut"),
    Country("Poland", "Polish", "Warsaw"), Country("Hungary", "Hungarian", "Budapest"),
    Country("Serbia", "Serbian", "Belgrade"), Country("Moldova", "Moldovan", "Chisinau"),
    Country("Afghanistan", "Afghan", "Kabul"), Country("Bangladesh", "Bangladeshi", "Dhaka"),
    Country("South Korea", "South Korean", "Seoul"), Country("Canada", "Canadian", "Ottawa"),
)

# Agents as noun phrases: {adj}, {name} and {capital} are the actor's country.
AGENTS = {
    "government": ("the {adj} government", "{name}'s government", "the government in {capital}"),
    "minister": ("the {adj} foreign minister", "{name}'s foreign minister", "the {adj} prime minister"),
    "president": ("the {adj} president", "{name}'s president"),
    "police": ("{adj} police", "police in {capital}", "{adj} security forces"),
    "rebels": ("{adj} rebels", "rebel fighters in {name}", "{adj} insurgents"),
    "opposition": ("the {adj} opposition", "opposition leaders in {name}", "{adj} opposition activists"),
    "military": ("the {adj} army", "{adj} troops", "{name}'s military"),
    "country": ("{name}", "{capital}"),
}
STATE_AGENTS = ("government", "minister", "president", "country")

# Event families: (templates, agents that act, agents acted on, international?). {a} acts on
# {b}; {topic}, {day}, {n}, {place} and {thing} are filled in per sentence.
FAMILIES = {
    "meet": ((
        "{a} met {b} in {place} on {day} to discuss {topic}",
        "{a} held talks with {b} on {topic}, officials said",
        "{a} will meet {b} next week to discuss {topic}, a spokesman said",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "reject": ((
        "{a} rejected a proposal by {b} on {topic}",
        "{a} on {day} rejected demands from {b} to reopen talks on {topic}",
        "{a} refused to accept the plan put forward by {b}",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "criticize": ((
        "{a} criticized {b} over its handling of {topic}",
        "{a} condemned {b} for the violence, calling it unacceptable",
        "In a statement on {day}, {a} denounced {b} for its position on {topic}",
    ), STATE_AGENTS + ("opposition",), STATE_AGENTS, True),
    "demand": ((
        "{a} demanded that {b} withdraw its forces from the border",
        "{a} called on {b} to release the detained journalists",
        "{a} urged {b} to respect the ceasefire agreed last month",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "appeal": ((
        "{a} appealed to {b} for help after the floods destroyed thousands of homes",
        "{a} asked {b} for emergency assistance on {day}",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "fight": ((
        "{a} clashed with {b} near {place} on {day}, leaving {n} people dead",
        "{a} attacked positions held by {b} in the north of the country",
        "{a} fought {b} for several hours before the fighting died down",
    ), ("military", "police", "rebels"), ("rebels", "military"), False),
    "arrest": ((
        "{a} arrested {n} supporters of {b} in {place} on {day}",
        "{a} detained several leaders of {b} during a raid overnight",
    ), ("police", "government"), ("opposition", "rebels"), False),
    "aid": ((
        "{a} pledged ${n} million in humanitarian aid to {b}",
        "{a} sent food and medical supplies to {b} after the earthquake",
        "{a} promised military aid to {b}, the defence ministry said",
    ), STATE_AGENTS, ("country", "government"), True),
    "threaten": ((
        "{a} threatened to impose sanctions on {b} over {topic}",
        "{a} warned {b} that it would respond to any attack",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "accuse": ((
        "{a} accused {b} of violating the ceasefire",
        "{a} accused {b} of interfering in its internal affairs",
    ), STATE_AGENTS + ("opposition",), STATE_AGENTS, True),
    "sign": ((
        "{a} and {b} signed an agreement on {topic} in {place}",
        "{a} signed a trade deal with {b} on {day}",
    ), STATE_AGENTS, STATE_AGENTS, True),
    "praise": ((
        "{a} praised {b} for its role in the negotiations",
        "{a} welcomed the decision by {b} to reopen the border crossing",
    ), STATE_AGENTS, STATE_AGENTS, True),
}
TITLES = {
    "meet": "{a} and {b} hold talks", "reject": "{a} rejects {b} proposal", "criticize": "{a} criticizes {b}",
    "demand": "{a} presses {b}", "appeal": "{a} appeals to {b} for help", "fight": "Clashes in {a}",
    "arrest": "Arrests in {a}", "aid": "{a} pledges aid to {b}", "threaten": "{a} warns {b}",
    "accuse": "{a} accuses {b}", "sign": "{a} and {b} sign agreement", "praise": "{a} praises {b}",
}

# Sentences that name no action between actors: the coder should find nothing in them.
NEUTRAL = (
    "Heavy rain is expected across {name} over the weekend, the national weather service said.",
    "Temperatures in {capital} climbed above 35 degrees on {day}, and schools closed early.",
    "Inflation in {name} rose to {pct} percent in February, the statistics office said.",
    "The {adj} currency fell to a record low against the dollar on {day}.",
    "Economists expect growth of about {pct} percent this year, slightly below last year's pace.",
    "Shares in {capital} closed higher, led by banks and energy companies.",
    "{name} beat {other} {g1}-{g2} in a World Cup qualifier on {day}.",
    "Thousands of fans gathered in central {capital} to celebrate the national team's victory.",
    "The two countries have had tense relations since the end of the war.",
    "Talks between the two sides broke down in {year} and have not resumed since.",
    "About {n} thousand people live in the border region, most of them farmers.",
    "The ministry did not give further details.",
    "Officials said the situation remained calm on {day}.",
    "Traffic in {capital} was heavy as commuters returned after the holiday.",
)
# Openings and attributions that wire copy wraps around the action (most sentences get one).
OPENINGS = ("On {day}, ", "In a statement, ", "Earlier this week, ", "According to state media, ", "")
TAILS = (
    ", officials said", ", the state news agency reported", ", two diplomats familiar with the matter said",
    ", according to a statement posted on the ministry's website", ", days after talks in {place} ended without agreement",
    ", a spokesman told reporters in {place}", "",
)
TOPICS = (
    "border security", "trade", "energy cooperation", "the refugee crisis", "water rights", "fishing rights",
    "the disputed islands", "visa rules", "the gas pipeline", "counterterrorism", "climate policy",
    "the election dispute", "the release of prisoners", "the peace process", "nuclear inspections",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def agent_phrase(rng: random.Random, agent: str, country: Country) -> str:
    """One way of naming `agent` of `country`."""
    template = rng.choice(AGENTS[agent])
    return template.format(adj=country.adjective, name=country.name, capital=country.capital)


def _fill(rng: random.Random, template: str, story_date: dt.date, **names: str) -> str:
    """Fill a template's slots; the weekday is one of the six days before the story date."""
    day = WEEKDAYS[(story_date - dt.timedelta(days=rng.randint(1, 6))).weekday()]
    goals = rng.randint(0, 2)
    values = {
        "topic": rng.choice(TOPICS), "day": day, "n": str(rng.randint(2, 60)), "pct": f"{rng.uniform(1, 9):.1f}",
        "g1": str(goals + rng.randint(1, 2)), "g2": str(goals), "year": str(rng.randint(1995, 2021)), **names,
    }
    sentence = template.format(**values)
    return sentence[0].upper() + sentence[1:]


def event_sentence(rng: random.Random, family: str, first: Country, second: Country, story_date: dt.date) -> str:
    """One sentence of an event family between the story's two countries (or inside the first)."""
    templates, actors, targets, international = FAMILIES[family]
    source_country, target_country = (first, second) if international else (first, first)
    if international and rng.random() < 0.3:
        source_country, target_country = second, first
    source_agent = rng.choice(actors)
    source = agent_phrase(rng, source_agent, source_country)
    # Inside one country the two sides are different agents: police arrest rebels, not police.
    target_agent = rng.choice([agent for agent in targets if international or agent != source_agent])
    target = agent_phrase(rng, target_agent, target_country)
    place = rng.choice((first.capital, second.capital)) if international else first.capital
    template = rng.choice(templates)
    if "{day}" not in template and not template.startswith("In "):
        template = rng.choice(OPENINGS) + template
    if "said" not in template:
        template += rng.choice(TAILS)
    return _fill(rng, template + ".", story_date, a=source, b=target, place=place)


def neutral_sentence(rng: random.Random, first: Country, second: Country, story_date: dt.date) -> str:
    country = rng.choice((first, second))
    other = second if country is first else first
    return _fill(rng, rng.choice(NEUTRAL), story_date, name=country.name, adj=country.adjective, capital=country.capital, other=other.name)


def story(rng: random.Random, number: int) -> dict:
    """One story in the raw JSONL format: id, date, title, text (dateline, paragraphs)."""
    story_date = START_DATE + dt.timedelta(days=rng.randrange(DAYS))
    first, second = rng.sample(COUNTRIES, 2)
    lead = rng.choice(list(FAMILIES))
    sentences = [event_sentence(rng, lead, first, second, story_date)]
    for _ in range(rng.randint(MIN_SENTENCES, MAX_SENTENCES) - 1):
        if rng.random() < EVENT_SHARE:
            sentences.append(event_sentence(rng, rng.choice(list(FAMILIES)), first, second, story_date))
        else:
            sentences.append(neutral_sentence(rng, first, second, story_date))
    text = f"{first.capital.upper()} — " + _paragraphs(rng, sentences)
    title = TITLES[lead].format(a=first.name, b=second.name)
    return {"id": f"bench-{number:06d}", "date": story_date.isoformat(), "title": title, "text": text}


def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
    """One or two sentences per paragraph, paragraphs separated by a blank line as on the wires."""
    paragraphs, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(current) == 2 or rng.random() < 0.6:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def generate(n_stories: int, seed: int = SEED) -> Iterator[dict]:
    """`n_stories` stories; the same seed gives the same stories, and a longer run extends a shorter one."""
    rng = random.Random(seed)
    for number in range(1, n_stories + 1):
        yield story(rng, number)


@dataclass(frozen=True)
class CorpusInfo:
    path: str
    stories: int
    words: int
    characters: int
    dates: int
    seed: int


def write_corpus(path: Path, n_stories: int, seed: int = SEED) -> CorpusInfo:
    """Write the corpus as JSONL and count its words (runs of letters and digits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    words = characters = 0
    dates: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for item in generate(n_stories, seed):
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            words += len(_WORD.findall(item["text"]))
            characters += len(item["text"])
            dates.add(item["date"])
    return CorpusInfo(str(path), n_stories, words, characters, len(dates), seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    info = write_corpus(args.out, args.stories, args.seed)
    print(f"{info.stories} stories, {info.words} words, {info.dates} story dates -> {info.path}")


if __name__ == "__main__":
    main()
