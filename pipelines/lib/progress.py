"""Progress reports for long runs, written to a log (the Dagster run log) at a steady pace."""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressReporter:
    """Counts documents, sentences and events; logs rate and time left every few seconds."""

    def __init__(self, total: int, log: Callable[[str], None], every_seconds: float = 5.0) -> None:
        self.total = total
        self.log = log
        self.every_seconds = every_seconds
        self.documents = self.sentences = self.events = 0
        self.started = self._last = time.perf_counter()

    def update(self, sentences: int = 0, events: int = 0) -> None:
        self.documents += 1
        self.sentences += sentences
        self.events += events
        now = time.perf_counter()
        if now - self._last >= self.every_seconds:
            self._last = now
            self.log(self.line())

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = self.documents / elapsed
        left = (self.total - self.documents) / rate if rate else 0.0
        return (
            f"coded {self.documents}/{self.total} documents, {self.sentences} sentences, {self.events} events; "
            f"{rate:.1f} documents/s, about {left:.0f} s left"
        )

    def close(self) -> None:
        self.log(self.line().replace(", about 0 s left", "") + " (done)")
