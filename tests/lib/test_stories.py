"""Protects the raw story reader and the inventory built on it (no spaCy here, so these are fast).

What users rely on: every file or line that cannot become a story is rejected with its file, its
line and a reason they can act on, and the rest of the batch is still read; text in a legacy
encoding is read with a warning instead of being lost; a byte-order mark or Windows line endings
change nothing; rejections whose date is known belong to that date, the others to
`rejected_inputs`; and the documented limits (`MAX_STORY_CHARS`, the English check) hold.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines.lib.inventory import scan
from pipelines.lib.stories import (
    MAX_STORY_CHARS,
    InputError,
    RawStory,
    Rejected,
    decode,
    input_files,
    parse_story_date,
    read_stories,
)

KENYA = "Kenya rejected Somalia's offer to hold talks, the foreign ministry in Nairobi said on Tuesday."
GERMAN = (
    "BERLIN — Die Bundesregierung hat am Dienstag die Forderung Russlands nach neuen Gesprächen "
    "zurückgewiesen. Außenministerin Maria Keller sagte in Berlin, Deutschland werde sich nicht an "
    "einem Treffen mit Moskau beteiligen, solange die Truppen nicht abgezogen seien. Frankreich und "
    "Polen unterstützten die Haltung der deutschen Regierung."
)


def txt(folder: Path, name: str, body: str, date: str | None = "2023-10-03", encoding: str = "utf-8") -> Path:
    header = f"date: {date}\n" if date else ""
    path = folder / name
    path.write_bytes(f"{header}title: A story\n\n{body}\n".encode(encoding))
    return path


def jsonl(folder: Path, name: str, lines: list[object]) -> Path:
    path = folder / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), encoding="utf-8")
    return path


def read(*paths: Path, require_date: bool = True) -> tuple[list[RawStory], list[Rejected]]:
    items = list(read_stories(input_files(list(paths)), require_date=require_date))
    return [i for i in items if isinstance(i, RawStory)], [i for i in items if isinstance(i, Rejected)]


def only_rejection(path: Path) -> Rejected:
    stories, rejected = read(path)
    assert not stories and len(rejected) == 1, (stories, rejected)
    return rejected[0]


# -- .txt -----------------------------------------------------------------------------------

def test_a_txt_story_has_its_header_fields_and_the_file_name_as_id(tmp_path: Path) -> None:
    [story], _ = read(txt(tmp_path, "2023-10-03_kenya.txt", KENYA))
    assert story.document.doc_id == "2023-10-03_kenya"
    assert story.document.story_date == dt.date(2023, 10, 3) and story.document.title == "A story"
    assert story.document.text.strip() == KENYA and story.warnings == ()


def test_an_empty_file_is_rejected_as_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert only_rejection(tmp_path / "empty.txt").message() == f"{tmp_path / 'empty.txt'}: empty file"


def test_a_header_without_a_body_is_an_empty_story_of_its_date(tmp_path: Path) -> None:
    (tmp_path / "head.txt").write_text("date: 2023-10-03\ntitle: Only a title\n")
    rejection = only_rejection(tmp_path / "head.txt")
    assert rejection.reason == "empty story text" and rejection.story_date == dt.date(2023, 10, 3)


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20],
    ids=["all-bytes", "png", "control-bytes-without-nul"],
)
def test_binary_data_in_a_txt_is_rejected_as_binary(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "image.txt").write_bytes(data)
    assert "binary data" in only_rejection(tmp_path / "image.txt").reason


def test_latin1_text_is_read_with_a_warning_and_no_character_lost(tmp_path: Path) -> None:
    path = txt(tmp_path, "latin1.txt", "Colombia's envoy met Peru's minister in Bogotá; «São Tomé» was named.", encoding="latin-1")
    [story], _ = read(path)
    assert "Bogotá" in story.document.text and "«São Tomé»" in story.document.text
    assert story.warnings == ("not valid UTF-8 on line 4; those bytes were read as Windows-1252/Latin-1",)


def test_a_file_of_mixed_encodings_keeps_both_parts(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("date: 2023-10-03\n\nSão Paulo hosted the talks — the ministers met.\n".encode() + "Bogotá sent its envoy.\n".encode("cp1252"))
    [story], _ = read(path)
    assert story.document.text == "São Paulo hosted the talks — the ministers met.\nBogotá sent its envoy.\n"
    assert "line 4" in story.warnings[0]


def test_a_utf8_byte_order_mark_and_windows_line_endings_change_nothing(tmp_path: Path) -> None:
    plain = txt(tmp_path, "plain.txt", KENYA)
    marked = tmp_path / "marked.txt"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n"))
    stories, rejected = read(plain, marked)
    assert not rejected
    assert stories[0].document.text == stories[1].document.text
    assert stories[1].document.story_date == dt.date(2023, 10, 3) and stories[1].warnings == ()


def test_utf16_with_a_byte_order_mark_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(f"date: 2023-10-03\n\n{KENYA}\n".encode("utf-16"))
    [story], _ = read(path)
    assert story.document.text.strip() == KENYA and "UTF-16" in story.warnings[0]


def test_an_unknown_header_key_is_ignored_with_a_warning_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "author.txt"
    path.write_text(f"date: 2023-10-03\nauthor: A. Writer\n\n{KENYA}\n")
    [story], _ = read(path)
    assert story.document.story_date == dt.date(2023, 10, 3)
    assert story.warnings[0].startswith("line 2: unknown header key 'author' ignored")


def test_a_body_that_starts_like_a_header_line_is_still_body(tmp_path: Path) -> None:
    path = tmp_path / "dateline.txt"
    path.write_text(f"NAIROBI: {KENYA}\n\nMore text.\n")
    [story], _ = read(path, require_date=False)
    assert story.document.text.startswith("NAIROBI: Kenya")


@pytest.mark.parametrize(
    "date, reason, line",
    [
        (None, "missing story date", None),
        ("2023-02-30", "impossible story date '2023-02-30'", 1),
        ("03/10/2023", "impossible story date '03/10/2023'", 1),
        ("20231003", "impossible story date '20231003'", 1),
        ("2023-10-03garbage", "impossible story date", 1),
        ("1850-01-01", "implausible story date 1850-01-01", 1),
        ((dt.date.today() + dt.timedelta(days=30)).isoformat(), "in the future", 1),
    ],
)
def test_a_missing_or_impossible_date_is_rejected_with_the_header_line(tmp_path: Path, date: str | None, reason: str, line: int | None) -> None:
    rejection = only_rejection(txt(tmp_path, "story.txt", KENYA, date=date))
    assert reason in rejection.reason and rejection.raw_line == line
    assert rejection.story_date is None, "an undated rejection goes to rejected_inputs"


def test_without_require_date_a_missing_date_is_fine_but_a_wrong_one_is_not(tmp_path: Path) -> None:
    undated = txt(tmp_path, "undated.txt", KENYA, date=None)
    wrong = txt(tmp_path, "wrong.txt", KENYA, date="2023-13-01")
    stories, rejected = read(undated, wrong, require_date=False)
    assert [s.document.story_date for s in stories] == [None]
    assert [r.raw_path for r in rejected] == [str(wrong)]


def test_a_timestamp_after_the_date_is_accepted() -> None:
    assert parse_story_date("2023-10-03T08:15:00Z") == (dt.date(2023, 10, 3), None)


# -- .jsonl ---------------------------------------------------------------------------------

def test_malformed_json_lines_are_rejected_by_line_and_the_good_lines_read(tmp_path: Path) -> None:
    path = jsonl(tmp_path, "wire.jsonl", [
        {"id": "a", "date": "2023-10-03", "text": KENYA},
        '{"id": "b", "date": "2023-10-03", "text": "unterminated',
        "[1, 2, 3]",
        "",
        {"id": "c", "date": "2023-10-03", "body": KENYA},
        {"id": "d", "date": "2023-10-03", "text": ["not", "a", "string"]},
        {"date": "2023-10-03", "text": KENYA},
        {"id": "e", "date": "2023-10-04", "text": KENYA + " Again."},
    ])
    stories, rejected = read(path)
    assert [s.document.doc_id for s in stories] == ["a", "e"]
    assert [s.raw_line for s in stories] == [1, 8]
    messages = [r.message() for r in rejected]
    assert messages[0].startswith(f"{path}:2: malformed JSON: Unterminated string")
    assert messages[1:] == [
        f"{path}:3: a line must be a JSON object, not list",
        f"{path}:5: missing 'text' (fields present: id, date, body)",
        f"{path}:6: 'text' must be a string, not list",
        f"{path}:7: missing 'id'",
    ]
    assert json.loads(rejected[2].payload) == {"id": "c", "date": "2023-10-03"}


def test_a_jsonl_with_a_byte_order_mark_and_a_latin1_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    first = json.dumps({"id": "a", "date": "2023-10-03", "text": KENYA}).encode()
    second = json.dumps({"id": "b", "date": "2023-10-03", "text": "Bogotá: " + KENYA}, ensure_ascii=False).encode("latin-1")
    path.write_bytes(b"\xef\xbb\xbf" + first + b"\r\n" + second + b"\r\n")
    stories, rejected = read(path)
    assert not rejected and [s.warnings for s in stories] == [(), ("not valid UTF-8 on line 2; those bytes were read as Windows-1252/Latin-1",)]
    assert stories[1].document.text.startswith("Bogotá")


def test_a_binary_file_named_jsonl_is_one_rejection_not_thousands(tmp_path: Path) -> None:
    (tmp_path / "archive.jsonl").write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 50)
    rejection = only_rejection(tmp_path / "archive.jsonl")
    assert rejection.raw_line == 1 and "binary data" in rejection.reason


# -- across files ---------------------------------------------------------------------------

def test_a_second_story_with_the_same_id_is_rejected_naming_the_first(tmp_path: Path) -> None:
    first = jsonl(tmp_path, "a.jsonl", [{"id": "x", "date": "2023-10-03", "text": KENYA}])
    second = jsonl(tmp_path, "b.jsonl", [{"id": "x", "date": "2023-10-04", "text": KENYA + " Updated."}])
    stories, [rejection] = read(first, second)
    assert [s.raw_path for s in stories] == [str(first)]
    assert rejection.message() == f"{second}:1: duplicate id 'x': already used by {first}:1 (a different text); ids must be unique"
    assert rejection.story_date == dt.date(2023, 10, 4)


def test_a_story_longer_than_the_limit_is_rejected_with_its_length(tmp_path: Path) -> None:
    path = txt(tmp_path, "huge.txt", (KENYA + "\n\n") * (MAX_STORY_CHARS // len(KENYA) + 1))
    rejection = only_rejection(path)
    assert f"longer than the limit of {MAX_STORY_CHARS:,}" in rejection.reason and "split it" in rejection.reason
    assert rejection.story_date == dt.date(2023, 10, 3)


def test_a_story_in_another_language_is_rejected_as_not_english(tmp_path: Path) -> None:
    rejection = only_rejection(txt(tmp_path, "german.txt", GERMAN))
    assert rejection.reason.startswith("does not look like English") and "English only" in rejection.reason


def test_a_short_english_text_without_function_words_is_not_taken_for_another_language(tmp_path: Path) -> None:
    stories, rejected = read(txt(tmp_path, "short.txt", "Kenya rejected Somalia's offer."))
    assert len(stories) == 1 and not rejected


def test_control_zero_width_and_right_to_left_characters_are_kept_for_the_coder(tmp_path: Path) -> None:
    body = "Kenya\u200b rejected\x07 Somalia's offer to hold talks. \u202bقالت الحكومة\u202c \u05e9\u05dc\u05d5\u05dd."
    [story], _ = read(txt(tmp_path, "odd.txt", body))
    assert story.document.text.strip() == body  # cleaning is the coder's job; raw text is the record


def test_folders_skip_hidden_files_and_other_suffixes_but_named_inputs_must_be_stories(tmp_path: Path) -> None:
    txt(tmp_path, "story.txt", KENYA)
    txt(tmp_path, "UPPER.TXT", KENYA)
    (tmp_path / ".story.txt.swp").write_text("editor junk")
    (tmp_path / ".hidden").mkdir()
    txt(tmp_path / ".hidden", "backup.txt", KENYA)
    (tmp_path / "README.md").write_text("# notes")
    assert [p.name for p in input_files([tmp_path])] == ["UPPER.TXT", "story.txt"]
    with pytest.raises(InputError, match="unknown input type '.md'"):
        input_files([tmp_path / "README.md"])
    with pytest.raises(InputError, match="no such file or folder"):
        input_files([tmp_path / "missing.txt"])


def test_decode_reports_binary_data_instead_of_text() -> None:
    assert decode(b"abc\x00def") == (None, ["binary data (NUL bytes), not text"])
    assert decode("naïve".encode()) == ("naïve", [])


# -- inventory ------------------------------------------------------------------------------

def test_inventory_files_dated_rejections_under_their_date_and_the_rest_as_undated(tmp_path: Path) -> None:
    jsonl(tmp_path, "wire.jsonl", [
        {"id": "good", "date": "2023-10-03", "text": KENYA},
        {"id": "empty", "date": "2023-10-03", "text": "   "},
        {"id": "german", "date": "2023-10-05", "text": GERMAN},
        {"id": "nodate", "text": KENYA},
        "{broken",
    ])
    inventory = scan(tmp_path)
    assert inventory.dates() == ["2023-10-03", "2023-10-05"], "a date whose only story was rejected is still a partition"
    assert [r.doc_id for r in inventory.rejected_on("2023-10-03")] == ["empty"]
    assert [r.doc_id for r in inventory.rejected_on("2023-10-05")] == ["german"]
    assert [r.raw_line for r in inventory.undated_rejections()] == [4, 5]


def test_inventory_digest_changes_when_a_rejected_story_changes(tmp_path: Path) -> None:
    jsonl(tmp_path, "wire.jsonl", [{"id": "a", "date": "2023-10-03", "text": ""}])
    before = scan(tmp_path).digest_by_date()
    jsonl(tmp_path, "wire.jsonl", [{"id": "a", "date": "2023-10-03", "text": GERMAN}])
    assert scan(tmp_path).digest_by_date()["2023-10-03"] != before["2023-10-03"]


def test_inventory_lists_the_warnings_of_a_date(tmp_path: Path) -> None:
    txt(tmp_path, "latin1.txt", "Bogotá: " + KENYA, encoding="latin-1")
    assert scan(tmp_path).warnings_on("2023-10-03") == [
        f"{tmp_path / 'latin1.txt'}: not valid UTF-8 on line 4; those bytes were read as Windows-1252/Latin-1"
    ]
