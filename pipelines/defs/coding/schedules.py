"""The nightly recode: new dates, and dates coded with older coder or dictionary versions."""


import dagster as dg

from pipelines.defs.coding.assets import CODE_VERSION, coded_events
from pipelines.defs.jobs import code_stories_job
from pipelines.defs.partitions import story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib.inventory import scan


def stale_dates(instance: dg.DagsterInstance, dates: list[str]) -> list[str]:
    """Dates never coded, or last coded under another code version (coder + dictionaries)."""
    stale = []
    for date in dates:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=coded_events.key, asset_partitions=[date]), limit=1
        ).records
        materialization = records[0].asset_materialization if records else None
        version = materialization.tags.get("dagster/code_version") if materialization and materialization.tags else None
        if version != CODE_VERSION:
            stale.append(date)
    return stale


@dg.schedule(job=code_stories_job, cron_schedule="0 2 * * *", default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_recode(context: dg.ScheduleEvaluationContext, storage: StorageResource) -> dg.SensorResult:
    """02:00 every night: code new story dates and recode stale ones from the parse cache."""
    dates = scan(storage.raw).dates()
    known = set(context.instance.get_dynamic_partitions(story_dates.name))
    new = [date for date in dates if date not in known]
    if new:
        context.instance.add_dynamic_partitions(story_dates.name, new)
    return [dg.RunRequest(partition_key=date, run_key=None) for date in stale_dates(context.instance, dates)]
