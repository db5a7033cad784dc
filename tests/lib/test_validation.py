"""Protects the Great Expectations gate in front of every published table: clean frames pass, and
each kind of bad row (a code outside the CAMEO codebook, a QuadClass or root that disagrees with the
code, a duplicate id, an unknown doc_id, an event date beyond the horizon, an empty story) is caught
with its row position and reaches the quarantine table with a readable reason. Also keeps the suites
in step with the contracts and great_expectations out of import time."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines.coder.codebook import load_codebook
from pipelines.lib.contracts import conform, load_contract
from pipelines.lib.validation import (
    DERIVED_COLUMNS,
    SuiteError,
    load_suite,
    quarantine_rows,
    suite_columns,
    validate_table,
)

REPO = Path(__file__).resolve().parents[2]
STORY = dt.date(2024, 3, 1)
DOCS = {"document_ids": ["d1", "d2"]}


def event_row(event_id: str, code: str, doc_id: str = "d1") -> dict:
    entry = load_codebook().get(code)
    return {
        "event_id": event_id, "doc_id": doc_id, "sentence_index": 0, "sentence_text": "s",
        "story_date": STORY, "event_date": STORY - dt.timedelta(days=1), "event_date_text": "on Thursday",
        "date_precision": "day", "source_actor": "PRKGOV", "source_country": "PRK", "source_agent": "GOV",
        "source_text": "Pyongyang", "target_actor": "USA", "target_country": "USA", "target_agent": None,
        "target_text": "Washington", "event_code": code, "event_root": code[:2], "quad_class": entry.quad_class,
        "goldstein": entry.goldstein, "verb_text": "v", "rule_id": "r", "mood": "factual", "action_place": None,
        "action_country": None, "lat": None, "lon": None, "coder_version": "0.1.0", "dictionary_version": "x",
        "model": "m",
    }


def clean_events() -> pd.DataFrame:
    codes = ["036", "0211", "190", "111", "1213", "042"]
    return pd.DataFrame([event_row(f"e{i}", code, doc_id=f"d{i % 2 + 1}") for i, code in enumerate(codes)])


def test_clean_events_pass() -> None:
    report = validate_table("events", clean_events(), DOCS)
    assert report.success, [o for o in report.failures]
    assert report.bad_row_indices == () and report.n_rows == 6
    assert len(report.results) == len(load_suite("events")["expectations"])


def test_events_read_back_from_parquet_pass() -> None:
    # The types a downstream asset validates are the ones conform writes, not the coder's.
    frame = conform(clean_events(), load_contract("events")).to_pandas()
    assert validate_table("events", frame, DOCS).success


def corrupted_events() -> pd.DataFrame:
    frame = clean_events()
    frame.loc[1, ["event_code", "event_root"]] = ["999", "99"]
    frame.loc[2, "quad_class"] = 1  # 190 is material conflict, QuadClass 4
    frame.loc[4, "event_id"] = "e0"
    frame.loc[5, "event_root"] = "05"  # 042 belongs to root 04
    return frame


def test_corrupted_events_fail_on_exactly_the_bad_rows() -> None:
    report = validate_table("events", corrupted_events(), DOCS)
    assert not report.success
    assert report.bad_row_indices == (0, 1, 2, 4, 5)
    failed = {o.rule: o.unexpected_index for o in report.failures}
    assert failed == {
        "expect_column_values_to_be_in_set(event_code)": (1,),
        "expect_column_pair_values_to_be_equal(quad_class, _codebook_quad_class)": (2,),
        "expect_column_values_to_be_unique(event_id)": (0, 4),
        "expect_column_pair_values_to_be_equal(event_root, _event_code_root)": (5,),
    }


def test_quarantine_rows_name_the_rule_and_the_reason() -> None:
    frame = corrupted_events()
    report = validate_table("events", frame, DOCS)
    rows = quarantine_rows(frame, report, "events", "event_id", "2024-03-01", "run-7")
    reasons = set(zip(rows["key"], rows["reason"], strict=True))
    assert reasons == {
        ("e1", "event_code '999' is not in the CAMEO codebook"),
        ("e2", "quad_class 1 disagrees with the codebook's 4 for event_code '190'"),
        ("e0", "event_id 'e0' occurs more than once"),
        ("e5", "event_root '05' is not the first two digits of event_code '042'"),
    }
    assert (rows["key"] == "e0").sum() == 2, "both copies of a duplicate are quarantined"
    assert set(rows["partition"]) == {"2024-03-01"} and set(rows["run_id"]) == {"run-7"}
    payload = json.loads(rows.loc[rows["key"] == "e1", "payload"].iloc[0])
    assert payload["event_code"] == "999" and payload["story_date"] == "2024-03-01"
    assert "_codebook_quad_class" not in payload
    conform(rows, load_contract("quarantine"))


def test_row_positions_not_index_labels_are_reported() -> None:
    frame = corrupted_events().set_index(pd.Index([10, 11, 12, 13, 14, 15]))
    report = validate_table("events", frame, DOCS)
    assert report.bad_row_indices == (0, 1, 2, 4, 5)
    rows = quarantine_rows(frame, report, "events", "event_id", None, None)
    assert "e1" in set(rows["key"])


def test_doc_id_not_among_the_documents_fails() -> None:
    report = validate_table("events", clean_events(), {"document_ids": ["d1"]})
    assert [o.rule for o in report.failures] == ["expect_column_values_to_be_in_set(doc_id)"]
    assert report.bad_row_indices == (1, 3, 5)


def test_document_ids_may_come_as_a_set_or_a_series() -> None:
    assert validate_table("events", clean_events(), {"document_ids": {"d1", "d2"}}).success
    assert validate_table("events", clean_events(), {"document_ids": pd.Series(["d2", "d1"])}).success


def test_document_ids_must_be_supplied() -> None:
    with pytest.raises(SuiteError, match="document_ids"):
        validate_table("events", clean_events())


def test_frame_missing_a_checked_column_is_an_error_not_a_failure() -> None:
    with pytest.raises(SuiteError, match="lacks columns.*mood"):
        validate_table("events", clean_events().drop(columns="mood"), DOCS)


def test_event_date_more_than_400_days_after_the_story_fails() -> None:
    frame = clean_events()
    frame.loc[3, "event_date"] = STORY + dt.timedelta(days=401)
    frame.loc[4, "event_date"] = STORY + dt.timedelta(days=400)
    report = validate_table("events", frame, DOCS)
    assert [o.rule for o in report.failures] == ["expect_column_values_to_be_between(_days_after_story)"]
    assert report.bad_row_indices == (3,)


def test_bad_actor_codes_and_values_outside_their_lists_fail() -> None:
    frame = clean_events()
    frame.loc[0, "source_actor"] = "PRKGO"
    frame.loc[1, "mood"] = "hypothetical"
    report = validate_table("events", frame, DOCS)
    assert {o.rule for o in report.failures} == {
        "expect_column_values_to_match_regex(source_actor)",
        "expect_column_values_to_be_in_set(mood)",
    }


def clean_documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3"], "story_date": [STORY] * 3, "title": [None] * 3,
            "publisher": [None] * 3, "url": [None] * 3, "text": ["A.", "B.", "C."], "content_hash": ["a" * 64] * 3,
            "raw_path": ["s.jsonl"] * 3, "raw_line": [1, 2, 3],
            "ingested_at": [pd.Timestamp("2024-03-02", tz="UTC")] * 3, "n_chars": [2, 2, 2],
        }
    )


def test_documents_suite_catches_empty_text_future_dates_and_duplicate_ids() -> None:
    assert validate_table("documents", clean_documents()).success
    frame = clean_documents()
    frame.loc[0, "text"] = ""
    frame.loc[1, "story_date"] = dt.date.today() + dt.timedelta(days=2)
    frame.loc[2, "doc_id"] = "d1"
    report = validate_table("documents", frame)
    assert {o.rule: o.unexpected_index for o in report.failures} == {
        "expect_column_value_lengths_to_be_between(text)": (0,),
        "expect_column_values_to_be_between(story_date)": (1,),
        "expect_column_values_to_be_unique(doc_id)": (0, 2),
    }


def test_event_days_catch_more_docs_than_mentions_and_duplicate_keys() -> None:
    row = {"event_date": STORY, "source_actor": "PRK", "target_actor": "USA", "event_code": "036",
           "event_root": "03", "quad_class": 1, "goldstein": 4.0, "n_mentions": 2, "n_docs": 2,
           "doc_ids": ["d1", "d2"], "first_doc_id": "d1", "first_event_id": "e1"}
    frame = pd.DataFrame([row, {**row, "target_actor": "JPN"}, {**row, "n_mentions": 1}])
    report = validate_table("event_days", frame)
    assert {o.rule: o.unexpected_index for o in report.failures} == {
        "expect_column_pair_values_a_to_be_greater_than_b(n_mentions, n_docs)": (2,),
        "expect_compound_columns_to_be_unique(event_date, source_actor, target_actor, event_code)": (0, 2),
    }


def test_partitions_validated_together_get_the_verdicts_they_get_alone() -> None:
    # The same key on two story dates is legitimate (an event reported on both days); within one
    # date it is a duplicate. One validation of both dates must tell the two apart.
    row = {"event_date": STORY, "source_country": "PRK", "target_country": "USA", "quad_class": 3,
           "n_events": 2, "mean_goldstein": -4.0}
    frame = pd.DataFrame([row, row, row, {**row, "quad_class": 4}])
    dates = ["2024-03-01", "2024-03-02", "2024-03-02", "2024-03-02"]
    report = validate_table("dyad_days", frame, partitions=dates)
    assert report.bad_row_indices == (1, 2)
    (failure,) = report.failures
    assert failure.rule == "expect_compound_columns_to_be_unique(event_date, source_country, target_country, quad_class)"
    rows = quarantine_rows(frame, report, "dyad_days", "event_date", dates, "run-1")
    assert list(rows["partition"]) == ["2024-03-02", "2024-03-02"]
    assert validate_table("dyad_days", frame.iloc[[0, 3]], partitions=dates[:1] + dates[3:]).success


def test_dyad_days_catch_duplicate_keys() -> None:
    row = {"event_date": STORY, "source_country": "PRK", "target_country": "USA", "quad_class": 3,
           "n_events": 2, "mean_goldstein": -4.0}
    assert validate_table("dyad_days", pd.DataFrame([row, {**row, "quad_class": 4}])).success
    report = validate_table("dyad_days", pd.DataFrame([row, row]))
    assert report.bad_row_indices == (0, 1)


def test_data_docs_site_is_built_where_asked(tmp_path: Path) -> None:
    report = validate_table("events", corrupted_events(), DOCS, data_docs_dir=tmp_path / "docs")
    assert report.data_docs_path == tmp_path / "docs" / "index.html"
    assert report.data_docs_path.is_file()
    [page] = (tmp_path / "docs" / "validations").rglob("*.html")
    html = page.read_text(encoding="utf-8")
    assert "Failed" in html and "event_code" in html and "999" in html


@pytest.mark.parametrize("table", ["documents", "events", "event_days", "dyad_days"])
def test_suite_checks_every_rule_its_contract_states(table: str) -> None:
    contract = load_contract(table)
    stated = {(e["type"], e["kwargs"].get("column")): e["kwargs"] for e in load_suite(table)["expectations"]}
    for column in contract.columns:
        if not column.nullable:
            assert ("expect_column_values_to_not_be_null", column.name) in stated, column.name
        if column.pattern:
            assert stated[("expect_column_values_to_match_regex", column.name)]["regex"] == column.pattern
        if column.allowed:
            assert stated[("expect_column_values_to_be_in_set", column.name)]["value_set"] == list(column.allowed)
        if column.min is not None or column.max is not None:
            bounds = stated[("expect_column_values_to_be_between", column.name)]
            assert (bounds.get("min_value"), bounds.get("max_value")) == (column.min, column.max), column.name


@pytest.mark.parametrize("table", ["documents", "events", "event_days", "dyad_days"])
def test_suite_names_only_contract_or_derived_columns_and_gives_every_rule_a_reason(table: str) -> None:
    suite = load_suite(table)
    known = set(load_contract(table).column_names) | set(DERIVED_COLUMNS.get(table, {}))
    assert suite_columns(suite) <= known
    assert all(e["meta"].get("reason") for e in suite["expectations"])


def test_importing_validation_does_not_import_great_expectations() -> None:
    code = "import sys, pipelines.lib.validation; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_validation_prints_no_progress_bars(capfd: pytest.CaptureFixture[str]) -> None:
    validate_table("events", clean_events(), DOCS)
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out
