"""Typed values that cross the coder's module boundaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One news story to code. `story_date` is the publication date (document metadata)."""

    doc_id: str
    text: str
    story_date: dt.date | None = None
    title: str | None = None
    publisher: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Actor:
    """A resolved actor mention: CAMEO code = country (or IGO/NGO) + optional agent."""

    code: str  # e.g. "PRKGOV", "JPN", "IGOUNO"
    country: str | None  # ISO alpha-3, None for organisations without a country
    agent: str | None  # CAMEO agent code, e.g. "GOV"
    text: str  # the words of the mention
    start: int  # token offsets in the Doc (start inclusive, end exclusive)
    end: int
    head: int  # index of the syntactic head token of the mention
    reason: str  # how it was resolved, for the audit trail
    territory: bool = False  # a named place that stands for its state ("captured Aleppo")
    group: bool = False  # one of several countries a phrase refers back to ("both sides")
    foreign: bool = False  # "foreign troops": of some other country, never given the story's


@dataclass(frozen=True)
class Event:
    """One coded event mention."""

    doc_id: str
    sentence_index: int
    sentence_text: str
    source: Actor
    target: Actor
    event_code: str  # CAMEO code as a string, e.g. "036"
    rule_id: str
    verb_text: str
    trigger_index: int  # token index of the trigger in the Doc
    story_date: dt.date | None = None
    event_date: dt.date | None = None
    event_date_text: str | None = None
    date_precision: str | None = None  # day | week | month | year | story
    action_place: str | None = None
    action_country: str | None = None
    lat: float | None = None
    lon: float | None = None
    mood: str = "factual"  # factual | intent (recoded to 03x)
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CodedDocument:
    """A document's coding result: its events plus counts for progress and metadata."""

    document: Document
    events: tuple[Event, ...]
    n_sentences: int
    n_tokens: int
