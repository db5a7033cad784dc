"""The new-story sensor and the nightly recode schedule, evaluated the way the daemon does.

Protects what an operator relies on when leaving the daemon on: a new or edited story file
starts runs for exactly its dates (and registers them as partitions), a touched but unchanged
file and a repeated tick start nothing; at 02:00 the schedule codes dates never coded and
recodes dates last coded by another coder or dictionary version, and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.coder.engine import EventCoder
from pipelines.definitions import defs
from pipelines.defs.coding.assets import CODE_VERSION
from pipelines.defs.coding.schedules import CODE_VERSION_TAG, nightly_recode, stale_dates
from pipelines.defs.ingest.sensors import new_stories_sensor
from pipelines.defs.resources import CoderResource, StorageResource
from pipelines.lib import tables
from pipelines.run import run_backfill

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
RULES_DIR = Path(__file__).parents[1] / "pipelines" / "coder" / "data" / "rules"
FIXTURE_DATES = ["2023-10-02", "2023-10-03", "2023-10-04"]


@dataclass(frozen=True)
class Tick:
    """What one sensor evaluation asked for."""

    dates: list[str]
    added_partitions: list[str]
    cursor: str | None
    runs: list[list[str]]  # the dates of each requested run


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    """A raw folder holding a copy of the fixture stories (three story dates)."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "raw"))


@pytest.fixture()
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A persistent instance: resolving partitioned run requests needs one that can be re-opened."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as local:
        yield local


def storage_for(raw: Path) -> StorageResource:
    return StorageResource(raw_dir=str(raw), coded_dir=str(raw.parent / "coded"))


def sensor_tick(instance: dg.DagsterInstance, raw: Path, cursor: str | None) -> Tick:
    """Evaluate the sensor, then apply its partition requests as the daemon would."""
    context = dg.build_sensor_context(
        instance=instance,
        instance_ref=instance.get_ref(),
        cursor=cursor,
        resources={"storage": storage_for(raw)},
        definitions=defs,
    )
    result = new_stories_sensor.evaluate_tick(context)
    added = [key for request in result.dynamic_partitions_requests for key in request.partition_keys]
    if added:
        instance.add_dynamic_partitions("story_dates", added)
    assert all(request.run_key is None for request in result.run_requests)  # see the sensor
    runs = runs_requested(instance, result.run_requests)
    return Tick(sorted(date for run in runs for date in run), sorted(added), result.cursor, runs)


def schedule_requests(instance: dg.DagsterInstance, raw: Path, coder: CoderResource | None = None) -> list[list[str]]:
    """Evaluate the nightly schedule; the story dates of each run it requests (a range run's
    dates read from its range tags as Dagster reads them: the partitions from first to last)."""
    context = dg.build_schedule_context(
        instance=instance, resources={"storage": storage_for(raw), "coder": coder or CoderResource()},
        repository_def=defs.get_repository_def(),
    )
    requests = nightly_recode.evaluate_tick(context).run_requests
    assert len({request.run_key for request in requests}) == len(requests), "run keys must differ within a tick"
    return runs_requested(instance, requests)


def runs_requested(instance: dg.DagsterInstance, requests) -> list[list[str]]:
    """The story dates of each requested run (a range run's from its range tags, as Dagster reads
    them: the registered partitions from first to last)."""
    partitions = instance.get_dynamic_partitions("story_dates")
    runs = []
    for request in requests:
        if request.partition_key is not None:
            runs.append([request.partition_key])
            continue
        first, last = request.tags[RANGE_START], request.tags[RANGE_END]
        runs.append(partitions[partitions.index(first) : partitions.index(last) + 1])
    return runs


def schedule_tick(instance: dg.DagsterInstance, raw: Path, coder: CoderResource | None = None) -> list[str]:
    """Evaluate the nightly schedule (the deployment's coder unless `coder` is given); returns the
    requested story dates."""
    return sorted(date for run in schedule_requests(instance, raw, coder) for date in run)


def backfilled_instance(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dg.DagsterInstance:
    """`eventcoder pipeline run` over the fixture stories into a fresh instance, which is returned."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "pipeline_home"))
    assert run_backfill(raw, tmp_path / "coded") == 0
    return dg.DagsterInstance.get()


def write_story(path: Path, doc_id: str, date: str, text: str) -> None:
    with path.open("a") as stream:
        stream.write(json.dumps({"id": doc_id, "date": date, "text": text}) + "\n")


# -- the new-story sensor ------------------------------------------------------------------


def test_first_tick_requests_every_date_and_registers_them_as_partitions(instance, raw) -> None:
    tick = sensor_tick(instance, raw, cursor=None)
    assert tick.dates == FIXTURE_DATES
    assert tick.added_partitions == FIXTURE_DATES
    assert sorted(instance.get_dynamic_partitions("story_dates")) == FIXTURE_DATES


def test_consecutive_new_dates_are_coded_in_one_run(instance, raw) -> None:
    # A drop of years of files: a run per range of dates, not thousands of runs.
    assert sensor_tick(instance, raw, cursor=None).runs == [FIXTURE_DATES]


def test_a_new_file_requests_runs_for_exactly_its_dates(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    new_file = raw / "late-wire.jsonl"
    write_story(new_file, "late-1", "2023-10-05", "Chile and Argentina signed a fisheries agreement.")
    write_story(new_file, "late-2", "2023-10-06", "Japan condemned the missile launch by North Korea.")

    tick = sensor_tick(instance, raw, first.cursor)

    assert tick.dates == ["2023-10-05", "2023-10-06"]
    assert tick.added_partitions == ["2023-10-05", "2023-10-06"]
    assert sorted(instance.get_dynamic_partitions("story_dates")) == [*FIXTURE_DATES, "2023-10-05", "2023-10-06"]


def test_a_story_on_a_known_date_requests_that_date_without_adding_a_partition(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    write_story(raw / "more.jsonl", "more-1", "2023-10-03", "Kenya recalled its ambassador from Somalia.")

    tick = sensor_tick(instance, raw, first.cursor)

    assert tick.dates == ["2023-10-03"]
    assert tick.added_partitions == []


def test_a_changed_file_requests_only_the_date_whose_story_changed(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    wire = raw / "wire.jsonl"  # holds one story on 2023-10-03 and one on 2023-10-04
    wire.write_text(wire.read_text().replace("without delay", "within a week"))

    tick = sensor_tick(instance, raw, first.cursor)

    assert tick.dates == ["2023-10-04"]
    assert tick.added_partitions == []


def test_a_deleted_file_requests_the_dates_it_leaves_without_stories(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    (raw / "2023-10-02_andes-talks.txt").unlink()  # that date's only story

    tick = sensor_tick(instance, raw, first.cursor)

    assert tick.dates == ["2023-10-02"]  # its run empties the date's tables
    assert tick.added_partitions == []
    assert sensor_tick(instance, raw, tick.cursor).dates == []


def test_a_touched_but_unchanged_file_requests_nothing(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    story = raw / "2023-10-02_andes-talks.txt"
    later = story.stat().st_mtime + 3600
    os.utime(story, (later, later))

    tick = sensor_tick(instance, raw, first.cursor)

    assert tick.dates == []
    assert tick.cursor == first.cursor


def test_a_second_tick_with_the_returned_cursor_requests_nothing(instance, raw) -> None:
    first = sensor_tick(instance, raw, cursor=None)
    second = sensor_tick(instance, raw, first.cursor)
    assert second.dates == [] and second.added_partitions == []


# -- the nightly recode schedule -----------------------------------------------------------


def test_the_recode_runs_nightly_at_two_in_the_morning() -> None:
    assert nightly_recode.cron_schedule == "0 2 * * *"
    assert nightly_recode.job_name == "code_stories"


def test_the_schedule_codes_dates_never_coded_and_registers_them(instance, raw) -> None:
    assert schedule_tick(instance, raw) == FIXTURE_DATES
    assert sorted(instance.get_dynamic_partitions("story_dates")) == FIXTURE_DATES


def test_the_schedule_codes_consecutive_dates_in_one_run(instance, raw) -> None:
    # A recode of years after a dictionary change: a month of dates a run, not a run per date.
    assert schedule_requests(instance, raw) == [FIXTURE_DATES]


@pytest.mark.slow
def test_the_schedule_recodes_only_dates_coded_under_another_version(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = backfilled_instance(raw, tmp_path, monkeypatch)

    # Everything was just coded by this version: nothing to do tonight.
    assert schedule_tick(instance, raw) == []
    assert stale_dates(instance, FIXTURE_DATES, CODE_VERSION) == []

    # A date last coded by an older deployment (as if its dictionaries had since changed).
    older = dg.AssetMaterialization("coded_events", partition="2023-10-03", tags={CODE_VERSION_TAG: "0.0.1+olddictionary"})
    instance.report_runless_asset_event(older)
    assert schedule_tick(instance, raw) == ["2023-10-03"]

    # A new coder or dictionary version makes every date stale.
    assert stale_dates(instance, FIXTURE_DATES, "9.9.9+newdictionary") == FIXTURE_DATES


@pytest.mark.slow
def test_a_date_recoded_with_other_rules_is_brought_back_to_the_deployments_rules(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A researcher recodes a date from the launchpad with edited rules (`rules_dir`): the asset's
    code version tag still names the built-in rules, but the date no longer holds what the
    deployment codes, so the nightly run recodes it; a deployment configured with those rules
    recodes the other dates instead."""
    instance = backfilled_instance(raw, tmp_path, monkeypatch)
    edited = Path(shutil.copytree(RULES_DIR, tmp_path / "rules"))
    with (edited / "11_disapprove.yaml").open("a") as stream:
        stream.write("  - id: disapprove.scold\n    code: \"111\"\n    verb: [scold]\n")
    custom = CoderResource(rules_dir=str(edited))
    assert custom.code_version() != CODE_VERSION
    # what a run of the coding step with that configuration records (see coded_events)
    versions = custom.versions()
    assert f"{versions.coder_version}+{versions.dictionary_version}" == custom.code_version()
    instance.report_runless_asset_event(dg.AssetMaterialization(
        "coded_events", partition="2023-10-03", tags={CODE_VERSION_TAG: CODE_VERSION},
        metadata={"coder_version": versions.coder_version, "dictionary_version": versions.dictionary_version},
    ))

    assert schedule_tick(instance, raw) == ["2023-10-03"]
    assert schedule_tick(instance, raw, custom) == ["2023-10-02", "2023-10-04"]


@pytest.mark.slow
def test_a_date_whose_coding_failed_is_recoded_in_a_run_of_its_own(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_story(raw / "2023-10-05.jsonl", "later", "2023-10-05", "Nepal's prime minister met Bhutan's foreign minister in Kathmandu.")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "pipeline_home"))
    original = EventCoder.code_parsed

    def failing(self, doc, document, trace=None):
        if str(document.story_date) == "2023-10-03":
            raise RuntimeError("the coder breaks on this date")
        return original(self, doc, document, trace)

    monkeypatch.setattr(EventCoder, "code_parsed", failing)
    assert run_backfill(raw, tmp_path / "coded") == 1  # 2023-10-03 failed, alone as well
    monkeypatch.setattr(EventCoder, "code_parsed", original)

    # A new dictionary version: every date is stale. The failed date is not put back in a range
    # with the others, which would fail together with it again.
    monkeypatch.setattr("pipelines.defs.coding.schedules.CODE_VERSION", "9.9.9+newdictionary")
    assert schedule_requests(dg.DagsterInstance.get(), raw) == [["2023-10-02"], ["2023-10-04", "2023-10-05"], ["2023-10-03"]]


@pytest.mark.slow
def test_the_schedule_empties_a_date_whose_stories_are_gone_once(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files deleted while no sensor watched: the nightly run still clears what they published."""
    instance = backfilled_instance(raw, tmp_path, monkeypatch)
    (raw / "2023-10-02_andes-talks.txt").unlink()

    assert schedule_tick(instance, raw) == ["2023-10-02"]  # not stale by version: its stories are gone
    tables.write(tmp_path / "coded", "documents", "2023-10-02", pd.DataFrame(), {})  # what its run writes
    assert schedule_tick(instance, raw) == []
