"""Golden tests from published examples (../shared/reference/nrmp-examples.md)."""

import numpy as np
import pytest

from matchsim import UNMATCHED, deferred_acceptance, is_stable, stable_matchings_brute
from matchsim.datasets import NRMP_EXAMPLE_FULL_ANDERSON, nrmp_example, nrmp_small_example
from matchsim.engine import PROPOSING_SIDES, blocking_pairs


def _by_program(market, result):
    out = {}
    for p in range(market.n_programs):
        out[market.program_label(p)] = sorted(market.applicant_label(a) for a in result.members(p))
    return out


def _unmatched(market, result):
    return sorted(market.applicant_label(a) for a in np.flatnonzero(result.assignment == UNMATCHED))


@pytest.mark.parametrize("proposing", PROPOSING_SIDES)
def test_nrmp_worked_example(proposing):
    m = nrmp_example()
    r = deferred_acceptance(m, proposing)
    assert _by_program(m, r) == {
        "City": ["Eastman", "Garcia"],
        "Mercy": ["Chen"],
        "General": ["Davis"],
        "State": ["Ford", "Hassan"],
    }
    assert _unmatched(m, r) == ["Anderson", "Brown"]
    assert r.unfilled(m.capacity).tolist() == [1, 0, 1, 0]  # Mercy, City, General, State
    assert is_stable(m, r.assignment)


def test_nrmp_worked_example_ranks():
    m = nrmp_example()
    r = deferred_acceptance(m)
    ranks = {m.applicant_label(a): int(r.rank[a]) for a in range(m.n_applicants)}
    # Chen: Mercy is 2nd; Davis: General 3rd; Eastman: City 1st; Ford: State 4th;
    # Garcia: City 1st; Hassan: State 1st.
    assert ranks == {"Anderson": -1, "Brown": -1, "Chen": 2, "Davis": 3, "Eastman": 1,
                     "Ford": 4, "Garcia": 1, "Hassan": 1}


def test_nrmp_worked_example_has_single_stable_matching():
    m = nrmp_example()
    stables = stable_matchings_brute(m)
    assert len(stables) == 1
    np.testing.assert_array_equal(stables[0], deferred_acceptance(m).assignment)


def test_nrmp_anderson_counterfactual():
    """Had Anderson ranked every program he found acceptable, he would match General."""
    m = nrmp_example(anderson_list=NRMP_EXAMPLE_FULL_ANDERSON)
    r = deferred_acceptance(m)
    anderson = m.applicant_id("Anderson")
    assert m.program_label(r.assignment[anderson]) == "General"
    assert is_stable(m, r.assignment)
    # Under his short list he is unmatched, and nothing blocks that outcome:
    short = nrmp_example()
    assert deferred_acceptance(short).assignment[anderson] == UNMATCHED
    assert blocking_pairs(short, deferred_acceptance(short).assignment).size == 0


def test_nrmp_brown_left_general_and_state_off():
    """Brown ranked only City and Mercy; General and State both ranked him first."""
    m = nrmp_example()
    brown = m.applicant_id("Brown")
    for prog in ("General", "State"):
        assert m.program_prefs(m.program_id(prog))[0] == brown
    full = m.with_applicant_list(brown, [m.program_id(p) for p in ("City", "Mercy", "General", "State")])
    r = deferred_acceptance(full)
    assert m.program_label(r.assignment[brown]) in ("General", "State")


@pytest.mark.parametrize("proposing", PROPOSING_SIDES)
def test_nrmp_small_example(proposing):
    m = nrmp_small_example()
    r = deferred_acceptance(m, proposing)
    assert _by_program(m, r) == {
        "City": ["Anderson", "Eastman"],
        "Mercy": ["Chen"],
        "General": ["Davis", "Ford"],
    }
    assert _unmatched(m, r) == []


def test_proposer_sides_differ_when_preferences_conflict():
    """Two applicants and two programs with opposed preferences: each side gets its favourite."""
    from matchsim import Market

    m = Market.from_lists([[0, 1], [1, 0]], [[1, 0], [0, 1]], [1, 1])
    assert deferred_acceptance(m, "applicant").assignment.tolist() == [0, 1]
    assert deferred_acceptance(m, "program").assignment.tolist() == [1, 0]


def test_unknown_proposing_side_is_rejected():
    with pytest.raises(ValueError, match="proposing must be one of"):
        deferred_acceptance(nrmp_example(), "hospital")


def test_empty_and_degenerate_markets():
    from matchsim import Market

    m = Market.from_lists([], [[]], [3])
    r = deferred_acceptance(m)
    assert r.assignment.size == 0 and r.filled.tolist() == [0]
    m = Market.from_lists([[0], [0]], [[0, 1]], [0])  # a program with no positions
    for side in PROPOSING_SIDES:
        assert deferred_acceptance(m, side).assignment.tolist() == [-1, -1]


def test_rounds_count_only_rounds_with_proposals():
    from matchsim import Market

    m = Market.from_lists([[0]], [[]], [0])  # one proposal, rejected; then nothing to do
    for side in PROPOSING_SIDES:
        r = deferred_acceptance(m, side)
        assert r.rounds == (1 if side == "applicant" else 0)
    r = deferred_acceptance(nrmp_example())
    assert (r.proposals, r.rounds) == (15, 4)
