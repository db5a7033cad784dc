"""Coding: parse (through the cache) and code one date's documents into a staged events partition.

The staged partition is validated by the blocking checks in `checks.py`; only then does the
`events` asset publish it where readers load it.
"""


import time
from collections import Counter
from collections.abc import Iterator

import dagster as dg
import pandas as pd

from pipelines.coder.engine import CODER_VERSION, ZONE_DOCUMENTS
from pipelines.coder.types import Document
from pipelines.coder.versions import builtin_dictionary_version
from pipelines.defs.ingest.assets import documents
from pipelines.defs.partitions import BACKFILL_POLICY, add_partition_metadata, story_dates
from pipelines.defs.resources import CoderResource, StorageResource
from pipelines.lib import parquet_io, tables
from pipelines.lib.event_rows import event_records, events_frame
from pipelines.lib.parse_cache import parse_segments_with_cache
from pipelines.lib.progress import ProgressReporter

CODE_VERSION = f"{CODER_VERSION}+{builtin_dictionary_version()}"


@dg.asset(
    partitions_def=story_dates,
    deps=[documents],
    group_name="coding",
    code_version=CODE_VERSION,
    kinds={"spacy", "parquet"},
    backfill_policy=BACKFILL_POLICY,
)
def coded_events(
    context: dg.AssetExecutionContext, storage: StorageResource, coder: CoderResource
) -> dg.MaterializeResult:
    """CAMEO events of the date's documents, staged for validation (not yet what readers load).

    Each date is parsed through its own pack of the parse cache and staged as its own partition;
    a run over a range of dates loads the coder once and parses its dates' new stories in one
    spaCy stream per memory zone.
    """
    event_coder, versions = coder.coder(), coder.versions()
    cache = storage.parse_cache(versions.model)
    dates = context.partition_keys
    stories_by_date = {date: parquet_io.partition_rows(storage.coded, "documents", date) for date in dates}
    progress = ProgressReporter(total=sum(stories_by_date.values()), log=context.log.info)
    metadata = {"coder_version": versions.coder_version, "dictionary_version": versions.dictionary_version, "model": versions.model}
    # Memory zones of whole dates, at least ZONE_DOCUMENTS stories each: the strings spaCy adds
    # for their words are freed after them, so a run over a long range of dates does not grow.
    # (A zone ends between dates only: a date's parse-cache pack puts its strings in the zone.)
    # A zone's stories not in the cache are parsed in one spaCy stream, however many dates.
    for zone in _zones(dates, stories_by_date, ZONE_DOCUMENTS):
        with event_coder.nlp.memory_zone():
            stories = {date: _documents(tables.read(storage.coded, "documents", date)) for date in zone}
            segments = parse_segments_with_cache(event_coder, list(stories.items()), cache, coder.batch_size, coder.n_process)
            for date, stats, parses in segments:
                started, sentences = time.perf_counter(), progress.sentences
                records: list[dict] = []
                for doc, document in parses:
                    coded = event_coder.code_parsed(doc, document)
                    records += event_records(coded, versions)
                    progress.update(sentences=coded.n_sentences, events=len(coded.events))
                frame = events_frame(records)
                path = tables.write(storage.coded, "events", date, frame, metadata, folder=f"{tables.STAGING}/events")
                if stats.unreadable_packs:
                    context.log.warning(f"{date}: the parse cache's pack could not be read; its stories were parsed again")
                add_partition_metadata(
                    context, dates, date, {
                        "documents": len(stories[date]),
                        "sentences": progress.sentences - sentences,
                        "events": len(frame),
                        "parse_cache_hits": stats.hits,
                        "parse_cache_misses": stats.misses,
                        "events_by_root": dg.MetadataValue.json(dict(sorted(Counter(frame["event_root"]).items()))),
                        "seconds": round(time.perf_counter() - started, 2),
                        "staged_path": dg.MetadataValue.path(str(path)),
                        **metadata,
                    },
                )
    progress.close()
    return dg.MaterializeResult()


def _zones(dates: list[str], stories: dict[str, int], size: int) -> Iterator[list[str]]:
    """Consecutive dates in groups of at least `size` stories (the last group may hold fewer)."""
    group: list[str] = []
    count = 0
    for date in dates:
        group.append(date)
        count += stories[date]
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _documents(frame: pd.DataFrame) -> list[Document]:
    return [
        Document(
            doc_id=row.doc_id, text=row.text, story_date=row.story_date,
            title=row.title, publisher=row.publisher, url=row.url,
        )
        for row in frame.itertuples(index=False)
    ]
