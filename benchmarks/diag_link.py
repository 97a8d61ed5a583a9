"""Diagnostic (not a benchmark, not an estimator): what limits the link across sessions against BSV.

    .venv/bin/python benchmarks/diag_link.py   # one first stage of sessions 1-74 (5 min on the loaded 2-core machine)

Reads ../shared/data (the unvotes files and the published BSV estimates); writes nothing; prints a
Markdown report for docs/ideal-points.md (*Linking the sessions*). It runs the two-stage estimate of
sessions 1-74 once, keeping the link's inputs (each session's first-stage ideal points, their
information, each roll call's ``a`` and ``b``) and the smoother, then puts the sessions on one scale
in several ways and smooths each, exactly as ``estimate_ideal_points`` does after its link:

1. **Bounds that use BSV** (so they are not estimates, only what a perfect link could reach): each
   session's first-stage points given BSV's mean and SD of that session (``x * sd_bsv + mean_bsv``),
   and BSV's mean only. If these bounds stay below 0.97, no link can reach it.
2. **The bridges the roll calls offer**: the project's rule (identical descriptions,
   :func:`allegiance.measure.data.votes.bridge_items_sql`) and a text-similarity matcher written
   here (descriptions with document symbols, numbers and abbreviations normalised, ``rapidfuzz``
   ratio >= 90 and >= 80 % of the content words shared, at least 3 of them; and three looser ones that
   also require the same ``short`` title), counted by era.
3. **Links from those bridges**: :func:`allegiance.measure.ideal.link.link_sessions` with each set,
   and a least-squares link with a robust (Huber) weight on each bridge and the consecutive states'
   mean as a soft equation. Every variant is printed: none is picked by its fit to BSV.

BSV are used to score, never as an input of a link (only the bounds of part 1 read them).
"""

from __future__ import annotations

import math
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from allegiance.measure.ideal import estimate as _est  # noqa: E402
from allegiance.measure.ideal import link as _link  # noqa: E402
from allegiance.measure.ideal.validate import read_bsv, read_unvotes  # noqa: E402
from _common import machine  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ERAS = ((1, 30), (31, 45), (46, 74))


# --- 0. one first stage, its link inputs kept ---------------------------------------------------------

def first_stage(votes: dict) -> dict:
    """Run the two-stage estimate with every roll call keyed by its own id (so each session's ``a`` and
    ``b`` come back per rcid) and keep the link's inputs and the smoother's arguments."""
    kept: dict = {}
    real_link, real_smooth = _link.link_sessions, _est._smooth

    def keep_link(x, info, have, items, *, link, evolution_variance):
        kept.update(x=x.copy(), info=info.copy(), have=have.copy(), items=items)
        return np.ones(x.shape[0]), np.zeros(x.shape[0]), {"state_pairs": 0, "bridge_items": 0}

    def keep_smooth(B, prob, prec, h, settings, *, want_var=False):
        kept.update(B=B, prob=prob, settings=settings)
        return real_smooth(B, prob, prec, h, settings, want_var=want_var)

    own = {k: votes[k] for k in ("session", "rcid", "state", "vote")}
    own["item"] = np.array([f"rc{r}" for r in votes["rcid"]], dtype=object)
    _link.link_sessions, _est._smooth = keep_link, keep_smooth
    try:
        _est.estimate_ideal_points(own, link="bridges")
    finally:
        _link.link_sessions, _est._smooth = real_link, real_smooth
    kept["par"] = {int(str(k).rsplit("rc", 1)[1]): (t, aj, bj)
                   for t, (keys, a, b) in enumerate(kept["items"])
                   for k, aj, bj in zip(keys.tolist(), a.tolist(), b.tolist())}
    return kept


def smoothed(st: dict, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The smoothed ideal points after the map ``X = c x + d``, as ``_two_stage_fit`` computes them."""
    x, have = st["x"], st["have"]
    y = np.where(have, c[:, None] * x + d[:, None], 0.0)
    prec = st["info"] / (c[:, None] ** 2)
    ms, _ = _est._smooth(st["B"], st["prob"], prec, prec * y, st["settings"], want_var=True)
    return np.where(have, np.asarray(st["B"].to_numpy(ms)), np.nan)


def score(st: dict, grid: np.ndarray, bsv_grid: np.ndarray):
    """(r overall, per-session min, r of the session means, our session means, BSV's), both series
    standardised over all their state-sessions as bench_ideal_scale.py does."""
    have = st["have"]
    both = have & ~np.isnan(bsv_grid)
    r = float(np.corrcoef(grid[both], bsv_grid[both])[0, 1])
    per = [np.corrcoef(grid[k, both[k]], bsv_grid[k, both[k]])[0, 1] for k in range(grid.shape[0])
           if both[k].sum() >= 10]
    ours = (grid - grid[have].mean()) / grid[have].std()
    vals = bsv_grid[~np.isnan(bsv_grid)]
    theirs = (bsv_grid - vals.mean()) / vals.std()
    with np.errstate(invalid="ignore"):
        mo = np.array([np.nanmean(ours[k]) if have[k].any() else np.nan for k in range(grid.shape[0])])
        mb = np.array([np.nanmean(theirs[k]) if (~np.isnan(theirs[k])).any() else np.nan
                       for k in range(grid.shape[0])])
    ok = ~np.isnan(mo) & ~np.isnan(mb)
    return r, float(min(per)), float(np.corrcoef(mo[ok], mb[ok])[0, 1]), mo, mb


# --- 2. bridges ---------------------------------------------------------------------------------------

_STOP = set("a an the of on in to for and or by with at from as its it their that this these those be is are "
            "was were said which who re into upon all any adopt draft resolution resolutions committee general "
            "assembly whole recommendation recommendations proposal text".split())


def _normalise(text: str) -> str:
    s = text.lower()
    s = re.sub(r"\b[a-z]{1,3}/[a-z0-9./-]*", " ", s)  # document symbols: a/1426, a/l.224, a/c.1/l.5
    s = re.sub(r"\bresol\b|\bres\b", "resolution", s)
    s = re.sub(r"\bcomm\b", "committee", s)
    s = re.sub(r"\bparag?\b", "paragraph", s)
    s = re.sub(r"\d+(st|nd|rd|th)?", " ", s)  # numbers, years, ordinals
    s = re.sub(r"[^a-z ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def similar_pairs(calls: list[tuple[int, int, str, str]], *, ratio: int = 90, shared: float = 0.8,
                  token_set: bool = False, same_title: bool = False) -> list[tuple[int, int]]:
    """``(rcid, earlier rcid)``: each roll call linked to its most similar description in the latest
    earlier session that has one: ``rapidfuzz`` ratio (or token-set ratio) >= ``ratio``, Jaccard of the
    content words >= ``shared``, and, with ``same_title``, the same ``short`` title."""
    from rapidfuzz import fuzz, process

    rcid = np.array([c[0] for c in calls])
    sess = np.array([c[1] for c in calls])
    norm = [_normalise(c[2]) for c in calls]
    title = [re.sub(r"\s+", " ", (c[3] or "").strip().lower()) for c in calls]
    words = [frozenset(w for w in n.split() if w not in _STOP and len(w) > 1) for n in norm]
    sim = process.cdist(norm, norm, scorer=fuzz.token_set_ratio if token_set else fuzz.ratio, workers=1,
                        dtype=np.uint8)
    out = []
    for i in range(len(calls)):
        if len(words[i]) < 3:
            continue
        best = None
        for j in np.flatnonzero((sim[i] >= ratio) & (sess < sess[i])):
            if same_title and (not title[i] or title[i] != title[j]):
                continue
            if len(words[j]) < 3 or len(words[i] & words[j]) / len(words[i] | words[j]) < shared:
                continue
            key = (sess[j], sim[i, j])
            if best is None or key > best[0]:
                best = (key, j)
        if best is not None:
            out.append((int(rcid[i]), int(rcid[best[1]])))
    return out


def verbatim_pairs(votes: dict) -> list[tuple[int, int]]:
    """The project's bridges (identical descriptions, one key) as ``(rcid, previous rcid with the key)``."""
    first = {}
    for r, s, k in zip(votes["rcid"].tolist(), votes["session"].tolist(), votes["item"].tolist()):
        if k is not None:
            first.setdefault(r, (s, k))
    by_key: dict = {}
    for r, (s, k) in sorted(first.items(), key=lambda kv: (kv[1][0], kv[0])):
        by_key.setdefault(k, []).append(r)
    return [(rs[i], rs[i - 1]) for rs in by_key.values() for i in range(1, len(rs))]


def keys_of(pairs: list[tuple[int, int]]) -> dict[int, str]:
    """Bridging keys for link_sessions: the pairs' connected groups."""
    parent: dict[int, int] = {}

    def root(v: int) -> int:
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    for i, j in pairs:
        parent[root(i)] = root(j)
    return {r: f"g{root(r)}" for p in pairs for r in p}


def _scatter(st: dict, pairs: list[tuple[int, int]], c: np.ndarray, d: np.ndarray, session_of: dict,
             first: int, last: int) -> tuple[int, float]:
    """(bridges used, robust SD of their midpoint's move on the linked scale) for the later roll calls of
    sessions ``first``-``last``."""
    moves = []
    for i, j in pairs:
        if not first <= session_of[i] <= last:
            continue
        (t, at, bt), (u, au, bu) = st["par"][i], st["par"][j]
        if abs(bt) >= 0.3 and abs(bu) >= 0.3 and np.sign(bt) == np.sign(bu):
            mt, mu = (0.5 - at) / bt, (0.5 - au) / bu
            if abs(mt) <= 3 and abs(mu) <= 3:
                moves.append(c[t] * mt + d[t] - c[u] * mu - d[u])
    if not moves:
        return 0, float("nan")
    m = np.asarray(moves)
    return len(m), float(1.4826 * np.median(np.abs(m - np.median(m))))


# --- 3. a robust least-squares link --------------------------------------------------------------------

def _solve(T: int, rows: list[tuple[int, int, float, float, bool]], huber: float | None) -> np.ndarray:
    """``v_t - v_u = value`` with SD ``sigma`` each (v_0 = 0); Huber-reweighted where ``robust``."""
    t_ = np.array([r[0] for r in rows])
    u_ = np.array([r[1] for r in rows])
    val = np.array([r[2] for r in rows])
    sig = np.array([r[3] for r in rows])
    rob = np.array([r[4] for r in rows])
    A = np.zeros((len(rows), T))
    A[np.arange(len(rows)), t_] += 1.0
    A[np.arange(len(rows)), u_] -= 1.0
    A = A[:, 1:]
    w = 1.0 / sig
    for _ in range(50 if huber else 1):
        sol = np.linalg.lstsq(np.vstack([A * w[:, None], 1e-6 * np.eye(T - 1)]),
                              np.concatenate([val * w, np.zeros(T - 1)]), rcond=None)[0]
        if huber:
            z = np.abs(A @ sol - val) / sig
            w = np.where(rob, np.sqrt(np.where(z <= huber, 1.0, huber / np.maximum(z, 1e-12))) / sig, 1.0 / sig)
    return np.concatenate([[0.0], sol])


def robust_link(st: dict, pairs: list[tuple[int, int]], *, state_sd: float, items_in_scale: bool,
                huber: float = 1.0, item_sd: float = 0.3) -> tuple[np.ndarray, np.ndarray, int]:
    """``(c, d, bridges used)``: scales from the consecutive states' spread (and the bridges' ``b``),
    centres from the bridges' midpoints and, with SD ``state_sd`` per session, the states' mean."""
    x, info, have = st["x"], st["info"], st["have"]
    T = x.shape[0]
    scale, shift = [], []
    for t in range(1, T):
        both = have[t] & have[t - 1]
        if both.sum() < 3:
            continue
        var = 1.0 / np.maximum(info[t, both], 1e-12) + 1.0 / np.maximum(info[t - 1, both], 1e-12)
        w = 1.0 / (var + st["settings"].evolution_variance)
        w = w / w.sum()
        xt, xu = x[t, both], x[t - 1, both]
        mt, mu = float(w @ xt), float(w @ xu)
        scale.append((t, t - 1, math.log(math.sqrt(w @ (xu - mu) ** 2) / math.sqrt(w @ (xt - mt) ** 2)), 0.05,
                      False))
        shift.append((t, t - 1, mt, mu, state_sd, False))
    n = 0
    for i, j in pairs:
        (t, at, bt), (u, au, bu) = st["par"][i], st["par"][j]
        if t == u or abs(bt) < 0.3 or abs(bu) < 0.3 or np.sign(bt) != np.sign(bu):
            continue
        mt, mu = (0.5 - at) / bt, (0.5 - au) / bu
        if abs(mt) > 3 or abs(mu) > 3:
            continue
        n += 1
        if items_in_scale:
            scale.append((t, u, math.log(bt / bu), item_sd, True))
        shift.append((t, u, mt, mu, item_sd, True))
    c = np.exp(_solve(T, scale, huber))
    d = _solve(T, [(t, u, c[u] * mu - c[t] * mt, s, r) for t, u, mt, mu, s, r in shift], huber)
    X = (c[:, None] * x + d[:, None])[have]
    return c / X.std(), (d - X.mean()) / X.std(), n


# --- the report ---------------------------------------------------------------------------------------

def main() -> None:
    import duckdb

    print("# The link across sessions: what limits it (diagnostic)\n")
    print(f"Machine: {machine()}\n")
    votes = read_unvotes(DATA, bridge=True)
    bsv = read_bsv(DATA)
    t0 = time.perf_counter()
    st = first_stage(votes)
    print(f"- first stage of sessions 1-74 and its link inputs: {time.perf_counter() - t0:.1f} s\n")
    T, S = st["x"].shape
    states, sessions = st["prob"].states, [int(s) for s in st["prob"].sessions]
    col = {s: i for i, s in enumerate(states)}
    bsv_grid = np.full((T, S), np.nan)
    for (state, session), b in bsv.items():
        if state in col and session in sessions:
            bsv_grid[sessions.index(session), col[state]] = b["ideal_point"]
    rows = []
    theirs = np.zeros(T)

    def add(label: str, c: np.ndarray, d: np.ndarray, note: str = "") -> None:
        r, lo, rm, mo, mb = score(st, smoothed(st, c, d), bsv_grid)
        rows.append((label, r, lo, rm, mo, note))
        theirs[:] = mb

    # 1. bounds
    both = st["have"] & ~np.isnan(bsv_grid)
    oc, od = np.full(T, np.nan), np.full(T, np.nan)
    for k in range(T):
        if both[k].sum() >= 3:
            xs, bs = st["x"][k, both[k]], bsv_grid[k, both[k]]
            oc[k], od[k] = bs.std() / xs.std(), bs.mean() - bs.std() / xs.std() * xs.mean()
    miss = np.isnan(oc)  # a session BSV do not cover (session 19: one roll call) keeps its neighbours' map
    oc[miss] = np.interp(np.flatnonzero(miss), np.flatnonzero(~miss), oc[~miss])
    od[miss] = np.interp(np.flatnonzero(miss), np.flatnonzero(~miss), od[~miss])
    add("bound: BSV's mean and SD per session", oc, od, "uses BSV")
    add("bound: BSV's mean per session (c = 1)", np.ones(T), od / oc, "uses BSV")

    # 2. bridges
    con = duckdb.connect()
    calls = con.execute(f"SELECT rcid::BIGINT, session::BIGINT, descr, short FROM read_csv("
                        f"'{DATA}/unvotes/un_roll_calls.csv.gz', header=true, all_varchar=true) "
                        "WHERE descr IS NOT NULL ORDER BY rcid").fetchall()
    con.close()
    verbatim = verbatim_pairs(votes)
    t0 = time.perf_counter()
    similar = similar_pairs(calls)
    t_match = time.perf_counter() - t0
    titled = {th: similar_pairs(calls, ratio=th, shared=sh, token_set=True, same_title=True)
              for th, sh in ((90, 0.8), (85, 0.7), (80, 0.6))}
    session_of = {r: s for r, s, *_ in calls}
    print("Bridges (roll calls linked to an earlier one), by the session of the later roll call:\n")
    print("| bridges | " + " | ".join(f"sessions {a}-{b}" for a, b in ERAS)
          + " | usable (\\|b\\| ≥ 0.3 both, same sign, \\|m\\| ≤ 3) |")
    print("|---|" + "---|" * (len(ERAS) + 1))
    sets = [("identical descriptions (the project's rule)", verbatim),
            (f"similar descriptions (this script's matcher, {t_match:.0f} s)", similar)]
    sets += [(f"same short title, token-set ratio >= {th}, content words shared >= {sh:.0%}", titled[th])
             for th, sh in ((90, 0.8), (85, 0.7), (80, 0.6))]
    for label, pairs in sets:
        by = [sum(1 for i, _ in pairs if a <= session_of[i] <= b) for a, b in ERAS]
        usable = robust_link(st, pairs, state_sd=0.05, items_in_scale=False)[2]
        print(f"| {label} | " + " | ".join(f"{n:,}" for n in by) + f" | {usable:,} |")
    print()

    # how well a resolution put again keeps its midpoint and its discrimination, on the linked scale
    keys = keys_of(verbatim)
    items = [(np.array([keys.get(int(str(k).rsplit("rc", 1)[1])) for k in ks.tolist()], dtype=object), a, b)
             for ks, a, b in st["items"]]
    c, d, _ = _link.link_sessions(st["x"], st["info"], st["have"], items, link="bridges",
                                  evolution_variance=st["settings"].evolution_variance)
    dm, db = [], []
    for i, j in verbatim:
        (t, at, bt), (u, au, bu) = st["par"][i], st["par"][j]
        if abs(bt) >= 0.3 and abs(bu) >= 0.3 and np.sign(bt) == np.sign(bu):
            mt, mu = (0.5 - at) / bt, (0.5 - au) / bu
            if abs(mt) <= 3 and abs(mu) <= 3:
                dm.append(c[t] * mt + d[t] - c[u] * mu - d[u])
                db.append(math.log((bt / c[t]) / (bu / c[u])))

    def mad(v: list[float]) -> float:
        return float(1.4826 * np.median(np.abs(np.asarray(v) - np.median(v))))

    print(f"On the scale of link_sessions bridges (identical descriptions), a resolution put to the vote again "
          f"moves its midpoint by {mad(dm):.2f} (robust SD, in SDs of all state-sessions) and its discrimination "
          f"by a factor of e^±{mad(db):.2f} = {math.exp(mad(db)):.2f}.\n")

    # 3. links
    scatter: dict[str, list[tuple[int, float]]] = {}
    for link in ("none", "states"):
        c, d, _ = _link.link_sessions(st["x"], st["info"], st["have"], None, link=link,
                                      evolution_variance=st["settings"].evolution_variance)
        add(f"link_sessions {link}", c, d)
    for label, pairs in [("identical", verbatim), ("similar", similar)] + [
            (f"same title, token-set >= {th}", titled[th]) for th in (90, 85, 80)]:
        keys = keys_of(pairs)
        items = [(np.array([keys.get(int(str(k).rsplit("rc", 1)[1])) for k in ks.tolist()], dtype=object), a, b)
                 for ks, a, b in st["items"]]
        c, d, _ = _link.link_sessions(st["x"], st["info"], st["have"], items, link="bridges",
                                      evolution_variance=st["settings"].evolution_variance)
        add(f"link_sessions bridges, {label}", c, d)
        scatter[label] = [_scatter(st, pairs, c, d, session_of, a, b) for a, b in ((1, 30), (31, 74))]
        if label.startswith("same title"):
            continue
        for state_sd in (0.02, 0.05, 0.1):
            for in_scale in (True, False):
                c, d, _ = robust_link(st, pairs, state_sd=state_sd, items_in_scale=in_scale)
                also = " and bridges" if in_scale else ""
                add(f"Huber, {label}, states' mean SD {state_sd}, scale from states{also}", c, d)
    print("How far a bridge's midpoint moves on the scale of link_sessions bridges with those bridges "
          "(robust SD, in SDs of all state-sessions; bridges used):\n")
    print("| bridges | sessions 1-30 | sessions 31-74 |")
    print("|---|---|---|")
    for label, eras in scatter.items():
        print(f"| {label} | " + " | ".join(f"{v:.2f} ({n})" if n else "- (0)" for n, v in eras) + " |")
    print()
    show = (1, 5, 10, 20, 30, 40, 50, 60, 74)
    idx = [sessions.index(s) for s in show]
    print("| link | r overall | per-session min | r of the session means | " + " | ".join(str(s) for s in show) + " |")
    print("|---|---|---|---|" + "---|" * len(show))
    print("| BSV | | | | " + " | ".join(f"{theirs[k]:+.2f}" for k in idx) + " |")
    for label, r, lo, rm, mo, note in rows:
        print(f"| {label}{' (' + note + ')' if note else ''} | {r:.3f} | {lo:.3f} | {rm:.2f} | "
              + " | ".join(f"{mo[k]:+.2f}" for k in idx) + " |")


if __name__ == "__main__":
    main()
