"""The audit: its incremental answer equals a full re-match, and without couples nobody gains."""

import numpy as np
import pytest

from matchsim import Market, deferred_acceptance
from matchsim.engine.audit import audit, candidate_lists, n_candidate_lists
from tests.test_lattice import random_market


def full_rematch(market, a, programs):
    """What applicant a gets by submitting ``programs``, by running the whole match again."""
    return int(deferred_acceptance(market.with_applicant_list(a, programs)).assignment[a])


@pytest.mark.parametrize("max_short", [0, 2])
def test_incremental_equals_full_rematch_on_thousands_of_markets(max_short):
    rng = np.random.default_rng(11 + max_short)
    checked = 0
    for trial in range(1500 if max_short == 0 else 400):
        m = random_market(rng, int(rng.integers(1, 9)), int(rng.integers(1, 6)), max_cap=3, p_list=0.8)
        res = audit(m, max_short=max_short, record=True)
        k = 0
        for a in range(m.n_applicants):
            lst = m.applicant_prefs(a)
            for _, places in candidate_lists(lst.size, max_short):
                assert res.outcomes[k] == full_rematch(m, a, lst[list(places)]), (trial, a, places)
                k += 1
                checked += 1
        assert k == res.outcomes.size == res.n_candidates
        assert res.n_gainers == 0  # strategy-proofness (Dubins-Freedman 1981; Roth 1982)
    assert checked > 10_000


def test_candidate_counts_match_the_enumeration():
    for n in range(6):
        for s in range(4):
            assert sum(1 for _ in candidate_lists(n, s)) == n_candidate_lists(n, s)


def test_threads_and_subsets_give_the_same_answer():
    rng = np.random.default_rng(5)
    m = random_market(rng, 40, 8, max_cap=4, p_list=0.6)
    one = audit(m, record=True)
    two = audit(m, record=True, threads=2)
    assert np.array_equal(one.outcomes, two.outcomes)
    some = audit(m, applicants=[3, 17, 30], record=True)
    assert np.array_equal(some.submitted, one.submitted[[3, 17, 30]])


def test_audit_finds_gains_when_true_preferences_differ():
    """Applicants who submitted a list out of their true order could gain: the audit must find them."""
    rng = np.random.default_rng(9)
    found = 0
    for trial in range(300):
        m = random_market(rng, 7, 4, max_cap=2, p_list=0.9)
        rows = [m.applicant_prefs(a)[::-1] for a in range(m.n_applicants)]  # truth: reversed lists
        ptr = np.zeros(m.n_applicants + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([r.size for r in rows])
        idx = np.concatenate(rows) if ptr[-1] else np.zeros(0, dtype=np.int32)
        res = audit(m, true_lists=(ptr, idx), max_short=1)
        for i, a in enumerate(res.applicants):
            truth = rows[a].tolist()
            sub = int(res.submitted[i])
            sub_place = truth.index(sub) if sub in truth else len(truth)
            # the best single-program list: the first program of the truth that a full re-match gives
            best = min((truth.index(p) for p in truth if full_rematch(m, a, [p]) == p), default=len(truth))
            assert res.gain[i] == max(sub_place - best, 0), (trial, a)
            if res.gain[i] > 0:
                assert full_rematch(m, a, list(res.best_list[i])) == res.best[i]
                found += 1
    assert found > 20


def test_bad_arguments():
    m = Market.from_lists([[0]], [[0]], [1])
    with pytest.raises(ValueError, match="max_short must be"):
        audit(m, max_short=-1)
    with pytest.raises(ValueError, match="applicant ids must be in 0..0"):
        audit(m, applicants=[4])


def test_couples_market_where_a_single_applicant_gains():
    """A market with a couple where a single applicant gains with a short list (seed 1643, found by search).

    The submitted lists' match is verified stable; with the better list the market has loops and the match
    the algorithm returns is not stable: the gain is what the algorithm would have done, which is what an
    applicant gets.
    """
    from matchsim.engine import nrmp_match
    from matchsim.engine.audit_couples import audit_nrmp
    from tests.nrmp_markets import random_nrmp_market

    m = random_nrmp_market(1643, n_singles=(2, 5), n_couples=(1, 2), n_programs=(2, 4), max_capacity=1,
                           max_pairs=12)
    res = audit_nrmp(m, max_short=2)
    assert res.gainers.tolist() == [3]
    i = int(np.flatnonzero(res.applicants == 3)[0])
    lst = m.applicant_prefs(3).tolist()
    assert nrmp_match(m).stable
    truthful = int(nrmp_match(m).assignment[3])
    better = int(nrmp_match(m.with_applicant_list(3, list(res.best_list[i]))).assignment[3])
    assert better == res.best[i] and lst.index(better) < (lst.index(truthful) if truthful in lst else len(lst))
    assert res.gain[i] == (lst.index(truthful) if truthful in lst else len(lst)) - lst.index(better)
    assert res.couples[i] == (0,)


def test_couples_audit_without_couples_finds_nobody():
    from matchsim.engine.audit_couples import audit_nrmp

    rng = np.random.default_rng(4)
    for _ in range(50):
        m = random_market(rng, 6, 4, max_cap=2, p_list=0.8)
        assert audit_nrmp(m, max_short=1).n_gainers == 0
