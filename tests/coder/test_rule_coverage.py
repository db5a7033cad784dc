"""Coverage of the per-root rule files: every root has rules, every code is a CAMEO event code,
and the rule examples (tests/gold/rules_examples.jsonl) code as their gold says.

The examples from `rules-134` on were written with the coverage broadening of the 01-20 rule
files; each must code exactly its gold events (full code, both actors). The earlier examples are
held to the file-wide figures only, since a few of them document known gaps.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.coder.evaluation import Predicted, evaluate, read_gold, score_item
from pipelines.coder.rules import load_rules
from pipelines.coder.types import Document
from conftest import REPOSITORY, shared_path

EXAMPLES = REPOSITORY / "tests" / "gold" / "rules_examples.jsonl"
FIRST_COVERAGE_EXAMPLE = 134  # rules-134 and later: written with the coverage broadening
# Fewest rules each root must have (02 appeals live in 10_demand.yaml).
MIN_RULES_PER_ROOT = 7


def _number(item_id: str) -> int:
    return int(item_id.rsplit("-", 1)[1])


ALL_ITEMS = list(read_gold(EXAMPLES))
COVERAGE_ITEMS = [item for item in ALL_ITEMS if _number(item.id) >= FIRST_COVERAGE_EXAMPLE]


def _predict(coder, items) -> list[list[Predicted]]:
    documents = [Document(doc_id=item.id, text=item.text) for item in items]
    return [
        [Predicted(e.source.code, e.target.code, e.event_code, e.rule_id) for e in coded.events]
        for coded in coder.code_documents(documents)
    ]


@pytest.fixture(scope="module")
def coverage_predictions(coder) -> dict[str, list[Predicted]]:
    return dict(zip((item.id for item in COVERAGE_ITEMS), _predict(coder, COVERAGE_ITEMS), strict=True))


# --- the rule files --------------------------------------------------------------------------


def test_every_root_has_rules() -> None:
    per_root = Counter(rule.code[:2] for rule in load_rules().rules)
    thin = {f"{root:02d}": per_root[f"{root:02d}"] for root in range(1, 21) if per_root[f"{root:02d}"] < MIN_RULES_PER_ROOT}
    assert not thin, f"roots with fewer than {MIN_RULES_PER_ROOT} rules: {thin}"


def test_every_rule_code_is_in_the_shared_codebook() -> None:
    path = shared_path("cameo", "codebook.jsonl")
    codes = {json.loads(line)["code"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    unknown = [
        (rule.id, code)
        for rule in load_rules().rules
        for code in (rule.code, rule.intent, rule.negated)
        if code is not None and code not in codes
    ]
    assert not unknown


def test_prepositions_and_particles_are_words() -> None:
    """YAML reads a bare `on`/`off` as a boolean: `prep: on` must be written `prep: "on"`."""
    bad = [
        (rule.id, key, value)
        for rule in load_rules().rules
        for key, value in (("prep", rule.prep), ("particle", rule.particle))
        if value is not None and not (isinstance(value, str) and value.isalpha() and value.islower())
    ]
    assert not bad


def test_trigger_and_condition_words_are_lower_case_strings() -> None:
    bad = [
        (rule.id, word)
        for rule in load_rules().rules
        for words in (rule.lemmas, rule.object, rule.about, rule.xcomp)
        if words is not None
        for word in words
        if not isinstance(word, str) or word != word.lower()
    ]
    assert not bad


# --- the rule examples -----------------------------------------------------------------------


def test_coverage_examples_exist_and_include_non_events() -> None:
    assert len(COVERAGE_ITEMS) >= 100
    assert sum(1 for item in COVERAGE_ITEMS if not item.events) >= 10
    ids = [item.id for item in ALL_ITEMS]
    assert len(ids) == len(set(ids)), "duplicate example ids"


@pytest.mark.parametrize("item", COVERAGE_ITEMS, ids=[item.id for item in COVERAGE_ITEMS])
def test_coverage_example_codes_its_gold_events(item, coverage_predictions) -> None:
    predicted = coverage_predictions[item.id]
    score, result = score_item(item, predicted, "full")
    assert not result.missed and not result.false_positives, (
        f"{item.text}\n  missed: {result.missed}\n  false positives: {result.false_positives}"
    )


def test_all_rule_examples_keep_their_figures(coder) -> None:
    result = evaluate(ALL_ITEMS, _predict(coder, ALL_ITEMS))
    root = result.scores["root"]
    assert root.precision >= 0.98
    assert root.recall >= 0.95
