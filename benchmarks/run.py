"""Throughput, memory and recode cost of the coder, side by side with spaCy's own parse speed.

Run: `make bench`, or `.venv/bin/python benchmarks/run.py [--stories N] [--quick]`.
Prints a table and the ratios the benchmark issue names, and writes the same figures as JSON to
benchmarks/results/<timestamp>.json and benchmarks/results/latest.json. It asserts nothing: the
figures depend on the machine and on whatever else it is running (see benchmarks/README.md).

Every configuration runs in a fresh child process (this file with `--child`), so its peak RSS is
its own. A child first runs its code path on a one-story corpus (loading the model, compiling the
matchers, importing Dagster and Great Expectations): that is the fixed start-up cost, reported
apart; then it times the same code path on the benchmark corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SAMPLE_SECONDS = 0.2  # how often the parent samples the child's process tree for RSS


# -- what is measured -----------------------------------------------------------------------

@dataclass(frozen=True)
class Config:
    """One measurement: a child kind on one corpus with a number of spaCy processes."""

    name: str
    label: str
    kind: str  # spacy | code | parse_code | recode | dagster
    corpus: str  # main | 1k | 10k
    n_process: int = 1


def configs(quick: bool) -> list[Config]:
    """The measurements, in the order they run; --quick leaves out the 1k/10k memory pair."""
    chosen = [
        Config("spacy_1", "(a) spaCy nlp.pipe alone", "spacy", "main", 1),
        Config("spacy_2", "(a) spaCy nlp.pipe alone", "spacy", "main", 2),
        Config("code_1", "(b) eventcoder code", "code", "main", 1),
        Config("code_2", "(b) eventcoder code", "code", "main", 2),
        Config("parse_code", "(c) parse + code, filling the cache", "parse_code", "main", 1),
        Config("recode", "(c) recode from the parse cache", "recode", "main", 1),
        Config("dagster", "(d) Dagster job (run_backfill)", "dagster", "main", 1),
    ]
    if not quick:
        chosen += [
            Config("code_1k", "(b) eventcoder code, memory", "code", "1k", 1),
            Config("code_10k", "(b) eventcoder code, memory", "code", "10k", 1),
        ]
    return chosen


@dataclass
class Measurement:
    """What one child reported, plus the parent's view of its process tree."""

    config: Config
    stories: int
    seconds: float  # the timed run on the corpus, start-up excluded
    cpu_seconds: float  # CPU time of that run, the child and its spaCy workers together
    startup_seconds: float  # the one-story run before it: model load, imports, first calls
    peak_rss_mib: float  # VmHWM of the child's main process
    worker_peak_rss_mib: float  # the largest spaCy worker (RUSAGE_CHILDREN), 0 without workers
    tree_peak_rss_mib: float  # sampled sum over the child and its workers (shared pages count twice)
    load_average: float  # 1-minute load average when the child started: other work on the machine
    extra: dict = field(default_factory=dict)


# -- the parent -----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        return run_child(json.loads(args.child))
    work = Path(tempfile.mkdtemp(prefix="eventcoder-bench-"))
    try:
        return run_benchmarks(args, work)
    finally:
        if args.keep_work:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Throughput, memory and recode cost of the coder.")
    parser.add_argument("--stories", type=int, default=2000, help="stories in the benchmark corpus (default 2000)")
    parser.add_argument("--quick", action="store_true", help="skip the 1,000 vs 10,000-story memory runs")
    parser.add_argument("--batch-size", type=int, default=64, help="spaCy batch size in every configuration")
    parser.add_argument("--repeat", type=int, default=1, help="run each configuration K times and keep the fastest (less noise)")
    parser.add_argument("--only", help="comma-separated measurement names (spacy_1,code_2,...), for development")
    parser.add_argument("--keep-work", action="store_true", help="keep the temporary corpora and outputs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


def run_benchmarks(args: argparse.Namespace, work: Path) -> int:
    """Write the corpora, run every configuration in its own child, print and save the figures."""
    from corpus import write_corpus

    chosen = [c for c in configs(args.quick) if not args.only or c.name in args.only.split(",")]
    sizes = {"main": args.stories, "one": 1, **({"1k": 1000, "10k": 10000} if any(c.corpus == "10k" for c in chosen) else {})}
    corpora = {name: write_corpus(work / f"corpus-{name}.jsonl", n) for name, n in sizes.items()}
    print(f"corpus: {args.stories} stories, {corpora['main'].words} words, {corpora['main'].dates} story dates; "
          f"{os.cpu_count()} CPUs; work folder {work}", flush=True)
    measurements = []
    for config in chosen:
        print(f"running {config.name}: {config.label}, {sizes[config.corpus]} stories, {config.n_process} process(es) ...", flush=True)
        spec = {"config": asdict(config), "corpus": corpora[config.corpus].path, "one": corpora["one"].path,
                "work": str(work / config.name), "batch_size": args.batch_size}
        measurements.append(best_of(args.repeat, config, spec, sizes[config.corpus]))
    report = build_report(args, corpora, measurements)
    print_report(report)
    save_report(report)
    return 0


def best_of(repeat: int, config: Config, spec: dict, stories: int) -> Measurement:
    """The fastest of `repeat` runs: other work on the machine only ever slows a run down."""
    runs = [run_in_child(config, {**spec, "work": f"{spec['work']}-{attempt}"}, stories) for attempt in range(1, repeat + 1)]
    best = min(runs, key=lambda m: m.seconds)
    if repeat > 1:
        best.extra["all_seconds"] = [round(m.seconds, 2) for m in runs]
    return best


def run_in_child(config: Config, spec: dict, stories: int) -> Measurement:
    """Run one configuration in a fresh interpreter, sampling its process tree's RSS meanwhile."""
    folder = Path(spec["work"])
    folder.mkdir(parents=True)
    result_path, log_path = folder / "result.json", folder / "child.log"
    spec["result"] = str(result_path)
    env = {**os.environ, "DAGSTER_HOME": str(folder / "dagster_home"), "PYTHONWARNINGS": "ignore"}
    load = os.getloadavg()[0]
    with log_path.open("w") as log:
        child = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)], stdout=log, stderr=log, env=env, cwd=HERE.parent)
        tree_peak = _wait_sampling_rss(child)
    if child.returncode != 0 or not result_path.exists():
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{config.name} failed (exit {child.returncode}); end of its log:\n{tail}")
    result = json.loads(result_path.read_text())
    return Measurement(
        config=config, stories=stories, seconds=result["seconds"], cpu_seconds=result["cpu_seconds"],
        startup_seconds=result["startup_seconds"],
        peak_rss_mib=result["peak_rss_mib"], worker_peak_rss_mib=result["worker_peak_rss_mib"],
        tree_peak_rss_mib=tree_peak, load_average=load, extra=result.get("extra", {}),
    )


def _wait_sampling_rss(child: subprocess.Popen) -> float:
    """Wait for the child; return the largest summed RSS of it and its descendants, in MiB."""
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(_rss_kib(pid) for pid in _process_tree(child.pid)))
        time.sleep(SAMPLE_SECONDS)
    return peak / 1024


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc (Linux); a process gone meanwhile is skipped."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def _rss_kib(pid: int) -> int:
    return _status_kib(Path(f"/proc/{pid}/status"), "VmRSS")


def _status_kib(path: Path, key: str) -> int:
    """A `key: N kB` line of /proc/<pid>/status, or 0 when the process (or line) is gone."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- the report -----------------------------------------------------------------------------

# (name, description, target, "min" when higher is better or "max" when lower is)
TARGETS = (
    ("end_to_end_vs_spacy_1", "eventcoder code ÷ spaCy alone throughput, 1 process", 0.9, "min"),
    ("end_to_end_vs_spacy_2", "eventcoder code ÷ spaCy alone throughput, 2 processes", 0.9, "min"),
    ("recode_speedup", "recode from the cache: speed-up over parse + code", 20.0, "min"),
    ("rss_10k_vs_1k", "peak RSS of eventcoder code, 10,000 ÷ 1,000 stories", 1.3, "max"),
    ("dagster_vs_code", "Dagster job ÷ eventcoder code time, start-up excluded", 1.5, "max"),
    ("sentences_per_second_2", "sentences/s of eventcoder code at 2 processes", 600.0, "min"),
)


def build_report(args: argparse.Namespace, corpora: dict, measurements: list[Measurement]) -> dict:
    """Rates per measurement, the ratios against their targets, and what the machine was."""
    counts = _corpus_counts(measurements)
    rows = [_row(m, counts) for m in measurements]
    by_name = {m.config.name: m for m in measurements}
    ratios = [
        _ratio(name, text, target, sense, _ratio_value(name, by_name, counts, "seconds"), _ratio_value(name, by_name, counts, "cpu_seconds"))
        for name, text, target, sense in TARGETS
    ]
    return {
        "timestamp": dt.datetime.now().isoformat(timespec="seconds"),
        "arguments": {"stories": args.stories, "quick": args.quick, "batch_size": args.batch_size},
        "machine": _machine(),
        "corpus": {**asdict(corpora["main"]), **counts},
        "measurements": rows,
        "ratios": ratios,
    }


def _corpus_counts(measurements: list[Measurement]) -> dict:
    """Tokens, words and sentences of the main corpus, as spaCy counted them (the same in every run)."""
    for m in measurements:
        if m.config.kind == "spacy" and m.config.corpus == "main":
            return {key: m.extra[key] for key in ("tokens", "words", "sentences")}
    return {}


def _row(m: Measurement, counts: dict) -> dict:
    """One measurement as a table row; word and sentence rates only where the counts are known."""
    per_second = (lambda n: n / m.seconds if m.seconds > 0 else None)
    main = m.config.corpus == "main" and bool(counts)
    return {
        **asdict(m.config), "stories": m.stories, "seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2), "startup_seconds": round(m.startup_seconds, 2),
        "words_per_second": round(per_second(counts["words"])) if main else None,
        "sentences_per_second": round(per_second(counts["sentences"]), 1) if main else None,
        "stories_per_second": round(per_second(m.stories), 2),
        "peak_rss_mib": round(m.peak_rss_mib), "worker_peak_rss_mib": round(m.worker_peak_rss_mib),
        "tree_peak_rss_mib": round(m.tree_peak_rss_mib), "load_average": round(m.load_average, 2), "extra": m.extra,
    }


def _ratio_value(name: str, by: dict[str, Measurement], counts: dict, clock: str) -> float | None:
    """The ratio named, from wall (`seconds`) or CPU (`cpu_seconds`) time; None when not measurable.

    Time ratios between one-process runs are also given in CPU time, which other work on the
    machine hardly changes; two-process throughput and memory have no CPU-time version.
    """
    def seconds(key: str) -> float:
        return getattr(by[key], clock)

    # The cache writes are taken out of parse + code (wall time; in CPU time they are mostly encoding).
    parse_code = lambda: seconds("parse_code") - by["parse_code"].extra["cache_write_seconds"]  # noqa: E731
    pairs: dict[str, Callable[[], float]] = {
        "end_to_end_vs_spacy_1": lambda: seconds("spacy_1") / seconds("code_1"),
        "recode_speedup": lambda: parse_code() / seconds("recode"),
        "dagster_vs_code": lambda: seconds("dagster") / seconds("code_1"),
    }
    if clock == "seconds":
        pairs |= {
            "end_to_end_vs_spacy_2": lambda: seconds("spacy_2") / seconds("code_2"),
            "rss_10k_vs_1k": lambda: by["code_10k"].peak_rss_mib / by["code_1k"].peak_rss_mib,
            "sentences_per_second_2": lambda: counts["sentences"] / seconds("code_2"),
        }
    try:
        return pairs[name]()
    except (KeyError, ZeroDivisionError):
        return None


def _ratio(name: str, text: str, target: float, sense: str, value: float | None, cpu_value: float | None) -> dict:
    met = None if value is None else (value >= target if sense == "min" else value <= target)
    return {"name": name, "description": text, "value": _round(value), "cpu_time_value": _round(cpu_value),
            "target": target, "target_is": sense, "met": met}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _machine() -> dict:
    import spacy

    return {
        "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "spacy": spacy.__version__, "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def print_report(report: dict) -> None:
    """The table, the fixed start-up costs and the ratios against their targets."""
    corpus = report["corpus"]
    print(f"\ncorpus: {corpus['stories']} stories, {corpus.get('words', '?')} words, {corpus.get('sentences', '?')} sentences (spaCy's count)")
    header = f"{'configuration':<38} {'proc':>4} {'stories':>7} {'seconds':>8} {'CPU s':>7} {'words/s':>8} {'sent/s':>7} {'stories/s':>9} {'RSS MiB':>8} {'worker':>7} {'tree':>6} {'load':>5}"
    print(header)
    print("-" * len(header))
    for row in report["measurements"]:
        print(
            f"{row['label']:<38} {row['n_process']:>4} {row['stories']:>7} {row['seconds']:>8.1f} {row['cpu_seconds']:>7.1f} "
            f"{_maybe(row['words_per_second'], '.0f'):>8} {_maybe(row['sentences_per_second'], '.0f'):>7} {row['stories_per_second']:>9.1f} "
            f"{row['peak_rss_mib']:>8} {row['worker_peak_rss_mib'] or '':>7} {row['tree_peak_rss_mib']:>6} {row['load_average']:>5.1f}"
        )
    print("\nfixed start-up (the one-story run each child does first):")
    for row in report["measurements"]:
        per_call = row["extra"].get("per_call_seconds")
        taken_out = f"; then {per_call:.1f} s per command call, taken out of its seconds" if per_call is not None else ""
        print(f"  {row['name']:<12} {row['startup_seconds']:>6.1f} s{taken_out}")
    for row in report["measurements"]:
        if row["extra"].get("step_seconds"):
            runs = row["extra"].get("runs", "?")
            print(f"\n{row['name']}: seconds by step, summed over its {runs} runs (the scan, then ranges of up to 31 of the {corpus.get('dates', '?')} story dates):")
            for step, seconds in row["extra"]["step_seconds"].items():
                print(f"  {step:<36} {seconds:>7.1f}")
    print("\nratios (target):")
    for ratio in report["ratios"]:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[ratio["met"]]
        sign = "≥" if ratio["target_is"] == "min" else "≤"
        cpu = f"; in CPU time {ratio['cpu_time_value']:.2f}" if ratio["cpu_time_value"] is not None else ""
        print(f"  {ratio['description']:<58} {_maybe(ratio['value'], '.2f'):>8}  (target {sign} {ratio['target']:g}: {verdict}{cpu})")
    print(f"\nmachine: {report['machine']['cpus']} CPUs, load average {report['machine']['load_average_at_end']} at the end"
          " (a load above 0 means other work shared the CPUs: figures are then lower and noisier)")


def _maybe(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def save_report(report: dict) -> None:
    """benchmarks/results/<timestamp>.json and latest.json (the folder is git-ignored)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2) + "\n"
    stamped = RESULTS / f"{report['timestamp'].replace(':', '')}.json"
    stamped.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(f"results: {stamped} and {RESULTS / 'latest.json'}")


# -- the children ---------------------------------------------------------------------------

class Stopwatch:
    """Wall-clock and CPU seconds (this process plus its finished children, the spaCy workers).

    CPU time hardly changes when other work shares the machine; wall time does. Both are kept.
    """

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu_seconds()

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu_seconds": _cpu_seconds() - self.cpu}


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_child(spec: dict) -> int:
    """Run one configuration; write seconds, start-up seconds, peak RSS and counts as JSON."""
    config = Config(**spec["config"])
    work = Path(spec["work"])
    extra = CHILDREN[config.kind](spec, config, work, Stopwatch())
    result = {
        "seconds": extra.pop("seconds"),
        "cpu_seconds": extra.pop("cpu_seconds"),
        "startup_seconds": extra.pop("startup_seconds"),
        "peak_rss_mib": _status_kib(Path("/proc/self/status"), "VmHWM") / 1024,
        # ru_maxrss of waited-for children: the largest spaCy worker (kilobytes on Linux).
        "worker_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "extra": extra,
    }
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


def _documents(path: str) -> Iterator:
    """The corpus as coder Documents, read as `eventcoder code` reads it."""
    from pipelines.lib.stories import RawStory, read_stories

    for item in read_stories([Path(path)], require_date=False):
        if isinstance(item, RawStory):
            yield item.document


def child_spacy(spec: dict, config: Config, work: Path, started: Stopwatch) -> dict:
    """(a) nlp.pipe alone: the coder's model and components, the texts cleaned as the coder cleans them."""
    from pipelines.coder.nlp import load_nlp
    from pipelines.coder.text import clean_text

    nlp = load_nlp()
    list(nlp.pipe([clean_text(d.text) for d in _documents(spec["one"])], n_process=1))
    startup = started.read()["seconds"]
    texts = [clean_text(d.text) for d in _documents(spec["corpus"])]  # read before timing: this is the ceiling
    tokens = words = sentences = 0
    watch = Stopwatch()
    for doc in nlp.pipe(texts, batch_size=spec["batch_size"], n_process=config.n_process):
        tokens += len(doc)
        words += sum(1 for token in doc if not (token.is_punct or token.is_space))
        sentences += sum(1 for _ in doc.sents)
    return {**watch.read(), "startup_seconds": startup, "tokens": tokens, "words": words, "sentences": sentences}


def child_code(spec: dict, config: Config, work: Path, started: Stopwatch) -> dict:
    """(b) `eventcoder code` in-process: the command's own code path, from JSONL to a Parquet file."""
    import pyarrow.parquet as pq

    from pipelines.cli import main as eventcoder

    work.mkdir(parents=True, exist_ok=True)
    one = ["code", spec["one"], "--out", str(work / "one.parquet"), "--no-progress"]
    status = eventcoder(one)
    startup = started.read()["seconds"]
    # Every call builds its coder (rules, actor dictionaries, matchers): a fixed cost per call,
    # measured on one story again and taken out, as the other rows have their coder built already.
    watch = Stopwatch()
    status = eventcoder(one) or status
    per_call = watch.read()
    out = work / "events.parquet"
    arguments = ["code", spec["corpus"], "--out", str(out), "--no-progress",
                 "--n-process", str(config.n_process), "--batch-size", str(spec["batch_size"])]
    watch = Stopwatch()
    status = eventcoder(arguments) or status
    call = watch.read()
    timing = {key: call[key] - per_call[key] for key in call}
    # The row count from the footer: reading the table would add to the peak RSS being measured.
    return {**timing, "startup_seconds": startup, "call_seconds": call["seconds"], "per_call_seconds": per_call["seconds"],
            "exit_status": status, "events": pq.ParquetFile(out).metadata.num_rows}


def child_parse_code(spec: dict, config: Config, work: Path, started: Stopwatch) -> dict:
    """(c) first pass: parse and code every story through an empty parse cache, filling it."""
    from pipelines.lib.parse_cache import ParseCache

    coder, versions = _warm_coder(spec, work)
    startup = started.read()["seconds"]
    shutil.rmtree(_cache_root(spec), ignore_errors=True)  # empty, also when --repeat runs this again
    cache = _TimedCache(ParseCache(_cache_root(spec), versions.model))
    timing, events, stats = _code_through_cache(coder, versions, spec, cache, config.n_process)
    return {**timing, "startup_seconds": startup, "parse_code_seconds": timing["seconds"] - cache.put_seconds,
            "cache_write_seconds": cache.put_seconds, "events": events, "cache_hits": stats.hits, "cache_misses": stats.misses}


def child_recode(spec: dict, config: Config, work: Path, started: Stopwatch) -> dict:
    """(c) second pass: the same stories, every parse read back from the cache the first pass filled."""
    from pipelines.lib.parse_cache import ParseCache

    coder, versions = _warm_coder(spec, work)
    startup = started.read()["seconds"]
    cache = _TimedCache(ParseCache(_cache_root(spec), versions.model))
    timing, events, stats = _code_through_cache(coder, versions, spec, cache, config.n_process)
    return {**timing, "startup_seconds": startup, "cache_read_seconds": cache.get_seconds,
            "events": events, "cache_hits": stats.hits, "cache_misses": stats.misses}


def _cache_root(spec: dict) -> Path:
    """One cache folder shared by the two passes of (c): the last parse_code run fills it for recode."""
    return Path(spec["work"]).parent / "parse_cache"


def _warm_coder(spec: dict, work: Path):
    """The coder as the Dagster asset builds it, warmed on the one-story corpus (its own cache)."""
    from pipelines.coder.engine import CODER_VERSION, EventCoder
    from pipelines.lib.event_rows import Versions
    from pipelines.lib.parse_cache import ParseCache

    coder = EventCoder()
    versions = Versions(CODER_VERSION, coder.dictionary_version, coder.model)
    _code_through_cache(coder, versions, {**spec, "corpus": spec["one"]}, ParseCache(work / "warm_cache", versions.model), 1)
    return coder, versions


def _code_through_cache(coder, versions, spec: dict, cache, n_process: int):
    """Time the coded_events asset's loop: parse_with_cache, code_parsed, event_records."""
    from pipelines.lib.event_rows import event_records
    from pipelines.lib.parse_cache import CacheStats, parse_with_cache

    stats, events = CacheStats(), 0
    watch = Stopwatch()
    # One pack for the corpus (the Dagster asset keeps one per story date).
    for doc, document in parse_with_cache(coder, _documents(spec["corpus"]), cache, stats, spec["batch_size"], n_process, segment="corpus"):
        events += len(event_records(coder.code_parsed(doc, document), versions))
    return watch.read(), events, stats


class _TimedCache:
    """Wraps a ParseCache and adds up the time spent reading and writing its packs."""

    def __init__(self, cache) -> None:
        self.cache = cache
        self.get_seconds = self.put_seconds = 0.0

    def load(self, segment: str, stats=None):
        begin = time.perf_counter()
        pack = self.cache.load(segment, stats)
        self.get_seconds += time.perf_counter() - begin
        return pack

    def store(self, segment: str, pack) -> None:
        begin = time.perf_counter()
        self.cache.store(segment, pack)
        self.put_seconds += time.perf_counter() - begin


def child_dagster(spec: dict, config: Config, work: Path, started: Stopwatch) -> dict:
    """(d) the Dagster job, one in-process run per story date, into a temporary instance and folders."""
    from pipelines.run import run_backfill

    status = run_backfill(_raw_folder(work / "one", spec["one"]), work / "one" / "coded")
    startup = started.read()["seconds"]
    raw = _raw_folder(work / "main", spec["corpus"])
    since, watch = time.time(), Stopwatch()
    status = run_backfill(raw, work / "main" / "coded") or status
    steps, runs = _step_seconds(since)
    return {**watch.read(), "startup_seconds": startup, "exit_status": status, "step_seconds": steps, "runs": runs}


def _step_seconds(since: float) -> tuple[dict[str, float], int]:
    """Seconds per Dagster step (asset or check), summed over the runs started after `since`; and how many runs."""
    import dagster as dg

    instance = dg.DagsterInstance.get()
    totals: dict[str, float] = {}
    records = instance.get_run_records(filters=dg.RunsFilter(created_after=dt.datetime.fromtimestamp(since, dt.timezone.utc)))
    for record in records:
        for step in instance.get_run_step_stats(record.dagster_run.run_id):
            if step.start_time and step.end_time:
                totals[step.step_key] = totals.get(step.step_key, 0.0) + step.end_time - step.start_time
    return {key: round(value, 2) for key, value in sorted(totals.items(), key=lambda item: -item[1])}, len(records)


def _raw_folder(folder: Path, corpus: str) -> Path:
    """A raw folder holding the corpus file; the coded tables and parse cache go beside it."""
    raw = folder / "raw"
    raw.mkdir(parents=True)
    shutil.copy(corpus, raw / "stories.jsonl")
    return raw


CHILDREN: dict[str, Callable[[dict, Config, Path, Stopwatch], dict]] = {
    "spacy": child_spacy,
    "code": child_code,
    "parse_code": child_parse_code,
    "recode": child_recode,
    "dagster": child_dagster,
}


if __name__ == "__main__":
    sys.exit(main())
