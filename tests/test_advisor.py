"""The rank-list advisor: reading, golden probabilities, exact versus Monte Carlo, checks, market mode."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from matchsim.advisor import compare_lists, p_match_of_set
from matchsim.advisor.checks import check_lists, inversions
from matchsim.advisor.comparison import joint_from_outcomes
from matchsim.advisor.findings import list_findings
from matchsim.advisor.market_mode import place_applicant, simulate_list_outcomes
from matchsim.advisor.menu import first_on_menu, sample_menus
from matchsim.advisor.signals import DEFAULT_CHANCE
from matchsim.engine import deferred_acceptance
from matchsim.errors import InputError
from matchsim.io.rank_file import parse_rank_text, read_rank_file
from matchsim.market import UNMATCHED
from matchsim.markets.specialty import specialty_market

DATA = Path(__file__).parent / "data" / "advisor"
EXAMPLE = Path(__file__).parents[1] / "src" / "matchsim" / "data" / "mylist_example.csv"


# ------------------------------------------------------------------ reading
def test_shipped_example_reads_and_matches_examples_copy():
    f = read_rank_file(EXAMPLE)
    assert f.n_programs == 9
    assert list(f.lists) == ["honest", "friendly first", "drop reaches"]
    assert np.array_equal(f.lists["honest"], f.true_order())
    assert "Riverbend Rehab, Main Campus" in f.programs
    copy = Path(__file__).parents[1] / "examples" / "mylist.csv"
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_excel_semicolon_file_is_tolerated():
    f = read_rank_file(DATA / "excel_semicolon.csv")
    assert f.programs == ("Mercy; Downtown", "City", "State")
    assert f.chance[:2].tolist() == [0.125, 0.4]
    assert f.chance[2] == DEFAULT_CHANCE["ranked highly"] and not f.chance_given[2]
    assert f.signal == (None, "interested", "ranked highly")  # blank: no message recorded
    assert [f.programs[p] for p in f.lists["safe first"]] == ["City", "Mercy; Downtown", "State"]
    assert list(f.lists) == ["honest", "safe first"]


def test_sheets_comma_file_with_plain_percentages_and_unacceptable_program():
    f = read_rank_file(DATA / "sheets_comma.csv")
    assert f.programs[0] == "Mercy, Downtown"
    assert f.chance[:2].tolist() == [0.3, 0.6]  # "60" is read as 60% because the column goes above 1
    assert f.preference.tolist() == [1, 2, 0]
    assert f.true_order().tolist() == [0, 1]
    assert f.lists["honest"].tolist() == [0, 1]
    assert f.lists["safe first"].tolist() == [1, 0, 2]


def test_preferences_are_renumbered_and_gaps_in_ranks_are_fine():
    f = parse_rank_text("program,preference,L\nA,10,5\nB,20,\nC,15,1\n")
    assert f.preference.tolist() == [1, 3, 2]
    assert f.lists["L"].tolist() == [2, 0]


@pytest.mark.parametrize(
    "name, row, column, match",
    [
        ("duplicate_rank.csv", 4, "A", r"ranks two programs 3rd"),
        ("rank_without_program.csv", 3, "program", r"no program name"),
        ("duplicate_preference.csv", 4, "preference", r"preference 2 is given twice \(also in row 3\)"),
        ("chance_140.csv", 3, "chance", r'chance of "140%" is impossible'),
        ("no_lists.csv", 1, None, r"no candidate-list columns"),
        ("unknown_signal.csv", 2, "signal", r'"maybe" is not a signal'),
        ("rank_not_number.csv", 2, "A", r'"first" is not a rank'),
        ("no_program_column.csv", 1, None, r'no "program" column'),
        ("no_preference_column.csv", 1, None, r'no "preference" column'),
        ("duplicate_program.csv", 3, "program", r"already in row 2"),
        ("cell_beyond_header.csv", 3, None, r"no name in row 1"),
        ("empty_list.csv", 1, "B", r"ranks no programs"),
        ("chance_not_number.csv", 2, "chance", r"not a chance"),
        ("preference_not_whole.csv", 2, "preference", r"not a preference"),
        ("duplicate_column.csv", 1, "A", r"used twice"),
        ("header_only.csv", 2, None, r"no programs"),
        ("empty.csv", 1, None, r"empty"),
    ],
)
def test_bad_files_raise_one_input_error_naming_the_place(name, row, column, match):
    with pytest.raises(InputError, match=match) as info:
        read_rank_file(DATA / name)
    err = info.value
    assert err.file == name and err.row == row and err.column == column
    assert "\n" not in str(err)


# ------------------------------------------------------------ golden cases
def test_golden_two_programs_independent():
    r = compare_lists([0.5, 0.5], [1, 2], {"true": [0, 1], "swap": [1, 0], "only B": [1]}, 0.0)
    np.testing.assert_allclose(r.prob, [[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0, 0.5, 0.5]],
                               atol=1e-12)
    np.testing.assert_allclose(r.worse, [0, 0.25, 0.5], atol=1e-12)
    assert r.better.tolist() == [0.0, 0.0, 0.0]


def test_golden_three_programs_independent_reversed():
    # by hand: true order A, B, C with chances .2, .5, .8, independent
    # true: A .2; B .8*.5 = .4; C .8*.5*.8 = .32; none .8*.5*.2 = .08
    # reversed: C .8; B .2*.5 = .1; A .2*.5*.2 = .02; none .08
    # worse: reversed gives C while A or B would take you: .8 * (1 - .8*.5) = .48;
    #        gives B while A would take you: .2*.5*.2 = .02 -> .50
    r = compare_lists([0.2, 0.5, 0.8], [1, 2, 3], {"true": [0, 1, 2], "rev": [2, 1, 0]}, 0.0)
    np.testing.assert_allclose(r.prob[0], [0.2, 0.4, 0.32, 0.08], atol=1e-12)
    np.testing.assert_allclose(r.prob[1], [0.02, 0.1, 0.8, 0.08], atol=1e-12)
    assert r.worse[1] == pytest.approx(0.50, abs=1e-12)
    assert r.p_top(1)[1] == pytest.approx(0.02, abs=1e-12)
    assert r.mean_rank[0] == pytest.approx((0.2 * 1 + 0.4 * 2 + 0.32 * 3) / 0.92, abs=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.5, 0.8, 0.95])
def test_golden_two_coin_flips_with_correlation(rho):
    # P(both of two 50% programs take you) = 1/4 + asin(rho) / (2 pi) (Sheppard's formula)
    both = 0.25 + math.asin(rho) / (2 * math.pi)
    r = compare_lists([0.5, 0.5], [1, 2], {"swap": [1, 0]}, rho)
    assert r.worse[0] == pytest.approx(both, abs=2e-4)
    assert r.p_match[0] == pytest.approx(1 - both, abs=2e-4)
    assert r.pair_loss(0, 1, 0) == pytest.approx(both, abs=2e-4)


def _brute_force_joint(chance, lists, truthful):
    """Enumerate all 2^n menus of independent programs (an oracle for rho = 0)."""
    n = len(chance)
    joint = np.zeros((len(lists), n + 1, n + 1))
    for menu in itertools.product([False, True], repeat=n):
        p = np.prod([c if on else 1 - c for c, on in zip(chance, menu)])
        first = lambda lst: next((q for q in lst if menu[q]), n)  # noqa: E731
        for i, lst in enumerate(lists):
            joint[i, first(lst), first(truthful)] += p
    return joint


@pytest.mark.parametrize("seed", range(5))
def test_exact_equals_brute_force_enumeration_when_independent(seed):
    rng = np.random.default_rng(seed)
    n = 5
    chance = rng.uniform(0, 1, n)
    pref = rng.permutation(n) + 1
    pref[rng.integers(n)] = 0
    lists = [rng.permutation(n)[: rng.integers(0, n + 1)] for _ in range(4)]
    r = compare_lists(chance, pref, lists, 0.0)
    np.testing.assert_allclose(r.joint, _brute_force_joint(chance, lists, r.truthful), atol=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_exact_and_monte_carlo_agree_within_sampling_error(rho):
    rng = np.random.default_rng(11)
    n = 12
    chance = rng.uniform(0.02, 0.95, n)
    pref = np.arange(1, n + 1)
    lists = {f"l{i}": rng.permutation(n)[: rng.integers(3, n + 1)] for i in range(4)}
    s_count = 60_000
    e = compare_lists(chance, pref, lists, rho)
    s = compare_lists(chance, pref, lists, rho, method="sample", n_samples=s_count, rng=5)
    for a, b in ((e.prob, s.prob), (e.worse, s.worse), (e.p_match, s.p_match)):
        se = np.sqrt(np.clip(a * (1 - a), 1e-6, None) / s_count)
        assert np.all(np.abs(a - b) < 5 * se + 1e-9)
    assert s.better.max() == 0.0 and e.better.max() == 0.0


def test_p_match_of_set_matches_list_probability():
    chance = [0.1, 0.3, 0.6, 0.2]
    r = compare_lists(chance, [1, 2, 3, 4], {"x": [3, 0, 2]}, 0.4)
    assert r.p_match[0] == pytest.approx(p_match_of_set(chance, [0, 2, 3], 0.4), abs=1e-12)


def test_sample_menus_is_seeded_and_has_the_stated_marginals():
    a = sample_menus([0.1, 0.5, 0.9], 40_000, 0.5, rng=3)
    b = sample_menus([0.1, 0.5, 0.9], 40_000, 0.5, rng=3)
    assert np.array_equal(a, b)
    np.testing.assert_allclose(a.mean(axis=0), [0.1, 0.5, 0.9], atol=0.01)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"correlation": 1.0}, "correlation must be from 0 to 0.95"),
        ({"correlation": -0.1}, "correlation must be from 0 to 0.95"),
        ({"method": "magic"}, "method must be one of"),
    ],
)
def test_compare_lists_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compare_lists([0.5], [1], {"a": [0]}, **kwargs)


@pytest.mark.parametrize(
    "chance, pref, lists, match",
    [
        ([1.5], [1], {"a": [0]}, "every chance must be a number from 0 to 1"),
        ([0.5], [1, 2], {"a": [0]}, "preference has 2 entries"),
        ([0.5, 0.5], [1, 1], {"a": [0]}, "distinct positive ranks"),
        ([0.5], [1], {"a": [3]}, "outside 0..0"),
        ([0.5, 0.5], [1, 2], {"a": [0, 0]}, "names a program twice"),
        ([0.5], [1], {}, "at least one candidate list"),
    ],
)
def test_compare_lists_rejects_bad_inputs(chance, pref, lists, match):
    with pytest.raises(ValueError, match=match):
        compare_lists(chance, pref, lists)


def test_joint_from_outcomes_counts_pairs():
    j = joint_from_outcomes([[0, 0, 1, -1]], [0, 1, 1, -1], 2)
    assert j[0, 0, 0] == 0.25 and j[0, 0, 1] == 0.25 and j[0, 1, 1] == 0.25 and j[0, 2, 2] == 0.25


# --------------------------------------------------------- checks, findings
def test_checks_flag_each_kind():
    programs = tuple(f"P{i}" for i in range(25))
    pref = np.arange(1, 26)
    pref[24] = 0  # P24 is unacceptable
    truthful = np.arange(24)
    lists = {
        "true": truthful,
        "swapped": np.r_[1, 0, np.arange(2, 24)],
        "short": np.arange(5),
        "with bad": np.r_[truthful, 24],
        "copy": np.arange(5),
    }
    kinds = {(c.list_name, c.kind) for c in check_lists(programs, pref, lists)}
    assert ("true", "true order") in kinds
    assert ("swapped", "inversion") in kinds
    assert ("short", "left off") in kinds
    assert ("with bad", "unacceptable") in kinds
    assert ("true", "base fee") in kinds and ("short", "base fee") not in kinds
    assert ("copy", "identical") in kinds
    assert not any(k == "rank limit" for _, k in kinds)
    big = check_lists(tuple(f"P{i}" for i in range(301)), np.arange(1, 302), {"x": np.arange(301)})
    assert [c.kind for c in big] == ["true order", "base fee", "rank limit"]


def test_inversions_ignore_unacceptable_programs():
    assert inversions([2, 1, 0], [2, 0, 1]) == [(0, 1)]


def test_findings_on_the_example_say_what_the_issue_asks():
    f = read_rank_file(EXAMPLE)
    r = compare_lists(f.chance, f.preference, f.lists, 0.5)
    text = "\n".join(x.text for x in list_findings(f.programs, r, f.signal, f.chance, f.chance_given))
    assert '"honest" is your true order' in text
    assert "Ranking order does not change your chance of matching at all" in text
    assert "Moving Riverbend Rehab, Main Campus above" in text
    assert ('"drop reaches" leaves Lakeside PM&R and Summit City Rehabilitation off: that lowers your '
            "chance of matching only slightly, from 73.3% to 73.1%") in text
    assert "a better one in 0%" in text
    assert "an assumption" in text


def test_findings_recommend_the_true_order_when_no_list_is_it():
    r = compare_lists([0.5, 0.5], [1, 2], {"swap": [1, 0]}, 0.5)
    text = " ".join(x.text for x in list_findings(("A", "B"), r))
    assert "None of your lists is your complete true order" in text


def test_example_lists_are_ranked_as_theory_says():
    f = read_rank_file(EXAMPLE)
    r = compare_lists(f.chance, f.preference, f.lists, 0.5)
    honest, friendly, drop = range(3)
    assert r.worse[honest] == 0.0 and r.worse[friendly] > 0.05 and r.worse[drop] > 0.05
    assert r.p_match[friendly] == pytest.approx(r.p_match[honest], abs=1e-12)
    assert r.p_match[drop] < r.p_match[honest]


# -------------------------------------------------------------- market mode
def test_market_mode_agrees_with_the_menu_model_market_by_market():
    """In every simulated market, DA gives each list exactly its first program on the menu.

    The menu is found with the algorithm itself: program j is on it when she
    matches j listing j alone.
    """
    rng = np.random.default_rng(2024)
    chance = np.array([0.2, 0.5, 0.7, 0.4])
    lists = [[0, 1, 2, 3], [2, 0, 1, 3], [1, 3], [3, 2, 1, 0], [0]]
    for _ in range(25):
        intended = rng.uniform(size=chance.size) < chance
        market = place_applicant(specialty_market(80, 14, rng), intended, rng)
        menu = [deferred_acceptance(market.with_applicant_list(0, [j])).assignment[0] == j
                for j in range(chance.size)]
        for lst in lists:
            got = deferred_acceptance(market.with_applicant_list(0, lst)).assignment[0]
            on = [p for p in lst if menu[p]]
            assert got == (on[0] if on else UNMATCHED)


def test_market_mode_verify_finds_no_violation_and_better_is_zero():
    f = read_rank_file(EXAMPLE)
    run = simulate_list_outcomes(f.chance, f.preference, f.lists, n_applicants=120, n_markets=40,
                                 rng=5, verify=True)
    assert run.menu_violations == 0
    assert run.comparison.better.max() == 0.0
    assert run.outcomes.shape == (4, 40)
    # the market outcome of each list is the first program on it that is on the algorithm's menu
    expect = first_on_menu(run.menus, list(f.lists.values()))
    assert np.array_equal(run.outcomes[:-1], expect)


def test_market_mode_is_seeded():
    a = simulate_list_outcomes([0.3, 0.6], [1, 2], {"x": [1, 0]}, n_applicants=50, n_markets=10, rng=9)
    b = simulate_list_outcomes([0.3, 0.6], [1, 2], {"x": [1, 0]}, n_applicants=50, n_markets=10, rng=9)
    assert np.array_equal(a.outcomes, b.outcomes)


@pytest.mark.slow
def test_market_mode_realised_chances_are_about_the_stated_ones():
    f = read_rank_file(EXAMPLE)
    run = simulate_list_outcomes(f.chance, f.preference, f.lists, n_applicants=300, n_markets=400,
                                 rng=1, verify=True)
    np.testing.assert_allclose(run.realised_chance, f.chance, atol=0.07)
    exact = compare_lists(f.chance, f.preference, f.lists, 0.5)
    np.testing.assert_allclose(run.comparison.p_match, exact.p_match, atol=0.08)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"n_markets": 0}, "n_markets must be at least 1"),
     ({"n_applicants": 1}, "n_applicants must be at least 2"),
     ({"n_programs": 1}, "n_programs must be at least")],
)
def test_market_mode_rejects_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_list_outcomes([0.3, 0.6], [1, 2], {"x": [1, 0]}, **kwargs)


def test_specialty_market_lists_follow_utilities_and_scores():
    """The generator's kernel equals a plain NumPy construction of the same lists."""
    from matchsim.markets.specialty import _specialty_lists

    rng = np.random.default_rng(8)
    n_a, n_p = 40, 9
    util = rng.random((n_a - 1, n_p)).astype(np.float32)
    k = rng.integers(1, n_p + 1, n_a - 1)
    a_ptr = np.zeros(n_a + 1, dtype=np.int64)
    np.cumsum(k, out=a_ptr[2:])
    strength = rng.standard_normal(n_a)
    noise = rng.standard_normal(int(a_ptr[-1]))
    a_idx, p_ptr, p_idx = _specialty_lists(util, a_ptr, strength, noise, n_p)
    for a in range(1, n_a):
        expect = np.argsort(-util[a - 1], kind="stable")[: k[a - 1]]
        assert a_idx[a_ptr[a]:a_ptr[a + 1]].tolist() == expect.tolist()
    score = {}
    for a in range(1, n_a):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            score[(int(a_idx[e]), a)] = strength[a] + noise[e]
    for p in range(n_p):
        listed = p_idx[p_ptr[p]:p_ptr[p + 1]].tolist()
        assert sorted(listed) == sorted(a for (q, a) in score if q == p)
        assert listed == sorted(listed, key=lambda a: -score[(p, a)])


def test_market_mode_verifies_only_the_first_markets_when_asked():
    run = simulate_list_outcomes([0.3, 0.6], [1, 2], {"x": [1, 0]}, n_applicants=50, n_markets=12,
                                 rng=3, verify=4)
    assert run.menus.shape == (4, 2) and run.menu_violations == 0
    none = simulate_list_outcomes([0.3, 0.6], [1, 2], {"x": [1, 0]}, n_applicants=50, n_markets=3,
                                  rng=3)
    assert none.menus is None and none.menu_violations is None and none.realised_chance is None


@pytest.mark.parametrize("generator", ["simple", "pmr", "anesthesiology"])
def test_market_mode_with_each_generator_obeys_the_menu_theorem(generator):
    f = read_rank_file(EXAMPLE)
    run = simulate_list_outcomes(f.chance, f.preference, f.lists, n_applicants=150, n_markets=6,
                                 rng=11, verify=True, generator=generator)
    assert run.menu_violations == 0 and run.generator == generator
    assert 0.9 <= run.placement_agreement <= 1.0
    assert np.array_equal(run.outcomes[:-1], first_on_menu(run.menus, list(f.lists.values())))


def test_market_mode_rejects_unknown_generator():
    with pytest.raises(ValueError, match="generator must be one of"):
        simulate_list_outcomes([0.3], [1], {"x": [0]}, n_markets=1, generator="magic")


def test_rank_limit_constant_matches_the_core():
    from matchsim.advisor.checks import NRMP_MAX_RANKS as advisor_limit
    from matchsim.market import NRMP_MAX_RANKS

    assert advisor_limit == NRMP_MAX_RANKS == 300


def test_ordinal_ranks_are_understood():
    f = parse_rank_text("program,preference,L\nA,2nd,1st\nB,1st,3rd\n")
    assert f.preference.tolist() == [2, 1]
    assert f.lists["L"].tolist() == [0, 1]


# ------------------------------------------------------- issue 7: reading honestly
@pytest.mark.parametrize(
    "cells, row, fragment",
    [
        (["60", "0.5", "40"], 3, r"60 \(row 2\) and 40 \(row 4\) read as percentages but 0\.5 \(row 3\) as a fraction"),
        (["0.3", "0.5", "1.4"], 4, r"1\.4 \(row 4\) reads as a percentage but 0\.3 \(row 2\) and 0\.5 \(row 3\) as fractions"),
        (["60", "1", "30%"], 3, r"60 \(row 2\) reads as a percentage but 1 \(row 3\) as a fraction"),
    ],
)
def test_issue_7_13_a_chance_column_mixing_scales_is_an_error(cells, row, fragment):
    text = "program,preference,chance,L\n" + "".join(f"P{i},{i + 1},{c},{i + 1}\n" for i, c in enumerate(cells))
    with pytest.raises(InputError, match=fragment) as info:
        parse_rank_text(text, source="mix.csv")
    assert info.value.row == row and info.value.column == "chance"
    assert "write every chance as a fraction from 0 to 1 (0.6) or with a % sign (60%)" in str(info.value)


@pytest.mark.parametrize(
    "cells, expect",
    [
        (["0.3", "0.5", "1"], [0.3, 0.5, 1.0]),       # fractions (1 = sure)
        (["60", "45", "0"], [0.6, 0.45, 0.0]),        # percentages (0 is 0 on both scales)
        (["60%", "0.5", "0.25"], [0.6, 0.5, 0.25]),   # a % sign says what it is
        (["12", "30%", "5"], [0.12, 0.3, 0.05]),
    ],
)
def test_issue_7_13_a_chance_column_on_one_scale_is_read_as_written(cells, expect):
    text = "program,preference,chance,L\n" + "".join(f"P{i},{i + 1},{c},{i + 1}\n" for i, c in enumerate(cells))
    assert parse_rank_text(text).chance.tolist() == pytest.approx(expect)


def test_issue_7_14_ranks_with_gaps_are_said_in_the_list_checks():
    f = parse_rank_text("program,preference,L,M\nA,1,1,1\nB,2,2,2\nC,3,7,3\n")
    checks = check_lists(f.programs, f.preference, f.lists, written_ranks=f.written_ranks)
    gaps = [c for c in checks if c.kind == "gaps"]
    assert [c.list_name for c in gaps] == ["L"]
    assert gaps[0].message.startswith('"L" has no ranks 3 to 6: only the order counts, so its '
                                      "ranks 1, 2 and 7 are read as 1st to 3rd.")


def test_gaps_in_the_preference_column_are_said_too():
    f = parse_rank_text("program,preference,L\nA,10,1\nB,20,2\nC,15,3\n")
    assert f.written_preference.tolist() == [10, 20, 15] and f.preference.tolist() == [1, 3, 2]
    checks = check_lists(f.programs, f.preference, f.lists, written_ranks=f.written_ranks,
                         written_preference=f.written_preference)
    assert [(c.list_name, c.kind) for c in checks][0] == (None, "gaps")
    assert "your true order has no preferences 1 to 9, 11 to 14 and 16 to 19" in checks[0].message.lower()


def test_issue_7_15_an_unknown_column_is_named_as_a_list_with_how_to_mark_notes():
    text = ("program,preference,Type,honest,Chance of matching\n"
            "Mercy,1,categorical,1,high\nCity,2,advanced,2,low\n")
    with pytest.raises(InputError) as info:
        parse_rank_text(text, source="mylist.csv")
    msg = str(info.value)
    assert msg.startswith('mylist.csv, row 2, column "Type": "categorical" is not a rank')
    assert 'the columns read as candidate lists are "Type", "honest" and "Chance of matching"' in msg
    assert 'if "Type" holds notes, name it "notes" or start its name with "#"' in msg


@pytest.mark.parametrize("header", ["notes", "Notes (interview day)", "# my thoughts", "comment", "Note: drive"])
def test_notes_columns_are_ignored_and_named(header):
    f = parse_rank_text(f"program,preference,honest,{header}\nMercy,1,1,far away\nCity,2,2,42\n")
    assert list(f.lists) == ["honest"] and f.ignored == (header,)


@pytest.mark.parametrize(
    "cell, expect",
    [
        ("you will be ranked highly", "ranked highly"),       # the phrase the findings quote
        ('"You will be ranked highly."', "ranked highly"),
        ("\u201cyou will be ranked highly\u201d", "ranked highly"),
        ("you are ranked to match", "ranked to match"),
        ("you will match here", "ranked to match"),
        ("guaranteed commitment", "ranked to match"),
        ("high rank", "ranked highly"),
        ("strong interest", "interested"),
        ("no statement", "none"),
    ],
)
def test_issue_7_16_the_phrases_the_tool_and_its_docs_quote_are_signals(cell, expect):
    from matchsim.advisor.signals import canonical_signal

    assert canonical_signal(cell) == expect


def test_issue_7_16_every_phrase_quoted_in_findings_and_docs_is_accepted():
    import re

    from matchsim.advisor.signals import canonical_signal

    f = read_rank_file(EXAMPLE)
    r = compare_lists(f.chance, f.preference, f.lists, 0.5)
    text = " ".join(x.text for x in list_findings(f.programs, r, ("ranked highly", "ranked to match")
                                                  + f.signal[2:], f.chance, f.chance_given))
    docs = Path(__file__).parents[1] / "docs"
    text += (docs / "ranked-highly.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r'told you "([^"]+)"|said "([^"]+)"', text))
    phrases = {p for pair in quoted for p in pair if p}
    assert {"you will be ranked highly", "you are ranked to match"} <= phrases
    assert all(canonical_signal(p) is not None for p in phrases), phrases


def test_issue_7_16_a_blank_signal_is_no_message_recorded_not_none():
    f = parse_rank_text("program,preference,signal,L\nA,1,,1\nB,2,none,2\n")
    assert f.signal == (None, "none")
    assert f.chance.tolist() == [DEFAULT_CHANCE["none"]] * 2
    from matchsim.advisor.findings import assumption_notes

    note = assumption_notes(f.programs, f.chance, f.chance_given, f.signal, "src")[0]
    assert "A (no message recorded), so we used 5.9%, the figure for a program that sent none" in note
    assert 'B, so we used 5.9% from what the program told you ("none")' in note


def test_issue_7_17_findings_name_their_list_and_never_state_a_change_that_is_not_one():
    # C is unacceptable and almost never takes you: adding it changes P(match) by 0.025 points
    r = compare_lists([0.5, 0.5, 0.001], [1, 2, 0], {"plus C": [0, 1, 2], "also plus C": [0, 1, 2],
                                                     "short": [0], "short too": [0]}, 0.0)
    found = list_findings(("A", "B", "C"), r)
    texts = [f.text for f in found]
    assert not any("from 75% to 75%" in t for t in texts), texts
    adding = [t for t in texts if "adds C" in t]
    assert len(adding) == 2 and adding[0].startswith('"plus C"') and adding[1].startswith('"also plus C"')
    assert "from 75.00% to 75.02%" in adding[0]
    leaving = [f for f in found if f.kind == "left off"]
    assert [f.list_name for f in leaving] == ["short", "short too"]
    assert leaving[0].text.startswith('"short" leaves B off: that lowers your chance of matching from 75% to 50%')


def test_comment_rows_above_the_header_are_skipped_and_do_not_fool_the_separator():
    # the template as a ';' spreadsheet saves it: comments padded with separators
    text = ('"# matchsim compare; one row, per program";;;;\n# signal: none / interested;;;;\n'
            "program;preference;chance;honest;notes\nMercy;1;12,5%;1;x\nCity;2;0,4;2;\n")
    f = parse_rank_text(text)
    assert f.programs == ("Mercy", "City") and f.chance.tolist() == [0.125, 0.4]
    assert f.rows.tolist() == [4, 5] and f.ignored == ("notes",)


def test_bytes_that_are_no_text_are_an_error_naming_the_row_never_replaced(tmp_path):
    """Windows-1252 leaves 0x81 undefined: the reader used to put U+FFFD there in silence."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"program,preference,L\nMercy,1,1\nCaf\xe9 \x81,2,2\n")
    with pytest.raises(InputError, match=r"byte \(0x81\) that is not text in UTF-8 or Windows-1252") as info:
        read_rank_file(path)
    assert info.value.row == 3 and info.value.file == "odd.csv"


def test_windows_1252_files_are_read_and_said_so(tmp_path):
    from matchsim.advisor import advise

    path = tmp_path / "w.csv"
    path.write_bytes("program,preference,chance,L\r\nSão José,1,50%,1\r\n".encode("cp1252"))
    f = read_rank_file(path)
    assert f.programs == ("São José",) and f.encoding == "cp1252"
    notes = advise(f, samples=0).assumptions
    assert any("read as Windows-1252" in n for n in notes)


def test_a_damaged_workbook_is_named_by_its_kind(tmp_path):
    path = tmp_path / "lists.csv"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(InputError, match=r"looks like a LibreOffice / OpenDocument workbook \(\.ods\) but "
                       r"cannot be read as one"):
        read_rank_file(path)


def test_an_old_xls_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "lists.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"old-style Excel workbook \(\.xls\), which matchsim cannot read; "
                       r"save the sheet as CSV"):
        read_rank_file(path)
