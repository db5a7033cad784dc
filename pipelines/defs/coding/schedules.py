"""The nightly recode: new dates, and dates coded with another coder or dictionary version than the
deployment's (an older one, or other rules a run was launched with), in range runs."""


import dagster as dg

from pipelines.defs.coding.assets import CODE_VERSION, coded_events
from pipelines.defs.jobs import code_stories_job
from pipelines.defs.partitions import emptied_dates, range_run_requests, story_dates
from pipelines.defs.resources import CoderResource, StorageResource
from pipelines.lib.inventory import scan

# Dagster tags every materialization with the asset's code version under this key.
CODE_VERSION_TAG = "dagster/code_version"


def last_code_version(instance: dg.DagsterInstance, date: str) -> str | None:
    """The "coder+dictionary" version the date was last coded with; None if never coded.

    Read from the versions the coding step recorded in the materialization's metadata: the
    asset's code version tag names the built-in dictionaries even when a run was launched with
    other rules (`rules_dir`) or PETRARCH files. The tag is the fallback for materializations
    without those entries.
    """
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=coded_events.key, asset_partitions=[date]), limit=1
    ).records
    materialization = records[0].asset_materialization if records else None
    if materialization is None:
        return None
    metadata = materialization.metadata or {}
    coder, dictionary = metadata.get("coder_version"), metadata.get("dictionary_version")
    if coder is not None and dictionary is not None:
        return f"{coder.value}+{dictionary.value}"
    return (materialization.tags or {}).get(CODE_VERSION_TAG)


def current_code_version(coder: CoderResource) -> str:
    """The version the nightly recode brings every date to: the deployment's coder configuration."""
    if not coder.rules_dir and not coder.petrarch_dir:
        return CODE_VERSION
    return coder.code_version()


def stale_dates(instance: dg.DagsterInstance, dates: list[str], current_version: str) -> list[str]:
    """Dates never coded, or last coded under a version other than `current_version`.

    The version is a parameter (not read from the module) so callers, tests included, say
    which coder + dictionaries they compare against.
    """
    return [date for date in dates if last_code_version(instance, date) != current_version]


@dg.schedule(job=code_stories_job, cron_schedule="0 2 * * *", default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_recode(
    context: dg.ScheduleEvaluationContext, storage: StorageResource, coder: CoderResource
) -> list[dg.RunRequest]:
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
    return range_run_requests(context.instance, sorted({*stale_dates(context.instance, dates, current_code_version(coder)), *emptied}))
