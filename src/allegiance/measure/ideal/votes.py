"""Roll-call votes as the ideal-point estimator takes them: a checked long table.

One row per state per roll call: ``session`` (an integer), ``rcid`` (the
roll call's id, unique across sessions), ``state`` (a code, e.g. ISO alpha-3)
and ``vote``; optionally ``item``, a bridging key: roll calls with the same
key (the same resolution put to the vote again in a later session, say)
share their parameters, which ties the sessions' scales together as Bailey,
Strezhnev and Voeten do. Where ``item`` is null the roll call stands alone. Votes are coded as the UN voting data code them:

==========  ====================================================
``1``       yes (also the strings ``"yes"``, ``"y"``)
``2``       abstain (``"abstain"``)
``3``       no (``"no"``, ``"n"``)
``8``       absent -- missing (also ``"absent"``)
``9``       not a member -- missing (also ``"not a member"``)
null, NaN   missing
==========  ====================================================

Anything else is an error that names the value, how often it occurs and its
first row: a vote code we do not know is never silently dropped.

:func:`votes_from_table` accepts a mapping of columns (lists or NumPy
arrays), a pandas DataFrame, a PyArrow table, a DuckDB relation, or an
iterable of any of these (one table per session, say), and returns a
:class:`VoteData`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from allegiance.errors import VoteInputError

__all__ = ["VOTE_CODES", "MISSING_CODES", "VoteData", "votes_from_table"]

#: The three votes, in the publisher's codes.
VOTE_CODES = {1: "yes", 2: "abstain", 3: "no"}
#: Codes that mean "no vote": 8 absent, 9 not a member (null and NaN also mean missing).
MISSING_CODES = {8: "absent", 9: "not a member"}

_REQUIRED = ("session", "rcid", "state", "vote")
_OPTIONAL = ("item",)
_STRINGS = {
    "yes": 1, "y": 1, "abstain": 2, "no": 3, "n": 3,
    "absent": 0, "not a member": 0, "": 0, "none": 0, "nan": 0, "null": 0,
}


@dataclass(frozen=True, eq=False)
class VoteData:
    """Checked votes: one entry per (state, roll call) actually cast.

    ``vote`` holds 1 (yes), 2 (abstain) or 3 (no); rows with missing votes
    are counted in ``n_missing`` and left out.
    """

    session: np.ndarray  # int64
    rcid: np.ndarray  # the roll-call ids as given (any hashable values)
    state: np.ndarray  # str objects
    vote: np.ndarray  # int8 in {1, 2, 3}
    n_missing: int = 0
    item: np.ndarray | None = None  # optional bridging key: votes with one key share roll-call parameters

    def __len__(self) -> int:
        return int(self.vote.shape[0])

    @property
    def sessions(self) -> list[int]:
        return sorted(int(s) for s in np.unique(self.session))

    @property
    def states(self) -> list[str]:
        return sorted(str(s) for s in np.unique(self.state))

    def select_sessions(self, sessions: Iterable[int]) -> "VoteData":
        """The votes of the given sessions; a session with no votes is an error."""
        want = sorted({_as_session(s) for s in sessions})
        if not want:
            raise VoteInputError("sessions: an empty selection; give at least one session number")
        have = set(self.sessions)
        empty = [s for s in want if s not in have]
        if empty:
            raise VoteInputError(
                f"sessions: no votes in session(s) {', '.join(map(str, empty))}; "
                f"the votes cover sessions {_ranges(sorted(have))}"
            )
        keep = np.isin(self.session, np.asarray(want, dtype=np.int64))
        item = None if self.item is None else self.item[keep]
        return VoteData(self.session[keep], self.rcid[keep], self.state[keep], self.vote[keep], self.n_missing, item)


def _as_session(s: Any) -> int:
    try:
        v = int(s)
    except (TypeError, ValueError):
        raise VoteInputError(f"sessions: {s!r} is not a session number (an integer such as 74)") from None
    if v != s and not isinstance(s, str):
        raise VoteInputError(f"sessions: {s!r} is not a whole session number")
    return v


def _ranges(values: list[int]) -> str:
    if not values:
        return "none"
    out, start, prev = [], values[0], values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(out)


def _columns(table: Any) -> dict[str, np.ndarray]:
    """Columns of one table-like object as NumPy arrays."""
    if isinstance(table, Mapping):
        cols = dict(table)
    elif hasattr(table, "fetchnumpy"):  # a DuckDB relation
        cols = table.fetchnumpy()
    elif hasattr(table, "column_names") and hasattr(table, "column"):  # a PyArrow table
        cols = {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}
    elif hasattr(table, "columns") and hasattr(table, "to_numpy"):  # a pandas DataFrame
        cols = {str(c): table[c].to_numpy() for c in table.columns}
    else:
        raise VoteInputError(
            f"votes: cannot read a {type(table).__name__} as a table; give a mapping of columns, "
            "a pandas DataFrame, a PyArrow table or a DuckDB relation with columns session, rcid, state, vote"
        )
    out = {}
    for k, v in cols.items():
        if isinstance(v, np.ma.MaskedArray):  # DuckDB marks nulls with a mask
            mask = np.ma.getmaskarray(v)
            v = np.where(mask, None, v.data.astype(object)) if mask.any() else v.data
        out[str(k)] = np.asarray(v) if not isinstance(v, np.ndarray) else v
    return out


def _is_table(x: Any) -> bool:
    return isinstance(x, Mapping) or any(hasattr(x, a) for a in ("fetchnumpy", "column_names", "to_numpy"))


def _vote_codes(raw: np.ndarray) -> np.ndarray:
    """Map the vote column to 1/2/3, 0 for missing; unknown values raise."""
    n = raw.shape[0]
    if raw.dtype.kind in "iub":
        codes = raw.astype(np.int64)
        bad = ~np.isin(codes, [1, 2, 3, 8, 9])
        out = np.where(np.isin(codes, [8, 9]), 0, codes)
    elif raw.dtype.kind == "f":
        nan = np.isnan(raw)
        filled = np.where(nan, 8.0, raw)
        bad = ~np.isin(filled, [1.0, 2.0, 3.0, 8.0, 9.0])
        out = np.where(np.isin(filled, [8.0, 9.0]), 0, filled).astype(np.int64)
    else:
        out = np.zeros(n, dtype=np.int64)
        bad = np.zeros(n, dtype=bool)
        keys = np.array(["" if v is None else str(v).strip().lower() for v in raw.tolist()], dtype=object)
        uniq, inv = np.unique(keys.astype(str), return_inverse=True)
        table = np.zeros(len(uniq), dtype=np.int64)
        unknown = np.zeros(len(uniq), dtype=bool)
        for i, u in enumerate(uniq):
            if u in _STRINGS:
                table[i] = _STRINGS[u]
                continue
            try:
                f = float(u)
            except ValueError:
                unknown[i] = True
                continue
            if f in (1.0, 2.0, 3.0):
                table[i] = int(f)
            elif f in (8.0, 9.0):
                table[i] = 0
            else:
                unknown[i] = True
        out = table[inv]
        bad = unknown[inv]
    if bad.any():
        vals, counts = np.unique(raw[bad].astype(str), return_counts=True)
        first = int(np.flatnonzero(bad)[0])
        shown = ", ".join(f"{v!r} ({c} rows)" for v, c in list(zip(vals.tolist(), counts.tolist()))[:5])
        raise VoteInputError(
            f"vote: unknown vote code(s) {shown}, first at row {first}; expected 1 yes, 2 abstain, 3 no "
            "(or yes/abstain/no), with 8 absent, 9 not a member or null for no vote"
        )
    return out


def _one_table(cols: dict[str, np.ndarray], columns: Mapping[str, str] | None) -> dict[str, np.ndarray]:
    names = {k: k for k in _REQUIRED}
    if columns:
        unknown = set(columns) - set(_REQUIRED) - set(_OPTIONAL)
        if unknown:
            raise VoteInputError(
                f"columns: {sorted(unknown)} are not fields of a vote; map session, rcid, state or vote "
                "to your column names, e.g. columns={'state': 'ccode'}"
            )
        names.update(columns)
    missing = [f"{k!r}" + (f" (as {v!r})" if v != k else "") for k, v in names.items() if v not in cols]
    if missing:
        raise VoteInputError(
            f"votes: missing column(s) {', '.join(missing)}; the table has {sorted(cols)}; "
            "pass columns={'state': 'your_state_column', ...} to name them"
        )
    picked = {k: cols[v] for k, v in names.items() if k in _REQUIRED}
    item_name = (columns or {}).get("item", "item")
    if item_name in cols:
        picked["item"] = cols[item_name]
    elif columns and "item" in columns:
        raise VoteInputError(f"votes: missing column {item_name!r} (as 'item'); the table has {sorted(cols)}")
    lengths = {k: len(v) for k, v in picked.items()}
    if len(set(lengths.values())) > 1:
        raise VoteInputError(f"votes: columns of different lengths {lengths}")
    return picked


def votes_from_table(table: Any, *, columns: Mapping[str, str] | None = None) -> VoteData:
    """Check a long table of votes and return it as :class:`VoteData`.

    ``table`` is a mapping of columns, a pandas DataFrame, a PyArrow table, a
    DuckDB relation, or an iterable of those (concatenated). ``columns`` maps
    the fields ``session``, ``rcid``, ``state``, ``vote`` to other column
    names. Raises :class:`~allegiance.errors.VoteInputError` for a missing
    column, an unknown vote code, a null session, roll call or state, a roll
    call listed in two sessions, a state voting twice on one roll call, or no
    votes at all.
    """
    if isinstance(table, VoteData):
        return table
    if _is_table(table):
        parts = [_one_table(_columns(table), columns)]
    elif isinstance(table, Iterable) and not isinstance(table, (str, bytes)):
        parts = [_one_table(_columns(t), columns) for t in table]
    else:
        raise VoteInputError(
            f"votes: cannot read a {type(table).__name__} as a table of votes "
            "(expected columns session, rcid, state, vote)"
        )
    if not parts:
        raise VoteInputError("votes: no tables given; expected a table with columns session, rcid, state, vote")
    has_item = [("item" in p) for p in parts]
    if any(has_item) and not all(has_item):
        raise VoteInputError("votes: some tables have an 'item' column and some do not; give it in all or none")
    fields = _REQUIRED + (("item",) if all(has_item) else ())
    cat = {k: np.concatenate([np.asarray(p[k]) for p in parts]) if len(parts) > 1 else np.asarray(parts[0][k])
           for k in fields}
    n = len(cat["vote"])
    if n == 0:
        raise VoteInputError("votes: the table is empty; expected one row per state per roll call")

    code = _vote_codes(cat["vote"])

    session_raw = cat["session"]
    if session_raw.dtype.kind in "iu":
        session = session_raw.astype(np.int64)
    else:
        try:
            sf = np.asarray(session_raw, dtype=np.float64)
        except (TypeError, ValueError):
            bad = next(i for i, v in enumerate(session_raw.tolist()) if not _float_ok(v))
            raise VoteInputError(
                f"session: {_py(session_raw[bad])!r} at row {bad} is not a session number (an integer)"
            ) from None
        badmask = ~np.isfinite(sf) | (sf != np.round(sf))
        if badmask.any():
            bad = int(np.flatnonzero(badmask)[0])
            raise VoteInputError(
                f"session: {_py(session_raw[bad])!r} at row {bad} is not a session number (an integer); "
                f"{int(badmask.sum())} such rows"
            )
        session = sf.astype(np.int64)

    state = cat["state"]
    if state.dtype.kind == "U":
        nulls = np.char.strip(state) == ""
    else:
        nulls = np.array([v is None or (isinstance(v, float) and v != v) or str(v).strip() == ""
                          for v in state.tolist()], dtype=bool)
    if nulls.any():
        bad = int(np.flatnonzero(nulls)[0])
        raise VoteInputError(
            f"state: no state code at row {bad} ({int(nulls.sum())} such rows); every vote needs the state that cast it"
        )
    state = np.char.strip(state.astype(str)).astype(object)

    rcid = cat["rcid"]
    if rcid.dtype.kind == "f":
        if np.isnan(rcid).any():
            bad = int(np.flatnonzero(np.isnan(rcid))[0])
            raise VoteInputError(f"rcid: no roll-call id at row {bad}")
    elif rcid.dtype.kind == "O":
        rnull = np.array([v is None for v in rcid.tolist()])
        if rnull.any():
            raise VoteInputError(f"rcid: no roll-call id at row {int(np.flatnonzero(rnull)[0])}")
        rcid = rcid.astype(str)

    # one session per roll call
    ru, rinv = np.unique(rcid, return_inverse=True)
    smin = np.full(len(ru), np.iinfo(np.int64).max)
    smax = np.full(len(ru), np.iinfo(np.int64).min)
    np.minimum.at(smin, rinv, session)
    np.maximum.at(smax, rinv, session)
    split = smin != smax
    if split.any():
        r = int(np.flatnonzero(split)[0])
        raise VoteInputError(
            f"rcid: roll call {_py(ru[r])!r} is listed in sessions {int(smin[r])} and {int(smax[r])}; "
            "a roll call belongs to one session"
        )

    item = None
    if "item" in cat:
        raw_item = cat["item"].astype(object)
        item = np.array([f"rcid:{r}" if (v is None or (isinstance(v, float) and v != v) or str(v) == "")
                         else f"item:{v}" for v, r in zip(raw_item.tolist(), rcid.tolist())], dtype=object)

    keep = code > 0
    n_missing = int((~keep).sum())
    if not keep.any():
        raise VoteInputError(
            f"vote: none of the {n} rows is a vote (all are absent, not a member or null); "
            "expected some 1 yes, 2 abstain or 3 no"
        )
    session, rcid, state, code = session[keep], rcid[keep], state[keep], code[keep]
    if item is not None:
        item = item[keep]

    # one vote per state per roll call
    su, sinv = np.unique(state.astype(str), return_inverse=True)
    _, rinv = np.unique(rcid, return_inverse=True)
    key = rinv.astype(np.int64) * len(su) + sinv
    uk, first, counts = np.unique(key, return_index=True, return_counts=True)
    if (counts > 1).any():
        i = int(first[np.flatnonzero(counts > 1)[0]])
        raise VoteInputError(
            f"votes: state {state[i]!r} has {int(counts.max())} votes on roll call {_py(rcid[i])!r}; "
            "expected one row per state per roll call"
        )
    return VoteData(session, rcid, state, code.astype(np.int8), n_missing, item)


def _py(v: Any) -> Any:
    """A NumPy scalar as the Python value it holds, so that messages show 10, not np.int64(10)."""
    return v.item() if isinstance(v, np.generic) else v


def _float_ok(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True
