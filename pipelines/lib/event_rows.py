"""Turning coded documents into rows of the `events` and `documents` tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipelines.coder.engine import with_event_ids
from pipelines.coder.types import Actor, CodedDocument, Event
from pipelines.coder.codebook import load_codebook
from pipelines.lib.contracts import load_contract
from pipelines.lib.stories import RawStory


@dataclass(frozen=True)
class Versions:
    """What produced a row: recorded on every event and in the Parquet metadata."""

    coder_version: str
    dictionary_version: str
    model: str


def event_records(coded: CodedDocument, versions: Versions) -> list[dict]:
    """One dict per event, with the codebook facts and the versions attached."""
    codebook = load_codebook()
    records = []
    for event_id, event in with_event_ids(coded.events):
        entry = codebook.get(event.event_code)
        if entry is None:
            raise ValueError(f"rule {event.rule_id} produced {event.event_code!r}, which is not in the CAMEO codebook")
        records.append(
            {
                "event_id": event_id,
                "doc_id": event.doc_id,
                "sentence_index": event.sentence_index,
                "sentence_text": event.sentence_text,
                "story_date": event.story_date,
                "event_date": event.event_date,
                "event_date_text": event.event_date_text,
                "date_precision": event.date_precision,
                **_actor_columns("source", event.source),
                **_actor_columns("target", event.target),
                "event_code": event.event_code,
                "event_root": event.event_code[:2],
                "quad_class": entry.quad_class,
                "goldstein": entry.goldstein,
                "verb_text": event.verb_text,
                "rule_id": event.rule_id,
                "mood": event.mood,
                **_place_columns(event),
                "coder_version": versions.coder_version,
                "dictionary_version": versions.dictionary_version,
                "model": versions.model,
            }
        )
    return records


def _actor_columns(role: str, actor: Actor) -> dict:
    return {
        f"{role}_actor": actor.code,
        f"{role}_country": actor.country,
        f"{role}_agent": actor.agent,
        f"{role}_text": actor.text,
    }


def _place_columns(event: Event) -> dict:
    return {"action_place": event.action_place, "action_country": event.action_country, "lat": event.lat, "lon": event.lon}


def events_frame(records: Iterable[dict]) -> pd.DataFrame:
    """Event records as a DataFrame with every column of the events contract, even with no events."""
    return pd.DataFrame(list(records), columns=list(load_contract("events").column_names))


def document_record(story: RawStory, ingested_at: dt.datetime) -> dict:
    """One row of the `documents` table."""
    document = story.document
    return {
        "doc_id": document.doc_id,
        "story_date": document.story_date,
        "title": document.title,
        "publisher": document.publisher,
        "url": document.url,
        "text": document.text,
        "content_hash": story.content_hash,
        "raw_path": story.raw_path,
        "raw_line": story.raw_line,
        "ingested_at": ingested_at,
        "n_chars": len(document.text),
    }
