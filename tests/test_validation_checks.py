"""Blocking Great Expectations checks in the real Dagster pipeline.

A corrupted staged events partition (unknown code, wrong QuadClass, duplicate id) fails the
check, its bad rows land in quarantine with reasons, nothing downstream runs, and the published
partition readers load is unchanged. A clean partition passes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.definitions import defs
from pipelines.lib import parquet_io, tables
from pipelines.lib.contracts import conform, load_contract
from pipelines.run import run_backfill, run_config

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
DATE = "2023-10-03"
pytestmark = pytest.mark.slow


@pytest.fixture()
def coded_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "raw")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert run_backfill(tmp_path / "raw", tmp_path / "coded") == 0
    return tmp_path


def corrupt_staged_partition(coded: Path) -> pd.DataFrame:
    staged = tables.read(coded, "events", DATE, folder=f"{tables.STAGING}/events")
    assert len(staged) >= 1
    bad = pd.concat([staged, staged.iloc[[0]]], ignore_index=True)  # a duplicate event_id
    extra = staged.iloc[[0]].copy()
    extra["event_id"], extra["event_code"], extra["event_root"] = "corrupt-code", "999", "99"
    wrong_quad = staged.iloc[[0]].copy()
    wrong_quad["event_id"], wrong_quad["quad_class"] = "corrupt-quad", 1
    bad = pd.concat([bad, extra, wrong_quad], ignore_index=True)
    table = conform(bad, load_contract("events"))
    parquet_io.write_partition(coded, f"{tables.STAGING}/events", DATE, table, {})
    return bad


def check_and_publish(workspace: Path) -> dg.ExecuteInProcessResult:
    """Run the events check and everything downstream of the staged partition, as a recode would."""
    selection = (
        dg.AssetSelection.checks_for_assets("coded_events")
        | dg.AssetSelection.assets("events", "event_days", "dyad_days")
    )
    job = dg.define_asset_job("check_and_publish", selection=selection)
    resolved = dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("check_and_publish")
    return resolved.execute_in_process(
        run_config=run_config(workspace / "raw", workspace / "coded"),
        instance=dg.DagsterInstance.get(),
        partition_key=DATE,
        raise_on_error=False,
    )


def test_a_clean_partition_passes_its_checks(coded_workspace: Path) -> None:
    result = check_and_publish(coded_workspace)
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(evaluation.passed for evaluation in evaluations)


def test_a_corrupted_partition_is_blocked_quarantined_and_not_published(coded_workspace: Path) -> None:
    coded = coded_workspace / "coded"
    published_before = pd.read_parquet(coded / "events" / f"date={DATE}")
    days_before = (coded / "event_days" / f"date={DATE}" / "part-0.parquet").stat().st_mtime_ns
    corrupt_staged_partition(coded)

    result = check_and_publish(coded_workspace)

    assert not result.success
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == "events_suite")
    assert not evaluation.passed
    assert evaluation.metadata["quarantined_rows"].value >= 3
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert not materialized & {"events", "event_days", "dyad_days"}, "downstream assets must not run"
    pd.testing.assert_frame_equal(pd.read_parquet(coded / "events" / f"date={DATE}"), published_before)
    assert (coded / "event_days" / f"date={DATE}" / "part-0.parquet").stat().st_mtime_ns == days_before

    quarantine = pd.read_parquet(coded / "quarantine" / "stage=events_check")
    reasons = " | ".join(quarantine["reason"])
    assert "'999' is not in the CAMEO codebook" in reasons
    assert set(quarantine["key"]) >= {"corrupt-code", "corrupt-quad"}
    assert quarantine["rule"].str.contains("unique").any()
    assert (quarantine["partition"] == DATE).all()
