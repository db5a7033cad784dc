"""The Dask executor: each step of a run becomes a task on a Dask cluster (`code_stories_dask`).

It is dagster-dask's executor (the worker side is `dagster_dask.executor.query_on_dask_worker`,
the config is its `cluster: {existing: {address}}` / `{local: {...}}`), submitted differently to
fix two faults of dagster-dask 0.29.27 that this pipeline would hit:

- Task keys carry the run id. dagster-dask names a task `<job>.<step>`, so two runs of one job
  on one cluster (a backfill, two at a time) share their tasks: the second run's steps never
  execute and it reports the first run's events (dagster-io/dagster#21418, closed unfixed).
- A step's arguments and its events travel as opaque objects. Dask walks into tuples to find
  futures and to size results, and Dagster's records refuse iteration: dagster-dask's submission
  of a run of a dynamically partitioned job fails before any step starts (its partition subset),
  and sizing a step's events logs a warning per task.
- A step runs only when every step it waits for succeeded. dagster-dask orders the tasks but
  runs them all, so a failed blocking check would not stop `events` from publishing the partition
  it rejected. As Dagster's own executors do, such a step is logged and not executed.

Without `cluster` in the run config the executor connects to the scheduler named in Dask's own
configuration (`DASK_SCHEDULER_ADDRESS` in the environment of whatever launches runs), so
backfills launched from the UI need no run config at all.

The run's orchestration stays where the run was launched; the workers rebuild the job with
`dg.reconstructable` (the code location module) and write events straight to the instance, so
the instance must be persistent and reachable from every worker (PostgreSQL across machines).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster._core.errors import raise_execution_interrupts
from dagster._core.execution.retries import RetryMode
from dagster._utils import iterate_with_context

if TYPE_CHECKING:
    from dagster._core.execution.context.system import PlanOrchestrationContext
    from dagster._core.execution.plan.plan import ExecutionPlan
    from distributed import Client, Future

MISSING_EXTRA = "the Dask executor needs the 'distributed' extra: pip install 'eventcoder[distributed]'"


@dg.executor(
    name="dask",
    requirements=dg.multiple_process_executor_requirements(),
    config_schema={
        "cluster": dg.Field(
            dg.Selector(
                {
                    "existing": dg.Field(
                        {"address": dg.StringSource}, description="Connect to a running scheduler (tcp://host:8786)."
                    ),
                    "local": dg.Field(
                        dg.Permissive(), is_required=False,
                        description="Start a distributed.LocalCluster for this run only (n_workers, ...).",
                    ),
                }
            ),
            is_required=False,
            description="Where the steps run; without it, the scheduler of Dask's configuration (DASK_SCHEDULER_ADDRESS).",
        )
    },
)
def dask_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    """Run every step as a Dask task on an existing scheduler (or a throwaway local cluster)."""
    cluster = init_context.executor_config.get("cluster") or {}
    ((kind, settings),) = cluster.items() if cluster else (("existing", {}),)
    return DaskStepExecutor(kind, dict(settings or {}))


class DaskStepExecutor(dg.Executor):
    """Submits a run's steps to Dask with run-scoped keys; skips steps whose upstream failed."""

    def __init__(self, kind: str, settings: Mapping[str, Any]) -> None:
        self.kind = kind
        self.settings = dict(settings)

    @property
    def retries(self) -> RetryMode:
        return RetryMode.DISABLED

    def execute(self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan) -> Iterator[dg.DagsterEvent]:
        if not plan_context.instance.is_persistent:
            raise dg.DagsterInvariantViolationError("Dask execution needs a persistent Dagster instance (DAGSTER_HOME)")
        distributed = _distributed()
        with _cluster(self.kind, self.settings) as target, distributed.Client(target) as client:
            futures = _submit_steps(client, plan_context, execution_plan)
            finished = distributed.as_completed(list(futures), with_results=True)
            # Ctrl-C or a run termination interrupts the wait; closing the client cancels what is queued.
            for future, outcome in iterate_with_context(raise_execution_interrupts, finished):
                if outcome.events is None:  # logged as Dagster's own executors log it
                    step = execution_plan.get_step_by_key(futures[future])
                    plan_context.for_step(step).log.error(
                        f"Dependencies for step {step.key} failed: {list(outcome.blocked_by)}. Not executing."
                    )
                    continue
                yield from outcome.events


def _distributed() -> Any:
    try:
        import distributed
        import dagster_dask  # noqa: F401  (the worker side; imported here to fail early and clearly)
    except ImportError as error:
        raise dg.DagsterInvariantViolationError(MISSING_EXTRA) from error
    return distributed


@contextmanager
def _cluster(kind: str, settings: Mapping[str, Any]) -> Iterator[Any]:
    """What `distributed.Client` connects to: a scheduler address, or a LocalCluster closed afterwards."""
    distributed = _distributed()
    if kind == "local":
        # One thread per worker: Dagster steps are not thread-safe (and spaCy is heavy per thread).
        with distributed.LocalCluster(**{**settings, "threads_per_worker": 1}) as cluster:
            yield cluster
        return
    import dask

    address = settings.get("address") or dask.config.get("scheduler-address", None)
    if not address:
        raise dg.DagsterInvariantViolationError(
            "no Dask scheduler: set execution.config.cluster.existing.address in the run config,"
            " or DASK_SCHEDULER_ADDRESS where runs are launched"
        )
    yield address


def _submit_steps(client: Client, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan) -> dict[Future, str]:
    """One task per step, after the tasks of the steps it depends on; maps each future to its step key."""
    from dagster_dask.executor import get_dask_resource_requirements

    run = plan_context.dagster_run
    dependencies = execution_plan.get_executable_step_deps()
    submitted: dict[str, Future] = {}
    futures: dict[Future, str] = {}
    for level in execution_plan.get_steps_to_execute_by_level():
        for step in level:
            upstream = sorted(key for key in dependencies.get(step.key, ()) if key in submitted)
            request = StepRequest(
                step.key, plan_context.reconstructable_job, run, plan_context.run_config,
                plan_context.instance.get_ref(), execution_plan.known_state,
            )
            future = client.submit(
                run_step,
                request,
                upstream,
                [submitted[key] for key in upstream],  # Dask passes these tasks' results: their outcomes
                key=f"{run.job_name}.{run.run_id}.{step.key}",  # run-scoped: see the module docstring
                resources=get_dask_resource_requirements(step.tags),
                pure=False,
            )
            submitted[step.key] = future
            futures[future] = step.key
    return futures


@dataclass(frozen=True)
class StepRequest:
    """What a worker needs to execute one step: a plain object, so Dask does not walk into Dagster's records."""

    step_key: str
    recon_job: Any
    run: dg.DagsterRun
    run_config: Mapping[str, object]
    instance_ref: Any
    known_state: Any


@dataclass(frozen=True)
class StepOutcome:
    """A step's events, or None when it was not executed because the `blocked_by` steps did not succeed."""

    events: list[dg.DagsterEvent] | None
    blocked_by: tuple[str, ...] = ()

    def succeeded(self, step_key: str) -> bool:
        return self.events is not None and any(
            event.event_type == dg.DagsterEventType.STEP_SUCCESS and event.step_key == step_key for event in self.events
        )


def run_step(request: StepRequest, upstream_keys: Sequence[str], upstream: Sequence[StepOutcome]) -> StepOutcome:
    """In a Dask worker: execute one step if every step it waits for succeeded."""
    blocked_by = tuple(key for key, outcome in zip(upstream_keys, upstream, strict=True) if not outcome.succeeded(key))
    if blocked_by:
        return StepOutcome(None, blocked_by)
    from dagster_dask.executor import query_on_dask_worker

    events = query_on_dask_worker(
        upstream, request.recon_job, request.run, request.run_config, [request.step_key],
        request.instance_ref, request.known_state,
    )
    return StepOutcome(list(events))
