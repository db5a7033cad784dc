"""`eventcoder pipeline run`: the Dagster job over every story date in data/raw, on the local instance.

The runs go into the persistent instance at $DAGSTER_HOME (`.dagster/` in the repository by
default), so `dagster dev` shows them in its run history.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def ensure_dagster_home() -> Path:
    """Use $DAGSTER_HOME, or the repository's `.dagster/` with the project's instance settings."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPOSITORY / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    template = REPOSITORY / "scripts" / "dagster.yaml"
    if not settings.exists() and template.exists():
        shutil.copy(template, settings)
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return home


def run_config(raw: Path, coded: Path, rules_dir: Path | None = None) -> dict:
    """Point the storage resource at the given folders; keep Dagster's console log to warnings.

    `rules_dir` codes with the rule files in that folder instead of the built-in ones.
    """
    storage = {"raw_dir": str(raw), "coded_dir": str(coded), "cache_dir": str(coded.parent / "cache" / "parses")}
    resources: dict = {"storage": {"config": storage}}
    if rules_dir is not None:
        resources["coder"] = {"config": {"rules_dir": str(rules_dir)}}
    return {"resources": resources, "loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_backfill(raw: Path, coded: Path, rules_dir: Path | None = None) -> int:
    """Scan data/raw, then code every story date, one Dagster run per date. Returns an exit status."""
    ensure_dagster_home()
    import dagster as dg
    from tqdm import tqdm

    from pipelines.definitions import defs
    from pipelines.defs.partitions import story_dates
    from pipelines.lib.inventory import scan

    instance = dg.DagsterInstance.get()
    config = run_config(raw, coded, rules_dir)
    scan_result = defs.resolve_job_def("scan_raw").execute_in_process(run_config=config, instance=instance, raise_on_error=False)
    if not scan_result.success:
        print("eventcoder: scanning data/raw failed; see the run in the Dagster UI", file=sys.stderr)
        return 1
    inventory = scan(raw)
    _report_inputs(inventory)
    dates = inventory.dates()
    job = defs.resolve_job_def("code_stories")
    failed: list[str] = []
    totals = {"documents": 0, "events": 0}
    with tqdm(dates, desc="story dates", unit="date", file=sys.stderr, dynamic_ncols=True) as bar:
        for date in bar:
            if date not in instance.get_dynamic_partitions(story_dates.name):
                instance.add_dynamic_partitions(story_dates.name, [date])
            result = job.execute_in_process(run_config=config, instance=instance, partition_key=date, raise_on_error=False)
            if not result.success:
                failed.append(date)
            _count(result, totals)
            bar.set_postfix(documents=totals["documents"], events=totals["events"], failed=len(failed), refresh=False)
    print(
        f"eventcoder: {len(dates)} story dates, {totals['documents']} documents, {totals['events']} events"
        f" -> {coded}; runs are in the Dagster instance at {os.environ['DAGSTER_HOME']}",
        file=sys.stderr,
    )
    if failed:
        print(f"eventcoder: {len(failed)} dates failed validation or coding: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _report_inputs(inventory) -> None:
    """Rejected inputs and warnings on stderr, as `eventcoder code` prints them; the runs record them too."""
    for item in inventory.rejected:
        print(f"eventcoder: rejected: {item.message()}", file=sys.stderr)
    for story in inventory.stories:
        for warning in story.warnings:
            print(f"eventcoder: warning: {story.where()}: {warning}", file=sys.stderr)


def _count(result, totals: dict[str, int]) -> None:
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        if event.asset_key.path == ["coded_events"]:
            totals["documents"] += int(metadata["documents"].value)
            totals["events"] += int(metadata["events"].value)
