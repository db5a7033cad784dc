"""The orphaned-run sensor: a run whose process died is marked failed within a minute or two,
so it no longer holds its date's one-run-per-date limit (see `pipelines/lib/orphaned_runs.py`)."""

import dagster as dg

from pipelines.lib.orphaned_runs import fail_orphaned_runs


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def orphaned_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Launches nothing: reports STARTED runs whose worker process is gone as failed."""
    orphaned = fail_orphaned_runs(context.instance)
    for run in orphaned:
        context.log.warning(f"run {run.run_id} ({run.job_name} {run.dates}) lost its process {run.pid}: marked failed")
    if orphaned:
        return dg.SkipReason(f"marked {len(orphaned)} runs failed whose process had died: {', '.join(r.run_id[:8] for r in orphaned)}")
    return dg.SkipReason("every STARTED run's process is alive")
