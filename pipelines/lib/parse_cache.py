"""The parse cache: spaCy parses stored as DocBin files, keyed by content hash and model.

Parsing is the expensive step; coding is cheap. After a dictionary change the corpus is recoded
from these files without parsing anything again. One file per document, sharded by the first
two hex digits of its hash, written atomically: locally under a temporary name then renamed; on
an object store (`s3://...`, see `locations.py`) as one PUT of the finished bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from pipelines.coder.engine import EventCoder
from pipelines.coder.types import Document
from pipelines.lib.locations import StoragePath, as_path, is_local, put_object
from pipelines.lib.stories import content_hash

ATTRS = ["ORTH", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "SENT_START", "SPACY"]


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class ParseCache:
    """DocBin files under `root/<model>/<hash[:2]>/<hash>.spacy`."""

    def __init__(self, root: StoragePath | str, model: str) -> None:
        self.folder = as_path(root) / model

    def path(self, text_hash: str) -> StoragePath:
        return self.folder / text_hash[:2] / f"{text_hash}.spacy"

    def get(self, text_hash: str, vocab: Vocab) -> Doc | None:
        path = self.path(text_hash)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        docs = list(DocBin().from_bytes(data).get_docs(vocab))
        return docs[0] if docs else None

    def put(self, text_hash: str, doc: Doc) -> None:
        path = self.path(text_hash)
        data = DocBin(attrs=ATTRS, docs=[doc]).to_bytes()
        if not is_local(path):
            put_object(path, data)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def parse_with_cache(
    coder: EventCoder, documents: Iterable[Document], cache: ParseCache | None, stats: CacheStats,
    batch_size: int = 64, n_process: int = 1,
) -> Iterator[tuple[Doc, Document]]:
    """Parses of the documents: cached ones are read back, the rest parsed and stored.

    Cached documents come first, then the parsed ones in input order.
    """
    misses: list[Document] = []
    for document in documents:
        doc = cache.get(_key(document), coder.nlp.vocab) if cache else None
        if doc is None:
            misses.append(document)
            continue
        stats.hits += 1
        yield doc, document
    for doc, document in coder.parse(misses, batch_size=batch_size, n_process=n_process):
        stats.misses += 1
        if cache:
            cache.put(_key(document), doc)
        yield doc, document


def _key(document: Document) -> str:
    return content_hash(document.text)
