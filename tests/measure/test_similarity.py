"""Agreement, S, kappa and pi against values computed by hand on the fixture's votes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from allegiance.measure.similarity import (
    all_pairs,
    bootstrap_counts,
    counts_pair,
    measures_from_counts,
    wilson_interval,
)

# Session 1 of tests/fixtures/measure/published.csv (1 yes, 2 abstain, 3 no, 0 missing):
#            rc1 rc2 rc3 rc4 rc5
USA = [1, 1, 3, 2, 1]
SUN = [1, 3, 3, 1, 3]
BLR = [1, 3, 3, 2, 0]  # absent on rc5
CUB = [1, 2, 3, 2, 1]


def m(x, y):
    return {k: float(v) for k, v in measures_from_counts(counts_pair(np.array(x), np.array(y))).items()}


def test_usa_sun_by_hand():
    # Pairs: (1,1) d0, (1,3) d2, (3,3) d0, (2,1) d1, (1,3) d2 -> n 5, same 2, sum d 5.
    # agree = 2/5; S = 1 - 2*5/(5*2) = 0.
    # USA marginals r = (3, 1, 1)/5; SUN c = (2, 0, 3)/5.
    # D_o = 5/5 = 1.
    # D_e(kappa) = sum r_a c_b |a-b| = .6*(.4*0 + 0*1 + .6*2) + .2*(.4*1 + 0 + .6*1) + .2*(.4*2 + 0 + 0)
    #            = .72 + .20 + .16 = 1.08  -> kappa = 1 - 1/1.08 = 2/27.
    # pooled q = (.5, .1, .4): D_e(pi) = 2*(.5*.1*1 + .1*.4*1 + .5*.4*2) = 2*.49 = .98 -> pi = 1 - 1/.98 = -1/49.
    got = m(USA, SUN)
    assert got["n"] == 5
    assert got["agree"] == pytest.approx(2 / 5)
    assert got["s"] == pytest.approx(0.0)
    assert got["kappa"] == pytest.approx(2 / 27)
    assert got["pi"] == pytest.approx(-1 / 49)


def test_usa_cub_by_hand():
    # Pairs: (1,1), (1,2) d1, (3,3), (2,2), (1,1) -> n 5, same 4, sum d 1: agree .8, S = 1 - 2*1/10 = .8.
    # r (USA) = (.6, .2, .2), c (CUB) = (.4, .4, .2); D_o = .2.
    # D_e(kappa) = .6*(0 + .4 + .4) + .2*(.4 + 0 + .2) + .2*(.8 + .4 + 0) = .48 + .12 + .24 = .84 -> 1 - .2/.84 = 16/21.
    # q = (.5, .3, .2): D_e(pi) = 2*(.15 + .06 + .5*.2*2) = .82 -> pi = 1 - .2/.82 = 31/41.
    got = m(USA, CUB)
    assert (got["agree"], got["s"]) == (pytest.approx(0.8), pytest.approx(0.8))
    assert got["kappa"] == pytest.approx(16 / 21)
    assert got["pi"] == pytest.approx(31 / 41)


def test_sun_blr_skips_the_absence():
    # Joint roll calls 1-4: (1,1), (3,3), (3,3), (1,2) -> n 4, agree .75, sum d 1, S = 1 - 2/8 = .75.
    # r (SUN) = (.5, 0, .5), c (BLR) = (.25, .25, .5); D_o = .25.
    # D_e(kappa) = .5*(0 + .25 + 2*.5) + .5*(2*.25 + .25 + 0) = .625 + .375 = 1 -> kappa = .75.
    # q = (.375, .125, .5): D_e(pi) = 2*(.375*.125 + .125*.5 + 2*.375*.5) = .96875 -> pi = 1 - .25/.96875 = 23/31.
    got = m(SUN, BLR)
    assert got["n"] == 4
    assert got["agree"] == pytest.approx(0.75) and got["s"] == pytest.approx(0.75)
    assert got["kappa"] == pytest.approx(0.75)
    assert got["pi"] == pytest.approx(23 / 31)


def test_identical_votes_are_one_and_a_single_category_is_undefined():
    same = m([1, 3, 2, 1], [1, 3, 2, 1])
    assert same["agree"] == same["s"] == same["kappa"] == same["pi"] == 1.0
    # Both always vote yes: D_e = 0, so kappa and pi are undefined (Häge 2011), agreement and S are 1.
    flat = m([1, 1, 1], [1, 1, 1])
    assert flat["agree"] == 1.0 and flat["s"] == 1.0
    assert math.isnan(flat["kappa"]) and math.isnan(flat["pi"])
    # Opposite on every roll call: S = -1.
    assert m([1, 3], [3, 1])["s"] == -1.0


def test_no_joint_vote_gives_n_zero():
    got = m([1, 0, 2], [0, 3, 0])
    assert got["n"] == 0 and math.isnan(got["agree"])


def test_all_pairs_equals_the_pair_formula():
    votes = np.array([USA, SUN, BLR, CUB], dtype=np.int8)
    every = all_pairs(votes)
    for i, x in enumerate(votes):
        for j, y in enumerate(votes):
            one = m(x, y)
            for key in ("n", "agree", "s", "kappa", "pi"):
                a, b = every[key][i, j], one[key]
                assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), (i, j, key)
    assert every["kappa"][0, 1] == pytest.approx(2 / 27)


def test_all_pairs_on_random_votes_matches_pairwise():
    rng = np.random.default_rng(5)
    votes = rng.integers(0, 4, size=(30, 60)).astype(np.int8)
    every = all_pairs(votes)
    for i, j in [(0, 1), (3, 17), (29, 2), (7, 7)]:
        one = m(votes[i], votes[j])
        for key in ("agree", "s", "kappa", "pi"):
            assert every[key][i, j] == pytest.approx(one[key])


def test_bootstrap_is_reproducible_and_centred():
    a = bootstrap_counts(np.array(USA * 10), np.array(CUB * 10), 200, seed=3)
    b = bootstrap_counts(np.array(USA * 10), np.array(CUB * 10), 200, seed=3)
    assert np.array_equal(a, b) and a.shape == (200, 3, 3)
    assert (a.sum(axis=(1, 2)) == 50).all()
    agree = measures_from_counts(a)["agree"]
    assert 0.7 < agree.mean() < 0.9


def test_wilson_interval_known_value():
    # Wilson (1927): 8 of 10 at 95% -> (0.4902, 0.9433), as in standard tables.
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
