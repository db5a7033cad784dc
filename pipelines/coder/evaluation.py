"""Scoring the coder on gold sets: precision, recall and F1 at root and full-code level.

The rules are those of `../shared/gold/README.md`:
- events compare per document as (source, target, code), predictions de-duplicated;
- actors match on the country (first three letters); organisations on the organisation part;
  a null gold actor matches anything; "A|B" in a gold actor accepts either;
- a prediction matching no gold event is a false positive; for a reciprocal gold event the
  reverse-direction twin of a match is neither right nor wrong;
- micro-averaged over all events, sentences without gold events included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

AGENT_CODES = frozenset(
    "GOV MIL COP JUD LEG OPP REB PTY MED BUS CVL EDU HLH REF REL SPY CRM LAB ELI HRI NGO IGO UAF AGR DEV ENV MOD RAD SEP".split()
)
LEVELS = ("root", "full")


@dataclass(frozen=True)
class GoldEvent:
    source: str | None
    target: str | None
    code: str
    reciprocal: bool = False


@dataclass(frozen=True)
class GoldItem:
    id: str
    text: str
    events: tuple[GoldEvent, ...]


@dataclass(frozen=True)
class Predicted:
    source: str
    target: str
    code: str
    rule_id: str = ""


@dataclass
class Score:
    """Counts for one level; precision, recall and F1 derived."""

    true_positives: int = 0
    false_positives: int = 0
    gold_total: int = 0
    gold_matched: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold_total if self.gold_total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "true_positives": self.true_positives, "false_positives": self.false_positives,
            "gold_events": self.gold_total, "gold_matched": self.gold_matched,
        }


@dataclass
class ItemResult:
    """What happened on one gold item at one level."""

    item: GoldItem
    predicted: list[Predicted]
    missed: list[GoldEvent] = field(default_factory=list)
    false_positives: list[Predicted] = field(default_factory=list)
    true_positives: list[Predicted] = field(default_factory=list)


def read_gold(path: Path) -> Iterator[GoldItem]:
    """Gold items from a JSONL file in the dev-gold format."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                events = tuple(
                    GoldEvent(e.get("source"), e.get("target"), str(e["code"]), bool(e.get("reciprocal", False)))
                    for e in record.get("events", [])
                )
                yield GoldItem(str(record["id"]), record["text"], _collapse_twins(events))
            except (KeyError, TypeError, json.JSONDecodeError) as error:
                raise ValueError(f"{path}:{number}: not a gold record ({error})") from error


def _collapse_twins(events: tuple[GoldEvent, ...]) -> tuple[GoldEvent, ...]:
    """A reciprocal event listed in both directions is one event."""
    kept: list[GoldEvent] = []
    for event in events:
        twin = GoldEvent(event.target, event.source, event.code, True)
        if event.reciprocal and twin in kept:
            continue
        kept.append(event)
    return tuple(kept)


def actor_matches(gold: str | None, predicted: str) -> bool:
    """The gold README's actor rule."""
    if gold is None or gold == "":
        return True
    return any(_one_actor_matches(option.strip(), predicted) for option in gold.split("|"))


def _one_actor_matches(gold: str, predicted: str) -> bool:
    if gold[:3] in ("IGO", "NGO"):
        organisation = gold[3:6]
        if organisation and organisation not in AGENT_CODES:
            return predicted[:6] == gold[:6]
        return predicted[:3] == gold[:3]
    return predicted[:3] == gold[:3]


def code_matches(gold: str, predicted: str, level: str) -> bool:
    return predicted[:2] == gold[:2] if level == "root" else predicted == gold


def _matches(gold: GoldEvent, predicted: Predicted, level: str, reverse: bool = False) -> bool:
    source, target = (predicted.target, predicted.source) if reverse else (predicted.source, predicted.target)
    return (
        code_matches(gold.code, predicted.code, level)
        and actor_matches(gold.source, source)
        and actor_matches(gold.target, target)
    )


def score_item(item: GoldItem, predicted: Iterable[Predicted], level: str) -> tuple[Score, ItemResult]:
    """Match one item's predictions to its gold events."""
    unique = list(dict.fromkeys(predicted))
    score = Score(gold_total=len(item.events))
    result = ItemResult(item, unique)
    matched: set[int] = set()
    for prediction in unique:
        hit = _find(item.events, prediction, level, matched)
        if hit is not None:
            matched.add(hit)
            score.true_positives += 1
            result.true_positives.append(prediction)
        elif not _is_twin_of_match(item.events, prediction, level, matched):
            score.false_positives += 1
            result.false_positives.append(prediction)
    score.gold_matched = len(matched)
    result.missed = [event for i, event in enumerate(item.events) if i not in matched]
    return score, result


def _find(events: tuple[GoldEvent, ...], prediction: Predicted, level: str, matched: set[int]) -> int | None:
    for i, gold in enumerate(events):
        if i in matched:
            continue
        if _matches(gold, prediction, level) or (gold.reciprocal and _matches(gold, prediction, level, reverse=True)):
            return i
    return None


def _is_twin_of_match(events: tuple[GoldEvent, ...], prediction: Predicted, level: str, matched: set[int]) -> bool:
    # Either order: the reverse may have been predicted first and matched the gold event itself.
    return any(
        events[i].reciprocal and (_matches(events[i], prediction, level, reverse=True) or _matches(events[i], prediction, level))
        for i in matched
    )


@dataclass
class Evaluation:
    """Scores at both levels and the per-item results for `--details`."""

    scores: dict[str, Score]
    items: dict[str, list[ItemResult]]
    n_items: int

    def as_dict(self) -> dict:
        by_root = {root: score.as_dict() for root, score in self.by_root().items()}
        return {"items": self.n_items, **{level: score.as_dict() for level, score in self.scores.items()}, "by_root": by_root}

    def by_root(self) -> dict[str, Score]:
        """Root-level scores per CAMEO root (01-20): recall over the gold events of the root,
        precision over the predictions of the root. A prediction of the wrong root counts as a
        false positive of its own root and a miss of the gold event's."""
        scores: dict[str, Score] = {}
        for result in self.items["root"]:
            matched = [event for event in result.item.events if event not in result.missed]
            for events, field_name in ((result.item.events, "gold_total"), (matched, "gold_matched")):
                for event in events:
                    score = scores.setdefault(event.code[:2], Score())
                    setattr(score, field_name, getattr(score, field_name) + 1)
            for predictions, field_name in ((result.true_positives, "true_positives"), (result.false_positives, "false_positives")):
                for prediction in predictions:
                    score = scores.setdefault(prediction.code[:2], Score())
                    setattr(score, field_name, getattr(score, field_name) + 1)
        return dict(sorted(scores.items()))


def evaluate(items: Iterable[GoldItem], predictions: Iterable[list[Predicted]]) -> Evaluation:
    """Micro-averaged scores over items, given each item's predictions (same order)."""
    scores = {level: Score() for level in LEVELS}
    results: dict[str, list[ItemResult]] = {level: [] for level in LEVELS}
    count = 0
    for item, predicted in zip(items, predictions, strict=True):
        count += 1
        for level in LEVELS:
            score, result = score_item(item, predicted, level)
            total = scores[level]
            total.true_positives += score.true_positives
            total.false_positives += score.false_positives
            total.gold_total += score.gold_total
            total.gold_matched += score.gold_matched
            results[level].append(result)
    return Evaluation(scores, results, count)
