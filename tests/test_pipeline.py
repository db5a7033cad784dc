"""The Dagster pipeline end to end on fixture stories: real instance, real spaCy, real Parquet.

Protects the README's run command: every story date becomes a partition, runs land in the
instance's history, the published tables have the contracts' types, reruns are identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.definitions import defs
from pipelines.lib.contracts import load_contract
from pipelines.run import run_backfill

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
pytestmark = pytest.mark.slow


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A raw folder with the fixture stories, an empty coded folder and a fresh Dagster home."""
    shutil.copytree(FIXTURES, tmp_path / "raw")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return tmp_path


def test_definitions_load_with_assets_checks_jobs_sensor_and_schedule() -> None:
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {"raw_stories", "documents", "coded_events", "events", "event_days", "dyad_days"}
    checks = {check.name for check in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {"documents_suite", "events_suite", "event_days_suite", "dyad_days_suite"}
    assert defs.resolve_job_def("code_stories").partitions_def is not None
    assert defs.resolve_sensor_def("new_stories_sensor") and defs.resolve_schedule_def("nightly_recode")


def test_backfill_codes_every_date_into_typed_parquet_and_records_runs(workspace: Path) -> None:
    coded = workspace / "coded"
    assert run_backfill(workspace / "raw", coded) == 0

    events = pd.read_parquet(coded / "events")
    assert set(events["story_date"].astype(str)) <= {"2023-10-02", "2023-10-03", "2023-10-04"}
    triples = set(zip(events["source_actor"], events["target_actor"], events["event_code"]))
    assert ("KEN", "SOM", "125") in triples and ("PERGOV", "BOLGOV", "040") in triples
    schema = pq.read_schema(next((coded / "events").glob("date=*/part-0.parquet")))
    contract = load_contract("events")
    for column in contract.columns:
        assert schema.field(column.name).type == column.arrow_type, column.name
    assert schema.metadata[b"contract_version"] == str(contract.version).encode()
    assert b"dictionary_version" in schema.metadata and b"coder_version" in schema.metadata

    documents = pd.read_parquet(coded / "documents")
    assert len(documents) == 4 and documents["doc_id"].is_unique
    assert not pd.read_parquet(coded / "event_days").empty and not pd.read_parquet(coded / "dyad_days").empty

    instance = dg.DagsterInstance.get()
    runs = instance.get_runs()
    assert len(runs) == 2  # one scan, then one run over the range of story dates
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    coded_run = next(run for run in runs if run.job_name == "code_stories")
    assert (coded_run.tags["dagster/asset_partition_range_start"], coded_run.tags["dagster/asset_partition_range_end"]) == ("2023-10-02", "2023-10-04")
    # Every date still has its own materializations, with its own figures.
    documents_by_date = {
        record.asset_materialization.partition: record.asset_materialization.metadata["documents"].value
        for record in instance.fetch_materializations(dg.AssetKey("coded_events"), limit=10).records
    }
    assert documents_by_date == {"2023-10-02": 1, "2023-10-03": 2, "2023-10-04": 1}
    assert sorted(instance.get_dynamic_partitions("story_dates")) == ["2023-10-02", "2023-10-03", "2023-10-04"]


def test_rerun_is_identical_and_reuses_the_parse_cache(workspace: Path) -> None:
    coded = workspace / "coded"
    run_backfill(workspace / "raw", coded)
    first = pd.read_parquet(coded / "events").sort_values("event_id").reset_index(drop=True)
    run_backfill(workspace / "raw", coded)
    second = pd.read_parquet(coded / "events").sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
    instance = dg.DagsterInstance.get()
    latest = instance.fetch_materializations(dg.AssetKey("coded_events"), limit=1).records[0]
    metadata = latest.asset_materialization.metadata
    assert metadata["parse_cache_misses"].value == 0 and metadata["parse_cache_hits"].value >= 1


def test_a_recode_that_yields_no_events_clears_the_old_partition(workspace: Path) -> None:
    coded = workspace / "coded"
    run_backfill(workspace / "raw", coded)
    assert (pd.read_parquet(coded / "events")["doc_id"] == "fixture-wire-1").any()
    story = '{"id": "fixture-wire-1", "date": "2023-10-03", "text": "Rain fell on the coast all day."}\n'
    (workspace / "raw" / "wire.jsonl").write_text(story)
    run_backfill(workspace / "raw", coded)
    assert not (pd.read_parquet(coded / "events")["doc_id"] == "fixture-wire-1").any()


def test_a_date_whose_stories_were_deleted_is_emptied_not_left_behind(workspace: Path, capsys: pytest.CaptureFixture) -> None:
    """A researcher deletes a bad file: the coded tables must stop showing its stories and events."""
    coded, gone = workspace / "coded", "2023-10-02"  # the andes-talks file is that date's only story
    run_backfill(workspace / "raw", coded)

    def dates(table: str) -> set[str]:
        return {str(value) for value in pd.read_parquet(coded / table)["story_date"]}

    assert gone in dates("documents") and gone in dates("events")
    kept = pd.read_parquet(coded / "events").query("story_date != @pd.Timestamp(@gone).date()")
    (workspace / "raw" / "2023-10-02_andes-talks.txt").unlink()

    assert run_backfill(workspace / "raw", coded) == 0
    assert gone not in dates("documents") and gone not in dates("events")
    assert pd.read_parquet(coded / "events").drop(columns="date").equals(kept.drop(columns="date").reset_index(drop=True))
    assert "their tables are emptied: 2023-10-02" in capsys.readouterr().err

    run_backfill(workspace / "raw", coded)  # once emptied, the date is not run again
    assert "emptied" not in capsys.readouterr().err
