"""The seed story, the first thing the pipeline must code right: every required event, no false one.

Reads ../shared/seed (never copied into the project); skips only where ../shared is absent.
"""

from __future__ import annotations

import datetime as dt
import json

from conftest import shared_path


def _matches(entry: dict, event) -> bool:
    pair = (event.source.country, event.target.country)
    wanted = (entry["source"], entry["target"])
    direction = pair == wanted or (entry.get("symmetric") and pair == wanted[::-1])
    return bool(direction) and event.event_code in entry["code"]


def test_seed_story_required_events_found_and_nothing_else(coder) -> None:
    expected = json.loads(shared_path("seed", "expected_events.json").read_text())
    text = shared_path("seed", expected["doc"]).read_text()
    story_date = dt.date.fromisoformat(expected["story_date"])
    events = coder.code_text(text, story_date)

    missing = [entry["why"] for entry in expected["required"] if not any(_matches(entry, e) for e in events)]
    assert not missing, f"required events not found: {missing}"
    allowed = expected["required"] + expected["optional"]
    false = [(e.source.code, e.target.code, e.event_code, e.sentence_text) for e in events if not any(_matches(a, e) for a in allowed)]
    assert not false, f"false positives: {false}"


def test_seed_story_event_dates(coder) -> None:
    expected = json.loads(shared_path("seed", "expected_events.json").read_text())
    text = shared_path("seed", expected["doc"]).read_text()
    events = coder.code_text(text, dt.date.fromisoformat(expected["story_date"]))
    rejection = next(e for e in events if e.event_code.startswith("12"))
    assert dt.date(2014, 3, 3) <= rejection.event_date <= dt.date(2014, 3, 9) and rejection.date_precision == "week"
    announced = next(e for e in events if e.event_code == "036")
    assert announced.event_date == dt.date(2014, 3, 14)
    held = next(e for e in events if e.event_code.startswith("04") and {e.source.country, e.target.country} == {"KOR", "JPN"})
    assert held.event_date == dt.date(2014, 3, 12) and held.date_precision == "day"
