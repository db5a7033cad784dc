"""The pipeline on a real Dask cluster: a local scheduler with two worker processes of one thread each.

Protects `eventcoder pipeline run --executor dask` and the `code_stories_dask` job: a backfill of
the fixture stories whose steps run in the Dask workers publishes the same tables as the default
in-process run. Also protects the two faults of dagster-dask 0.29.27 that
`pipelines/defs/executors.py` works around: on Dask, a failed blocking check still stops the
steps downstream of it, and runs of one job launched at the same time each execute their own steps.
"""

# No `from __future__ import annotations`: Dagster reads the toy assets' context annotations at definition time.
import os
import shutil
from collections.abc import Iterator
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.defs.executors import dask_executor
from pipelines.distributed import DASK_JOB, dask_execution_config
from pipelines.lib.contracts import load_contract
from pipelines.run import run_backfill

distributed = pytest.importorskip("distributed", reason="the 'distributed' extra is not installed")

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
TABLES = ("documents", "events", "event_days", "dyad_days")
VOLATILE = {"documents": ["ingested_at"]}  # when a run read the story, not what it read
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    """Two worker processes with one thread each, as `dask worker --nthreads 1` starts them; closed at the end."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture()
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def published(coded: Path, table: str) -> pd.DataFrame:
    """A table's rows in key order (within each story-date partition), without columns that vary between runs."""
    frame = pd.read_parquet(coded / table).drop(columns=VOLATILE.get(table, []))
    frame["date"] = frame["date"].astype(str)  # the partition folder's key, a category per read
    return frame.sort_values(["date", *load_contract(table).key]).reset_index(drop=True)


def test_a_backfill_on_dask_publishes_the_same_tables_as_an_in_process_run(
    tmp_path: Path, dagster_home: Path, cluster: distributed.LocalCluster
) -> None:
    shutil.copytree(FIXTURES, tmp_path / "raw")
    local, on_dask = tmp_path / "local" / "coded", tmp_path / "dask" / "coded"  # separate parse caches too

    assert run_backfill(tmp_path / "raw", local) == 0
    assert run_backfill(tmp_path / "raw", on_dask, dask_address=cluster.scheduler_address) == 0

    for table in TABLES:
        expected = published(local, table)
        assert not expected.empty, table
        pd.testing.assert_frame_equal(published(on_dask, table), expected, obj=table)
    instance = dg.DagsterInstance.get()
    runs = instance.get_runs(dg.RunsFilter(job_name=DASK_JOB))
    assert sorted(run.tags["dagster/partition"] for run in runs) == ["2023-10-02", "2023-10-03", "2023-10-04"]
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    with distributed.Client(cluster) as client:
        worker_pids = set(client.run(os.getpid).values())
    assert _step_pids(instance, runs) <= worker_pids  # every step ran in a worker, none here


def _step_pids(instance: dg.DagsterInstance, runs: list[dg.DagsterRun]) -> set[int]:
    return {
        record.dagster_event.pid
        for run in runs
        for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
    }


# -- the executor's own promises, on a two-asset job that needs no spaCy --------------------

class Marks(dg.ConfigurableResource):
    """A folder where each materialization leaves a file named after its asset, partition and run."""

    folder: str

    def mark(self, context: dg.AssetExecutionContext, name: str) -> None:
        (Path(self.folder) / f"{name}@{context.partition_key}@{context.run.run_id}").touch()


toy_dates = dg.DynamicPartitionsDefinition(name="toy_dates")


@dg.asset(partitions_def=toy_dates)
def staged(context: dg.AssetExecutionContext, marks: Marks) -> None:
    marks.mark(context, "staged")


@dg.asset_check(asset=staged, blocking=True)
def staged_is_valid(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=context.partition_key != "2024-01-02", severity=dg.AssetCheckSeverity.ERROR)


@dg.asset(partitions_def=toy_dates, deps=[staged])
def published_toy(context: dg.AssetExecutionContext, marks: Marks) -> None:
    marks.mark(context, "published")


toy_defs = dg.Definitions(
    assets=[staged, published_toy],
    asset_checks=[staged_is_valid],
    jobs=[dg.define_asset_job("toy", selection=dg.AssetSelection.all(), executor_def=dask_executor)],
    resources={"marks": Marks.configure_at_launch()},
)


def toy_job() -> dg.JobDefinition:
    """Module level, so `dg.reconstructable` can rebuild the job in the workers."""
    return toy_defs.resolve_job_def("toy")


def run_toy(instance: dg.DagsterInstance, address: str, folder: Path, date: str) -> dg.JobExecutionResult:
    config = {"resources": {"marks": {"config": {"folder": str(folder)}}}, **dask_execution_config(address)}
    return dg.execute_job(dg.reconstructable(toy_job), instance, run_config=config, tags={"dagster/partition": date})


def toy_run_succeeds(date: str, address: str, folder: Path) -> bool:
    """In a child process: one run of the toy job for `date`."""
    with dg.DagsterInstance.get() as instance:
        return run_toy(instance, address, folder, date).success


@pytest.fixture()
def marks_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "marks"
    folder.mkdir()
    return folder


def marks(folder: Path) -> set[str]:
    """`asset@partition` of every materialization (run ids left out)."""
    return {name.rsplit("@", 1)[0] for name in os.listdir(folder)}


def test_on_dask_a_failed_blocking_check_stops_what_is_downstream(
    marks_folder: Path, dagster_home: Path, cluster: distributed.LocalCluster
) -> None:
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(toy_dates.name, ["2024-01-02"])
        result = run_toy(instance, cluster.scheduler_address, marks_folder, "2024-01-02")

    assert not result.success
    assert marks(marks_folder) == {"staged@2024-01-02"}  # never published


def test_runs_launched_together_on_dask_each_execute_their_own_steps(
    marks_folder: Path, dagster_home: Path, cluster: distributed.LocalCluster
) -> None:
    dates = ["2024-01-01", "2024-01-03", "2024-01-04"]
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(toy_dates.name, dates)

    # One process per run, as `eventcoder pipeline run` and the daemon launch them.
    launch = partial(toy_run_succeeds, address=cluster.scheduler_address, folder=marks_folder)
    with ProcessPoolExecutor(max_workers=len(dates), mp_context=multiprocessing.get_context("spawn")) as pool:
        succeeded = list(pool.map(launch, dates))

    assert all(succeeded)
    assert marks(marks_folder) == {f"{name}@{date}" for name in ("staged", "published") for date in dates}
    assert len(os.listdir(marks_folder)) == 2 * len(dates)  # once each: no run re-used another's tasks
