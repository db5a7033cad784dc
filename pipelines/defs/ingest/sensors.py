"""The new-story sensor: requests runs for exactly the dates whose stories were added or changed,
consecutive dates in one run."""


import json

import dagster as dg

from pipelines.defs.jobs import code_stories_job
from pipelines.defs.partitions import range_run_requests, story_dates
from pipelines.defs.resources import StorageResource
from pipelines.lib.inventory import scan


def changed_dates(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Dates whose stories differ between two inventories (by content hash, not by file time),
    dates whose stories are all gone included: their run empties their tables."""
    return sorted(date for date in previous.keys() | current.keys() if previous.get(date) != current.get(date))


@dg.sensor(job=code_stories_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def new_stories_sensor(context: dg.SensorEvaluationContext, storage: StorageResource) -> dg.SensorResult:
    """Watches data/raw; a touched but unchanged file triggers nothing."""
    current = scan(storage.raw).digest_by_date()
    previous = json.loads(context.cursor) if context.cursor else {}
    known = set(context.instance.get_dynamic_partitions(story_dates.name))
    dates = [date for date in changed_dates(previous, current) if date in current or date in known]
    new_partitions = [date for date in dates if date not in known]
    # No run_key: the cursor already makes each change request one run, and a key built from the
    # content would make the daemon skip a file edited back to an earlier version (A -> B -> A).
    # Consecutive dates go in one run (a drop of years of files is dozens of runs, not thousands).
    return dg.SensorResult(
        run_requests=range_run_requests(context.instance, dates, new_partitions, run_keys=False),
        dynamic_partitions_requests=[story_dates.build_add_request(new_partitions)] if new_partitions else [],
        cursor=json.dumps(current, sort_keys=True),
    )
