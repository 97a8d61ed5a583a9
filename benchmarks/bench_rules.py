"""Benchmarks of the rules engine (allegiance.rules). Prints a Markdown report.

    .venv/bin/python benchmarks/bench_rules.py           # for docs/performance.md (~30 s)
    .venv/bin/python benchmarks/bench_rules.py --quick

Targets (issue 3): `can` with its proof under 1 ms median (warm, library call);
vetoes of a 64-member consensus body under 10 ms; `verify` over the Union
State under 1 s. Issue 11: `can` with its proof at or under the median of
Cedar's `is_authorized` deciding the same rule (cedarpy, in the `bench` extra),
in paired runs. (Power indices: benchmarks/bench_power.py.)
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import header, quick_flag, timed  # noqa: E402

from allegiance.facts.load import default_kb_dir  # noqa: E402
from allegiance.facts.store import open_store  # noqa: E402
import allegiance.rules as api  # noqa: E402

# The same rule as union-state's bring-russian-forces-into-blr in a threatened period, as a Cedar user would
# write it: permit when the principal (a coalition) includes both states' consent and the mode allows it.
CEDAR_POLICY = """
permit (
    principal,
    action == Action::"bring-russian-forces-into-blr",
    resource == Arrangement::"union-state"
)
when {
    principal.consents.containsAll(["BLR", "RUS"]) &&
    (context.mode == "threatened-period" || context.mode == "wartime")
};
"""


def cedar_vs_can(rules, reps: int) -> None:
    """Paired runs: one `can` with its proof, one Cedar decision, alternating; medians and their ratio."""
    try:
        import cedarpy
    except ImportError:
        print("- `can` against Cedar: cedarpy is not installed (pip install -e '.[bench]'); skipped")
        return
    policies = cedarpy.PolicySet.from_str(CEDAR_POLICY)  # parsed once, as a service would
    entities = cedarpy.Entities.from_json_str(json.dumps([
        {"uid": {"type": "Coalition", "id": "blr-rus"}, "attrs": {"consents": ["BLR", "RUS"]}, "parents": []},
        {"uid": {"type": "Arrangement", "id": "union-state"}, "attrs": {}, "parents": []}]))
    request = {"principal": 'Coalition::"blr-rus"', "action": 'Action::"bring-russian-forces-into-blr"',
               "resource": 'Arrangement::"union-state"', "context": {"mode": "threatened-period"}}
    ask = dict(arrangement="union-state", mode="threatened-period", consent=["BLR", "RUS"])
    ours = api.can(rules, "bring-russian-forces-into-blr", **ask)
    theirs = cedarpy.is_authorized(request, policies, entities)
    assert ours["permitted"] is True and theirs.allowed is True, (ours["permitted"], theirs)
    a, b = [], []
    for _ in range(reps):
        t = time.perf_counter()
        api.can(rules, "bring-russian-forces-into-blr", **ask)
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        cedarpy.is_authorized(request, policies, entities)
        b.append(time.perf_counter() - t)
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"- `can` with its proof against Cedar (cedarpy {version('cedarpy')}, `is_authorized` on a pre-parsed "
          f"policy set and entities, no proof) on the same rule, {reps} paired runs: can {ma * 1e6:.1f} µs, "
          f"Cedar {mb * 1e6:.1f} µs (medians); ratio can/Cedar {ma / mb:.2f}; target <= 1")


def ms(xs: list[float]) -> str:
    return f"median {statistics.median(xs) * 1000:.3f} ms (p95 {sorted(xs)[int(len(xs) * 0.95)] * 1000:.3f} ms)"


def big_body_kb(tmp: Path, n: int = 64) -> Path:
    """The shipped knowledge base plus n generated states and an arrangement with an n-member consensus body."""
    kb = tmp / "kb"
    shutil.copytree(default_kb_dir(), kb)
    # ISO 3166's user-assigned range QMA-QZZ: never a real state's code (QAT, for one, is Qatar)
    codes = [f"Q{chr(77 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    lines = ["topic: generated states for the rules benchmark", "sources:",
             "  - {id: bench-source, type: dataset, title: Generated, author: benchmark, date: '2026'}",
             "entities:"]
    lines += [f"  - {{id: {c}, type: state, name: State {c}}}" for c in codes]
    lines += ["statements:",
              "  - id: bench-body-consensus", "    kind: fact", f"    subject: {codes[0]}", "    predicate: aim",
              "    value: neutrality", "    text: Generated.", "    valid_from: '2000'", "    sources:",
              "      - {source: bench-source, quote: generated for the benchmark}"]
    (kb / "zz-bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    members = "\n".join(f"      - {{player: {c}}}" for c in codes)
    (kb / "arrangements" / "zz-bench.yaml").write_text(f"""\
id: bench-64
name: A {n}-member consensus body
kind: alliance
parties: [{', '.join(codes)}]
described_as_of: "2020-01-01"
description: Generated.
basis: [bench-body-consensus]
bodies:
  - id: big-council
    name: Big council
    basis: [bench-body-consensus]
    members:
{members}
    rule: {{kind: consensus}}
actions:
  - id: act
    name: Act together
    provisions:
      - id: p
        requires: {{decision: big-council}}
        basis: [bench-body-consensus]
""", encoding="utf-8")
    return kb


def main() -> None:
    quick = quick_flag(__doc__)
    reps = 200 if quick else 1000
    print(header("Rules engine benchmark"))
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        store = open_store(cache_dir=tmp / "cache")
        t = time.perf_counter()
        rules = api.open_rules(store)
        print(f"- load and check every shipped arrangement ({len(rules.book.arrangements)}): "
              f"{(time.perf_counter() - t) * 1000:.1f} ms")
        ask = dict(arrangement="union-state", mode="threatened-period", consent=["BLR", "RUS"])
        api.can(rules, "bring-russian-forces-into-blr", **ask)  # warm the caches (BDDs, evidence)
        x, _ = timed(lambda: api.can(rules, "bring-russian-forces-into-blr", **ask), reps)
        print(f"- `can` with its proof (union-state, bring-russian-forces-into-blr, threatened period, consent "
              f"BLR+RUS), warm: {ms(x)}, {reps} calls; target < 1 ms")
        cedar_vs_can(rules, reps)
        x, _ = timed(lambda: api.can(rules, "bring-russian-forces-into-blr", arrangement="union-state"), reps // 4)
        print(f"- `can` in any mode, no consent set (possible? vetoes, coalitions, reaching the mode), warm: "
              f"{ms(x)}, {reps // 4} calls")
        x, _ = timed(lambda: (rules.memo.clear(), rules._games.clear(), api.verify(rules, "union-state",
                                                               "no-foreign-forces-without-blr-consent")), 20)
        res = api.verify(rules, "union-state", "no-foreign-forces-without-blr-consent")
        print(f"- `verify` no-foreign-forces-without-blr-consent over the Union State ({res['checked']} "
              f"action-mode-date cases, {len(res['dates'])} dates), a fresh BDD manager each run: {ms(x)}, 20 runs; target < 1 s")
        store.close()

        kb = big_body_kb(tmp)
        store = open_store(kb, cache_dir=tmp / "cache64")
        rules = api.open_rules(store)
        x, _ = timed(lambda: (rules.memo.clear(), rules._games.clear(), api.vetoes(rules, "bench-64")), 50)
        out = api.vetoes(rules, "bench-64")
        body = out["bodies"][0]
        assert len(body["veto_players"]) == 64 and body["minimal_winning_coalitions_count"] == 1
        print(f"- `vetoes` of a 64-member consensus body (veto players, veto states, minimal winning "
              f"coalitions, acting alone, for the body and its one action), a fresh BDD manager each run: {ms(x)}, 50 runs; "
              f"target < 10 ms")
        store.close()


if __name__ == "__main__":
    main()
