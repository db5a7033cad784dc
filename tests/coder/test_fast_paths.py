"""Protects the coder's shortcuts for speed: each must give what the plain spaCy reading gives.

- `span_text` slices a sentence's text from its Doc's instead of joining its tokens;
- `_maybe_triggers` finds the tokens that may trigger a rule from the Doc's arrays, and the
  sentence loop looks at no other token: it must never leave out a token the rules would fire on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.coder.engine import EventCoder
from pipelines.coder.text import clean_text, span_text

REPOSITORY = Path(__file__).resolve().parents[2]
# Odd spacing, paragraph breaks, a lemma written in capitals, a sentence-initial rule verb the
# tagger may read as a name, and a question: the cases a shortcut could get wrong.
SENTENCES = [
    "Denouncing the blockade, Ecuador's foreign minister recalled the envoy to Lima.",
    "TALKS between Nepal and Bhutan RESUMED on Monday.  The two sides met again.\nA deal?",
    "Protesters marched on the parliament in Accra.\n\nPolice arrested twelve of them on Friday .",
    "Kenya's president hosted his Tanzanian counterpart; they signed three accords and agreed to meet in May.",
]


def gold_texts() -> list[str]:
    rows = [json.loads(line) for line in (REPOSITORY / "tests" / "gold" / "rules_examples.jsonl").open() if line.strip()]
    return [row["text"] for row in rows]


@pytest.mark.parametrize("text", SENTENCES)
def test_span_text_is_the_sentence_text_spacy_gives(coder: EventCoder, text: str) -> None:
    doc = coder.nlp(clean_text(text))
    spans = [*doc.sents, doc[:], doc[1:3], doc[len(doc) - 1 :]]
    assert [span_text(span) for span in spans] == [span.text for span in spans]


def test_every_token_a_rule_fires_on_is_among_the_possible_triggers(coder: EventCoder) -> None:
    missed = []
    for doc in coder.nlp.pipe([clean_text(text) for text in SENTENCES + gold_texts()]):
        maybe = set(coder._maybe_triggers(doc))
        for token in doc:
            pos, lemma = coder._trigger_key(token)
            if pos and coder.rules.candidates(pos, lemma) and token.i not in maybe:
                missed.append(f"{token.text!r} ({pos} {lemma}) in {doc.text!r}")
    assert not missed, "\n".join(missed)


def test_possible_triggers_leave_out_words_no_rule_names(coder: EventCoder) -> None:
    doc = coder.nlp("The old bridge across the river was painted green last summer.")
    assert coder._maybe_triggers(doc) == []


def test_a_trigger_written_in_capitals_is_still_tried(coder: EventCoder) -> None:
    # The tagger reads "CONDEMNED" as a name with the lemma in capitals; the rule is still tried.
    tried = coder.explain("Nepal CONDEMNED Bhutan on Monday.").split("RULES TRIED")[1]
    assert "'CONDEMNED' (lemma CONDEMNED): rule disapprove" in tried


def test_coding_a_doc_leaves_no_children_kept_in_it(coder: EventCoder) -> None:
    # The children `kids` keeps refer back to their Doc: left in it, every coded Doc would wait
    # for Python's cycle collector instead of being freed at once.
    from pipelines.coder.syntax import _KIDS, kids
    from pipelines.coder.types import Document

    text = "Nepal's prime minister met his Bhutanese counterpart in Thimphu on Monday."
    doc = coder.nlp(text)
    assert kids(doc[3])  # "minister" has children, now kept
    coder.code_parsed(doc, Document(doc_id="d", text=text))
    assert _KIDS not in doc.user_data


def test_parses_are_read_a_chunk_ahead_of_coding_and_keep_their_order() -> None:
    from pipelines.coder.engine import parsed_ahead

    pulled: list[int] = []

    def parses():
        for number in range(7):
            pulled.append(number)
            yield number, f"document {number}"

    ahead = parsed_ahead(parses(), size=3)
    assert next(ahead) == (0, "document 0") and pulled == [0, 1, 2]  # three parsed before the first is coded
    assert [number for number, _ in ahead] == [1, 2, 3, 4, 5, 6]


def test_a_date_of_stories_is_parsed_in_even_batches_near_the_batch_size() -> None:
    import math

    from pipelines.coder.engine import even_batch_size

    assert even_batch_size(70, 64) == 70  # one batch, not 64 and a batch of 6
    assert even_batch_size(464, 64) == 67  # seven batches of 67 (the last 62), not 7 x 64 and 16
    for n in range(1, 600):
        size = even_batch_size(n, 64)
        batches = math.ceil(n / size)
        assert n - (batches - 1) * size > size / 2 or batches == 1, n  # no small batch at the end
        assert 32 < size < 128 or n < 96, n
