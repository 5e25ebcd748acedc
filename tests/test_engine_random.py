"""The numba kernels against the plain-Python reference on thousands of random markets."""

import numpy as np
import pytest

from matchsim import Market, deferred_acceptance, is_stable
from matchsim.engine import deferred_acceptance_reference


def random_market(rng, n_a, n_p, max_cap=4, p_list=0.6):
    """Independent random lists: applicant a ranks each program with prob. p_list."""
    a_rows = []
    for _ in range(n_a):
        k = rng.binomial(n_p, p_list)
        a_rows.append(rng.permutation(n_p)[:k])
    p_rows = []
    for _ in range(n_p):
        k = rng.binomial(n_a, p_list)
        p_rows.append(rng.permutation(n_a)[:k])
    cap = rng.integers(0, max_cap + 1, n_p)
    return Market.from_lists(a_rows, p_rows, cap)


@pytest.mark.slow
@pytest.mark.parametrize("proposing", ["applicant", "program"])
def test_kernel_equals_reference_on_thousands_of_markets(proposing):
    rng = np.random.default_rng(20261122)
    for trial in range(2000):
        n_a = int(rng.integers(0, 40))
        n_p = int(rng.integers(1, 12))
        m = random_market(rng, n_a, n_p, p_list=rng.uniform(0.1, 0.9))
        got = deferred_acceptance(m, proposing).assignment
        want = deferred_acceptance_reference(m, proposing)
        assert np.array_equal(got, want), f"trial {trial}"


@pytest.mark.parametrize("proposing", ["applicant", "program"])
def test_larger_random_markets_are_stable(proposing):
    rng = np.random.default_rng(7)
    for _ in range(20):
        m = random_market(rng, 400, 60, max_cap=8, p_list=0.15)
        r = deferred_acceptance(m, proposing)
        assert is_stable(m, r.assignment)
        np.testing.assert_array_equal(r.assignment, deferred_acceptance_reference(m, proposing))


def test_applicant_proposing_weakly_better_for_every_applicant():
    rng = np.random.default_rng(11)
    for _ in range(30):
        m = random_market(rng, 60, 10, max_cap=5, p_list=0.5)
        ra = deferred_acceptance(m, "applicant")
        rp = deferred_acceptance(m, "program")
        big = np.iinfo(np.int32).max
        a_rank = np.where(ra.rank > 0, ra.rank, big)
        p_rank = np.where(rp.rank > 0, rp.rank, big)
        assert np.all(a_rank <= p_rank)
        np.testing.assert_array_equal(ra.filled, rp.filled)  # rural hospitals
