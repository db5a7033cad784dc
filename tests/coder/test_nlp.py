"""Protects the coder's spaCy pipeline (`pipelines/coder/nlp.py`): no NER, the paragraph component, and
the table form of the model's attribute ruler, which must assign exactly what spaCy's own
AttributeRuler assigns (POS, morphology, lemmas) on news text and on the exceptions its
multi-token patterns cover.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from pipelines.coder.nlp import ATTRIBUTE_RULER, PARAGRAPH_COMPONENT, TableAttributeRuler, load_nlp, model_package_name
from pipelines.coder.text import clean_text
from pipelines.lib.stories import RawStory, input_files, read_stories

REPOSITORY = Path(__file__).resolve().parents[2]
# Sentences that reach the ruler's multi-token and dependency-dependent patterns.
EXCEPTIONS = [
    "Let's go to the talks, he said, but they ain't gonna agree.",
    "There is no deal and there were no talks; it is what it is.",
    "I said you would come, but it was not to be.",
    "We gotta leave now, she said, 'cause the rebels are coming.",
]


@pytest.fixture(scope="module")
def original() -> spacy.Language:
    nlp = spacy.load(model_package_name(), exclude=["ner"])
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return nlp


def texts() -> list[str]:
    files = input_files([REPOSITORY / "tests" / "fixtures" / "stories", REPOSITORY / "data" / "raw"])
    stories = [clean_text(item.document.text) for item in read_stories(files, require_date=False) if isinstance(item, RawStory)]
    gold = [json.loads(line)["text"] for line in (REPOSITORY / "tests" / "gold" / "team.jsonl").open() if line.strip()]
    return stories + gold + EXCEPTIONS


def annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start) for t in doc]


def test_the_pipeline_has_the_coders_components_only() -> None:
    nlp = load_nlp()
    assert "ner" not in nlp.pipe_names
    assert nlp.pipe_names.index(PARAGRAPH_COMPONENT) < nlp.pipe_names.index("parser")
    assert isinstance(nlp.get_pipe(ATTRIBUTE_RULER), TableAttributeRuler)


def test_the_table_attribute_ruler_assigns_what_spacys_does(original: spacy.Language) -> None:
    corpus = texts()
    fast = [annotations(doc) for doc in load_nlp().pipe(corpus)]
    reference = [annotations(doc) for doc in original.pipe(corpus)]
    assert len(corpus) > 150
    for text, got, expected in zip(corpus, fast, reference, strict=True):
        assert got == expected, text


def test_a_pattern_the_table_cannot_express_is_refused() -> None:
    from spacy.pipeline import AttributeRuler

    ruler = AttributeRuler(spacy.blank("en").vocab)
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"})
    assert TableAttributeRuler(ruler.vocab).copy_patterns(ruler)
    ruler.add([[{"LENGTH": {">": 30}}]], {"POS": "X"})  # a feature the table does not read
    assert not TableAttributeRuler(ruler.vocab).copy_patterns(ruler)
