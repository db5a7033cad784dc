"""Bad input, end to end: what a user sees when a batch holds files the coder cannot use.

Protects the promise in `data/raw/README.md` and the `eventcoder` docstring: every bad input
(an empty file, binary bytes, a legacy encoding, malformed JSON, a missing or impossible date, a
reused id, a 5 MB story, a 10,000-word run-on sentence, invisible and right-to-left characters,
a story in German or Spanish) gets a clear message naming its file (and line) on the command's
stderr AND in the Dagster run (a quarantine row for a dated story, a `rejected_inputs` row
otherwise), while every other story of the batch is still coded; raw files are never changed;
usage errors are one line with exit status 2; a broken rule or actor file names its file and line.

One batch is coded once by the CLI and once by the pipeline (module fixtures), and each test
checks one input in both results, so the whole file costs two runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.coder import rules as rules_module
from pipelines.coder.actors_data import DEFAULT_DIRECTORY, FILE_NAMES, load_actor_dictionary
from pipelines.coder.errors import DictionaryError
from pipelines.coder.rules import RULES_DIR, load_rules
from pipelines.lib.stories import MAX_STORY_CHARS
from pipelines.run import run_backfill

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
KENYA = "Kenya rejected Somalia's offer to hold talks."
RUN_ON_CLAUSE = "and the minister said that the government would continue the talks with the delegation from the neighbouring country "
GERMAN = (
    "BERLIN — Die Bundesregierung hat am Dienstag die Forderung Russlands nach neuen Gesprächen zurückgewiesen. "
    "Außenministerin Maria Keller sagte in Berlin, Deutschland werde sich nicht an einem Treffen mit Moskau "
    "beteiligen, solange die Truppen nicht abgezogen seien.\n\nFrankreich und Polen unterstützten die Haltung der "
    "deutschen Regierung. Der russische Botschafter wurde ins Auswärtige Amt einbestellt, und China rief beide "
    "Seiten zur Zurückhaltung auf."
)
SPANISH = (
    "MADRID — El Gobierno de Colombia rechazó el martes la propuesta de Venezuela de celebrar una reunión en "
    "Caracas. La ministra de Exteriores, Ana Ruiz, acusó a Venezuela de violar la frontera y exigió la retirada "
    "de sus tropas.\n\nMéxico y Brasil pidieron a ambos países que retomen el diálogo. El embajador de Venezuela "
    "fue expulsado de Bogotá, según un comunicado oficial. Estados Unidos condenó el ataque."
)
pytestmark = pytest.mark.slow


# -- the batch ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """A raw folder: the fixture stories plus one file (or line) per kind of bad input."""

    raw: Path
    paths: dict[str, Path]
    checksums: dict[str, str]


@dataclass(frozen=True)
class CliRun:
    status: int
    stderr: str
    events: pd.DataFrame


@dataclass(frozen=True)
class PipelineRun:
    status: int
    stderr: str
    documents: pd.DataFrame
    events: pd.DataFrame
    quarantine: pd.DataFrame
    rejected_inputs: pd.DataFrame
    run_log: str  # every warning the Dagster runs logged, one per line
    input_warnings: list[str]  # from the documents materializations' metadata
    runs_succeeded: bool


def story(date: str | None, body: str) -> str:
    return (f"date: {date}\n" if date else "") + f"title: A test story\n\n{body}\n"


def write_bad_inputs(raw: Path) -> dict[str, Path]:
    """One file per case; dates reuse the fixture dates so the pipeline needs no extra runs."""
    paths = {name: raw / file for name, file in {
        "empty": "empty.txt", "binary": "binary.txt", "latin1": "latin1.txt", "mixed": "mixed.txt",
        "bom": "bom.txt", "jsonl": "wire-bad.jsonl", "no_date": "no-date.txt", "bad_date": "bad-date.txt",
        "dup_1": "dup_1.jsonl", "dup_2": "dup_2.jsonl", "huge": "huge.txt", "run_on": "run-on.txt",
        "odd": "odd.txt", "german": "german.txt",
    }.items()}
    paths["empty"].write_bytes(b"")
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    paths["latin1"].write_bytes(story("2023-10-02", "Peru's foreign minister, José Núñez, rejected Bolivia's offer to hold talks in Bogotá.").encode("latin-1"))
    paths["mixed"].write_bytes(
        "date: 2023-10-03\n\nSão Paulo hosted the talks.\n".encode()
        + "Colombia's president, Gustavo Peña, accused Venezuela of violating the border.\n".encode("latin-1")
    )
    paths["bom"].write_bytes(b"\xef\xbb\xbf" + story("2023-10-04", "Egypt's foreign minister met his Sudanese counterpart in Cairo.").encode())
    paths["jsonl"].write_text("\n".join([
        json.dumps({"id": "jsonl-good-1", "date": "2023-10-03", "text": KENYA}),
        '{"id": "jsonl-broken", "date": "2023-10-03", "text": "cut off',
        json.dumps({"id": "jsonl-good-2", "date": "2023-10-03", "text": "Peru's foreign minister met his Bolivian counterpart in Lima."}),
        json.dumps({"id": "spanish", "date": "2023-10-03", "text": SPANISH}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    paths["no_date"].write_text(story(None, KENYA))
    paths["bad_date"].write_text(story("2023-02-30", KENYA))
    paths["dup_1"].write_text(json.dumps({"id": "dup-story", "date": "2023-10-03", "text": KENYA}) + "\n")
    paths["dup_2"].write_text(json.dumps({"id": "dup-story", "date": "2023-10-03", "text": "Rain fell on the coast."}) + "\n")
    paths["huge"].write_text(story("2023-10-03", (KENYA + "\n\n") * (5_000_000 // (len(KENYA) + 2) + 1)))
    words_per_clause = len(RUN_ON_CLAUSE.split())
    paths["run_on"].write_text(story("2023-10-04", "Kenya rejected Somalia's offer to hold talks " + RUN_ON_CLAUSE * (10_000 // words_per_clause + 1)))
    paths["odd"].write_text(story("2023-10-02", (
        "Kenya\u200b rejected\x07 Somalia's offer to hold talks.\n\n"
        "\u202bقالت الحكومة إنها سترسل وفدا\u202c \u200fשלום\u200f.\n\n"
        "Egypt\u200d's\u2066 foreign minister\u2069 met his Sudanese counterpart in Cairo."
    )))
    paths["german"].write_text(story("2023-10-02", GERMAN))
    return paths


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder, by relative path (new, changed and removed files all show)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    raw = tmp_path_factory.mktemp("bad_input") / "raw"
    shutil.copytree(FIXTURES, raw)
    paths = write_bad_inputs(raw)
    assert paths["huge"].stat().st_size >= 5_000_000
    return Batch(raw, paths, checksums(raw))


@pytest.fixture(scope="module")
def cli_run(batch: Batch) -> CliRun:
    out = batch.raw.parent / "events.jsonl"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = main(["code", str(batch.raw), "--out", str(out), "--no-progress"])
    events = pd.read_json(out, lines=True, dtype={"event_code": str}) if out.stat().st_size else pd.DataFrame(columns=["doc_id"])
    return CliRun(status, stderr.getvalue(), events)


@pytest.fixture(scope="module")
def pipeline_run(batch: Batch) -> PipelineRun:
    coded = batch.raw.parent / "coded"
    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(batch.raw.parent / "dagster_home"))
        with contextlib.redirect_stderr(stderr):
            status = run_backfill(batch.raw, coded)
        instance = dg.DagsterInstance.get()
        runs = instance.get_runs()
        run_log = "\n".join(
            entry.user_message for run in runs for entry in instance.all_logs(run.run_id) if entry.level >= 30  # WARNING
        )
        records = instance.fetch_materializations(dg.AssetKey("documents"), limit=100).records
        input_warnings = [w for r in records for w in r.asset_materialization.metadata["input_warnings"].value]
        succeeded = all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    quarantine = pd.read_parquet(coded / "quarantine" / "stage=documents")
    quarantine["date"] = quarantine["date"].astype(str)
    return PipelineRun(
        status, stderr.getvalue(), pd.read_parquet(coded / "documents"), pd.read_parquet(coded / "events"),
        quarantine, pd.read_parquet(coded / "rejected_inputs"), run_log, input_warnings, succeeded,
    )


def rejected_row(table: pd.DataFrame, path: Path, line: int | None = None) -> pd.Series:
    """The one row for path (and line) in a quarantine-shaped table."""
    rows = table[table["raw_path"] == str(path)]
    if line is not None:
        rows = rows[rows["raw_line"] == line]
    assert len(rows) == 1, f"expected one row for {path}:{line}, got {len(rows)}:\n{table[['raw_path', 'raw_line', 'reason']]}"
    return rows.iloc[0]


def triples(events: pd.DataFrame, doc_id: str) -> set[tuple[str, str, str]]:
    rows = events[events["doc_id"] == doc_id]
    return set(zip(rows["source_actor"], rows["target_actor"], rows["event_code"]))


def assert_undated_rejection(batch: Batch, cli: CliRun, pipeline: PipelineRun, name: str, reason: str, line: int | None = None) -> None:
    """The same reason for the same place on the CLI's stderr, in rejected_inputs and in the run log."""
    where = f"{batch.paths[name]}:{line}" if line else str(batch.paths[name])
    assert f"eventcoder: rejected: {where}: {reason}" in cli.stderr
    row = rejected_row(pipeline.rejected_inputs, batch.paths[name], line)
    assert row["reason"].startswith(reason) and row["table"] == "raw"
    assert f"rejected input {where}: {reason}" in pipeline.run_log


def assert_quarantined(batch: Batch, cli: CliRun, pipeline: PipelineRun, name: str, date: str, reason: str, line: int | None = None) -> None:
    """The same reason on the CLI's stderr, as a quarantine row of the story's date and in the run log."""
    where = f"{batch.paths[name]}:{line}" if line else str(batch.paths[name])
    assert f"eventcoder: rejected: {where}: {reason}" in cli.stderr
    row = rejected_row(pipeline.quarantine, batch.paths[name], line)
    assert row["reason"].startswith(reason) and row["date"] == date and row["partition"] == date
    assert f"quarantined {where}: {reason}" in pipeline.run_log


# -- the batch as a whole -------------------------------------------------------------------

def test_the_cli_rejects_exactly_the_bad_inputs_codes_the_rest_and_exits_1(batch: Batch, cli_run: CliRun) -> None:
    assert cli_run.status == 1 and "Traceback" not in cli_run.stderr
    rejected = {line.split(": ")[2] for line in cli_run.stderr.splitlines() if line.startswith("eventcoder: rejected: ")}
    paths = batch.paths
    assert rejected == {
        str(paths["empty"]), str(paths["binary"]), f"{paths['jsonl']}:2", f"{paths['jsonl']}:4",
        f"{paths['bad_date']}:1", f"{paths['dup_2']}:1", str(paths["huge"]), str(paths["german"]),
    }
    assert ("KEN", "SOM", "125") in triples(cli_run.events, "fixture-wire-1")
    assert ("PERGOV", "BOLGOV", "040") in triples(cli_run.events, "2023-10-02_andes-talks")
    assert "8 rejected inputs" in cli_run.stderr.strip().splitlines()[-1]


def test_the_pipeline_codes_the_good_stories_and_every_run_succeeds(pipeline_run: PipelineRun) -> None:
    assert pipeline_run.status == 0 and pipeline_run.runs_succeeded
    assert ("KEN", "SOM", "125") in triples(pipeline_run.events, "fixture-wire-1")
    assert {"fixture-wire-1", "2023-10-02_andes-talks", "jsonl-good-1", "jsonl-good-2", "dup-story"} <= set(pipeline_run.documents["doc_id"])
    assert pipeline_run.documents["doc_id"].is_unique
    assert "eventcoder: rejected:" in pipeline_run.stderr, "`pipeline run` prints the rejections too"


def test_the_pipeline_files_each_rejection_under_its_date_or_in_rejected_inputs(batch: Batch, pipeline_run: PipelineRun) -> None:
    def places(table: pd.DataFrame) -> set[str]:
        return {f"{path}:{int(line)}" if pd.notna(line) else path for path, line in zip(table["raw_path"], table["raw_line"])}

    paths = batch.paths
    assert places(pipeline_run.rejected_inputs) == {
        str(paths["empty"]), str(paths["binary"]), f"{paths['jsonl']}:2", str(paths["no_date"]), f"{paths['bad_date']}:1",
    }
    assert places(pipeline_run.quarantine) == {f"{paths['jsonl']}:4", f"{paths['dup_2']}:1", str(paths["huge"]), str(paths["german"])}


def test_raw_files_are_never_changed_by_a_cli_or_a_pipeline_run(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert checksums(batch.raw) == batch.checksums


# -- one input at a time --------------------------------------------------------------------

def test_an_empty_file_is_rejected(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert_undated_rejection(batch, cli_run, pipeline_run, "empty", "empty file")


def test_binary_bytes_in_a_txt_are_rejected(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert_undated_rejection(batch, cli_run, pipeline_run, "binary", "binary data (NUL bytes), not text")


@pytest.mark.parametrize(
    "name, doc_id, kept, line, event",
    [
        ("latin1", "latin1", "José Núñez, rejected Bolivia's offer to hold talks in Bogotá", 4, ("PERGOV", "BOL", "125")),
        ("mixed", "mixed", "São Paulo hosted the talks.\nColombia's president, Gustavo Peña, accused", 4, ("COLGOV", "VEN", "112")),
    ],
)
def test_latin1_and_mixed_encodings_are_decoded_with_a_warning_not_lost(
    batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun, name: str, doc_id: str, kept: str, line: int, event: tuple
) -> None:
    warning = f"{batch.paths[name]}: not valid UTF-8 on line {line}; those bytes were read as Windows-1252/Latin-1"
    assert f"eventcoder: warning: {warning}" in cli_run.stderr
    assert warning in pipeline_run.input_warnings and f"read with a warning: {warning}" in pipeline_run.run_log
    [text] = pipeline_run.documents.loc[pipeline_run.documents["doc_id"] == doc_id, "text"]
    assert kept in text
    assert event in triples(cli_run.events, doc_id) and event in triples(pipeline_run.events, doc_id)


def test_a_utf8_byte_order_mark_is_ignored(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert "bom.txt" not in cli_run.stderr and "bom.txt" not in pipeline_run.run_log
    [row] = pipeline_run.documents[pipeline_run.documents["doc_id"] == "bom"].itertuples()
    assert str(row.story_date) == "2023-10-04" and row.title == "A test story" and row.text.startswith("Egypt")
    assert ("EGYGOV", "SDNGOV", "040") in triples(pipeline_run.events, "bom")


def test_malformed_json_lines_are_rejected_and_the_good_lines_coded(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert_undated_rejection(batch, cli_run, pipeline_run, "jsonl", "malformed JSON: Unterminated string", line=2)
    assert ("KEN", "SOM", "125") in triples(cli_run.events, "jsonl-good-1")
    assert {"jsonl-good-1", "jsonl-good-2"} <= set(cli_run.events["doc_id"])
    lines = pipeline_run.documents.set_index("doc_id").loc[["jsonl-good-1", "jsonl-good-2"], "raw_line"]
    assert list(lines) == [1, 3]


def test_a_missing_date_is_rejected_by_the_pipeline_but_the_cli_codes_the_story(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    row = rejected_row(pipeline_run.rejected_inputs, batch.paths["no_date"])
    assert row["reason"] == "missing story date ('date', YYYY-MM-DD)"
    assert f"rejected input {batch.paths['no_date']}: missing story date" in pipeline_run.run_log
    assert ("KEN", "SOM", "125") in triples(cli_run.events, "no-date"), "`eventcoder code` does not need dates"


def test_an_impossible_date_is_rejected_with_its_line(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert_undated_rejection(batch, cli_run, pipeline_run, "bad_date", "impossible story date '2023-02-30' (expected YYYY-MM-DD)", line=1)


def test_a_reused_id_with_a_different_text_is_rejected_naming_the_first_story(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    reason = f"duplicate id 'dup-story': already used by {batch.paths['dup_1']}:1 (a different text)"
    assert_quarantined(batch, cli_run, pipeline_run, "dup_2", "2023-10-03", reason, line=1)
    [text] = pipeline_run.documents.loc[pipeline_run.documents["doc_id"] == "dup-story", "text"]
    assert text == KENYA, "the first story keeps the id"


def test_a_5_mb_story_is_rejected_with_its_length_and_the_limit(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert_quarantined(batch, cli_run, pipeline_run, "huge", "2023-10-03", "story text of 5,000,")
    row = rejected_row(pipeline_run.quarantine, batch.paths["huge"])
    assert f"longer than the limit of {MAX_STORY_CHARS:,}; split it into several stories" in row["reason"]


def test_a_10000_token_sentence_without_punctuation_is_coded(batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    assert "run-on.txt" not in cli_run.stderr
    [n_chars] = pipeline_run.documents.loc[pipeline_run.documents["doc_id"] == "run-on", "n_chars"]
    assert n_chars > 60_000
    assert ("KEN", "SOM", "125") in triples(cli_run.events, "run-on")
    assert ("KEN", "SOM", "125") in triples(pipeline_run.events, "run-on")


def test_control_zero_width_and_right_to_left_characters_do_not_stop_coding(cli_run: CliRun, pipeline_run: PipelineRun) -> None:
    expected = {("KEN", "SOM", "125"), ("EGYGOV", "SDNGOV", "040")}
    assert triples(cli_run.events, "odd") == expected and triples(pipeline_run.events, "odd") == expected
    sentences = cli_run.events.loc[cli_run.events["doc_id"] == "odd", "sentence_text"]
    assert not any(ch in "".join(sentences) for ch in "\u200b\u200d\u2066\u2069\x07"), "invisible characters stay out of the output"


@pytest.mark.parametrize("name, doc_id, date, line", [("german", "german", "2023-10-02", None), ("jsonl", "spanish", "2023-10-03", 4)])
def test_a_story_in_another_language_is_rejected_not_coded_into_garbage(
    batch: Batch, cli_run: CliRun, pipeline_run: PipelineRun, name: str, doc_id: str, date: str, line: int | None
) -> None:
    assert_quarantined(batch, cli_run, pipeline_run, name, date, "does not look like English", line=line)
    assert doc_id not in set(cli_run.events["doc_id"]) and doc_id not in set(pipeline_run.documents["doc_id"])


@pytest.mark.parametrize("text", [GERMAN, SPANISH], ids=["german", "spanish"])
def test_the_coder_itself_finds_no_events_in_german_or_spanish(coder, text: str) -> None:
    # The reader's language check is a heuristic; should a foreign story slip past it, the coder must stay quiet.
    assert coder.code_text(text) == []


# -- usage errors ---------------------------------------------------------------------------

def one_error_line(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("eventcoder: error: ") and "Traceback" not in err[0], err
    return err[0]


def test_an_output_folder_under_a_regular_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "events.jsonl"
    assert main(["code", str(FIXTURES), "--out", str(out), "--no-progress"]) == 2
    assert f"output folder {tmp_path / 'a-file'} is not a folder" in one_error_line(capsys)


def test_an_output_that_is_a_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "events.jsonl").mkdir()
    assert main(["code", str(FIXTURES), "--out", str(tmp_path / "events.jsonl"), "--no-progress"]) == 2
    assert "is a folder, not an output file" in one_error_line(capsys)


def test_pipeline_run_with_an_uncreatable_output_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    assert main(["pipeline", "run", "--raw", str(FIXTURES), "--coded", str(tmp_path / "a-file" / "coded")]) == 2
    assert "cannot create the output folder" in one_error_line(capsys)


# -- dictionary errors ----------------------------------------------------------------------

def copy_rules(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES_DIR, tmp_path / "rules"))


def append(path: Path, text: str) -> int:
    """Append text to a file; returns the 1-based line number of its first line."""
    before = path.read_text()
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text)
    return before.count("\n") + 1


@pytest.mark.parametrize(
    "rule, message",
    [
        ('  - id: broken.unquoted\n    code: 125\n    verb: [spurn]\n', "'code' must be a quoted CAMEO code like \"036\", got 125"),
        ('  - id: broken.slot\n    code: "125"\n    verb: [spurn]\n    source: [subjekt]\n', "'source' has unknown slot 'subjekt'"),
        ('  - id: broken.code\n    code: "999"\n    verb: [spurn]\n', "999 is not a CAMEO event code"),
        ('  - id: broken.both\n    code: "125"\n    verb: [spurn]\n    noun: [snub]\n', "needs exactly one of 'verb', 'noun' or 'adjective'"),
        ('  - id: broken.none\n    code: "125"\n    source: [subject]\n', "needs exactly one of 'verb', 'noun' or 'adjective'"),
        ('  - id: broken.prep\n    code: "125"\n    verb: [frown]\n    prep: on\n', "'prep' must be a quoted word, got True"),
        ('  - id: broken.refine\n    code: "120"\n    verb: [spurn]\n    refine: [reject.nonexistent]\n',
         "rule 'broken.refine' refines by unknown rule 'reject.nonexistent'"),
        ('  - id: broken.refine_topic\n    code: "120"\n    verb: [spurn]\n    refine: [reject.verb]\n',
         "refines by 'reject.verb', which has no 'about' or 'object'"),
    ],
    ids=["unquoted-code", "unknown-slot", "unknown-code", "verb-and-noun", "no-trigger", "unquoted-on", "unknown-refinement", "refinement-without-topic"],
)
def test_a_malformed_rule_fails_at_load_naming_file_and_line(tmp_path: Path, rule: str, message: str) -> None:
    rules = copy_rules(tmp_path)
    path = rules / "12_reject.yaml"
    line = append(path, rule)
    with pytest.raises(DictionaryError) as raised:
        load_rules(rules)
    assert str(raised.value).startswith(f"{path}:{line}: ") and message in str(raised.value)


def test_a_rule_file_that_is_not_yaml_names_its_line(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    path = rules / "12_reject.yaml"
    line = append(path, '  - id: broken.yaml\n    code: "125"\n   verb: [spurn]\n')
    with pytest.raises(DictionaryError) as raised:
        load_rules(rules)
    assert raised.value.path == str(path) and raised.value.line in (line + 1, line + 2)


def test_a_broken_rule_file_makes_the_cli_print_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    rules = copy_rules(tmp_path)
    line = append(rules / "12_reject.yaml", '  - id: broken.unquoted\n    code: 125\n    verb: [spurn]\n')
    monkeypatch.setattr(rules_module, "RULES_DIR", rules)
    assert main(["code", str(FIXTURES), "--out", str(tmp_path / "events.jsonl"), "--no-progress"]) == 2
    assert f"{rules / '12_reject.yaml'}:{line}: 'code' must be a quoted CAMEO code" in one_error_line(capsys)


@pytest.mark.parametrize(
    "entry, message",
    [
        ("  - code: XYZ\n    name: Broken agent\n    priority: 1\n    nouns: [Zookeeper]\n", "agent noun 'Zookeeper' must be lowercase"),
        ("  - code: XYZ\n    name: Broken agent\n    priority: one\n    nouns: [zookeeper]\n", "must be a whole number, not 'one'"),
        ("  - code: XYZ\n    name: Broken agent\n    rank: 1\n    nouns: [zookeeper]\n", "unknown key 'rank'"),
    ],
    ids=["uppercase-noun", "priority-not-a-number", "unknown-key"],
)
def test_a_malformed_actor_entry_fails_at_load_naming_file_and_line(tmp_path: Path, entry: str, message: str) -> None:
    for name in FILE_NAMES:
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    path = tmp_path / "agents.yaml"
    first = append(path, entry)
    with pytest.raises(DictionaryError) as raised:
        load_actor_dictionary(tmp_path)
    assert raised.value.path == str(path) and first <= raised.value.line < first + entry.count("\n")
    assert message in str(raised.value) and str(raised.value).startswith(f"{path}:{raised.value.line}: ")
