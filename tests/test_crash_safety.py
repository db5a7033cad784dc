"""Crash and rerun safety: what a killed or doubled run leaves behind.

Protects the promises of `pipelines/lib/parquet_io.py`: a writer killed with SIGKILL in the middle
of writing a partition (a real process, not a simulated exception) leaves the previous partition
readable, and the next write completes it without waiting for the dead writer; two writers of one
partition at once (threads or processes: in-process runs bypass Dagster's run queue) take turns,
so the partition is exactly one of their tables, never a mix or a broken file; and a whole
`eventcoder pipeline run` killed mid-way is completed by the next run, with the same events the
`eventcoder code` command finds.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow as pa
import pytest

from pipelines.defs.run_watch import orphaned_runs_sensor
from pipelines.lib import parquet_io
from pipelines.lib.parquet_io import read_partition, write_partition
from pipelines.run import ensure_dagster_home, run_backfill

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "stories"
TABLE, DATE = "things", "2024-03-01"
ROWS = {"old": 1_000, "new": 100_000, "a": 30_000, "b": 20_000, "final": 10}
# Run as `python -c WRITER root label mode`; the labels' row counts are ROWS above.
WRITER = f"""
import sys, time
from pathlib import Path
import pyarrow as pa
from pipelines.lib import parquet_io

ROWS = {ROWS!r}
root, label, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
n = ROWS[label]
table = pa.table({{"row_id": [f"{{label}}-{{i}}" for i in range(n)], "payload": ["x" * 40] * n}})

if mode == "half-then-wait":
    # Write half of the file's bytes, say so, and wait to be killed: a writer dead mid-file.
    def write_half(table, handle):
        sink = pa.BufferOutputStream()
        parquet_io.pq.write_table(table, sink)
        data = sink.getvalue().to_pybytes()
        handle.write(data[: len(data) // 2])
        handle.flush()
        print("half written", flush=True)
        time.sleep(3600)
    parquet_io._write_file = write_half
    parquet_io.write_partition(root, {TABLE!r}, {DATE!r}, table, {{}})
elif mode == "loop":
    # Rewrite the partition forever; killed at whatever point it has reached.
    for count in range(1_000_000):
        parquet_io.write_partition(root, {TABLE!r}, {DATE!r}, table, {{}})
        print(f"wrote {{count}}", flush=True)
else:  # "3 times", for two processes writing at once
    for count in range(3):
        parquet_io.write_partition(root, {TABLE!r}, {DATE!r}, table, {{}})
"""
pytestmark = pytest.mark.slow


def table_of(label: str) -> pa.Table:
    n = ROWS[label]
    return pa.table({"row_id": [f"{label}-{i}" for i in range(n)], "payload": ["x" * 40] * n})


def label_of(table: pa.Table) -> str:
    """The one writer whose rows the partition holds, all of them; fails on a mix or a part."""
    labels = {row_id.split("-")[0] for row_id in table.column("row_id").to_pylist()}
    assert len(labels) == 1, f"rows of several writers: {labels}"
    [label] = labels
    assert table.num_rows == ROWS[label], f"{table.num_rows} of {label}'s {ROWS[label]} rows"
    return label


def start_writer(root: Path, label: str, mode: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root), label, mode],
        cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def temp_files(root: Path) -> list[Path]:
    return list((root / TABLE / f"date={DATE}").glob(".part-0.parquet.*.tmp"))


@pytest.fixture()
def writers() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts; any still alive at the end are killed, so none outlives its test."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


# -- a killed writer ------------------------------------------------------------------------

def test_a_writer_killed_half_way_through_the_file_leaves_the_old_partition(tmp_path: Path, writers: list) -> None:
    write_partition(tmp_path, TABLE, DATE, table_of("old"), {})
    writers.append(writer := start_writer(tmp_path, "new", "half-then-wait"))
    assert writer.stdout.readline().strip() == "half written", writer.stderr.read()
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    assert label_of(read_partition(tmp_path, TABLE, DATE)) == "old"
    assert temp_files(tmp_path), "the killed writer's half file is still there, and must not be read:"
    assert len(pd.read_parquet(tmp_path / TABLE)) == ROWS["old"]
    assert len(parquet_io.read_table(tmp_path, TABLE)) == ROWS["old"]

    # The next write does not wait for the dead writer's lock, completes, and clears its debris.
    write_partition(tmp_path, TABLE, DATE, table_of("new"), {})
    assert label_of(read_partition(tmp_path, TABLE, DATE)) == "new"
    assert not temp_files(tmp_path)


def test_a_writer_killed_at_any_point_of_a_write_loop_leaves_a_whole_partition(tmp_path: Path, writers: list) -> None:
    write_partition(tmp_path, TABLE, DATE, table_of("old"), {})
    writers.append(writer := start_writer(tmp_path, "new", "loop"))
    assert writer.stdout.readline().startswith("wrote 0"), writer.stderr.read()
    writer.send_signal(signal.SIGKILL)  # somewhere in the second write (or between two)
    writer.wait()

    assert label_of(read_partition(tmp_path, TABLE, DATE)) in ("old", "new")
    write_partition(tmp_path, TABLE, DATE, table_of("final"), {})
    assert label_of(read_partition(tmp_path, TABLE, DATE)) == "final"
    assert not temp_files(tmp_path)


# -- two writers at once --------------------------------------------------------------------

def test_two_threads_writing_one_partition_take_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside, most_inside, errors = [0], [0], []
    guard = threading.Lock()
    original = parquet_io._write_file

    def counted_write(table: pa.Table, handle) -> None:
        with guard:
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
        time.sleep(0.02)  # widens the window in which an unlocked second writer would overlap
        original(table, handle)
        with guard:
            inside[0] -= 1

    monkeypatch.setattr(parquet_io, "_write_file", counted_write)
    start = threading.Barrier(2)

    def writer(label: str) -> None:
        table = table_of(label)
        start.wait()
        try:
            for _ in range(4):
                write_partition(tmp_path, TABLE, DATE, table, {})
        except Exception as error:  # noqa: BLE001 - the test reports any failure of either writer
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert most_inside[0] == 1, "two writers were inside the same partition at once"
    assert label_of(read_partition(tmp_path, TABLE, DATE)) in ("a", "b")
    assert not temp_files(tmp_path)


def test_two_processes_writing_one_partition_leave_exactly_one_table(tmp_path: Path, writers: list) -> None:
    writers += [start_writer(tmp_path, label, "3 times") for label in ("a", "b")]
    for writer in writers:
        _, stderr = writer.communicate()
        assert writer.returncode == 0, stderr
    assert label_of(read_partition(tmp_path, TABLE, DATE)) in ("a", "b")
    assert not temp_files(tmp_path)


# -- a killed pipeline run ------------------------------------------------------------------

def test_a_pipeline_run_killed_mid_way_is_completed_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, coded, home = tmp_path / "raw", tmp_path / "coded", tmp_path / "dagster_home"
    raw.mkdir()
    shutil.copy(FIXTURES / "2023-10-02_andes-talks.txt", raw)  # one date: one run to kill, one to redo
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    run = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "pipeline", "run", "--raw", str(raw), "--coded", str(coded)],
        cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        documents = coded / "documents" / "date=2023-10-02" / "part-0.parquet"
        # Waiting, not timing: the deadline only stops a broken run from hanging the suite.
        deadline = time.monotonic() + 300
        while not documents.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert run.poll() is None and documents.exists(), "the run ended, or never wrote its first table"
    finally:
        run.kill()
        run.wait()

    instance = dg.DagsterInstance.get()
    killed, = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    # The UI's sensor (in `dagster dev`'s daemon; `eventcoder pipeline run` does the same first)
    # reports the dead run failed, so it no longer holds its date's one-run limit.
    tick = orphaned_runs_sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert killed.run_id[:8] in tick.skip_message
    assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
    assert run_backfill(raw, coded) == 0
    failure = instance.get_records_for_run(killed.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    assert "ended without finishing it" in failure[0].event_log_entry.dagster_event.message
    events = pd.read_parquet(coded / "events")
    triples = set(zip(events["source_actor"], events["target_actor"], events["event_code"]))
    assert {("PERGOV", "BOLGOV", "040"), ("BOLOPP", "BOLGOV", "111")} <= triples
    assert list(pd.read_parquet(coded / "documents")["doc_id"]) == ["2023-10-02_andes-talks"]
    for table in ("events", "event_days", "dyad_days"):
        assert parquet_io.list_partitions(coded, table) == ("2023-10-02",), table


def test_ctrl_c_stops_a_pipeline_run_and_leaves_no_run_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, coded, home = tmp_path / "raw", tmp_path / "coded", tmp_path / "dagster_home"
    shutil.copytree(FIXTURES, raw)  # two consecutive dates: one range run
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    run = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "pipeline", "run", "--raw", str(raw), "--coded", str(coded)],
        cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        ensure_dagster_home()
        instance = dg.DagsterInstance.get()
        started = dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED], tags={"dagster/asset_partition_range_start": "2023-10-02"})
        deadline = time.monotonic() + 300
        while not instance.get_runs(filters=started) and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before it could be interrupted"
        time.sleep(1)  # inside the run's steps
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
        run.wait()
    # Dagster fails the interrupted run (or, when the signal lands in a garbage-collection callback,
    # loses it and finishes the run) and would carry on with the next runs; the command stops
    # instead, says so, and exits as an interrupted command does. No run is left STARTED.
    assert run.returncode == 130, stderr[-2000:]
    assert "interrupted after" in stderr
    runs = instance.get_runs(filters=dg.RunsFilter(job_name="code_stories"))
    assert len(runs) == 1 and runs[0].status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS)

