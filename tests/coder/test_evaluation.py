"""Scoring as the gold README defines it, and `eventcoder evaluate` as a researcher runs it."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.cli import main
from pipelines.coder.evaluation import GoldEvent, GoldItem, Predicted, evaluate, score_item


def item(*events: GoldEvent) -> GoldItem:
    return GoldItem("x", "text", events)


def test_actors_match_on_the_country_and_organisations_on_their_code() -> None:
    gold = item(GoldEvent("PRKGOV", "IGOUNO", "112"))
    assert score_item(gold, [Predicted("PRK", "IGOUNO", "112")], "full")[0].true_positives == 1
    assert score_item(gold, [Predicted("PRKMIL", "IGOUNOGOV", "112")], "full")[0].true_positives == 1
    miss = score_item(gold, [Predicted("PRK", "IGOEU", "112")], "full")[0]
    assert (miss.true_positives, miss.false_positives) == (0, 1)


def test_a_null_gold_actor_matches_anything_and_alternatives_match_either() -> None:
    gold = item(GoldEvent("KENGOV", None, "0341"), GoldEvent("FRA", "DEU|ITA", "040"))
    score, result = score_item(gold, [Predicted("KEN", "SOM", "034"), Predicted("FRA", "ITAGOV", "040")], "root")
    assert (score.true_positives, score.false_positives, result.missed) == (2, 0, [])


def test_root_level_forgives_the_subcode_full_level_does_not() -> None:
    gold = item(GoldEvent("CHN", "USA", "1012"))
    prediction = [Predicted("CHN", "USA", "100")]
    assert score_item(gold, prediction, "root")[0].true_positives == 1
    full, result = score_item(gold, prediction, "full")
    assert (full.true_positives, full.false_positives, len(result.missed)) == (0, 1, 1)


def test_the_reverse_twin_of_a_reciprocal_match_is_neither_right_nor_wrong() -> None:
    gold = item(GoldEvent("EGY", "JOR", "040", reciprocal=True))
    score, _ = score_item(gold, [Predicted("JOR", "EGY", "040"), Predicted("EGY", "JOR", "040")], "full")
    assert (score.true_positives, score.false_positives) == (1, 0)
    one_way = item(GoldEvent("EGY", "JOR", "111"))
    assert score_item(one_way, [Predicted("JOR", "EGY", "111")], "full")[0].false_positives == 1


def _gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    records = [
        {"id": "a", "text": "Peru's foreign minister sharply criticized Chile on Monday.",
         "events": [{"source": "PERGOV", "target": "CHL", "code": "112"}]},
        {"id": "b", "text": "The weather in Lima was mild on Tuesday.", "events": []},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_evaluate_lists_root_level_misses_and_gates_on_root_f1(tmp_path: Path, capsys) -> None:
    gold = _gold_file(tmp_path)
    assert main(["evaluate", str(gold), "--details", "--level", "root"]) == 0
    root_report = capsys.readouterr().out
    # The coder says 111 (criticize): right at the root, so nothing is listed at root level.
    assert "root       1.000   1.000  1.000" in root_report and "missed" not in root_report
    assert main(["evaluate", str(gold), "--details"]) == 0
    full_report = capsys.readouterr().out
    assert "missed: PERGOV -> CHL 112" in full_report
    assert main(["evaluate", str(gold), "--min-root-f1", "1.01"]) != 0
    assert "below the gate" in capsys.readouterr().err


def test_scores_per_root_show_which_family_the_coder_misses() -> None:
    """A researcher studying protests wants root 14's figures, not only the overall ones."""
    items = [
        item(GoldEvent("KEN", "SOM", "120"), GoldEvent("KEN", "SOM", "0311")),
        item(GoldEvent("IDNEDU", "IDNGOV", "141")),
    ]
    predictions = [
        [Predicted("KEN", "SOM", "1212"), Predicted("SOM", "KEN", "120")],  # 12 right once, once wrong
        [Predicted("IDNEDU", "IDNGOV", "111")],  # a protest coded as criticism
    ]
    by_root = {root: (s.true_positives, s.false_positives, s.gold_matched, s.gold_total) for root, s in evaluate(items, predictions).by_root().items()}
    assert by_root == {"03": (0, 0, 0, 1), "11": (0, 1, 0, 0), "12": (1, 1, 1, 1), "14": (0, 0, 0, 1)}


def test_evaluate_prints_and_writes_the_per_root_table(tmp_path: Path, capsys) -> None:
    gold, figures = _gold_file(tmp_path), tmp_path / "figures.json"
    assert main(["evaluate", str(gold), "--by-root", "--json", str(figures)]) == 0
    assert "11 disapprove" in capsys.readouterr().out
    assert json.loads(figures.read_text())["by_root"]["11"]["true_positives"] == 1
