"""Recoding the corpus after a rule edit, from cached parses, and what the UI shows for a run.

Protects the researcher's loop: edit one rule in a copy of the rule files, recode, and exactly
the events that rule codes change (nothing else moves), no document is parsed again, and
every row says which dictionaries coded it. Also protects the run metadata the Dagster UI
shows for the published events: the chart, a sample with sentences and rules, the versions,
and timings.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.coder.rules import RULES_DIR
from pipelines.run import run_backfill

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
FIXTURE_DATES = ["2023-10-02", "2023-10-03", "2023-10-04"]
# The rule that codes "Bolivia's opposition criticized the government ..." in the fixtures.
EDITED_RULE, OLD_CODE, NEW_CODE = "disapprove.criticize", "111", "112"
CRITICISM = ("2023-10-02_andes-talks", 1, "BOLOPP", "BOLGOV")
EVENT_KEY = ["doc_id", "sentence_index", "source_actor", "target_actor"]
# What a recode with an edited rule may change on a row it does not recode differently.
VERSION_COLUMNS = ["dictionary_version"]

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Recode:
    """The corpus coded with the built-in rules, then recoded with one rule edited."""

    before: pd.DataFrame
    after: pd.DataFrame
    instance: dg.DagsterInstance
    recode_run_ids: set[str]
    coded: Path


def edited_rules(folder: Path) -> Path:
    """A copy of the built-in rule files with one rule's CAMEO code changed."""
    rules = Path(shutil.copytree(RULES_DIR, folder))
    path = rules / "11_disapprove.yaml"
    text = path.read_text()
    block = f'  - id: {EDITED_RULE}\n    code: "{OLD_CODE}"\n'
    assert text.count(block) == 1, f"{EDITED_RULE} no longer reads as expected in {path.name}"
    path.write_text(text.replace(block, f'  - id: {EDITED_RULE}\n    code: "{NEW_CODE}"\n'))
    return rules


def published_events(coded: Path) -> pd.DataFrame:
    return pd.read_parquet(coded / "events").set_index(EVENT_KEY).sort_index()


@pytest.fixture(scope="module")
def recode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recode]:
    """Code the fixture corpus, then recode it with the edited rules, on one fresh instance."""
    root = tmp_path_factory.mktemp("recode")
    raw, coded = Path(shutil.copytree(FIXTURES, root / "raw")), root / "coded"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        assert run_backfill(raw, coded) == 0
        before = published_events(coded)
        instance = dg.DagsterInstance.get()
        first_runs = {run.run_id for run in instance.get_runs()}
        assert run_backfill(raw, coded, rules_dir=edited_rules(root / "rules")) == 0
        recode_runs = {run.run_id for run in instance.get_runs()} - first_runs
        yield Recode(before, published_events(coded), instance, recode_runs, coded)


def latest_metadata(instance: dg.DagsterInstance, asset: str, run_ids: set[str]) -> list[dict]:
    """Metadata of the asset's materializations made by the given runs."""
    records = instance.fetch_materializations(dg.AssetKey(asset), limit=100).records
    return [
        {key: value.value for key, value in record.asset_materialization.metadata.items()}
        for record in records
        if record.run_id in run_ids
    ]


def test_the_edited_rule_changes_exactly_the_events_it_codes(recode: Recode) -> None:
    before, after = recode.before, recode.after
    assert list(after.index) == list(before.index), "the recode found or lost events"
    changed = after.index[after["event_code"] != before["event_code"]].tolist()
    assert changed == [CRITICISM]
    assert before.loc[CRITICISM, "event_code"] == OLD_CODE and after.loc[CRITICISM, "event_code"] == NEW_CODE
    assert after.loc[CRITICISM, "rule_id"] == EDITED_RULE


def test_events_the_rule_does_not_code_are_unchanged_apart_from_the_version(recode: Recode) -> None:
    others = recode.before.index.drop(CRITICISM)
    kept = recode.before.loc[others].drop(columns=VERSION_COLUMNS)
    recoded = recode.after.loc[others].drop(columns=VERSION_COLUMNS)
    pd.testing.assert_frame_equal(recoded, kept)


def test_every_recoded_row_carries_the_new_dictionary_version(recode: Recode) -> None:
    (old_version,) = set(recode.before["dictionary_version"])
    (new_version,) = set(recode.after["dictionary_version"])
    assert new_version != old_version
    assert set(recode.after["coder_version"]) == set(recode.before["coder_version"])


def test_the_recode_reads_every_parse_from_the_cache(recode: Recode) -> None:
    coded = latest_metadata(recode.instance, "coded_events", recode.recode_run_ids)
    assert len(coded) == len(FIXTURE_DATES)
    assert sum(metadata["parse_cache_misses"] for metadata in coded) == 0
    assert sum(metadata["parse_cache_hits"] for metadata in coded) == sum(metadata["documents"] for metadata in coded) == 4


def test_the_events_run_metadata_shows_chart_sample_versions_and_timings(recode: Recode) -> None:
    published = latest_metadata(recode.instance, "events", recode.recode_run_ids)
    assert len(published) == len(FIXTURE_DATES)
    andes = next(metadata for metadata in published if "criticized the government" in metadata["sample"])
    assert EDITED_RULE in andes["sample"] and "| source | target | code | rule | sentence |" in andes["sample"]
    # The chart is embedded (the UI cannot load file:// links) and kept as a PNG under reports/.
    assert andes["chart"].startswith("![events per day by QuadClass](data:image/png;base64,")
    chart = Path(andes["chart_path"])
    assert chart.parent == (recode.coded / "reports").resolve() and chart.read_bytes().startswith(b"\x89PNG")
    assert andes["dictionary_version"] == recode.after["dictionary_version"].iloc[0]
    assert {"coder_version", "model", "seconds"} <= andes.keys()
    coded = latest_metadata(recode.instance, "coded_events", recode.recode_run_ids)
    assert all({"seconds", "coder_version", "dictionary_version", "model", "events_by_root"} <= m.keys() for m in coded)
