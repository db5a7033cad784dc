"""Protects the parse cache (`pipelines/lib/parse_cache.py`): what comes back is the parse that went in,
a story is parsed again exactly when its text changed, and an unreadable pack costs a re-parse,
never a failed run or a wrong parse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.coder.engine import EventCoder
from pipelines.coder.types import Document
from pipelines.lib.parse_cache import CacheStats, Pack, ParseCache, parse_segments_with_cache, parse_with_cache

SEGMENT = "2023-10-03"
TEXTS = {
    "a": "Kenya on Tuesday rejected Somalia's proposal to hold talks on the maritime border.\nThe Kenyan government said it would not negotiate.",
    "b": "The European Union urged Serbia and Kosovo to resume their dialogue without delay.",
    "c": "Police arrested dozens of opposition supporters in Lahore on Monday, the party said.",
}


def documents(texts: dict[str, str]) -> list[Document]:
    return [Document(doc_id=key, text=text, story_date=dt.date(2023, 10, 3)) for key, text in texts.items()]


def token_rows(doc) -> list[tuple]:
    """Everything the coder reads from a parse."""
    return [
        (t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start)
        for t in doc
    ]


def run(coder: EventCoder, cache: ParseCache, texts: dict[str, str]) -> tuple[dict[str, list[tuple]], CacheStats]:
    stats = CacheStats()
    parses = {document.doc_id: token_rows(doc) for doc, document in parse_with_cache(coder, documents(texts), cache, stats, segment=SEGMENT)}
    return parses, stats


@pytest.fixture()
def cache(tmp_path: Path) -> ParseCache:
    return ParseCache(tmp_path / "parses", "model-1")


def test_a_cached_parse_is_the_parse_that_was_stored(coder: EventCoder, cache: ParseCache) -> None:
    parsed, first = run(coder, cache, TEXTS)
    cached, second = run(coder, cache, TEXTS)
    assert (first.hits, first.misses) == (0, 3)
    assert (second.hits, second.misses) == (3, 0)
    assert cached == parsed
    assert parsed == {document.doc_id: token_rows(coder.nlp(document.text)) for document in documents(TEXTS)}
    assert [path.name for path in cache.folder.rglob("*") if path.is_file()] == [f"{SEGMENT}.parses"]


def test_only_a_changed_story_is_parsed_again(coder: EventCoder, cache: ParseCache) -> None:
    run(coder, cache, TEXTS)
    changed = {**TEXTS, "b": "The European Union urged Serbia and Kosovo to sign the agreement."}
    parses, stats = run(coder, cache, changed)
    assert (stats.hits, stats.misses) == (2, 1)
    assert parses["b"] == token_rows(coder.nlp(changed["b"]))
    # The rewritten pack holds exactly the segment's current stories, old "b" gone.
    assert len(cache.load(SEGMENT)) == 3
    _, again = run(coder, cache, changed)
    assert (again.hits, again.misses) == (3, 0)


def test_a_removed_story_leaves_the_others_cached(coder: EventCoder, cache: ParseCache) -> None:
    run(coder, cache, TEXTS)
    _, stats = run(coder, cache, {"a": TEXTS["a"], "c": TEXTS["c"]})
    assert (stats.hits, stats.misses) == (2, 0)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_an_unreadable_pack_is_parsed_again_and_replaced(coder: EventCoder, cache: ParseCache, damage: str) -> None:
    parsed, _ = run(coder, cache, TEXTS)
    path = cache.path(SEGMENT)
    data = path.read_bytes()
    path.write_bytes({"garbage": b"not a pack at all" * 10, "truncated": data[: len(data) // 2], "empty": b""}[damage])

    reparsed, stats = run(coder, cache, TEXTS)

    assert (stats.hits, stats.misses, stats.unreadable_packs) == (0, 3, 1)
    assert reparsed == parsed
    assert Pack.from_bytes(path.read_bytes()).keys  # replaced by a readable pack
    _, again = run(coder, cache, TEXTS)
    assert (again.hits, again.misses, again.unreadable_packs) == (3, 0, 0)


def test_segments_and_models_are_kept_apart(coder: EventCoder, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "parses", "model-1")
    run(coder, cache, TEXTS)
    _, other_model = run(coder, ParseCache(tmp_path / "parses", "model-2"), TEXTS)
    assert other_model.misses == 3
    stats = CacheStats()
    list(parse_with_cache(coder, documents(TEXTS), cache, stats, segment="2023-10-04"))
    assert stats.misses == 3


def test_several_segments_parsed_in_one_stream_keep_their_own_packs(coder: EventCoder, cache: ParseCache) -> None:
    """The Dagster job parses a run's dates together: each date must still get its own parses, pack and counts."""
    first = documents({"a": TEXTS["a"], "b": TEXTS["b"]})
    second = documents({"c": TEXTS["c"]})
    list(parse_with_cache(coder, first[:1], cache, CacheStats(), segment="2023-10-03"))  # "a" cached already

    seen = []
    segments = [("2023-10-03", first), ("2023-10-04", []), ("2023-10-05", second)]
    for segment, stats, parses in parse_segments_with_cache(coder, segments, cache):
        rows = {document.doc_id: token_rows(doc) for doc, document in parses}
        seen.append((segment, sorted(rows), stats.hits, stats.misses))
        assert rows == {d.doc_id: token_rows(coder.nlp(d.text)) for d in dict(segments)[segment]}

    assert seen == [("2023-10-03", ["a", "b"], 1, 1), ("2023-10-04", [], 0, 0), ("2023-10-05", ["c"], 0, 1)]
    assert (len(cache.load("2023-10-03")), len(cache.load("2023-10-05"))) == (2, 1)
    assert cache.load("2023-10-04") is None  # nothing parsed, nothing written


def test_a_segment_left_half_read_is_an_error_not_a_mixed_up_parse(coder: EventCoder, cache: ParseCache) -> None:
    segments = iter(parse_segments_with_cache(coder, [("2023-10-03", documents(TEXTS)), ("2023-10-04", documents(TEXTS))], cache))
    _, _, parses = next(segments)
    next(parses)
    with pytest.raises(RuntimeError, match="not read to the end"):
        next(segments)
