"""Protects the grouping of story dates into runs (`date_ranges`, used by `eventcoder pipeline run` and the nightly schedule): runs
cover consecutive partitions only, and a range run that fails is followed by one run per date, so
a date that fails blocks only itself, as when every date had its own run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.lib import aggregates, parquet_io
from pipelines.defs.partitions import date_ranges
from pipelines.run import run_backfill

FIXTURES = Path(__file__).parent / "fixtures" / "stories"


def test_a_run_covers_consecutive_partitions_and_at_most_size_dates() -> None:
    partitions = ["d1", "d2", "d3", "d4", "d5", "d6", "d7"]
    assert date_ranges(["d1", "d2", "d3"], partitions, size=31) == [["d1", "d2", "d3"]]
    # d3 is a partition this call does not code: a range over it would recode it.
    assert date_ranges(["d1", "d2", "d4", "d5"], partitions, size=31) == [["d1", "d2"], ["d4", "d5"]]
    assert date_ranges(partitions, partitions, size=3) == [["d1", "d2", "d3"], ["d4", "d5", "d6"], ["d7"]]
    assert date_ranges(["d2", "x"], partitions, size=31) == [["d2"], ["x"]]


@pytest.mark.slow
def test_a_failing_date_in_a_range_blocks_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURES, tmp_path / "raw")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    original = aggregates.dyad_days

    def failing(events: pd.DataFrame) -> pd.DataFrame:
        if (events["story_date"].astype(str) == "2023-10-03").any():
            raise RuntimeError("dyad_days breaks on this date")
        return original(events)

    monkeypatch.setattr(aggregates, "dyad_days", failing)
    coded = tmp_path / "coded"

    assert run_backfill(tmp_path / "raw", coded) == 1

    assert parquet_io.list_partitions(coded, "dyad_days") == ("2023-10-02", "2023-10-04")
    assert parquet_io.list_partitions(coded, "events") == ("2023-10-02", "2023-10-03", "2023-10-04")
    runs = dg.DagsterInstance.get().get_runs()
    by_partition = {run.tags.get("dagster/partition"): run.status for run in runs if run.job_name == "code_stories"}
    assert by_partition == {
        None: dg.DagsterRunStatus.FAILURE,  # the range run
        "2023-10-02": dg.DagsterRunStatus.SUCCESS,
        "2023-10-03": dg.DagsterRunStatus.FAILURE,
        "2023-10-04": dg.DagsterRunStatus.SUCCESS,
    }
