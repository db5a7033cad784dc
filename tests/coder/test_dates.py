"""Protects event dating: the time expression in a trigger's own clause dates the event (weekdays,
relative days and weeks, month-day ranges, years), read back or forward from the story date by
tense; a date in another clause (a relative clause) never leaks to the main verb; without an
expression, or when a meeting is only announced, the event gets the story date."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.coder import dates
from pipelines.coder.dates import EventDate, resolve_event_date
from pipelines.coder.nlp import load_nlp
from pipelines.coder.parsed import Parsed

FRIDAY = dt.date(2014, 3, 14)


@pytest.fixture(scope="module")
def nlp():
    """Text to the parse the coder reads (`Parsed`)."""
    model = load_nlp()
    return lambda text: Parsed(model(text))


def date_of(nlp, sentence: str, trigger: str, story: dt.date | None = FRIDAY, **kwargs) -> EventDate:
    doc = nlp(sentence)
    token = next(t for t in doc if t.text == trigger)
    return resolve_event_date(token, story, **kwargs)


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected", "precision"),
    [
        ("The ministers met on Wednesday.", "met", dt.date(2014, 3, 12), "day"),
        ("The army rejected the offer last week.", "rejected", dt.date(2014, 3, 3), "week"),
        ("Talks will be held on March 19-20.", "held", dt.date(2014, 3, 19), "day"),
        ("Talks will be held March 19 to 20 in Geneva.", "held", dt.date(2014, 3, 19), "day"),
        ("The two leaders met in 2013.", "met", dt.date(2013, 1, 1), "year"),
        ("Rebels shelled the port yesterday.", "shelled", dt.date(2014, 3, 13), "day"),
        ("The envoy arrived earlier this week.", "arrived", dt.date(2014, 3, 10), "week"),
        ("Delegates signed the accord on 3 March.", "signed", dt.date(2014, 3, 3), "day"),
        ("The parliament approved the budget in March 2013.", "approved", dt.date(2013, 3, 1), "month"),
        ("The court ruled two days ago.", "ruled", dt.date(2014, 3, 12), "day"),
        ("The protests began in September.", "began", dt.date(2013, 9, 1), "month"),
        ("Officials met last Friday.", "met", dt.date(2014, 3, 7), "day"),
        # A weekend is dated by its week (the Monday), as "last week" is.
        ("Protesters clashed with police over the weekend.", "clashed", dt.date(2014, 3, 3), "week"),
        ("The rebels withdrew last weekend.", "withdrew", dt.date(2014, 3, 3), "week"),
    ],
)
def test_past_expressions_resolve_back_from_the_story_date(nlp, sentence, trigger, expected, precision):
    found = date_of(nlp, sentence, trigger)
    assert (found.date, found.precision) == (expected, precision)


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("The president will travel to Rome on Friday.", "travel", dt.date(2014, 3, 21)),
        ("The foreign minister will visit Seoul next Monday.", "visit", dt.date(2014, 3, 17)),
        ("Negotiators are due to resume on Tuesday.", "resume", dt.date(2014, 3, 18)),
        ("The budget will be debated in February.", "debated", dt.date(2015, 2, 1)),
    ],
)
def test_future_expressions_resolve_forward(nlp, sentence, trigger, expected):
    assert date_of(nlp, sentence, trigger).date == expected


def test_weekday_of_the_story_itself_is_the_story_day(nlp):
    wednesday = dt.date(2014, 3, 12)
    assert date_of(nlp, "The ministers met on Wednesday.", "met", story=wednesday).date == wednesday


def test_the_expression_text_is_kept(nlp):
    assert date_of(nlp, "Talks will be held on March 19-20.", "held").text == "on March 19-20"


def test_a_noun_trigger_takes_the_date_of_its_verb(nlp):
    found = date_of(nlp, "The talks in Vienna ended two days ago.", "talks")
    assert found.date == dt.date(2014, 3, 12)


def test_no_time_expression_gives_the_story_date(nlp):
    assert date_of(nlp, "The government condemned the attack.", "condemned") == EventDate(FRIDAY, None, "story")


def test_a_relative_clause_date_does_not_date_the_main_verb(nlp):
    # Decision: Monday is when the minister arrived, not when he criticised; the main verb is undated.
    sentence = "The minister who arrived on Monday criticized the plan."
    assert date_of(nlp, sentence, "criticized") == EventDate(FRIDAY, None, "story")
    assert date_of(nlp, sentence, "arrived").date == dt.date(2014, 3, 10)


def test_each_clause_keeps_its_own_date(nlp):
    sentence = "On March 3, 2014, the president said he would visit Cairo next Monday."
    assert date_of(nlp, sentence, "said").date == dt.date(2014, 3, 3)
    assert date_of(nlp, sentence, "visit").date == dt.date(2014, 3, 17)


def test_coordinated_verbs_share_a_date(nlp):
    found = date_of(nlp, "The ministers met on Wednesday and signed a deal.", "signed")
    assert found.date == dt.date(2014, 3, 12)


def test_an_announced_meeting_is_dated_when_announced(nlp):
    found = date_of(nlp, "The two sides will meet on March 19-20.", "meet", announced=True)
    assert found == EventDate(FRIDAY, "on March 19-20", "day")


def test_an_unknown_story_date_leaves_the_date_empty(nlp):
    assert date_of(nlp, "The ministers met on Wednesday.", "met", story=None) == EventDate(None, "on Wednesday", "story")


def test_an_impossible_day_falls_back_to_the_story_date(nlp):
    found = date_of(nlp, "The envoys met on February 30.", "met")
    assert (found.date, found.precision) == (FRIDAY, "story")


def count_scans(monkeypatch) -> list[int]:
    """One entry per sentence the scanner reads."""
    calls: list[int] = []
    real = dates._scan
    monkeypatch.setattr(dates, "_scan", lambda lowers, texts: calls.append(1) or real(lowers, texts))
    return calls


def test_a_sentence_is_scanned_once(nlp, monkeypatch):
    doc = nlp("The ministers met on Wednesday and signed a deal last week.")
    calls = count_scans(monkeypatch)
    for token in doc:
        resolve_event_date(token, FRIDAY)
    assert len(calls) == 1


def test_a_sentence_without_time_words_is_never_scanned(nlp, monkeypatch):
    doc = nlp("The ministers met in Geneva on a cold night and signed a deal.")
    calls = count_scans(monkeypatch)
    for token in doc:
        resolve_event_date(token, FRIDAY)
    assert calls == []
    assert dates.time_expressions(doc[:]) == ()


@pytest.mark.parametrize(
    ("sentence", "trigger", "background"),
    [
        ("The two leaders met in 2013.", "met", True),  # a year that ended 73 days before the story
        ("Troops seized the town five years ago.", "seized", True),
        ("The protests began in September.", "began", True),  # September 2013: ended in the autumn
        ("The parliament approved the budget in January.", "approved", False),  # ended 42 days before
        ("Delegates signed the accord on 3 March.", "signed", False),
        ("The army rejected the offer last week.", "rejected", False),
        ("The army rejected the offer.", "rejected", False),  # no time named: the story's own news
    ],
)
def test_an_event_dated_long_before_the_story_is_background(nlp, sentence, trigger, background):
    assert date_of(nlp, sentence, trigger).background(FRIDAY) is background


def test_a_year_is_background_only_once_it_is_well_over():
    early_january = dt.date(2014, 1, 20)
    assert not EventDate(dt.date(2013, 1, 1), "in 2013", "year").background(early_january)
    assert EventDate(dt.date(2013, 1, 1), "in 2013", "year").background(dt.date(2014, 3, 2))
    assert not EventDate(dt.date(2013, 1, 1), "in 2013", "year").background(None)  # no story date: no telling


def test_background_the_story_recalls_is_not_coded(code):
    story = dt.date(2024, 3, 1)
    recalled = "Hamas, which seized control of Gaza in 2007, rejected the Egyptian proposal on Monday."
    assert code(recalled, story) == {("PSEREB", "EGY", "120")}
    assert ("RUS", "UKR", "192") not in code("In 2022 Russia invaded Ukraine, its foreign minister recalled.", story)
    # The same acts reported as news are coded
    assert ("PSEREB", "PSE", "192") in code("Hamas seized control of Gaza on Monday.", story)
    assert ("RUS", "UKR", "192") in code("Russia invaded Ukraine last week.", story)
    # and so is the recalled one when the story's date is unknown
    assert ("PSEREB", "PSE", "192") in code(recalled, None)
