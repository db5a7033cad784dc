"""Event dates: the time expression governing a trigger, resolved against the story date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.tokens import Token


@dataclass(frozen=True)
class EventDate:
    """When an event happened, the words that said so, and how precise they are."""

    date: dt.date | None
    text: str | None
    precision: str  # day | week | month | year | story


def resolve_event_date(trigger: Token, story_date: dt.date | None) -> EventDate:
    """The event's date; with no time expression, the story date."""
    return EventDate(story_date, None, "story")
