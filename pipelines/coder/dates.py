"""Event dates: the time expression governing a trigger, resolved against the story date.

Time expressions are found with token patterns written in spaCy's `Matcher` format, not with NER
or dateparser: the pipeline runs without NER, and dateparser reads "March 19-20" as the year 2020.
A scanner of their own matches the patterns (set look-ups on token hashes), because spaCy's
`Matcher` runs their `IN` tests in Python for every token, a sixth of the coding time of dated
news; it finds exactly what the `Matcher` finds, which is kept as the reference a test compares it
with. The expressions of a sentence are cached in its Doc's `user_data`, so dating several triggers
of one sentence scans it once, and sentences without events are never scanned.

An expression dates a trigger only when it is attached in the trigger's own clause: one of its
tokens reaches the trigger (or, for a noun trigger, the verb governing it) through the parse
without passing through another clause's verb. "The minister who arrived on Monday criticized the
plan": Monday dates "arrived" only; "criticized" gets the story date. One exception: coordinated
verbs share a date ("met on Wednesday and signed a deal": signed is Wednesday too), but only
when the trigger's own clause has none.

Conventions of the resolved date: precision `week` is the Monday of that ISO week, `month` the
first of the month, `year` the first of January; `story` means no expression governed the trigger
(or it could not be resolved) and the date is the story's.

An event dated to a time that ended more than BACKGROUND_DAYS before the story is background the
story recalls ("Hamas, which seized Gaza *in 2007*", "expelled them *18 years ago*"): the coder
does not code it (`EventDate.background`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from pipelines.coder.parsed import Parsed, Segment, Tok
from pipelines.coder.syntax import aux_words, clause_head

PRECISIONS = ("day", "week", "month", "year", "story")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
# Full names plus the usual newswire abbreviations, with and without the full stop ("Sept." is one token).
MONTHS: dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(_MONTH_NAMES)},
    **{abbr: i + 1 for i, name in enumerate(_MONTH_NAMES) if name != "may" for abbr in (name[:3], name[:3] + ".")},
    "sept": 9, "sept.": 9,
}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "would"})
# "due to begin on Monday", "plans to visit on Friday": an infinitive under these looks ahead.
FUTURE_GOVERNORS = frozenset({"due", "set", "schedule", "plan", "expect", "intend", "agree",
                              "decide", "promise", "prepare", "go", "pledge", "vow"})
# Coders expect dates near the story; the events suite quarantines dates > 400 days after it.
MAX_FUTURE_DAYS = 366
# An event the text dates to a time that ended this many days before the story is background
# ("Hamas, which seized Gaza in 2007", "expelled them 18 years ago"), not the story's news.
BACKGROUND_DAYS = 60

_DAY_RE = re.compile(r"^(0?[1-9]|[12]\d|3[01])(st|nd|rd|th)?$")
_YEAR_RE = re.compile(r"^(1[89]|20)\d\d$")
_NEUTRAL_WORDS = frozenset({"on", "in", "during", "earlier", "later"})
_USER_DATA_KEY = ("pipelines.coder.dates", "time_expressions")
_HASHES_KEY = ("pipelines.coder.dates", "token_hashes")


@dataclass(frozen=True)
class EventDate:
    """When an event happened, the words that said so, and how precise they are."""

    date: dt.date | None
    text: str | None
    precision: str  # day | week | month | year | story

    def background(self, story_date: dt.date | None) -> bool:
        """Whether the time named ended more than BACKGROUND_DAYS before the story date."""
        if story_date is None or self.date is None or self.precision == "story":
            return False
        return _period_end(self.date, self.precision) < story_date - dt.timedelta(days=BACKGROUND_DAYS)


@dataclass(frozen=True)
class TimeExpression:
    """A matched time expression: token offsets in its Doc and the kind of pattern that found it."""

    start: int
    end: int
    kind: str


# -- patterns ------------------------------------------------------------------------------------

# The words the two regular expressions above match, spelled out: a pattern looks a word up in a
# set far faster than it runs a regular expression on it.
_DAY_WORDS = [f"{zero}{day}{suffix}" for day in range(1, 32) for zero in ("", "0")[: 1 + (day < 10)]
              for suffix in ("", "st", "nd", "rd", "th")]
_YEAR_WORDS = [str(year) for year in range(1800, 2100)]
_DAY = {"ORTH": {"IN": _DAY_WORDS}}
_YEAR = {"ORTH": {"IN": _YEAR_WORDS}}
_MONTH = {"LOWER": {"IN": list(MONTHS)}}
# After "in" only full names: "in Jan" is more often a person than January.
_MONTH_FULL = {"LOWER": {"IN": [*_MONTH_NAMES, "sept."]}}
_ON = {"LOWER": "on", "OP": "?"}
_RANGE = ({"LOWER": {"IN": ["-", "–", "—", "to", "and", "through"]}}, _DAY)
_SMALL_NUMBERS = [f"{n:0{width}d}" for width in (1, 2, 3) for n in range(10**width)]  # "5", "05", "120"
_YEAR_TAILS: tuple[tuple[dict, ...], ...] = ((), (_YEAR,), ({"ORTH": ","}, _YEAR))


def _month_day_patterns() -> list[list[dict]]:
    """ "March 3", "on March 19-20", "March 19 to 20, 2014", in every combination."""
    return [[_ON, _MONTH, _DAY, *rng, *tail] for rng, tail in product(((), _RANGE), _YEAR_TAILS)]


def _day_month_patterns() -> list[list[dict]]:
    """ "3 March", "19-20 March 2014"."""
    return [[_ON, _DAY, *rng, _MONTH, *tail] for rng, tail in product(((), _RANGE), ((), (_YEAR,)))]


def _patterns() -> dict[str, list[list[dict]]]:
    units = ["day", "days", "week", "weeks", "month", "months", "year", "years"]
    return {
        "relative_day": [[{"LOWER": {"IN": list(RELATIVE_DAYS)}}],
                         [{"LOWER": "last"}, {"LOWER": "night"}],
                         [{"LOWER": "this"}, {"LOWER": {"IN": ["morning", "afternoon", "evening"]}}]],
        "weekday": [[{"LOWER": {"IN": ["on", "last", "next", "this"]}, "OP": "?"}, {"LOWER": {"IN": list(WEEKDAYS)}}]],
        "relative_period": [[{"LOWER": {"IN": ["earlier", "later"]}, "OP": "?"},
                             {"LOWER": {"IN": ["last", "next", "this"]}}, {"LOWER": {"IN": ["week", "month", "year"]}}]],
        "weekend": [[{"LOWER": {"IN": ["last", "next", "this", "the"]}}, {"LOWER": "weekend"}]],
        "month_day": _month_day_patterns() + _day_month_patterns(),
        "month": [[{"LOWER": "in"}, _MONTH_FULL, {**_YEAR, "OP": "?"}], [_MONTH, _YEAR]],
        "year": [[{"LOWER": {"IN": ["in", "during"]}}, _YEAR]],
        "ago": [[{"LOWER": {"IN": list(NUMBER_WORDS)}}, {"LOWER": {"IN": units}}, {"LOWER": "ago"}],
                [{"ORTH": {"IN": _SMALL_NUMBERS}}, {"LOWER": {"IN": units}}, {"LOWER": "ago"}]],
    }


# Every pattern above needs one of these words (or a year): a sentence without any has no time
# expression and is not scanned.
_ANCHOR_WORDS = frozenset({*RELATIVE_DAYS, *WEEKDAYS, *MONTHS, *_MONTH_NAMES, "sept.", "last", "this", "next", "ago", "weekend"})


# -- the scanner -----------------------------------------------------------------------------------
# spaCy's Matcher runs every {"IN": [...]} predicate in Python, for every token and pattern state.
# The scanner reads the same patterns as data, merges them into a tree of token tests, and walks it
# from the tokens a pattern can start with, testing a token with a set look-up. Tokens are compared
# as the Matcher compares them: by the hash of their lower-case form (`LOWER`) or text (`ORTH`).


@dataclass(frozen=True)
class _TokenTest:
    """What one token of a pattern must be: one of `words` (hashes), lower-cased or verbatim."""

    words: frozenset[int]
    verbatim: bool  # ORTH rather than LOWER


def _token_test(spec: dict) -> tuple[_TokenTest, bool]:
    """One Matcher token pattern as (test, optional); only the features `_patterns()` uses are read."""
    tests = [(attr, value) for attr, value in spec.items() if attr != "OP"]
    attr, value = tests[0] if len(tests) == 1 else (None, None)
    is_set = isinstance(value, dict)
    if attr not in ("LOWER", "ORTH") or (is_set and set(value) != {"IN"}) or spec.get("OP", "?") != "?":
        raise ValueError(f"the time scanner cannot read the token pattern {spec}")
    words = frozenset(get_string_id(word) for word in (value["IN"] if is_set else [value]))
    return _TokenTest(words, attr == "ORTH"), "OP" in spec


def _sequences(pattern: list[dict]) -> Iterator[tuple[_TokenTest, ...]]:
    """The token tests of a pattern, once with and once without each optional token."""
    read = [_token_test(spec) for spec in pattern]
    for keep in product(*[(True, False) if optional else (True,) for _, optional in read]):
        yield tuple(test for (test, _), kept in zip(read, keep) if kept)


@dataclass
class _State:
    """Where some tokens lead in the pattern tree: the kinds matched there and the tests that may follow."""

    kinds: list[str] = field(default_factory=list)
    then: dict[_TokenTest, _State] = field(default_factory=dict)


def _pattern_tree(patterns: dict[str, list[list[dict]]]) -> tuple[dict[int, list[_State]], dict[int, list[_State]]]:
    """The states after a pattern's first token, by that token's lower-case hash and by its text's hash."""
    first: dict[_TokenTest, _State] = {}
    for kind, alternatives in patterns.items():
        for tests in (tests for pattern in alternatives for tests in _sequences(pattern) if tests):
            state = first.setdefault(tests[0], _State())
            for test in tests[1:]:
                state = state.then.setdefault(test, _State())
            state.kinds.append(kind)
    by_lower: dict[int, list[_State]] = {}
    by_text: dict[int, list[_State]] = {}
    for test, state in first.items():
        for word in test.words:
            (by_text if test.verbatim else by_lower).setdefault(word, []).append(state)
    return by_lower, by_text


_FIRST_BY_LOWER, _FIRST_BY_TEXT = _pattern_tree(_patterns())
_ANCHORS = frozenset(get_string_id(word) for word in _ANCHOR_WORDS)
_YEARS = frozenset(get_string_id(year) for year in _YEAR_WORDS)

_Match = tuple[int, int, str]  # start, end, kind


def _matches(lowers: list[int], texts: list[int]) -> dict[str, set[_Match]]:
    """Every match of every pattern, by kind (overlapping; offsets in the token lists)."""
    found: dict[str, set[_Match]] = {}
    for start, (lower, text) in enumerate(zip(lowers, texts)):
        if lower not in _FIRST_BY_LOWER and text not in _FIRST_BY_TEXT:
            continue
        pending = [(state, start + 1) for state in (*_FIRST_BY_LOWER.get(lower, ()), *_FIRST_BY_TEXT.get(text, ()))]
        while pending:
            state, end = pending.pop()
            for kind in state.kinds:
                found.setdefault(kind, set()).add((start, end, kind))
            if end < len(lowers):
                for test, following in state.then.items():
                    if (texts if test.verbatim else lowers)[end] in test.words:
                        pending.append((following, end + 1))
    return found


def _longest_first(matches: Iterable[_Match]) -> list[_Match]:
    """Non-overlapping matches, taking the longest first and, among equals, the earliest.

    The rule of the Matcher's greedy="LONGEST" (within one kind) and of `filter_spans` (across kinds).
    """
    kept, taken = [], set()
    for start, end, kind in sorted(matches, key=lambda match: (match[0] - match[1], match[0])):
        if taken.isdisjoint(range(start, end)):
            kept.append((start, end, kind))
            taken.update(range(start, end))
    return kept


def _scan(lowers: list[int], texts: list[int]) -> list[_Match]:
    """The time expressions in a sentence's tokens (their hashes), in order."""
    longest_of_each_kind = [match for found in _matches(lowers, texts).values() for match in _longest_first(found)]
    # No two kinds match the same span (a test checks), so the order of the kinds never matters.
    return sorted(_longest_first(longest_of_each_kind))


def _token_hashes(sentence: Segment) -> tuple[list[int], list[int]]:
    """The LOWER and ORTH hashes of a sentence's tokens, sliced from an array of its whole Doc's.

    The array is made once per Doc and kept in its `user_data`: `Span.to_array`, or reading two
    attributes of every token, takes longer than the scan itself.
    """
    hashes = sentence.doc.user_data.get(_HASHES_KEY)
    if hashes is None:
        hashes = sentence.doc.user_data[_HASHES_KEY] = sentence.doc.to_array([LOWER, ORTH]).T
    lowers, texts = hashes[:, sentence.start:sentence.end].tolist()
    return lowers, texts


def time_expressions(sentence: Segment) -> tuple[TimeExpression, ...]:
    """A sentence's time expressions (Doc offsets), non-overlapping (longest wins).

    Computed once per sentence and only for sentences that have an event to date: scanning whole
    stories was a third of the time of a recode. Exactly what `reference_time_expressions` finds.
    """
    cache = sentence.doc.user_data.setdefault(_USER_DATA_KEY, {})
    cached = cache.get(sentence.start)
    if cached is None:
        lowers, texts = _token_hashes(sentence)
        if _ANCHORS.isdisjoint(lowers) and _YEARS.isdisjoint(texts):
            cached = ()  # no word any pattern needs
        else:
            at = sentence.start
            cached = tuple(TimeExpression(at + start, at + end, kind) for start, end, kind in _scan(lowers, texts))
        cache[sentence.start] = cached
    return cached


# -- the reference: the Matcher the scanner replaces (tests compare the two) ------------------------

_MATCHERS: dict[int, tuple[Vocab, Matcher]] = {}


def time_matcher(vocab: Vocab) -> Matcher:
    """The time-expression Matcher for a vocab, built on first use and then reused.

    Only the reference now: `time_expressions` scans without it.
    """
    cached = _MATCHERS.get(id(vocab))
    if cached is not None and cached[0] is vocab:  # the id alone could be reused by a new vocab
        return cached[1]
    matcher = Matcher(vocab)
    for kind, patterns in _patterns().items():
        matcher.add(kind, patterns, greedy="LONGEST")
    _MATCHERS[id(vocab)] = (vocab, matcher)
    return matcher


def reference_time_expressions(sentence: Span) -> tuple[TimeExpression, ...]:
    """What `time_expressions` finds, found by spaCy's Matcher over `_patterns()` (uncached, slow)."""
    offset = sentence.start  # a Matcher run on a Span gives offsets within the span
    spans = [Span(sentence.doc, offset + start, offset + end, label=key)
             for key, start, end in time_matcher(sentence.doc.vocab)(sentence)]
    return tuple(TimeExpression(s.start, s.end, s.label_) for s in sorted(filter_spans(spans)))


# -- which expression governs the trigger ---------------------------------------------------------


def _is_clause_verb(token: Tok) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass")


def _steps_to(token: Tok, anchors: set[int], inside: range) -> int | None:
    """Head-chain steps from `token` to an anchor, or None if another clause's verb is in the way."""
    steps, current = 0, token
    while current.i not in anchors:
        if current.i not in inside and _is_clause_verb(current):
            return None
        if current.head == current:
            return None
        current, steps = current.head, steps + 1
    return steps


def _distance(doc: Parsed, expression: TimeExpression, anchors: set[int]) -> int | None:
    inside = range(expression.start, expression.end)
    found = [s for s in (_steps_to(doc[i], anchors, inside) for i in inside) if s is not None]
    return min(found) if found else None


def _anchor_tiers(trigger: Tok) -> Iterator[tuple[set[int], Tok]]:
    """(anchors, clause verb): the trigger's own clause first, then a verb it is coordinated with."""
    verb = clause_head(trigger)
    yield {trigger.i, verb.i}, verb
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        yield {verb.head.i}, verb.head


def governing_expression(trigger: Tok) -> tuple[TimeExpression, Tok] | None:
    """The time expression attached in the trigger's clause (nearest, then first) and the verb it dates."""
    doc = trigger.doc
    sentence = trigger.sent
    candidates = time_expressions(sentence)
    if not candidates:
        return None
    for anchors, verb in _anchor_tiers(trigger):
        scored = [(d, e.start, e) for e in candidates if (d := _distance(doc, e, anchors)) is not None]
        if scored:
            return min(scored, key=lambda item: item[:2])[2], verb
    return None


# -- resolving against the story date --------------------------------------------------------------


def is_future(verb: Tok, words: list[str]) -> bool:
    """Whether the expression looks ahead: "next ...", "will be held", "due to begin"."""
    if "next" in words:
        return True
    if "last" in words or "ago" in words:
        return False
    auxes = aux_words(verb)
    if auxes & FUTURE_AUX:
        return True
    governor = verb.head
    return "to" in auxes and verb.dep_ == "xcomp" and governor.lemma_.lower() in FUTURE_GOVERNORS


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # "February 30", or February 29 in a common year
        return None


def _relative_day(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    offset = -1 if words[:2] == ["last", "night"] else RELATIVE_DAYS.get(words[0], 0)
    return story + dt.timedelta(days=offset), "day"


def _weekday(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    target = WEEKDAYS.index(words[-1])
    back = (story.weekday() - target) % 7
    if words[0] == "last":  # strictly before: "last Friday" in a Friday story is a week ago
        return story - dt.timedelta(days=back or 7), "day"
    if future:  # strictly after: "will meet on Friday" in a Friday story is next week
        return story + dt.timedelta(days=(target - story.weekday()) % 7 or 7), "day"
    return story - dt.timedelta(days=back), "day"


def _weekend(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    """ "over the weekend", "last weekend", "next weekend": the week of that weekend's Saturday."""
    since_saturday = (story.weekday() - 5) % 7  # 0 on a Saturday, 1 on a Sunday, 2 on a Monday…
    if words[0] == "next" or (future and words[0] != "last"):
        saturday = story + dt.timedelta(days=(5 - story.weekday()) % 7 or 7)
    elif words[0] == "last":
        saturday = story - dt.timedelta(days=since_saturday if since_saturday >= 2 else since_saturday + 7)
    else:  # "the weekend", "this weekend" in a past-tense clause: the latest one
        saturday = story - dt.timedelta(days=since_saturday)
    return _week_start(saturday), "week"


def _relative_period(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    shift = {"last": -1, "next": 1}.get(words[-2], 0)
    unit = words[-1]
    if unit == "week":
        return _week_start(story) + dt.timedelta(weeks=shift), "week"
    if unit == "month":
        return _add_months(story, shift), "month"
    return dt.date(story.year + shift, 1, 1), "year"


def _numbers(words: list[str]) -> tuple[int | None, list[int], int | None]:
    """(month, days, year) named in a date expression's words."""
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    years = [int(w) for w in words if _YEAR_RE.match(w)]
    days = [int(_DAY_RE.match(w).group(1)) for w in words if _DAY_RE.match(w)]
    return month, days, years[0] if years else None


def _month_day(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    month, days, year = _numbers(words)
    if year is not None:
        return _safe_date(year, month, days[0]), "day"
    candidate = _safe_date(story.year, month, days[0])
    if candidate is not None and future and candidate < story:
        candidate = _safe_date(story.year + 1, month, days[0])
    elif candidate is not None and not future and candidate > story:
        candidate = _safe_date(story.year - 1, month, days[0])
    return candidate, "day"


def _month(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    month, _, year = _numbers(words)
    if year is None:
        year = story.year
        if future and month < story.month:
            year += 1
        elif not future and month > story.month:
            year -= 1
    return dt.date(year, month, 1), "month"


def _year(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    return dt.date(int(words[-1]), 1, 1), "year"


def _ago(words: list[str], story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    count = NUMBER_WORDS.get(words[0]) or int(words[0])
    unit = words[1].rstrip("s")
    if unit == "day":
        return story - dt.timedelta(days=count), "day"
    if unit == "week":
        return _week_start(story - dt.timedelta(weeks=count)), "week"
    if unit == "month":
        return _add_months(story, -count), "month"
    return dt.date(story.year - count, 1, 1), "year"


_RESOLVERS: dict[str, Callable[[list[str], dt.date, bool], tuple[dt.date | None, str]]] = {
    "relative_day": _relative_day, "weekday": _weekday, "weekend": _weekend, "relative_period": _relative_period,
    "month_day": _month_day, "month": _month, "year": _year, "ago": _ago,
}


def resolve_expression(expression: TimeExpression, doc: Parsed, story: dt.date, future: bool) -> tuple[dt.date | None, str]:
    """The date and precision an expression names, read against the story date."""
    # Prepositions and "earlier"/"later" do not move the date: "earlier this week" is this week.
    words = [t.lower_ for t in doc[expression.start:expression.end] if t.lower_ not in _NEUTRAL_WORDS]
    return _RESOLVERS[expression.kind](words, story, future)


def _period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of the period a resolved date stands for (see the module's conventions)."""
    if precision == "week":
        return start + dt.timedelta(days=6)
    if precision == "month":
        return _add_months(start.replace(day=1), 1) - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(start.year, 12, 31)
    return start


def _plausible(day: dt.date | None, story: dt.date) -> bool:
    return day is not None and day <= story + dt.timedelta(days=MAX_FUTURE_DAYS)


def resolve_event_date(trigger: Tok, story_date: dt.date | None, announced: bool = False) -> EventDate:
    """The event's date: the time expression in the trigger's clause, resolved against the story date.

    With no such expression, the story date with precision "story". `announced` (a future meeting
    reported as announced, CAMEO 036) dates the event on the story date but keeps the words.
    """
    governed = governing_expression(trigger)
    text = trigger.doc[governed[0].start:governed[0].end].text if governed else None
    if story_date is None:
        return EventDate(None, text, "story")
    if announced:
        return EventDate(story_date, text, "day")
    if governed is None:
        return EventDate(story_date, None, "story")
    expression, verb = governed
    words = [t.lower_ for t in trigger.doc[expression.start:expression.end]]
    day, precision = resolve_expression(expression, trigger.doc, story_date, is_future(verb, words))
    if not _plausible(day, story_date):
        return EventDate(story_date, text, "story")
    return EventDate(day, text, precision)
