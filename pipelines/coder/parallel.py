"""Coding on several cores: worker processes that parse *and* code, returning plain results.

With spaCy's own `nlp.pipe(n_process=N)` the workers only parse: every Doc is serialized in a
worker, sent back and rebuilt in the main process, which then codes all the stories alone on
top of that, competing with the workers for the cores. Here each worker runs the whole coder
(`EventCoder.code_documents` at one process, memory zones included) on its share of the
stories and sends back `CodedDocument`s, which hold plain Python values: no Doc crosses a
process boundary, and the coding is spread over the cores like the parsing.

The workers are forked from the process that built the coder, so the model, the dictionaries
and the matchers are shared copy-on-write rather than loaded again. Where `fork` is not
available, `EventCoder.code_documents` keeps spaCy's multiprocessing. Results come back in input
order; an error in a worker is raised in the caller.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.coder.engine import EventCoder
    from pipelines.coder.types import CodedDocument, Document

# Stories a worker is handed at a time, and results it sends back at a time.
CHUNK_DOCUMENTS = 64
_DONE = None
_POLL_SECONDS = 1.0

# The coder the forked workers use: set in the parent just before forking, inherited by the children.
_WORKER_CODER: EventCoder | None = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def code_in_workers(
    coder: EventCoder, documents: Iterable[Document], batch_size: int, n_process: int,
) -> Iterator[CodedDocument]:
    """Code the documents in `n_process` forked workers; yields CodedDocuments in input order."""
    global _WORKER_CODER
    coder.places  # noqa: B018 - built once here (about a second), not once in every worker
    context = multiprocessing.get_context("fork")
    tasks: multiprocessing.Queue = context.Queue(maxsize=4 * n_process)
    results: multiprocessing.Queue = context.Queue()
    _WORKER_CODER = coder
    try:
        workers = [context.Process(target=_work, args=(tasks, results, batch_size), daemon=True) for _ in range(n_process)]
        for worker in workers:
            worker.start()
    finally:
        _WORKER_CODER = None
    feeding = _Feeder(documents, tasks, n_process)  # started after the fork: the workers copy no thread
    feeding.start()
    try:
        yield from _in_order(results, workers, feeding)
    finally:
        feeding.stop()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _in_order(results: multiprocessing.Queue, workers: list, feeding: "_Feeder") -> Iterator[CodedDocument]:
    """The workers' chunks of results, put back in input order."""
    pending: dict[int, list] = {}
    following, finished = 0, 0
    while finished < len(workers) or pending:
        if following in pending:
            yield from pending.pop(following)
            following += 1
            continue
        if finished == len(workers):
            raise RuntimeError(f"the coding workers finished without the results of chunk {following}")
        try:
            kind, number, payload = results.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            feeding.raise_error()
            if not all(worker.is_alive() for worker in workers) and results.empty():
                dead = [worker.exitcode for worker in workers if not worker.is_alive()]
                if any(code != 0 for code in dead):
                    raise RuntimeError(f"a coding worker died (exit codes {dead})") from None
            continue
        if kind == "error":
            raise RuntimeError(f"a coding worker failed:\n{payload}")
        if kind == "done":
            finished += 1
            continue
        pending[number] = payload
    feeding.raise_error()


def _work(tasks: multiprocessing.Queue, results: multiprocessing.Queue, batch_size: int) -> None:
    """In a worker: code every chunk it is handed; send results chunk by chunk, then "done"."""
    coder = _WORKER_CODER
    try:
        numbered = _received(tasks)
        first, second = itertools.tee(numbered)
        numbers = (number for number, _ in first)
        coded = coder.code_documents((document for _, document in second), batch_size=batch_size, n_process=1)
        for number, chunk in itertools.groupby(zip(numbers, coded), key=lambda pair: pair[0][0]):
            results.put(("chunk", number, [item for _, item in chunk]))
        results.put(("done", -1, None))
    except BaseException:  # noqa: BLE001 - whatever it is, the parent must hear of it
        results.put(("error", -1, traceback.format_exc()))


def _received(tasks: multiprocessing.Queue) -> Iterator[tuple[tuple[int, int], Document]]:
    """((chunk number, position), document) for every document of the chunks handed to this worker."""
    while (task := tasks.get()) is not _DONE:
        number, chunk = task
        for position, document in enumerate(chunk):
            yield (number, position), document


class _Feeder(threading.Thread):
    """Hands the documents to the workers in numbered chunks; keeps an input error for the caller."""

    def __init__(self, documents: Iterable[Document], tasks: multiprocessing.Queue, n_process: int) -> None:
        super().__init__(name="eventcoder-feeder", daemon=True)
        self.documents, self.tasks, self.n_process = documents, tasks, n_process
        self.error: BaseException | None = None
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            iterator = iter(self.documents)
            for number in itertools.count():
                chunk = list(itertools.islice(iterator, CHUNK_DOCUMENTS))
                if not chunk or not self._put((number, chunk)):
                    break
        except BaseException as error:  # noqa: BLE001 - raised again in the caller
            self.error = error
        finally:
            for _ in range(self.n_process):
                self._put(_DONE)

    def _put(self, item: object) -> bool:
        while not self._stopped.is_set():
            try:
                self.tasks.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def stop(self) -> None:
        self._stopped.set()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error
