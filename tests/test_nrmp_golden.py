"""Golden examples of the NRMP algorithm (issue 9, item 4), built by hand.

Each example states the outcome the rules of ``/work/shared/reference/nrmp-examples.md``
section 3 give, and the brute-force oracle (plain Python, sharing no code with
the kernels) confirms that this outcome is the market's only stable one, or
that none exists.
"""

from __future__ import annotations

import pytest

from matchsim import Market, nrmp_match
from matchsim.engine import deferred_acceptance, nrmp_blocking, nrmp_stable_outcomes_brute


def names(m, values):
    return {m.applicant_label(a): m.program_label(p) for a, p in enumerate(values) if p >= 0}


def check(m, primary, pgy1=None):
    """The match gives ``primary``/``pgy1`` (names), verified stable, and the oracle's only stable outcome is it."""
    r = nrmp_match(m)
    assert names(m, r.assignment) == primary
    assert names(m, r.pgy1) == (pgy1 or {})
    assert r.stable, r.blocking.describe(m)
    oracle = nrmp_stable_outcomes_brute(m, parity_drop=r.parity_drop)
    assert [tuple(r.assignment.tolist()), ] == [o[0] for o in oracle.outcomes]
    assert tuple(r.pgy1.tolist()) == oracle.outcomes[0][1]
    return r


def test_couple_who_must_both_move():
    # Mercy's one position goes to Di, so the couple cannot have its first pair;
    # City would take Ann, but the couple matches only as a couple: both move
    m = Market.from_lists(
        {"Di": ["Mercy"]},
        {"City": ["Ann"], "Mercy": ["Di", "Bo"], "General": ["Ann"], "State": ["Bo"]},
        {"City": 1, "Mercy": 1, "General": 1, "State": 1},
        couples={("Ann", "Bo"): [("City", "Mercy"), ("General", "State")]})
    r = check(m, {"Di": "Mercy", "Ann": "General", "Bo": "State"})
    assert r.couple_assignment.tolist() == [1]
    assert r.couple_rank.tolist() == [2]


def test_couple_displacement_reopens_a_position_above_a_single():
    # The couple first holds (City, Mercy), so Sam (City first) goes to General.
    # Then Di, added to Mercy's top, bumps Bo: the couple withdraws Ann from City
    # and ends at (State, Rural). City reopened above Sam's match: Sam is re-tried
    # from the top of the list and ends at City.
    m = Market.from_lists(
        {"Di": ["Mercy"], "Sam": ["City", "General"]},
        {"City": ["Ann", "Sam"], "Mercy": ["Di", "Bo"], "General": ["Sam"], "State": ["Ann"],
         "Rural": ["Bo"]},
        {"City": 1, "Mercy": 1, "General": 1, "State": 1, "Rural": 1},
        couples={("Ann", "Bo"): [("City", "Mercy"), ("State", "Rural")]})
    r = check(m, {"Di": "Mercy", "Sam": "City", "Ann": "State", "Bo": "Rural"})
    assert r.rank[m.applicant_id("Sam")] == 1


def test_couple_added_after_the_singles_displaces_them():
    # The couple is added after the singles (Roth & Peranson 1999): it takes City
    # from Sam and Mercy from Di; Sam is re-matched lower, at General; Di has no
    # other program
    m = Market.from_lists(
        {"Sam": ["City", "General"], "Di": ["Mercy"]},
        {"City": ["Ann", "Sam"], "Mercy": ["Bo", "Di"], "General": ["Sam"], "State": ["Di"]},
        {"City": 1, "Mercy": 1, "General": 1, "State": 1},
        couples={("Ann", "Bo"): [("City", "Mercy")]})
    check(m, {"Sam": "General", "Ann": "City", "Bo": "Mercy"})


KINDS = {"Anes": "advanced", "Derm": "advanced", "Prelim": "preliminary", "TY": "transitional"}


def tracks(capacities):
    return {p: KINDS[p] for p in capacities if p in KINDS}


def test_advanced_plus_pgy1_from_the_right_supplemental_list():
    # Eve ranks Anes then Derm, with one supplemental list for each; she matches
    # Anes, so the Anes list (TY first) is used, not the Derm list (Prelim)
    m = Market.from_lists(
        {"Eve": ["Anes", "Derm"]},
        {"Anes": ["Eve"], "Derm": ["Eve"], "Prelim": ["Eve"], "TY": ["Eve"]},
        {"Anes": 1, "Derm": 1, "Prelim": 1, "TY": 1},
        tracks=tracks({"Anes": 1, "Derm": 1, "Prelim": 1, "TY": 1}),
        supplemental={"Eve": {"for anes": (["Anes"], ["TY", "Prelim"]), "for derm": (["Derm"], ["Prelim"])}})
    r = check(m, {"Eve": "Anes"}, {"Eve": "TY"})
    assert r.pgy1_rank[0] == 1
    assert m.supplemental.label(int(r.pgy1_list[0])) == "for anes"


def test_advanced_with_no_pgy1_stays_matched_there():
    # Fay matches Anes; her one PGY-1 program prefers Gus and has one position:
    # she stays matched to Anes with no PGY-1 and does not go on to Derm
    m = Market.from_lists(
        {"Fay": ["Anes", "Derm"], "Gus": ["Prelim"]},
        {"Anes": ["Fay"], "Derm": ["Fay"], "Prelim": ["Gus", "Fay"]},
        {"Anes": 1, "Derm": 1, "Prelim": 1},
        tracks=tracks({"Anes": 1, "Derm": 1, "Prelim": 1}), supplemental={"Fay": [(["Anes", "Derm"], ["Prelim"])]})
    r = check(m, {"Fay": "Anes", "Gus": "Prelim"})
    assert r.pgy1[m.applicant_id("Fay")] == -1
    assert r.rank[m.applicant_id("Fay")] == 1


def test_supplemental_list_linked_to_two_advanced_programs():
    # Hal loses Anes to Ivy and matches Derm; the list linked to both still applies
    m = Market.from_lists(
        {"Hal": ["Anes", "Derm"], "Ivy": ["Anes"]},
        {"Anes": ["Ivy", "Hal"], "Derm": ["Hal"], "TY": ["Hal"]},
        {"Anes": 1, "Derm": 1, "TY": 1},
        tracks=tracks({"Anes": 1, "Derm": 1, "TY": 1}), supplemental={"Hal": [(["Anes", "Derm"], ["TY"])]})
    check(m, {"Hal": "Derm", "Ivy": "Anes"}, {"Hal": "TY"})


def test_losing_the_advanced_position_frees_the_pgy1_for_someone_else():
    # Jo first holds Anes and, with it, Prelim's one position (Prelim prefers Jo
    # to Kim). Lee, whom Anes prefers, takes Anes: Jo loses it and with it the
    # PGY-1 seat, which goes to Kim. Jo ends unmatched (no other program).
    m = Market.from_lists(
        {"Jo": ["Anes"], "Kim": ["Prelim"], "Lee": ["Anes"]},
        {"Anes": ["Lee", "Jo"], "Prelim": ["Jo", "Kim"]},
        {"Anes": 1, "Prelim": 1},
        tracks=tracks({"Anes": 1, "Prelim": 1}), supplemental={"Jo": [(["Anes"], ["Prelim"])]})
    r = check(m, {"Kim": "Prelim", "Lee": "Anes"})
    assert r.pgy1.tolist() == [-1, -1, -1]


def test_reversion_fills_a_receiver():
    # Surg has 2 positions and fills 1; the vacancy reverts to Prelim, which then
    # takes both applicants who ranked it
    m = Market.from_lists(
        {"Mo": ["Surg"], "Ned": ["Prelim"], "Oz": ["Prelim"]},
        {"Surg": ["Mo"], "Prelim": ["Ned", "Oz"]},
        {"Surg": 2, "Prelim": 1},
        reversions=[("Surg", "Prelim", 1)])
    r = check(m, {"Mo": "Surg", "Ned": "Prelim", "Oz": "Prelim"})
    assert r.reverted.tolist() == [1]
    assert r.quota.tolist() == [1, 2]


def test_a_reverted_position_is_offered_only_to_the_best_applicant_who_wants_it():
    # Five applicants rank X first; X (1 position) takes s1, the others go to their own
    # programs. Then D, which nobody ranked, reverts its position to X: s2, the best
    # of those who want X, moves up, and no one else needs to propose again
    n = 5
    singles = {f"s{i}": ["X", f"Z{i}"] for i in range(1, n + 1)}
    programs = {"X": list(singles), **{f"Z{i}": [f"s{i}"] for i in range(1, n + 1)}, "D": []}
    cap = {"X": 1, **{f"Z{i}": 1 for i in range(1, n + 1)}, "D": 1}
    m = Market.from_lists(singles, programs, cap, reversions=[("D", "X", 1)])
    r = check(m, {"s1": "X", "s2": "X", "s3": "Z3", "s4": "Z4", "s5": "Z5"})
    # 5 proposals to X and 4 to the Z programs, then s2's one proposal to X. Re-trying all
    # four who prefer X sends each back to X and then down again: 16 proposals
    assert r.proposals == 2 * n - 1 + 1


def test_filled_donor_reverts_nothing():
    m = Market.from_lists(
        {"Mo": ["Surg"], "Pat": ["Surg"], "Ned": ["Prelim"], "Oz": ["Prelim"]},
        {"Surg": ["Mo", "Pat"], "Prelim": ["Ned", "Oz"]},
        {"Surg": 2, "Prelim": 1},
        reversions=[("Surg", "Prelim", 1)])
    r = check(m, {"Mo": "Surg", "Pat": "Surg", "Ned": "Prelim"})
    assert r.reverted.tolist() == [0]
    assert r.quota.tolist() == [2, 1]


def test_no_stable_matching_exists_and_the_result_says_so():
    # Roth (1984)'s kind of example: S wants X then Y; the couple wants (X, Y);
    # X prefers A to S, Y prefers S to B. Every outcome is blocked.
    m = Market.from_lists(
        {"S": ["X", "Y"]},
        {"X": ["A", "S"], "Y": ["S", "B"]},
        {"X": 1, "Y": 1},
        couples={("A", "B"): [("X", "Y")]})
    assert not nrmp_stable_outcomes_brute(m).exists
    r = nrmp_match(m)
    assert not r.stable
    assert r.loops.loops, "the loop must be reported"
    assert r.blocking.n_blocking > 0
    assert "gave up" in " ".join(r.loops.describe(m))


def test_supplemental_lists_alone_can_leave_no_stable_matching():
    # Without any couple: Ann's advanced match Anes comes with Prelim, which bumps
    # Ben (Prelim before Anes on his primary list); Ben then takes Anes, which
    # prefers him, so Ann loses Anes and Prelim; Ben goes back to Prelim, and so on.
    # The oracle proves that no outcome is stable; the match says so.
    m = Market.from_lists(
        {"Ann": ["Anes"], "Ben": ["Prelim", "Anes"]},
        {"Anes": ["Ben", "Ann"], "Prelim": ["Ann", "Ben"]},
        {"Anes": 1, "Prelim": 1},
        tracks=tracks({"Anes": 1, "Prelim": 1}), supplemental={"Ann": [(["Anes"], ["Prelim"])]})
    assert not nrmp_stable_outcomes_brute(m).exists
    r = nrmp_match(m)
    assert not r.stable
    assert r.loops.loops


def test_without_extensions_it_is_deferred_acceptance():
    from matchsim.datasets import nrmp_example
    m = nrmp_example()
    r = nrmp_match(m)
    da = deferred_acceptance(m)
    assert not r.extensions
    assert r.assignment.tolist() == da.assignment.tolist()
    assert r.rank.tolist() == da.rank.tolist()
    assert r.stable


@pytest.mark.parametrize("bad", [-1, -5])
def test_negative_max_restarts_is_refused(bad):
    m = Market.from_lists([[0]], [[0]], [1])
    with pytest.raises(ValueError, match="max_restarts must be >= 0"):
        nrmp_match(m, max_restarts=bad)


def test_the_checker_finds_the_couple_that_blocks():
    m = Market.from_lists({"Cy": ["City"]}, {"City": ["Ann", "Cy"], "Mercy": ["Bo"]},
                          {"City": 1, "Mercy": 1}, couples={("Ann", "Bo"): [("City", "Mercy")]})
    assert nrmp_blocking(m, [0, -1, -1]).couples.tolist() == [[0, 0]]
    assert nrmp_blocking(m, [-1, 0, 1]).stable


def test_couple_order_must_be_a_permutation():
    m = Market.from_lists({"S": ["X"]}, {"X": ["A", "S"], "Y": ["B"]}, {"X": 1, "Y": 1},
                          couples={("A", "B"): [("X", "Y")]})
    with pytest.raises(ValueError, match="couple_order must be a permutation of the 1 couple ids"):
        nrmp_match(m, couple_order=[1])


def test_loop_report_names_the_couple_in_the_loop():
    m = Market.from_lists(
        {"S": ["X", "Y"]}, {"X": ["A", "S"], "Y": ["S", "B"]}, {"X": 1, "Y": 1},
        couples={("A", "B"): [("X", "Y")]})
    r = nrmp_match(m, max_restarts=2)
    assert [lp.couples for lp in r.loops.loops] == [(0,), (0,), (0,)]
    assert r.restarts == 2 and not r.loops.settled
    text = r.loops.describe(m)
    assert "couples A & B" in text[0]
    assert text[-1].startswith("the match gave up")


def test_donor_takes_back_a_position_its_receiver_withdrew_for_an_even_request():
    # Found by the property tests: program 3 (no positions of its own, asks for an
    # even number) receives program 0's reverted positions, withdraws one for its
    # request, and later program 0 takes its positions back. The taken-back
    # position must be the withdrawn one: before the fix, program 3 ended with a
    # quota of -4 and -4 seats filled.
    import numpy as np

    from matchsim.extensions import Couples, Reversions, SupplementalLists

    i32 = lambda x: np.array(x, dtype=np.int32)  # noqa: E731
    m = Market(np.array([0, 4, 8, 8, 8, 8, 8]), i32([3, 0, 1, 2, 3, 0, 2, 1]), np.array([0, 3, 3, 6, 9]),
               i32([1, 4, 2, 0, 1, 3, 1, 5, 3]), i32([2, 0, 0, 0]), tracks=np.array([1, 3, 0, 1], dtype=np.int8),
               couples=Couples(i32([[2, 3], [4, 5]]), np.array([0, 4, 4]), i32([[0, 1], [1, -1], [2, 1], [0, 2]])),
               supplemental=SupplementalLists(i32([0, 0, 1]), np.array([0, 1, 2, 3]), i32([1, 1, 1]),
                                              np.array([0, 1, 2, 4]), i32([3, 0, 3, 0]), ("1", "2", "1")),
               reversions=Reversions(i32([0]), i32([3]), i32([2])), even_odd=np.array([1, 0, 0, 1], dtype=np.int8))
    r = nrmp_match(m)
    assert (r.quota >= 0).all() and (r.filled >= 0).all() and (r.parity_drop >= 0).all()
    assert (r.filled <= r.quota).all()
    oracle = nrmp_stable_outcomes_brute(m, parity_drop=r.parity_drop)
    assert r.stable == oracle.exists
    if r.stable:
        assert (tuple(r.assignment.tolist()), tuple(r.pgy1.tolist())) in [tuple(o[:2]) for o in oracle.outcomes]


def test_reversions_and_even_odd_requests_that_go_round_are_found_by_state():
    # One applicant, four programs, three reversions and four even/odd requests
    # (seed 255 of the property tests' generator): filling a program breaks its
    # even request, dropping the applicant reverts the position back, and so on
    # for ever. The oracle proves that no outcome is stable; the match finds the
    # repeated state at once (before, it ran until its budget of a million steps)
    # and freezes the quotas.
    from tests.nrmp_markets import random_nrmp_market

    m = random_nrmp_market(255, supplemental=0.0, reversions=0.8, even_odd=0.8, n_couples=(0, 0))
    assert m.n_couples == 0 and m.reversions.n_reversions == 3
    r = nrmp_match(m)
    assert [lp.kind for lp in r.loops.loops] == ["loop"]
    assert "reversions and even/odd requests stopped changing quotas" in r.loops.loops[0].action
    assert r.proposals < 100
    assert (r.filled <= r.quota).all() and (r.quota >= 0).all()
    assert not r.stable
    assert not nrmp_stable_outcomes_brute(m, parity_drop=r.parity_drop).exists
