"""Protects the time-expression scanner that replaced spaCy's Matcher in `dates.py`: on any sentence
it finds exactly what the Matcher finds with the same patterns (same tokens, same kind, same
order), so event dates do not move. Checked on thousands of random token sequences built from every
word the patterns use (in mixed case, with near misses, inside longer Docs) and on every sentence of
parsed benchmark stories; also checked: no two kinds of expression can match the same tokens (the
scanner relies on it), and a pattern the scanner cannot read is refused rather than misread."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations, product

import pytest
import spacy
from spacy.tokens import Doc, Span

from benchmarks.corpus import generate
from pipelines.coder import dates
from pipelines.coder.dates import TimeExpression, reference_time_expressions, time_expressions
from pipelines.coder.nlp import load_nlp

SEED = 20240301
N_SEQUENCES = 4000

# The words the patterns are made of, grouped by role, with near misses of each group.
VOCABULARY = {
    "month": [*dates.MONTHS, "Sept", "Sep", "Sep.", "Mayor", "marches", "Janu"],
    "day": [*dates._DAY_WORDS, "0", "00", "32", "32nd", "1ST", "3Rd", "001", "1st."],
    "year": ["1799", "1800", "1801", "1999", "2014", "2099", "2100", "20144", "'14", "2014s"],
    "number": [*dates._SMALL_NUMBERS[:20], "120", "999", "1000", "0005", "1,000", "5.5"],
    "number_word": [*dates.NUMBER_WORDS, "several", "few", "dozen", "zero"],
    "unit": ["day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "hours"],
    "relative": ["ago", "on", "in", "during", "last", "next", "this", "earlier", "later", "night",
                 "morning", "afternoon", "evening", "yesterday", "today", "tonight", "tomorrow", "since", "at"],
    "weekday": [*dates.WEEKDAYS, "weekend", "Monday's", "Mon"],
    "joiner": ["-", "–", "—", "to", "and", "through", ",", "or", "/", "."],
    "other": ["the", "talks", "met", "said", "officials", "in", "Geneva", "a", "of"],
}


def recased(rng: random.Random, word: str) -> str:
    """The word as written in a headline, a sentence start, or its middle (ORTH tests are case-sensitive)."""
    return rng.choice([word, word, word.lower(), word.title(), word.upper(), word.swapcase()])


def pattern_words(spec: dict) -> list[str]:
    """The words one Matcher token pattern of `dates._patterns()` accepts."""
    value = spec.get("LOWER", spec.get("ORTH"))
    return value["IN"] if isinstance(value, dict) else [value]


def fragment(rng: random.Random) -> list[str]:
    """A random instance of a random pattern, optional tokens in or out, sometimes cut short."""
    patterns = [pattern for alternatives in dates._patterns().values() for pattern in alternatives]
    words = [recased(rng, rng.choice(pattern_words(spec))) if "LOWER" in spec else rng.choice(pattern_words(spec))
             for spec in rng.choice(patterns) if "OP" not in spec or rng.random() < 0.5]
    cut = rng.choice([0, 0, 1, 2, 3])
    return words[cut:] if rng.random() < 0.5 else words[: len(words) - cut]


def random_words(rng: random.Random, length: int) -> list[str]:
    """`length` words: pattern instances (whole, cut, adjacent, overlapping) among single words."""
    words: list[str] = []
    while len(words) < length:
        if rng.random() < 0.4:
            words += fragment(rng)
        else:
            words.append(recased(rng, rng.choice(VOCABULARY[rng.choice(list(VOCABULARY))])))
    return words[:length]


def difference(sentence: Span) -> str | None:
    """What the scanner and the Matcher disagree on in a sentence, readably; None if they agree."""
    scanned, matched = time_expressions(sentence), reference_time_expressions(sentence)
    if scanned == matched:
        return None

    def show(found: tuple[TimeExpression, ...]) -> str:
        return ", ".join(f"{e.kind} {e.start}:{e.end} {sentence.doc[e.start:e.end].text!r}" for e in found) or "nothing"

    tokens = " ".join(f"{t.i}:{t.text}" for t in sentence)
    return f"[{tokens}]\n  scanner: {show(scanned)}\n  Matcher: {show(matched)}"


def assert_no_differences(sentences: list[Span]) -> None:
    found = [d for d in map(difference, sentences) if d is not None]
    assert not found, f"{len(found)} of {len(sentences)} sentences differ, for example:\n" + "\n".join(found[:10])


@pytest.fixture(scope="module")
def random_sentences() -> list[Span]:
    """Each random sequence as a whole Doc, and again inside a longer Doc (offsets > 0, words around it)."""
    rng = random.Random(SEED)
    vocab = spacy.blank("en").vocab  # English lower-casing, as in the model
    sentences = []
    for _ in range(N_SEQUENCES):
        words = random_words(rng, rng.randint(1, 12))
        before, after = random_words(rng, rng.randint(1, 3)), random_words(rng, rng.randint(0, 3))
        sentences.append(Doc(vocab, words=words)[:])
        sentences.append(Doc(vocab, words=before + words + after)[len(before) : len(before) + len(words)])
    return sentences


def test_the_scanner_finds_what_the_matcher_finds_in_random_sequences(random_sentences):
    assert_no_differences(random_sentences)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # "September 19th" beats "19th Dec." among dates, then loses to "in September".
        ("in September 19th Dec .", [("month", "in September")]),
        # "March 19" is kept although the longer "March 19 - 20" from the same token is not.
        ("March 19 - 20 - 21 March 2014", [("month_day", "March 19"), ("month_day", "20 - 21 March 2014")]),
        ("On March 19 - 20 , 2014", [("month_day", "On March 19 - 20 , 2014")]),
        ("on 1ST March in 1799 , in 2100 during 2099 in march 1800",
         [("year", "during 2099"), ("month", "in march 1800")]),
        ("Sept. 5 , 2014 two weeks ago 05 days ago",
         [("month_day", "Sept. 5 , 2014"), ("ago", "two weeks ago"), ("ago", "05 days ago")]),
        ("earlier this week last night this morning on Friday",
         [("relative_period", "earlier this week"), ("relative_day", "last night"), ("relative_day", "this morning"),
          ("weekday", "on Friday")]),
    ],
)
def test_overlaps_and_case_are_resolved_as_the_matcher_does(words, expected):
    doc = Doc(spacy.blank("en").vocab, words=words.split())
    assert_no_differences([doc[:]])
    assert [(e.kind, doc[e.start : e.end].text) for e in time_expressions(doc[:])] == expected


def test_the_random_sequences_reach_every_pattern(random_sentences):
    # The comparison above proves little unless every kind of expression, at its longest, and
    # sentences with several expressions are among the cases.
    found = [reference_time_expressions(sentence) for sentence in random_sentences]
    longest: Counter[str] = Counter()
    for expression in (e for expressions in found for e in expressions):
        longest[expression.kind] = max(longest[expression.kind], expression.end - expression.start)
    patterns = dates._patterns()
    assert longest == {kind: max(map(len, alternatives)) for kind, alternatives in patterns.items()}
    assert sum(len(expressions) >= 2 for expressions in found) > N_SEQUENCES // 10


@pytest.fixture(scope="module")
def story_sentences() -> list[Span]:
    nlp = load_nlp()
    docs = nlp.pipe(story["text"] for story in generate(300, SEED))
    return [sentence for doc in docs for sentence in doc.sents]


def test_the_scanner_finds_what_the_matcher_finds_in_stories(story_sentences):
    assert_no_differences(story_sentences)
    assert sum(map(len, map(reference_time_expressions, story_sentences))) > 500


def _token_tests(pattern: list[dict]) -> list[list[tuple[str, set[str]]]]:
    """A pattern's token tests (attribute, words), once with and once without each optional token."""
    choices = [[True, False] if "OP" in spec else [True] for spec in pattern]
    tests = [("ORTH" if "ORTH" in spec else "LOWER", set(pattern_words(spec))) for spec in pattern]
    return [[test for test, kept in zip(tests, keep) if kept] for keep in product(*choices)]


def _one_token_passes_both(first: tuple[str, set[str]], second: tuple[str, set[str]]) -> bool:
    (attr, words), (other_attr, other_words) = first, second
    if attr == other_attr:
        return bool(words & other_words)
    verbatim, lower = (words, other_words) if attr == "ORTH" else (other_words, words)
    return any(word.lower() in lower for word in verbatim)


def test_no_two_kinds_match_the_same_tokens():
    # The scanner breaks no ties between kinds (the Matcher's order there would be hard to copy):
    # a span matched by two kinds would make the kind it reports arbitrary.
    tests = {kind: [tests for pattern in alternatives for tests in _token_tests(pattern)]
             for kind, alternatives in dates._patterns().items()}
    for (kind, sequences), (other_kind, other_sequences) in combinations(tests.items(), 2):
        for first, second in product(sequences, other_sequences):
            if len(first) == len(second) and all(map(_one_token_passes_both, first, second)):
                shown = [(attr, sorted(words)[:3]) for attr, words in first]
                pytest.fail(f"{kind} and {other_kind} can both match {shown}")


@pytest.mark.parametrize("spec", [{"LOWER": {"REGEX": "^mar"}}, {"LOWER": "on", "OP": "+"},
                                  {"NORM": "march"}, {"LOWER": "on", "ORTH": "On"}, {"LOWER": {"NOT_IN": ["on"]}}])
def test_a_pattern_the_scanner_cannot_read_is_refused(spec):
    with pytest.raises(ValueError, match="cannot read"):
        dates._pattern_tree({"month": [[spec]]})
