"""Jobs: coding one story date end to end (ingest, code, validate, publish, aggregate).

`code_stories_dask` is the same job (the same assets and checks, built by the same function) with
its steps run on a Dask cluster (`executors.py`, README "Running on a cluster").
"""

from typing import TYPE_CHECKING

import dagster as dg

from pipelines.defs.executors import dask_executor

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

CODE_STORIES_SELECTION = dg.AssetSelection.groups("ingest", "coding", "publish") - dg.AssetSelection.assets("raw_stories")
CODE_STORIES_DESCRIPTION = "Code one story date: documents -> coded_events (+ blocking checks) -> events and aggregates."


def code_stories(name: str, description: str, executor_def: dg.ExecutorDefinition | None = None) -> "UnresolvedAssetJobDefinition":
    """The code_stories job under `name`; one definition so the local and the Dask variants cannot drift."""
    return dg.define_asset_job(
        name=name, selection=CODE_STORIES_SELECTION, description=description, executor_def=executor_def
    )


# In one process: the coding step loads spaCy and the dictionaries once and the other steps are
# light, so a step-per-process executor would only pay the start-up cost again for every step.
code_stories_job = code_stories("code_stories", CODE_STORIES_DESCRIPTION, executor_def=dg.in_process_executor)

code_stories_dask_job = code_stories(
    "code_stories_dask",
    f"{CODE_STORIES_DESCRIPTION} Steps run on the Dask scheduler of the run config"
    " (execution.config.cluster.existing.address) or of DASK_SCHEDULER_ADDRESS.",
    executor_def=dask_executor,
)

scan_raw_job = dg.define_asset_job(
    name="scan_raw",
    selection=dg.AssetSelection.assets("raw_stories"),
    description="Scan data/raw: register story dates as partitions and record rejected inputs.",
)
