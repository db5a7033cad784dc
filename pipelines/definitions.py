"""The Dagster code location: wires the domains in defs/ together, nothing else."""

import dagster as dg

from pipelines.defs.coding.assets import coded_events
from pipelines.defs.coding.checks import documents_suite, dyad_days_suite, event_days_suite, events_suite
from pipelines.defs.coding.schedules import nightly_recode
from pipelines.defs.ingest.assets import documents, raw_stories
from pipelines.defs.ingest.sensors import new_stories_sensor
from pipelines.defs.jobs import code_stories_dask_job, code_stories_job, scan_raw_job
from pipelines.defs.publish.assets import dyad_days, event_days, events
from pipelines.defs.resources import CoderResource, StorageResource
from pipelines.defs.run_watch import orphaned_runs_sensor

defs = dg.Definitions(
    assets=[raw_stories, documents, coded_events, events, event_days, dyad_days],
    asset_checks=[documents_suite, events_suite, event_days_suite, dyad_days_suite],
    jobs=[code_stories_job, code_stories_dask_job, scan_raw_job],
    sensors=[new_stories_sensor, orphaned_runs_sensor],
    schedules=[nightly_recode],
    resources={"storage": StorageResource.from_environment(), "coder": CoderResource()},
)
