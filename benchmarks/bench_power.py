"""Benchmarks of exact voting power (allegiance.rules.power). Writes nothing; prints a Markdown report.

    .venv/bin/python benchmarks/bench_power.py            # all figures, for docs/performance.md (~1 min)
    .venv/bin/python benchmarks/bench_power.py --quick    # fewer repetitions, powerindex's Shapley-Shubik left out

Targets (issue 3): exact Banzhaf and Shapley-Shubik indices of the 27-member
EU Council (double majority with the blocking-minority rule) under 100 ms
median; on the single-weight version of that game (population only, 65 %
quota, the same integer populations for both) at least 5x faster than the
`powerindex` package, run side by side here; veto players and minimal
winning coalitions of a 64-member consensus body under 10 ms.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import header, quick_flag, timed  # noqa: E402
from allegiance.rules.power import (  # noqa: E402
    EU27_POPULATION,
    WeightedGame,
    eu_council_qmv,
    minimal_winning_coalitions,
    power_indices,
    unanimity,
    veto_players,
)
from allegiance.rules.power.compile import _compiled  # noqa: E402
from allegiance.rules.power.swings import _choose_method  # noqa: E402


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.1f} s"


def chosen_method(game) -> str:
    return _choose_method(_compiled(game))


def main() -> None:
    quick = quick_flag(__doc__)
    reps = 5 if quick else 21
    print(header("Power indices benchmark"))

    # -- EU Council, double majority + blocking minority ------------------------------------
    print("## EU Council, 27 members: (55 % of states AND 65 % of population) OR fewer than 4 against\n")
    for unit, label in ((1, "populations in people"), (1000, "populations in thousands")):
        game = eu_council_qmv(EU27_POPULATION, unit=unit)
        power_indices(game)  # warm (NumPy, allocations)
        times, pi = timed(lambda g=game: power_indices(eu_council_qmv(EU27_POPULATION, unit=unit)), reps)
        print(f"- exact Banzhaf + Shapley-Shubik, {label} (method `{chosen_method(game)}`, game built inside "
              f"the timing): median {ms(statistics.median(times))}, min {ms(min(times))}, {reps} runs; "
              f"target < 100 ms; Germany Banzhaf {float(pi.banzhaf['DE']):.5f}, Shapley-Shubik "
              f"{float(pi.shapley_shubik['DE']):.5f}")
    both = {m: power_indices(eu_council_qmv(EU27_POPULATION, unit=1000), method=m) for m in ("dp", "mitm")}
    print(f"- thousands, `dp` and `mitm` give identical exact results: {both['dp'] == both['mitm']}")

    # -- 64-member consensus body -----------------------------------------------------------
    print("\n## 64-member consensus body (unanimity)\n")
    body = [f"member-{i:02d}" for i in range(64)]

    def structure():
        g = unanimity(body)
        return veto_players(g), minimal_winning_coalitions(g)

    structure()
    times, (veto, mwc) = timed(structure, 200 if not quick else 50)
    assert len(veto) == 64 and mwc == [tuple(body)]
    print(f"- build game + veto players + minimal winning coalitions: median {ms(statistics.median(times))}, "
          f"p95 {ms(sorted(times)[int(len(times) * 0.95)])}, {len(times)} runs; target < 10 ms "
          f"({len(veto)} veto players, {len(mwc)} minimal winning coalition)")

    # -- single-weight version against powerindex --------------------------------------------
    unit = 1000
    weights = [(2 * p + unit) // (2 * unit) for p in EU27_POPULATION.values()]
    quota = -(-65 * sum(weights) // 100)
    print(f"\n## Single weight: population only, quota 65 % ([{quota}; 27 populations in thousands, "
          f"total {sum(weights)}])\n")
    single = WeightedGame(list(EU27_POPULATION), weights, quota)
    power_indices(single)
    ours, pi = timed(lambda: power_indices(WeightedGame(list(EU27_POPULATION), weights, quota)), reps)
    ours_med = statistics.median(ours)
    print(f"- allegiance `power_indices` (Banzhaf and Shapley-Shubik together, exact, method "
          f"`{chosen_method(single)}`): median {ms(ours_med)}, {reps} runs")
    try:
        import powerindex
    except ImportError:
        print("- powerindex is not installed (pip install -e '.[bench]'): comparison skipped")
        return
    pb_reps = 1 if quick else 3

    def pi_banzhaf():
        g = powerindex.Game(quota, weights=list(weights))
        g.calc_banzhaf()
        return g.banzhaf

    pb, ref_b = timed(pi_banzhaf, pb_reps)
    pb_med = statistics.median(pb)
    diff_b = max(abs(float(x) - y) for x, y in zip(pi.banzhaf.values(), ref_b))
    print(f"- powerindex 0.3.5 `calc_banzhaf` (pure Python, floats): median {ms(pb_med)}, {pb_reps} runs; "
          f"largest difference from ours {diff_b:.1e}")
    print(f"- **ratio, Banzhaf: powerindex / allegiance = {pb_med / ours_med:.0f}x** (ours computes both indices "
          f"in that time; target >= 5x)")
    if quick:
        print("- powerindex Shapley-Shubik left out with --quick (it takes ~35 s and ~1 GiB here)")
        return

    def pi_ss():
        g = powerindex.Game(quota, weights=list(weights))
        g.calc_shapley_shubik()
        return g.shapley_shubik

    ps, ref_s = timed(pi_ss, 1)
    diff_s = max(abs(float(x) - y) for x, y in zip(pi.shapley_shubik.values(), ref_s))
    print(f"- powerindex 0.3.5 `calc_shapley_shubik`: {ms(ps[0])}, 1 run; largest difference from ours {diff_s:.1e}")
    print(f"- **ratio, Shapley-Shubik: powerindex / allegiance = {ps[0] / ours_med:.0f}x**")
    print(f"- **ratio, both indices: powerindex / allegiance = {(pb_med + ps[0]) / ours_med:.0f}x**")


if __name__ == "__main__":
    main()
