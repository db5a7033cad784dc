"""Protects the one-a-day tables: one event reported by several stories is one event_days row with
its mention and story counts and a stable first mention; dyad_days counts those one-a-day events
per day, country pair and QuadClass with their mean Goldstein score, leaving out actors without a
country; both tables fit their contracts, even when there are no events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.lib.aggregates import dyad_days, event_days
from pipelines.lib.contracts import conform, load_contract

DAY1 = dt.date(2014, 3, 12)
DAY2 = dt.date(2014, 3, 13)


def event(event_id, doc_id, story_date, event_date, source, target, code, quad, goldstein, sentence=0):
    return {
        "event_id": event_id, "doc_id": doc_id, "sentence_index": sentence, "story_date": story_date,
        "event_date": event_date, "source_actor": source, "source_country": source[:3] if source[:3] != "IGO" else None,
        "target_actor": target, "target_country": target[:3] if target[:3] != "IGO" else None,
        "event_code": code, "event_root": code[:2], "quad_class": quad, "goldstein": goldstein,
    }


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        # One meeting on day 1, reported by three stories (listed out of order on purpose).
        event("e3", "doc-c", DAY2, DAY1, "FRAGOV", "DEUGOV", "043", 1, 2.8),
        event("e1", "doc-a", DAY1, DAY1, "FRAGOV", "DEUGOV", "043", 1, 2.8, sentence=4),
        event("e2", "doc-b", DAY1, DAY1, "FRAGOV", "DEUGOV", "043", 1, 2.8),
        # Another event for the same country pair and QuadClass on day 1, from a different actor.
        event("e4", "doc-b", DAY1, DAY1, "FRA", "DEUGOV", "040", 1, 1.0),
        # The same meeting again on day 2, and a threat between another pair.
        event("e5", "doc-d", DAY2, DAY2, "FRAGOV", "DEUGOV", "043", 1, 2.8),
        event("e6", "doc-d", DAY2, DAY2, "RUSMIL", "UKRGOV", "138", 4, -7.0),
        # An organisation has no country: an event_days row but no dyad.
        event("e7", "doc-d", DAY2, DAY2, "IGOUNO", "UKRGOV", "043", 1, 2.8),
    ]
    return pd.DataFrame(rows)


def test_three_stories_of_one_event_are_one_row(events):
    days = event_days(events)
    meeting = days[(days.event_date == DAY1) & (days.event_code == "043")].iloc[0]
    assert (meeting.n_mentions, meeting.n_docs) == (3, 3)
    assert meeting.doc_ids == ["doc-a", "doc-b", "doc-c"]


def test_the_first_mention_is_from_the_earliest_story(events):
    days = event_days(events)
    meeting = days[(days.event_date == DAY1) & (days.event_code == "043")].iloc[0]
    # doc-a and doc-b share the earliest story date; doc-a sorts first.
    assert (meeting.first_doc_id, meeting.first_event_id) == ("doc-a", "e1")


def test_one_row_per_day_dyad_and_code(events):
    days = event_days(events)
    assert len(days) == 5
    assert days[["n_mentions", "n_docs"]].sum().tolist() == [7, 7]


def test_dyad_days_count_one_a_day_events_with_mean_goldstein(events):
    dyads = dyad_days(events).set_index(["event_date", "source_country", "target_country", "quad_class"])
    assert dyads.loc[(DAY1, "FRA", "DEU", 1), "n_events"] == 2  # the meeting once, plus code 040
    assert dyads.loc[(DAY1, "FRA", "DEU", 1), "mean_goldstein"] == pytest.approx((2.8 + 1.0) / 2)
    assert dyads.loc[(DAY2, "FRA", "DEU", 1), "n_events"] == 1
    assert dyads.loc[(DAY2, "RUS", "UKR", 4), "mean_goldstein"] == pytest.approx(-7.0)


def test_actors_without_a_country_are_not_dyads(events):
    assert len(dyad_days(events)) == 3
    assert dyad_days(events).n_events.sum() == 4


@pytest.mark.parametrize(("build", "table"), [(event_days, "event_days"), (dyad_days, "dyad_days")])
def test_tables_fit_their_contracts(events, build, table):
    contract = load_contract(table)
    frame = build(events)
    assert list(frame.columns) == list(contract.column_names)
    assert conform(frame, contract).num_rows == len(frame)


@pytest.mark.parametrize(("build", "table"), [(event_days, "event_days"), (dyad_days, "dyad_days")])
def test_no_events_give_an_empty_table_with_the_contract_columns(events, build, table):
    contract = load_contract(table)
    frame = build(events.iloc[0:0])
    assert list(frame.columns) == list(contract.column_names) and frame.empty
    assert conform(frame, contract).num_rows == 0


@pytest.mark.parametrize("build", [event_days, dyad_days])
def test_a_frame_without_columns_is_no_events(build):
    assert build(pd.DataFrame()).empty
