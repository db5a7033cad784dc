"""Same events, whatever the code path: a check for performance changes, not a benchmark.

Codes the benchmark corpus, the sample stories in data/raw/ and the test fixtures along every
path a speed-up touched, with the same rules and dictionaries loaded once, and compares the
event rows (every column) with the reference path:

- reference: the model with spaCy's own AttributeRuler, parsed and coded one story at a time
  (`nlp(text)`, `code_parsed`);
- `code_documents` at one process and at two (the `eventcoder code` paths);
- the parse cache: parsed and stored, then read back and coded (the recode path).

Run: `.venv/bin/python benchmarks/compare_events.py [--stories N]`. Prints one line per path and
exits 1 if any path's events differ from the reference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(REPOSITORY))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000, help="stories of the benchmark corpus (default 2000)")
    args = parser.parse_args(argv)

    import spacy

    from corpus import write_corpus
    from pipelines.coder.engine import CODER_VERSION, EventCoder
    from pipelines.coder.nlp import PARAGRAPH_COMPONENT, load_nlp, model_package_name
    from pipelines.coder.text import clean_text
    from pipelines.lib.event_rows import Versions, event_records, events_frame
    from pipelines.lib.parse_cache import CacheStats, ParseCache, parse_with_cache
    from pipelines.lib.stories import RawStory, input_files, read_stories

    with tempfile.TemporaryDirectory(prefix="eventcoder-compare-") as work:
        corpus = write_corpus(Path(work) / "corpus.jsonl", args.stories).path
        files = input_files([Path(corpus), REPOSITORY / "data" / "raw", REPOSITORY / "tests" / "fixtures" / "stories"])
        documents = [item.document for item in read_stories(files, require_date=False) if isinstance(item, RawStory)]

        coder = EventCoder()
        original = spacy.load(model_package_name(), exclude=["ner"])
        original.add_pipe(PARAGRAPH_COMPONENT, before="parser")
        reference_coder = EventCoder(nlp=original, rules=coder.rules, actors=coder.actor_dictionary)
        versions = Versions(CODER_VERSION, coder.dictionary_version, coder.model)

        def frame(coded_documents) -> pd.DataFrame:
            rows = [row for coded in coded_documents for row in event_records(coded, versions)]
            return events_frame(rows).sort_values("event_id").reset_index(drop=True)

        reference = frame(reference_coder.code_parsed(original(clean_text(d.text)), d) for d in documents)
        cache = ParseCache(Path(work) / "cache", coder.model)

        def through_cache() -> list:
            stats = CacheStats()
            coded = [coder.code_parsed(doc, d) for doc, d in parse_with_cache(coder, documents, cache, stats, segment="compare")]
            return coded, stats

        paths = {
            "code_documents, 1 process": lambda: frame(coder.code_documents(documents)),
            "code_documents, 2 processes": lambda: frame(coder.code_documents(documents, n_process=2)),
            "parse cache, first pass (parse, store)": lambda: _checked(frame, through_cache, misses=len(documents)),
            "parse cache, recode (read back)": lambda: _checked(frame, through_cache, hits=len(documents)),
        }
        print(f"{len(documents)} stories, {len(reference)} events in the reference (spaCy's AttributeRuler, one story at a time)")
        same = True
        for name, run in paths.items():
            events = run()
            equal = events.equals(reference)
            same &= equal
            print(f"  {name:<40} {len(events):>6} events  {'same' if equal else 'DIFFERENT'}")
            if not equal:
                _show_difference(events, reference)
        print("ALL SAME" if same else "DIFFERENCES")
        return 0 if same else 1


def _checked(frame, through_cache, hits: int = 0, misses: int = 0) -> pd.DataFrame:
    coded, stats = through_cache()
    assert (stats.hits, stats.misses) == (hits, misses), stats
    return frame(coded)


def _show_difference(events: pd.DataFrame, reference: pd.DataFrame) -> None:
    merged = events.merge(reference, how="outer", indicator=True)
    print(merged[merged["_merge"] != "both"][["_merge", "doc_id", "event_code", "source_actor", "target_actor"]].head(10).to_string())


if __name__ == "__main__":
    sys.exit(main())
