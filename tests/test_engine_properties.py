"""The theorems of two-sided matching, stated as property tests.

References: Gale & Shapley (1962); Roth & Sotomayor (1990), Two-Sided Matching
(ch. 5: the lattice of stable matchings, proposer-optimality, the rural hospitals theorem);
Dubins & Freedman (1981) and Roth (1982) for strategy-proofness.
"""

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchsim import UNMATCHED, deferred_acceptance, is_individually_rational, is_stable
from matchsim.engine import (
    applicant_optimal_brute,
    blocking_pairs,
    blocking_pairs_brute,
    deferred_acceptance_reference,
    is_feasible,
    UNRANKED,
    program_optimal_brute,
    receiver_ranks,
    stable_matchings_brute,
)
from tests.strategies import markets

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(markets(), st.sampled_from(["applicant", "program"]))
def test_da_is_stable_rational_and_within_capacity(m, proposing):
    r = deferred_acceptance(m, proposing)
    assert is_feasible(m, r.assignment)
    assert is_individually_rational(m, r.assignment)
    assert blocking_pairs(m, r.assignment).size == 0
    assert blocking_pairs_brute(m, r.assignment) == []
    assert is_stable(m, r.assignment)
    filled = np.bincount(r.assignment[r.assignment >= 0], minlength=m.n_programs)
    np.testing.assert_array_equal(filled, r.filled)
    assert np.all(r.filled <= m.capacity)


@SETTINGS
@given(markets())
def test_rank_is_position_on_own_list(m):
    for proposing in ("applicant", "program"):
        r = deferred_acceptance(m, proposing)
        for a in range(m.n_applicants):
            if r.assignment[a] == UNMATCHED:
                assert r.rank[a] == UNMATCHED
            else:
                assert m.applicant_prefs(a)[r.rank[a] - 1] == r.assignment[a]


@SETTINGS
@given(markets())
def test_applicant_proposing_is_applicant_optimal(m):
    """Equals the stable matching every applicant likes best, found by brute force."""
    best = applicant_optimal_brute(m)
    assert best is not None
    np.testing.assert_array_equal(deferred_acceptance(m, "applicant").assignment, best)


@SETTINGS
@given(markets())
def test_program_proposing_is_program_optimal(m):
    worst_for_applicants = program_optimal_brute(m)
    assert worst_for_applicants is not None
    np.testing.assert_array_equal(deferred_acceptance(m, "program").assignment, worst_for_applicants)


@SETTINGS
@given(markets())
def test_brute_force_finds_exactly_the_stable_matchings(m):
    stables = stable_matchings_brute(m)
    assert stables, "a stable matching always exists without couples (Gale & Shapley 1962)"
    for s in stables:
        assert is_stable(m, s)


@SETTINGS
@given(markets(max_applicants=5, max_programs=3))
def test_rural_hospitals_theorem(m):
    """Every stable matching matches the same applicants and fills the same number of
    positions at each program; a program that is not full gets the same applicants in
    every stable matching (Roth 1986; Roth & Sotomayor 1990, ch. 5)."""
    stables = stable_matchings_brute(m)
    ref = stables[0]
    ref_filled = np.bincount(ref[ref >= 0], minlength=m.n_programs)
    for s in stables[1:]:
        np.testing.assert_array_equal(s >= 0, ref >= 0)
        filled = np.bincount(s[s >= 0], minlength=m.n_programs)
        np.testing.assert_array_equal(filled, ref_filled)
        for p in np.flatnonzero(ref_filled < m.capacity):
            np.testing.assert_array_equal(np.flatnonzero(s == p), np.flatnonzero(ref == p))


def _true_position(true_list, p):
    """Position of program ``p`` in the applicant's true order; unmatched or an
    unacceptable program comes after every acceptable one."""
    true_list = list(true_list)
    if p == UNMATCHED:
        return len(true_list)
    return true_list.index(p) if p in true_list else len(true_list) + 1


def _all_lists(n_programs):
    progs = range(n_programs)
    for k in range(n_programs + 1):
        yield from itertools.permutations(progs, k)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=4, max_programs=3))
def test_truthful_ranking_is_a_dominant_strategy(m):
    """No applicant can get a program they truly prefer by submitting any other list
    (Dubins & Freedman 1981; Roth 1982). Every alternative list is tried."""
    for a in range(m.n_applicants):
        true_list = m.applicant_prefs(a).tolist()
        truthful = deferred_acceptance(m).assignment[a]
        t_pos = _true_position(true_list, truthful)
        for alt in _all_lists(m.n_programs):
            got = deferred_acceptance(m.with_applicant_list(a, list(alt))).assignment[a]
            assert _true_position(true_list, got) >= t_pos, (a, true_list, alt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=4, max_programs=3))
def test_matching_at_all_depends_only_on_which_programs_are_listed(m):
    """Whether an applicant matches depends on the set of programs listed, not their order
    (the "menu" argument: the applicant gets the first listed program that would take them)."""
    for a in range(m.n_applicants):
        true_list = m.applicant_prefs(a).tolist()
        for perm in itertools.permutations(true_list):
            got = deferred_acceptance(m.with_applicant_list(a, list(perm))).assignment[a]
            assert (got == UNMATCHED) == (deferred_acceptance(m).assignment[a] == UNMATCHED)


@SETTINGS
@given(markets(max_applicants=8, max_programs=5, max_capacity=3), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_processing_order(m, rnd):
    ao = list(range(m.n_applicants))
    po = list(range(m.n_programs))
    rnd.shuffle(ao)
    rnd.shuffle(po)
    pm = m.permuted(ao, po)
    for proposing in ("applicant", "program"):
        base = deferred_acceptance(m, proposing)
        perm = deferred_acceptance(pm, proposing)
        # new applicant i is old applicant ao[i]; new program j is old program po[j]
        mapped = np.array([po[p] if p >= 0 else UNMATCHED for p in perm.assignment])
        np.testing.assert_array_equal(mapped, base.assignment[ao])
        assert perm.proposals == base.proposals


@SETTINGS
@given(markets(max_applicants=8, max_programs=5, max_capacity=3), st.sampled_from(["applicant", "program"]))
def test_kernel_equals_plain_python_reference(m, proposing):
    np.testing.assert_array_equal(
        deferred_acceptance(m, proposing).assignment, deferred_acceptance_reference(m, proposing)
    )


@SETTINGS
@given(markets(max_applicants=8, max_programs=5, max_capacity=3))
def test_applicants_propose_down_to_their_match(m):
    """Applicant-proposing, every applicant proposes to each program down to their match
    (all of them if unmatched), whatever the order: the proposal count is determined."""
    r = deferred_acceptance(m)
    lengths = m.applicant_list_lengths
    expected = np.where(r.assignment >= 0, r.rank, lengths).sum()
    assert r.proposals == expected


@SETTINGS
@given(markets(max_applicants=6, max_programs=4), st.data())
def test_blocking_pairs_kernel_equals_definition(m, data):
    """On arbitrary (not necessarily stable) assignments."""
    assignment = np.array(
        [data.draw(st.integers(-1, m.n_programs - 1)) for _ in range(m.n_applicants)], dtype=np.int32
    )
    got = [tuple(x) for x in blocking_pairs(m, assignment).tolist()]
    assert got == blocking_pairs_brute(m, assignment)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=4, max_programs=3))
def test_outcome_is_first_listed_program_on_the_menu(m):
    """With everybody else fixed, any list gets the first listed program on the
    applicant's menu (the programs a one-program list would get)."""
    from matchsim.engine import applicant_menu, outcome_from_menu

    for a in range(m.n_applicants):
        menu = applicant_menu(m, a)
        for alt in _all_lists(m.n_programs):
            got = deferred_acceptance(m.with_applicant_list(a, list(alt))).assignment[a]
            assert got == outcome_from_menu(menu, alt), (a, alt, np.flatnonzero(menu))


@SETTINGS
@given(markets(max_applicants=8, max_programs=6, max_capacity=3), st.sampled_from(["applicant", "program"]))
def test_receiver_ranks_are_each_partners_rank_of_the_proposer(m, proposing):
    """The rank table equals its definition, read off the other side's lists in plain Python."""
    if proposing == "applicant":
        owners, own, other = m.n_applicants, m.applicant_prefs, m.program_prefs
    else:
        owners, own, other = m.n_programs, m.program_prefs, m.applicant_prefs
    expected = []
    for i in range(owners):
        for j in own(i).tolist():
            theirs = other(j).tolist()
            expected.append(theirs.index(i) if i in theirs else UNRANKED)
    got = receiver_ranks(m, proposing)
    assert got.dtype == np.int32 and got.tolist() == expected


def test_receiver_ranks_refuses_an_unknown_side():
    import pytest

    from matchsim.datasets import nrmp_example

    with pytest.raises(ValueError, match="proposing must be one of"):
        receiver_ranks(nrmp_example(), "hospital")
