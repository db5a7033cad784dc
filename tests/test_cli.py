"""The `eventcoder` command as a user runs it: every input and output form, errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
EVENT_FIELDS = {
    "doc_id", "sentence_index", "source_actor", "target_actor", "event_code", "event_root",
    "quad_class", "goldstein", "story_date", "event_date", "rule_id", "verb_text",
}


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype={"event_code": str, "event_root": str})
    return pd.read_json(path, lines=True, dtype={"event_code": str, "event_root": str})


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_code_writes_every_output_form_with_the_event_fields(tmp_path: Path, suffix: str, capsys) -> None:
    out = tmp_path / f"events{suffix}"
    assert main(["code", str(FIXTURES), "--out", str(out), "--no-progress"]) == 0
    frame = read_output(out)
    assert EVENT_FIELDS <= set(frame.columns)
    assert len(frame) >= 2
    kenya = frame[frame["doc_id"] == "fixture-wire-1"].iloc[0]
    assert (kenya["source_actor"], kenya["target_actor"], kenya["event_code"]) == ("KEN", "SOM", "125")
    assert kenya["event_root"] == "12" and int(kenya["quad_class"]) == 3 and kenya["goldstein"] == -5.0
    assert str(kenya["story_date"])[:10] == "2023-10-03"
    summary = capsys.readouterr().err
    assert "4 documents" in summary and "sentences" in summary and "events" in summary and "seconds" in summary


def test_code_accepts_a_txt_file_and_names_the_document_after_it(tmp_path: Path) -> None:
    out = tmp_path / "one.jsonl"
    assert main(["code", str(FIXTURES / "2023-10-02_andes-talks.txt"), "--out", str(out), "--no-progress"]) == 0
    frame = read_output(out)
    assert set(frame["doc_id"]) == {"2023-10-02_andes-talks"}
    assert ("PERGOV", "BOLGOV", "040") in set(zip(frame["source_actor"], frame["target_actor"], frame["event_code"]))


def test_code_accepts_a_jsonl_file(tmp_path: Path) -> None:
    out = tmp_path / "wire.csv"
    assert main(["code", str(FIXTURES / "wire.jsonl"), "--out", str(out), "--no-progress"]) == 0
    assert set(read_output(out)["doc_id"]) <= {"fixture-wire-1", "fixture-wire-2"}


def test_parquet_output_has_the_published_types(tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    main(["code", str(FIXTURES), "--out", str(out), "--no-progress"])
    frame = pd.read_parquet(out)
    assert frame["event_code"].map(type).eq(str).all()
    assert str(frame["quad_class"].dtype) == "int8"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["code", "no/such/folder", "--out", "{tmp}/x.jsonl"], "no such file or folder"),
        (["code", "{fixtures}", "--out", "{tmp}/x.xlsx"], "unknown output type"),
        (["code", "{tmp}/story.docx", "--out", "{tmp}/x.jsonl"], "unknown input type"),
        (["code", "{fixtures}", "--out", "{tmp}/missing/x.jsonl"], "does not exist"),
    ],
)
def test_usage_errors_give_one_line_and_status_2(tmp_path: Path, arguments: list[str], message: str, capsys) -> None:
    (tmp_path / "story.docx").write_text("not a story")
    filled = [a.format(tmp=tmp_path, fixtures=FIXTURES) for a in arguments]
    assert main(filled) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_bad_inputs_are_reported_and_the_good_ones_still_coded(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "batch.jsonl"
    good = json.dumps({"id": "ok", "date": "2023-10-03", "text": "Kenya rejected Somalia's offer to hold talks."})
    batch.write_text(good + "\n{not json\n" + json.dumps({"id": "bad-date", "date": "2023-02-30", "text": "x"}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["code", str(batch), "--out", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"{batch}:2: malformed JSON" in err
    assert f"{batch}:3: impossible story date" in err
    assert set(read_output(out)["doc_id"]) == {"ok"}


def test_the_installed_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "eventcoder"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("eventcoder ")


def test_explain_shows_parse_actors_rules_and_events(capsys) -> None:
    assert main(["explain", "Kenya rejected Somalia's proposal to hold talks."]) == 0
    text = capsys.readouterr().out
    for heading in ("PARSE", "ACTOR PHRASES", "RULES TRIED", "EVENTS"):
        assert heading in text
    assert "KEN -> SOM  125" in text
    assert "reject.proposal_to_meet" in text


def test_explain_shows_the_parse_the_coder_read_with_its_repairs(capsys) -> None:
    """The small model hangs "decision" on "illegitimate"; the coder repairs it, and explain must
    show the parse the coder read, not spaCy's, or a reader could not follow the rules tried."""
    assert main(["explain", "Turkey called Greece's decision illegitimate."]) == 0
    lines = capsys.readouterr().out.splitlines()
    decision = next(line for line in lines if " decision " in line)
    assert "dobj" in decision and "head=1 called" in decision and decision.endswith("(repaired)")
    assert any("TUR -> GRC  111" in line for line in lines)


def test_pipeline_run_on_dask_needs_a_scheduler(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    coded = str(tmp_path / "coded")
    assert main(["pipeline", "run", "--raw", str(FIXTURES), "--coded", coded, "--executor", "dask"]) == 2
    assert "no Dask scheduler address" in capsys.readouterr().err
    assert main(["pipeline", "run", "--raw", str(FIXTURES), "--coded", coded, "--dask-address", "tcp://127.0.0.1:8786"]) == 2
    assert "--dask-address needs --executor dask" in capsys.readouterr().err
