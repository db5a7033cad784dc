"""The one-a-day tables built from event rows: `event_days` and `dyad_days` (pandas only).

`event_days` collapses the mentions of one event (same event date, source, target and code) into
one row, counting mentions and distinct stories. Its "first" mention is the one from the earliest
story (smallest story_date, then doc_id), and within that story the earliest sentence, then the
smallest event_id, so the choice is stable whatever order the rows arrive in.

`dyad_days` counts those one-a-day events per day, country pair and QuadClass, as its contract
says (`n_events` = event_days rows), so one event reported by ten stories counts once. Events
whose source or target has no country (an organisation such as the UN) are not a country dyad and
are left out; a domestic event (source and target in the same country) is a dyad like any other.
Columns and their order come from the contracts in schemas/.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.contracts import TableContract, load_contract

EVENT_KEY = ["event_date", "source_actor", "target_actor", "event_code"]
DYAD_KEY = ["event_date", "source_country", "target_country", "quad_class"]
# pandas dtypes for the contract types that have a plain numpy equivalent.
_PANDAS_DTYPES = {"int8": "int8", "int32": "int32", "int64": "int64", "float64": "float64"}


def _empty(contract: TableContract) -> pd.DataFrame:
    """A zero-row frame with the contract's columns, numeric ones typed."""
    frame = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in contract.columns})
    return frame.astype({c.name: _PANDAS_DTYPES[c.type] for c in contract.columns if c.type in _PANDAS_DTYPES})


def _typed(frame: pd.DataFrame, contract: TableContract) -> pd.DataFrame:
    """The contract's columns in order, numeric columns cast to the contract's widths."""
    frame = frame[list(contract.column_names)].reset_index(drop=True)
    return frame.astype({c.name: _PANDAS_DTYPES[c.type] for c in contract.columns if c.type in _PANDAS_DTYPES})


def _first_mention_order(events: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted so the first of each group is its earliest mention."""
    order = [c for c in ("story_date", "doc_id", "sentence_index", "event_id") if c in events.columns]
    return events.sort_values(order, kind="stable")


def event_days(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event_date, source_actor, target_actor, event_code) with mention and story counts."""
    contract = load_contract("event_days")
    if events.empty:  # checked first: an empty input may have no columns at all
        return _empty(contract)
    # Key columns are required in event_days; a row missing one cannot be placed on a day or dyad.
    usable = events.dropna(subset=EVENT_KEY)
    if usable.empty:
        return _empty(contract)
    grouped = _first_mention_order(usable).groupby(EVENT_KEY, sort=True)
    table = grouped.agg(
        event_root=("event_root", "first"),
        quad_class=("quad_class", "first"),
        goldstein=("goldstein", "first"),
        n_mentions=("event_id", "size"),
        n_docs=("doc_id", "nunique"),
        doc_ids=("doc_id", lambda ids: sorted(set(ids))),
        first_doc_id=("doc_id", "first"),
        first_event_id=("event_id", "first"),
    )
    return _typed(table.reset_index(), contract)


def dyad_days(events: pd.DataFrame) -> pd.DataFrame:
    """Per day, country pair and QuadClass: the number of one-a-day events and their mean Goldstein."""
    contract = load_contract("dyad_days")
    if events.empty:
        return _empty(contract)
    dyadic = events.dropna(subset=[*EVENT_KEY, "source_country", "target_country"])
    if dyadic.empty:
        return _empty(contract)
    # One row per event_days key: an event's countries follow from its actor codes.
    one_a_day = dyadic.drop_duplicates(subset=EVENT_KEY)
    table = one_a_day.groupby(DYAD_KEY, sort=True).agg(
        n_events=("event_code", "size"),
        mean_goldstein=("goldstein", "mean"),
    )
    return _typed(table.reset_index(), contract)
