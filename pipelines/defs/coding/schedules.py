"""The nightly recode: new dates, and dates coded with older coder or dictionary versions, in range runs."""


import dagster as dg

from pipelines.defs.coding.assets import CODE_VERSION, coded_events
from pipelines.defs.jobs import code_stories_job
from pipelines.defs.partitions import emptied_dates, range_run_requests, story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib.inventory import scan

# Dagster tags every materialization with the asset's code version under this key.
CODE_VERSION_TAG = "dagster/code_version"


def last_code_version(instance: dg.DagsterInstance, date: str) -> str | None:
    """The code version of the date's latest coded_events materialization; None if never coded."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=coded_events.key, asset_partitions=[date]), limit=1
    ).records
    materialization = records[0].asset_materialization if records else None
    return (materialization.tags or {}).get(CODE_VERSION_TAG) if materialization else None


def stale_dates(instance: dg.DagsterInstance, dates: list[str], current_version: str) -> list[str]:
    """Dates never coded, or last coded under a version other than `current_version`.

    The version is a parameter (not read from the module) so callers, tests included, say
    which coder + dictionaries they compare against.
    """
    return [date for date in dates if last_code_version(instance, date) != current_version]


@dg.schedule(job=code_stories_job, cron_schedule="0 2 * * *", default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_recode(context: dg.ScheduleEvaluationContext, storage: StorageResource) -> list[dg.RunRequest]:
    """02:00 every night: code new story dates, recode stale ones from the parse cache, empty those whose stories are gone."""
    dates = scan(storage.raw).dates()
    known = set(context.instance.get_dynamic_partitions(story_dates.name))
    new = [date for date in dates if date not in known]
    if new:
        # A schedule cannot return partition requests, so it registers new dates itself;
        # the run requests below would otherwise name partitions that do not exist.
        context.instance.add_dynamic_partitions(story_dates.name, new)
    # A month of consecutive dates a run: a recode of years after a dictionary change is dozens
    # of runs, not one per date.
    # Dates whose stories all left data/raw are run too: the run empties their tables.
    emptied = emptied_dates(storage.coded, context.instance.get_dynamic_partitions(story_dates.name), dates)
    return range_run_requests(context.instance, sorted({*stale_dates(context.instance, dates, CODE_VERSION), *emptied}))
