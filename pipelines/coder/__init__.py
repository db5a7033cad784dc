"""The CAMEO event coder: pure Python + spaCy, no Dagster.

`EventCoder` streams documents through spaCy and yields `Event`s; see `coder.engine`.
"""

from pipelines.coder.types import CodedDocument, Document, Event

__all__ = ["CodedDocument", "Document", "Event"]
