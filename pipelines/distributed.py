"""Launching `code_stories` runs whose steps run on a Dask cluster (`eventcoder pipeline run --executor dask`).

A run's steps execute in other processes (the Dask workers), so the job must be rebuilt there
from an importable module: `code_stories_on_dask` is that module-level function, handed to
`dg.reconstructable`. The instance must be persistent ($DAGSTER_HOME): the workers write the
steps' events to it. See README "Running on a cluster".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dagster as dg

if TYPE_CHECKING:
    from pipelines.run import RunSummary

DASK_JOB = "code_stories_dask"
CONNECT_TIMEOUT = "10s"


class SchedulerUnreachable(RuntimeError):
    """No Dask scheduler answered at the given address."""


def code_stories_on_dask() -> dg.JobDefinition:
    """The `code_stories_dask` job, resolved from the code location: what each Dask worker rebuilds."""
    from pipelines.definitions import defs

    return defs.resolve_job_def(DASK_JOB)


def dask_execution_config(address: str) -> dict[str, Any]:
    """The run config section that sends a run's steps to the scheduler at `address` (as in the launchpad)."""
    return {"execution": {"config": {"cluster": {"existing": {"address": address}}}}}


def scheduler_address(address: str | None) -> str:
    """The given address, else Dask's configured one (DASK_SCHEDULER_ADDRESS); SchedulerUnreachable if neither."""
    import dask

    found = address or dask.config.get("scheduler-address", None)
    if not found:
        raise SchedulerUnreachable("no Dask scheduler address: pass --dask-address tcp://HOST:8786 or set DASK_SCHEDULER_ADDRESS")
    return str(found)


def worker_threads(address: str) -> int:
    """Threads over all workers now connected to the scheduler: how many runs can make progress at once."""
    from distributed import Client

    try:
        with Client(address, timeout=CONNECT_TIMEOUT) as client:
            workers = client.scheduler_info(n_workers=-1)["workers"].values()
    except (OSError, TimeoutError) as error:
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address}: {error}") from error
    return sum(int(worker.get("nthreads", 1)) for worker in workers)


def run_date_on_dask(date: str, run_config: dict[str, Any], address: str) -> RunSummary:
    """Code one story date as a `code_stories_dask` run whose steps go to the scheduler at `address`.

    Called in a child process per run in flight (`pipelines.run`); the run's orchestration stays
    here, its steps execute in the Dask workers.
    """
    from pipelines.run import summarize

    config = {**run_config, **dask_execution_config(address)}
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(code_stories_on_dask), instance, run_config=config, tags={"dagster/partition": date}
        )
        return summarize(date, result)
