"""Protects the table contracts and the CAMEO codebook: every contract loads with the exact Arrow
types users get, malformed contracts and codebooks fail loudly with their file named, `conform`
refuses lossy casts (a numeric event_code, a null in a required column), and docs/columns.md
matches the contracts."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.coder.codebook import CodebookError, codebook_path, load_codebook, parse_codebook
from pipelines.lib.contracts import ContractError, conform, contract_names, contracts_dir, load_contract

REPO = Path(__file__).resolve().parents[2]


def documents_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2"],
            "story_date": [dt.date(2024, 3, 1), dt.date(2024, 3, 1)],
            "text": ["Seoul protested.", "Tokyo agreed."],
            "content_hash": ["a" * 64, "b" * 64],
            "raw_path": ["stories.jsonl", "stories.jsonl"],
            "raw_line": [1, 2],
            "ingested_at": [pd.Timestamp("2024-03-02 10:00", tz="UTC")] * 2,
            "n_chars": [16, 13],
        }
    )


def test_every_table_has_a_contract_in_the_repository_schemas_folder() -> None:
    assert contracts_dir() == REPO / "schemas"
    assert contract_names() == ("documents", "dyad_days", "event_days", "events", "quarantine")


def test_contracts_give_the_exact_arrow_types_users_read() -> None:
    events = load_contract("events").arrow_schema()
    assert events.field("event_code").type == pa.string()
    assert events.field("quad_class").type == pa.int8()
    assert events.field("goldstein").type == pa.float64()
    assert events.field("event_date").type == pa.date32()
    assert events.field("sentence_index").type == pa.int32()
    assert events.field("lat").nullable and not events.field("event_code").nullable
    assert load_contract("documents").arrow_schema().field("ingested_at").type == pa.timestamp("us", tz="UTC")
    assert load_contract("event_days").arrow_schema().field("doc_ids").type == pa.list_(pa.string())


def test_schema_metadata_carries_contract_version_and_given_versions() -> None:
    contract = load_contract("events")
    schema = contract.arrow_schema({"coder_version": "1.2.0"})
    assert schema.metadata == {b"table": b"events", b"contract_version": str(contract.version).encode(), b"coder_version": b"1.2.0"}
    assert contract.key == ("event_id",)
    assert contract.partition_column == "story_date"


def write_contract(folder: Path, column_yaml: str) -> Path:
    path = folder / "widgets.yaml"
    path.write_text(
        "table: widgets\nversion: 1\ndescription: test\nkey: [id]\npartition_column: id\ncolumns:\n"
        "  - {name: id, type: string, nullable: false, description: key}\n" + column_yaml
    )
    return path


def test_unknown_column_type_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write_contract(tmp_path, "  - {name: size, type: varchar, nullable: true, description: x}\n")
    with pytest.raises(ContractError, match=rf"{path}.*unknown type 'varchar'"):
        load_contract("widgets", tmp_path)


def test_misspelt_column_key_is_an_error_not_ignored(tmp_path: Path) -> None:
    write_contract(tmp_path, "  - {name: size, type: int32, nulable: true, description: x}\n")
    with pytest.raises(ContractError, match="lacks nullable"):
        load_contract("widgets", tmp_path)


def test_nullable_key_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "widgets.yaml"
    write_contract(tmp_path, "")
    path.write_text(path.read_text().replace("nullable: false", "nullable: true"))
    with pytest.raises(ContractError, match="key column 'id' must not be nullable"):
        load_contract("widgets", tmp_path)


def test_conform_orders_columns_and_fills_missing_nullable_ones_with_nulls() -> None:
    frame = documents_frame()[::-1].reset_index(drop=True).iloc[:, ::-1]
    table = conform(frame, load_contract("documents"))
    assert table.schema.equals(load_contract("documents").arrow_schema(), check_metadata=True)
    assert table.column("title").null_count == 2
    assert table.column("doc_id").to_pylist() == ["d2", "d1"]


def test_conform_accepts_pandas_timestamps_for_date_columns() -> None:
    frame = documents_frame().assign(story_date=pd.to_datetime(["2024-03-01", "2024-03-02"]))
    table = conform(frame, load_contract("documents"))
    assert table.column("story_date").to_pylist() == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="text"), r"documents\.text: required column is missing"),
        (lambda f: f.assign(mood="factual"), "columns not in the contract: mood"),
        (lambda f: f.assign(doc_id=[1, 2]), r"documents\.doc_id: expected strings"),
        (lambda f: f.assign(text=["x", None]), r"documents\.text: 1 null value"),
        (lambda f: f.assign(n_chars=[1.5, 2.0]), r"documents\.n_chars: cannot convert"),
        (lambda f: f.assign(ingested_at=pd.Timestamp("2024-03-02")), "timezone-aware"),
        (lambda f: f.assign(story_date=pd.to_datetime(["2024-03-01 12:00"] * 2)), "times of day"),
    ],
    ids=["missing", "extra", "int-in-string", "null", "fraction-in-int", "naive-time", "time-in-date"],
)
def test_conform_refuses_frames_that_do_not_fit(change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        conform(change(documents_frame()), load_contract("documents"))


def test_conform_refuses_numeric_event_codes_which_would_lose_leading_zeros() -> None:
    frame = pd.DataFrame(
        {"event_date": [dt.date(2024, 3, 1)], "source_actor": ["PRK"], "target_actor": ["USA"],
         "event_code": [36], "event_root": ["03"], "quad_class": [1], "goldstein": [4.0], "n_mentions": [1],
         "n_docs": [1], "doc_ids": [["d1"]], "first_doc_id": ["d1"], "first_event_id": ["e1"]}
    )
    assert conform(frame.assign(event_code="036"), load_contract("event_days")).num_rows == 1
    with pytest.raises(ValueError, match=r"event_days\.event_code: expected strings, got integer"):
        conform(frame, load_contract("event_days"))


def test_conform_refuses_quad_class_overflowing_int8() -> None:
    frame = pd.DataFrame({"event_date": [dt.date(2024, 3, 1)], "source_country": ["USA"], "target_country": ["CHN"],
                          "quad_class": [300], "n_events": [1], "mean_goldstein": [1.0]})
    with pytest.raises(ValueError, match=r"dyad_days\.quad_class: cannot convert"):
        conform(frame, load_contract("dyad_days"))


def test_conform_types_a_zero_row_frame_of_untyped_columns() -> None:
    contract = load_contract("event_days")
    table = conform(pd.DataFrame(columns=list(contract.column_names)), contract)
    assert table.num_rows == 0
    assert table.schema.field("doc_ids").type == pa.list_(pa.string())


def test_codebook_has_the_codable_codes_and_the_twenty_roots() -> None:
    codebook = load_codebook()
    assert len(codebook.roots) == 20 and len(codebook) == 298
    assert "036" in codebook and "0211" in codebook
    assert "03" not in codebook, "two-digit roots are not codable"
    entry = codebook.get("036")
    assert (entry.quad_class, entry.goldstein, entry.root) == (1, 4.0, "03")
    assert codebook.get("999") is None


def test_codes_without_a_goldstein_score_inherit_their_ancestors_and_say_so() -> None:
    codebook = load_codebook()
    assert codebook.get("176").goldstein == -7.0 and codebook.get("176").goldstein_from == "17"
    assert codebook.get("1213").goldstein == -4.0 and codebook.get("1213").goldstein_from == "121"
    assert codebook.get("190").goldstein_from is None


def test_codebook_quad_class_follows_the_root_rule() -> None:
    bounds = {1: (1, 5), 2: (6, 9), 3: (10, 14), 4: (15, 20)}
    for entry in load_codebook().entries.values():
        low, high = bounds[entry.quad_class]
        assert low <= int(entry.root) <= high, entry


def broken_codebook(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "codes.tsv"
    text = codebook_path().read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_codebook_with_a_quad_class_against_the_root_rule_is_rejected(tmp_path: Path) -> None:
    path = broken_codebook(tmp_path, "190\tUse conventional military force, not specified below\t-10.0\t4",
                           "190\tUse conventional military force, not specified below\t-10.0\t3")
    with pytest.raises(CodebookError, match=rf"{path}:\d+: code 190 has quad_class '3', but root 19 is QuadClass 4"):
        parse_codebook(path)


def test_codebook_with_a_wrong_root_is_rejected(tmp_path: Path) -> None:
    path = broken_codebook(tmp_path, "036\tExpress intent to meet or negotiate\t4.0\t1\t03",
                           "036\tExpress intent to meet or negotiate\t4.0\t1\t04")
    with pytest.raises(CodebookError, match="code 036 has root '04'"):
        parse_codebook(path)


def test_column_docs_are_generated_from_the_current_contracts() -> None:
    spec = importlib.util.spec_from_file_location("gen_column_docs", REPO / "scripts" / "gen_column_docs.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.target_path().read_text(encoding="utf-8") == script.render(), (
        "docs/columns.md is stale: run .venv/bin/python scripts/gen_column_docs.py"
    )
