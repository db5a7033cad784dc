"""The `eventcoder` command: code stories, evaluate on gold sets, explain a sentence, run the pipeline.

Exit status: 0 success; 1 the batch ran but some inputs were rejected (their reasons are on
stderr; the good stories' events were written) or an evaluation fell below `--min-root-f1`;
2 a usage error (missing input, unknown suffix, unwritable output) or a malformed rule or actor
dictionary file. Errors are one line on stderr, naming the file (and line), never a traceback.
What makes an input rejected is listed in `data/raw/README.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import __version__
from pipelines.coder.errors import DictionaryError

if TYPE_CHECKING:
    from pipelines.coder.engine import EventCoder
    from pipelines.coder.petrarch import PetrarchConfig

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")


class UsageError(Exception):
    """A mistake in how the command was called: one line on stderr, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except (UsageError, DictionaryError) as error:
        print(f"eventcoder: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eventcoder: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventcoder", description="CAMEO political event coding over spaCy parses.")
    parser.add_argument("--version", action="version", version=f"eventcoder {__version__}")
    commands = parser.add_subparsers(title="commands")

    code = commands.add_parser("code", help="code .txt/.jsonl stories (or folders of them) into an event table")
    code.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    code.add_argument("--out", required=True, type=Path, help="output file: .jsonl, .csv or .parquet")
    code.add_argument("--n-process", type=int, default=1, help="worker processes that parse and code (default 1)")
    code.add_argument("--batch-size", type=int, default=64, help="documents per spaCy batch")
    code.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_petrarch_options(code)
    code.set_defaults(handler=_code)

    evaluate = commands.add_parser("evaluate", help="precision/recall/F1 on a gold JSONL file")
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("--details", action="store_true", help="list misses and false positives")
    evaluate.add_argument("--level", choices=("root", "full"), default="full", help="the level --details lists (default: full)")
    evaluate.add_argument("--by-root", action="store_true", help="also score each CAMEO root (04 consult, 12 reject, ...)")
    evaluate.add_argument("--json", type=Path, help="also write the figures to this JSON file (per root included)")
    evaluate.add_argument("--min-root-f1", type=float, help="exit 1 when root-level F1 is below this")
    _add_petrarch_options(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    explain = commands.add_parser("explain", help="show the parse, actors and rules tried for a sentence")
    explain.add_argument("text")
    explain.add_argument("--date", type=dt.date.fromisoformat, help="story date YYYY-MM-DD")
    _add_petrarch_options(explain)
    explain.set_defaults(handler=_explain)

    dictionaries = commands.add_parser("dictionaries", help="inspect the dictionaries the coder loads")
    dictionary_commands = dictionaries.add_subparsers(title="dictionaries commands")
    report = dictionary_commands.add_parser("report", help="what the PETRARCH files load and what is skipped, and why")
    _add_petrarch_options(report, required=True)
    report.set_defaults(handler=_dictionaries_report)

    pipeline = commands.add_parser("pipeline", help="run the Dagster job on data/raw")
    pipeline_commands = pipeline.add_subparsers(title="pipeline commands")
    run = pipeline_commands.add_parser("run", help="materialize every story date in data/raw (a backfill)")
    run.add_argument("--raw", type=_location, default=Path("data/raw"), help="folder or s3://, gs://... URL")
    run.add_argument("--coded", type=_location, default=Path("data/coded"), help="folder or s3://, gs://... URL")
    run.add_argument(
        "--executor", choices=("in-process", "dask"), default="in-process",
        help="run each date in this process (default), or its steps on a Dask cluster",
    )
    run.add_argument(
        "--dask-address", metavar="tcp://HOST:8786",
        help="the Dask scheduler for --executor dask (default: $DASK_SCHEDULER_ADDRESS)",
    )
    run.set_defaults(handler=_pipeline_run)
    return parser


# -- PETRARCH dictionaries ------------------------------------------------------------------

def _add_petrarch_options(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--petrarch-dir", type=Path, required=required, metavar="DIR",
        help="also load the PETRARCH/Phoenix dictionaries in DIR (see docs/petrarch.md)",
    )
    parser.add_argument(
        "--petrarch-mode", choices=("add", "replace"), default="add",
        help="add them to the built-in dictionaries (default) or use them instead",
    )


def _petrarch_config(args: argparse.Namespace) -> PetrarchConfig | None:
    """The PetrarchConfig the options name, or None without --petrarch-dir."""
    from pipelines.coder.petrarch import PetrarchConfig

    if getattr(args, "petrarch_dir", None) is None:
        return None
    return PetrarchConfig.from_directory(args.petrarch_dir, args.petrarch_mode)  # DictionaryError: exit 2


def _event_coder(args: argparse.Namespace) -> EventCoder:
    """The coder, with the PETRARCH dictionaries the options name."""
    from pipelines.coder.engine import EventCoder

    return EventCoder(petrarch=_petrarch_config(args))


def _dictionaries_report(args: argparse.Namespace) -> int:
    from pipelines.coder.actors_data import load_actor_dictionary
    from pipelines.coder.petrarch import apply_petrarch, petrarch_versions
    from pipelines.coder.rules import load_rules
    from pipelines.coder.versions import combine

    config = _petrarch_config(args)
    rules, actors = load_rules(), load_actor_dictionary()
    _, _, report = apply_petrarch(config, rules, actors)
    print(report.format())
    print(f"dictionary version with these files: {combine(*petrarch_versions(config, rules.version, actors.version))}")
    return EXIT_OK


# -- code -----------------------------------------------------------------------------------

def _code(args: argparse.Namespace) -> int:
    from pipelines.lib.stories import InputError, input_files

    if args.out.suffix not in OUTPUT_SUFFIXES:
        raise UsageError(f"{args.out}: unknown output type '{args.out.suffix}' (expected .jsonl, .csv or .parquet)")
    _check_writable(args.out)
    try:
        files = input_files(args.inputs)
    except InputError as error:
        raise UsageError(str(error)) from error
    started = time.perf_counter()
    output = _EventsOutput(args.out)
    try:
        stats = _code_files(files, args, output)
        output.finish()
    finally:
        output.discard()  # a run that failed or was interrupted leaves no half-written file
    seconds = time.perf_counter() - started
    print(
        f"eventcoder: {stats['documents']} documents, {stats['sentences']} sentences, {output.rows} events, "
        f"{stats['rejected']} rejected inputs, {seconds:.1f} seconds -> {args.out}",
        file=sys.stderr,
    )
    return EXIT_REJECTED if stats["rejected"] else EXIT_OK


def _check_writable(out: Path) -> None:
    """Refuse an output that cannot be written before spending minutes coding."""
    import tempfile

    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder, not an output file")
    if not folder.exists():
        raise UsageError(f"{out}: output folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{out}: output folder {folder} is not a folder")
    # Try it: os.access says yes to root even on a read-only mount or a protected folder.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{out.name}.", suffix=".probe"):
            pass
    except OSError as error:
        raise UsageError(f"{out}: output folder {folder} is not writable ({error.strerror or error})") from error


def _code_files(files: list[Path], args: argparse.Namespace, output: _EventsOutput) -> dict[str, int]:
    """Code every story of the files, handing each document's event rows to `output` as they come."""
    from tqdm import tqdm

    from pipelines.coder.engine import CODER_VERSION
    from pipelines.lib.event_rows import Versions, event_records
    from pipelines.lib.stories import RawStory, read_stories

    coder = _event_coder(args)
    versions = Versions(CODER_VERSION, coder.dictionary_version, coder.model)
    stats = {"documents": 0, "sentences": 0, "rejected": 0}

    def documents() -> Iterator:
        for item in read_stories(files, require_date=False):
            if isinstance(item, RawStory):
                for warning in item.warnings:
                    print(f"eventcoder: warning: {item.where()}: {warning}", file=sys.stderr)
                yield item.document
            else:
                stats["rejected"] += 1
                print(f"eventcoder: rejected: {item.message()}", file=sys.stderr)

    bar = tqdm(desc="coding", unit="doc", disable=args.no_progress, file=sys.stderr, dynamic_ncols=True)
    with bar:
        for coded in coder.code_documents(documents(), batch_size=args.batch_size, n_process=args.n_process):
            output.add(event_records(coded, versions))
            stats["documents"] += 1
            stats["sentences"] += coded.n_sentences
            bar.update(1)
            bar.set_postfix(events=output.rows, sentences=stats["sentences"], refresh=False)
    return stats


class _EventsOutput:
    """The output file, written while coding goes on: memory stays flat however many stories there are.

    Rows are converted and written in chunks of CHUNK_ROWS, each conformed to the published
    table's exact types: Parquet gets one row group per chunk, CSV and JSON lines are appended.
    Everything goes to a hidden temporary file that `finish` renames into place, so a crash
    leaves no half file. The text forms come out byte for byte as if written at once.
    """

    CHUNK_ROWS = 10_000

    def __init__(self, out: Path) -> None:
        from pipelines.lib.contracts import load_contract

        self.out = out
        self.temporary = out.with_name(f".{out.name}.tmp")
        self.contract = _cli_events_contract(load_contract("events"))
        self.rows = 0  # rows handed over so far
        self._pending: list[dict] = []
        self._chunks = 0
        self._parquet = None  # pyarrow.parquet.ParquetWriter, opened with the first chunk
        self._text = None  # the open text file, for .csv and .jsonl

    def add(self, records: list[dict]) -> None:
        self._pending += records
        self.rows += len(records)
        if len(self._pending) >= self.CHUNK_ROWS:
            self._write_pending()

    def finish(self) -> None:
        """Write what is left (at least the header of an empty table), close and rename into place."""
        if self._pending or not self._chunks:
            self._write_pending()
        try:
            self._close()
            self.temporary.replace(self.out)
        except OSError as error:  # e.g. the disk filled up while coding
            raise UsageError(f"{self.out}: cannot write the output ({error.strerror or error})") from error

    def discard(self) -> None:
        """Close and remove the temporary file (nothing to do after `finish`)."""
        try:
            self._close()
        finally:
            self.temporary.unlink(missing_ok=True)

    def _write_pending(self) -> None:
        from pipelines.lib.contracts import conform
        from pipelines.lib.event_rows import events_frame

        table = conform(events_frame(self._pending), self.contract)  # the published table's exact types
        self._pending = []
        try:
            if self.out.suffix == ".parquet":
                self._write_parquet(table)
            else:
                self._write_text(table.to_pandas())
        except OSError as error:  # e.g. the disk filled up while coding
            raise UsageError(f"{self.out}: cannot write the output ({error.strerror or error})") from error
        self._chunks += 1

    def _write_parquet(self, table) -> None:
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.temporary, table.schema)
        self._parquet.write_table(table)

    def _write_text(self, frame) -> None:
        """CSV or JSON lines with dates as YYYY-MM-DD and codes as strings; the CSV header once."""
        for column in ("story_date", "event_date"):
            frame[column] = frame[column].map(lambda value: value.isoformat() if value is not None and value == value else None)
        if self._text is None:
            # newline="": pandas writes its own line ends, as it does when given a path.
            self._text = self.temporary.open("w", encoding="utf-8", newline="")
        if self.out.suffix == ".csv":
            frame.to_csv(self._text, index=False, header=not self._chunks)
        else:
            self._text.write(frame.to_json(orient="records", lines=True, force_ascii=False))

    def _close(self) -> None:
        writer, self._parquet = self._parquet, None
        handle, self._text = self._text, None
        if writer is not None:
            writer.close()
        if handle is not None:
            handle.close()


def _cli_events_contract(contract):
    """The events contract, except that dates may be null: `code` accepts stories without a date."""
    from dataclasses import replace

    undated = ("story_date", "event_date")
    return replace(contract, columns=tuple(replace(c, nullable=True) if c.name in undated else c for c in contract.columns))


# -- evaluate -------------------------------------------------------------------------------

def _evaluate(args: argparse.Namespace) -> int:
    from pipelines.coder.evaluation import Predicted, evaluate, read_gold
    from pipelines.coder.types import Document

    if not args.gold.is_file():
        raise UsageError(f"{args.gold}: no such gold file")
    try:
        items = list(read_gold(args.gold))
    except ValueError as error:
        raise UsageError(str(error)) from error
    coder = _event_coder(args)
    documents = [Document(doc_id=item.id, text=item.text) for item in items]
    predictions = [
        [Predicted(e.source.code, e.target.code, e.event_code, e.rule_id) for e in coded.events]
        for coded in coder.code_documents(documents)
    ]
    result = evaluate(items, predictions)
    _print_evaluation(args.gold, result, args.details, args.level, args.by_root)
    if args.json:
        args.json.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")
    if args.min_root_f1 is not None and result.scores["root"].f1 < args.min_root_f1:
        print(f"eventcoder: root F1 {result.scores['root'].f1:.3f} is below the gate {args.min_root_f1:.3f}", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def _print_evaluation(gold: Path, result, details: bool, level: str = "full", by_root: bool = False) -> None:
    print(f"gold set: {gold} ({result.n_items} items)")
    print(f"{'level':<6} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'gold':>5}")
    for name, score in result.scores.items():
        print(f"{name:<6} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f} {score.true_positives:>5} {score.false_positives:>5} {score.gold_total:>5}")
    if by_root:
        from pipelines.coder.codebook import load_codebook

        codebook = load_codebook()
        print(f"\n{'root (root level)':<38} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'gold':>5}")
        for root, score in result.by_root().items():
            entry = codebook.roots.get(root)
            name = f"{root} {entry.name.lower() if entry else ''}"[:38]
            print(f"{name:<38} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f} {score.true_positives:>5} {score.false_positives:>5} {score.gold_total:>5}")
    if not details:
        return
    for item_result in result.items[level]:
        if not item_result.missed and not item_result.false_positives:
            continue
        print(f"\n{item_result.item.id}: {item_result.item.text}")
        for event in item_result.missed:
            print(f"  missed: {event.source} -> {event.target} {event.code}")
        for prediction in item_result.false_positives:
            print(f"  false positive: {prediction.source} -> {prediction.target} {prediction.code} ({prediction.rule_id})")


# -- explain and pipeline -------------------------------------------------------------------

def _explain(args: argparse.Namespace) -> int:
    print(_event_coder(args).explain(args.text, story_date=args.date))
    return EXIT_OK


def _location(value: str):
    """A local folder as a Path, an object-store URL as a UPath (`pipelines/lib/locations.py`)."""
    from pipelines.lib.locations import as_path

    try:
        return as_path(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _pipeline_run(args: argparse.Namespace) -> int:
    from pipelines.lib.locations import is_local
    from pipelines.run import run_backfill

    if args.dask_address and args.executor != "dask":
        raise UsageError("--dask-address needs --executor dask")
    if not args.raw.is_dir():
        raise UsageError(f"{args.raw}: no such folder")
    dask_address = _dask_address(args)
    try:
        if is_local(args.coded):  # an object store has no folders to create
            args.coded.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{args.coded}: cannot create the output folder ({error.strerror or error})") from error
    return run_backfill(args.raw, args.coded, dask_address=dask_address)


def _dask_address(args: argparse.Namespace) -> str | None:
    """The scheduler to send steps to, None for in-process runs; a usage error if none answers."""
    if args.executor != "dask":
        return None
    from pipelines.distributed import SchedulerUnreachable, scheduler_address, worker_threads

    try:
        address = scheduler_address(args.dask_address)
        if worker_threads(address) < 1:
            raise UsageError(f"the Dask scheduler at {address} has no workers: start some with `dask worker {address}`")
    except SchedulerUnreachable as error:
        raise UsageError(str(error)) from error
    return address


if __name__ == "__main__":
    sys.exit(main())
