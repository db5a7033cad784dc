"""The sample stories in data/raw/ code what data/raw/README.md promises.

`tests/fixtures/sample_expected.json` lists, per story, the events a careful human coder finds
(each must be coded), the events that may be coded without penalty, and what must not be coded.
A newcomer's first `make run` codes these stories, so every event it shows must be one of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.coder.engine import EventCoder
from pipelines.lib.stories import RawStory, input_files, read_stories

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "sample_expected.json").read_text())["documents"]
ORGANIZATION_PREFIXES = ("IGO", "NGO", "IMG")


def _stories() -> dict[str, RawStory]:
    stories = [s for s in read_stories(input_files([ROOT / "data" / "raw"])) if isinstance(s, RawStory)]
    return {s.document.doc_id: s for s in stories}


@pytest.fixture(scope="module")
def coded(coder: EventCoder) -> dict[str, list[tuple[str, str, str]]]:
    stories = _stories()
    documents = [stories[entry["doc_id"]].document for entry in EXPECTED]
    return {
        result.document.doc_id: [(e.source.code, e.target.code, e.event_code) for e in result.events]
        for result in coder.code_documents(documents)
    }


def _same_actor(expected: str, coded: str) -> bool:
    """Actors compare on their country; organisations on the organisation, whatever its kind
    (the fixture's NGOHRIAMN is Amnesty International, coded NGOAMN)."""
    if expected.startswith(ORGANIZATION_PREFIXES) or coded.startswith(ORGANIZATION_PREFIXES):
        parts = {code[i : i + 3] for code in (expected,) for i in range(3, len(code), 3)}
        return expected[:3] == coded[:3] and bool(parts & {coded[i : i + 3] for i in range(3, len(coded), 3)})
    return expected[:3] == coded[:3]


def _matches(entry: dict, event: tuple[str, str, str]) -> bool:
    source, target, code = event
    dyads = {(entry["source"], entry["target"])}
    if entry.get("symmetric"):
        dyads.add((entry["target"], entry["source"]))
    return code in entry["code"] and any(_same_actor(s, source) and _same_actor(t, target) for s, t in dyads)


def test_every_sample_story_is_in_the_fixture_and_in_data_raw() -> None:
    assert sorted(_stories()) == sorted(entry["doc_id"] for entry in EXPECTED)


@pytest.mark.parametrize("entry", EXPECTED, ids=[entry["doc_id"] for entry in EXPECTED])
def test_a_sample_story_codes_its_expected_events_and_nothing_else(entry: dict, coded) -> None:
    events = coded[entry["doc_id"]]
    missing = [e for e in entry["events"] if not any(_matches(e, event) for event in events)]
    extra = [event for event in events if not any(_matches(e, event) for e in (*entry["events"], *entry["optional"]))]
    assert not missing and not extra, f"missing: {missing}\nnot expected: {extra}\nnot to code: {entry['nothing_here']}"
