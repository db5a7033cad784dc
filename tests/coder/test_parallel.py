"""Protects coding on several processes (`pipelines/coder/parallel.py`): the same coded documents, in
the same order, as at one process; an error in a worker or in the input reaches the caller
instead of hanging it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.coder.engine import EventCoder
from pipelines.coder.parallel import CHUNK_DOCUMENTS, can_fork
from pipelines.coder.types import Document

pytestmark = pytest.mark.skipif(not can_fork(), reason="coding workers are forked")

SENTENCES = [
    "Kenya on Tuesday rejected Somalia's proposal to hold talks on the maritime border.",
    "The European Union urged Serbia and Kosovo to resume their dialogue without delay.",
    "Rain fell on the coast all day.",
    "Police arrested dozens of opposition supporters in Lahore on Monday, the party said.",
    "Peru's president met Bolivia's foreign minister in Lima to discuss trade.",
]


def documents(n: int) -> list[Document]:
    return [
        Document(doc_id=f"doc-{i}", text=f"{SENTENCES[i % len(SENTENCES)]}\n{SENTENCES[(i * 3 + 1) % len(SENTENCES)]}", story_date=dt.date(2024, 3, 1 + i % 28))
        for i in range(n)
    ]


def test_two_processes_code_what_one_does_in_the_same_order(coder: EventCoder) -> None:
    stories = documents(2 * CHUNK_DOCUMENTS + 7)  # several chunks, the last one short
    alone = list(coder.code_documents(stories))
    together = list(coder.code_documents(stories, n_process=2))
    assert [coded.document.doc_id for coded in together] == [story.doc_id for story in stories]
    assert together == alone
    assert sum(len(coded.events) for coded in together) > 0


def test_no_documents_give_no_results(coder: EventCoder) -> None:
    assert list(coder.code_documents([], n_process=2)) == []


def test_an_error_in_a_worker_is_raised_in_the_caller(coder: EventCoder, monkeypatch: pytest.MonkeyPatch) -> None:
    original = EventCoder.code_parsed

    def failing(self, doc, document, trace=None):
        if document.doc_id == "doc-70":
            raise ValueError("this story breaks the coder")
        return original(self, doc, document, trace)

    monkeypatch.setattr(EventCoder, "code_parsed", failing)  # the forked workers inherit it
    with pytest.raises(RuntimeError, match="this story breaks the coder"):
        list(coder.code_documents(documents(100), n_process=2))


def test_an_error_reading_the_input_is_raised_in_the_caller(coder: EventCoder) -> None:
    def stories():
        yield from documents(10)
        raise OSError("the input file went away")

    with pytest.raises(OSError, match="went away"):
        list(coder.code_documents(stories(), n_process=2))
