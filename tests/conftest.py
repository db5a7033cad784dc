"""Shared fixtures: one real spaCy-backed coder per test session (loading the model takes seconds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.coder.engine import EventCoder

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED = REPOSITORY.parent / "shared"


@pytest.fixture(scope="session")
def coder() -> EventCoder:
    return EventCoder()


@pytest.fixture(scope="session")
def code(coder: EventCoder):
    """Code a text; returns (source, target, code) triples."""

    def run(text: str, story_date: dt.date | None = dt.date(2024, 5, 17)) -> set[tuple[str, str, str]]:
        return {(e.source.code, e.target.code, e.event_code) for e in coder.code_text(text, story_date)}

    return run


def shared_path(*parts: str) -> Path:
    """A file in ../shared; skips the test where ../shared is absent (it is present in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here: ../shared is read from, never copied into the project")
    return path


@pytest.fixture(autouse=True)
def _forget_disposed_dagster_instances():
    """Dagster 1.13's `DagsterInstance.__exit__` disposes the instance but leaves its state storage
    in a context variable (the exit stack opened by `__enter__` is never closed), so a later
    Definitions load in the same process reaches a dead instance. Clear it after every test."""
    yield
    from dagster._core.storage.defs_state.base import _current_storage

    _current_storage.set(None)
