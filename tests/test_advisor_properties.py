"""Theorems about rank lists, stated as properties of the menu model and the real algorithm.

* In every sampled menu, the truthful list weakly beats every reordering and
  every truncation (and every other list): it gets the best program on the menu.
* The chance of matching depends only on which programs are listed, never on
  their order.
* "Better than the true order" is exactly 0, by exact quadrature, by sampling
  and in simulated markets.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsim.advisor.comparison import outcome_utility
from matchsim.advisor.findings import list_findings
from matchsim.advisor.market_mode import place_applicant
from matchsim.advisor.menu import compare_lists, first_on_menu, p_match_of_set, sample_menus
from matchsim.engine import deferred_acceptance
from matchsim.markets.specialty import specialty_market


@st.composite
def applicants(draw, max_programs=7):
    """Chances, a true order (some programs unacceptable) and candidate lists."""
    n = draw(st.integers(1, max_programs))
    chance = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    n_acc = draw(st.integers(1, n))
    pref = np.zeros(n, dtype=np.int64)
    pref[list(order[:n_acc])] = np.arange(1, n_acc + 1)
    lists = draw(st.lists(
        st.permutations(range(n)).flatmap(lambda p: st.integers(0, n).map(lambda k: list(p[:k]))),
        min_size=1, max_size=4))
    rho = draw(st.sampled_from([0.0, 0.3, 0.6, 0.9]))
    return np.array(chance), pref, lists, rho


def _truncations_and_reorderings(truthful, rng):
    out = [truthful[:k] for k in range(truthful.size + 1)]
    out += [rng.permutation(truthful) for _ in range(3)]
    out += [rng.permutation(truthful)[: rng.integers(0, truthful.size + 1)] for _ in range(3)]
    return out


@settings(max_examples=60, deadline=None)
@given(applicants(), st.integers(0, 2**32 - 1))
def test_truthful_weakly_beats_every_reordering_and_truncation_in_every_menu(app, seed):
    chance, pref, lists, rho = app
    rng = np.random.default_rng(seed)
    acc = np.flatnonzero(pref)
    truthful = acc[np.argsort(pref[acc])]
    others = lists + _truncations_and_reorderings(truthful, rng)
    menus = sample_menus(chance, 500, rho, rng)
    out = first_on_menu(menus, others + [truthful])
    u = outcome_utility(pref)
    badness = u[np.where(out < 0, pref.size, out)]
    assert np.all(badness[:-1] >= badness[-1][None, :])


@settings(max_examples=60, deadline=None)
@given(applicants(), st.integers(0, 2**32 - 1))
def test_p_match_is_order_free_and_better_is_exactly_zero(app, seed):
    chance, pref, lists, rho = app
    rng = np.random.default_rng(seed)
    shuffled = [rng.permutation(np.asarray(x, dtype=np.int64)) for x in lists]
    r = compare_lists(chance, pref, lists + shuffled, rho)
    k = len(lists)
    np.testing.assert_allclose(r.p_match[:k], r.p_match[k:], atol=1e-12)
    for i, lst in enumerate(lists):
        assert abs(r.p_match[i] - p_match_of_set(chance, lst, rho)) < 1e-9
    assert np.all(r.better == 0.0)
    assert np.all(r.joint >= -1e-15)
    np.testing.assert_allclose(r.joint.sum(axis=(1, 2)), 1.0, atol=1e-9)
    s = compare_lists(chance, pref, lists + shuffled, rho, method="sample", n_samples=300, rng=seed)
    assert np.all(s.better == 0.0)
    np.testing.assert_array_equal(s.p_match[:k], s.p_match[k:])  # same menus: exactly equal


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(20, 70))
def test_real_algorithm_gives_first_listed_program_on_the_menu(seed, k, n_applicants):
    """In a simulated market, DA's result for any list equals the menu-model result."""
    rng = np.random.default_rng(seed)
    market = specialty_market(n_applicants, k + 4, rng)
    market = place_applicant(market, rng.uniform(size=k) < 0.5, rng)
    menu = np.array([deferred_acceptance(market.with_applicant_list(0, [j])).assignment[0] == j
                     for j in range(k)])
    lists = [rng.permutation(k)[: rng.integers(0, k + 1)] for _ in range(4)]
    expect = first_on_menu(menu[None, :], lists)[:, 0]
    got = [deferred_acceptance(market.with_applicant_list(0, lst)).assignment[0] for lst in lists]
    assert np.array_equal(got, expect)


@settings(max_examples=60, deadline=None)
@given(applicants(max_programs=6), st.integers(0, 2**32 - 1))
def test_vectorised_joint_equals_plain_loop_reference(app, seed):
    from matchsim.advisor.menu import (
        exact_joint,
        _exact_joint_reference,
        quadrature_nodes,
        quantile_table,
        menu_thresholds,
    )

    chance, pref, lists, rho = app
    rng = np.random.default_rng(seed)
    z, w = quadrature_nodes(6)
    q = quantile_table(menu_thresholds(chance), z, np.sqrt(rho), np.sqrt(1 - rho))
    tru = rng.permutation(chance.size)[: rng.integers(0, chance.size + 1)]
    for lst in lists:
        lst = np.asarray(lst, dtype=np.int64)
        np.testing.assert_allclose(exact_joint(q, w, lst, tru, chance.size),
                                   _exact_joint_reference(q, w, lst, tru, chance.size), atol=1e-12)


_NO_CHANGE = re.compile(r"from (\S+%) to \1(?![\d.])|in (\S+%) of [^.]* instead of \2(?![\d.])")


@settings(max_examples=60, deadline=None)
@given(applicants(), st.sampled_from(["exact", "sample"]))
def test_every_finding_names_its_list_and_states_only_real_changes(app, method):
    """Issue 7.17: two lists never produce identical lines; no "from 73% to 73%"."""
    chance, pref, lists, rho = app
    seqs = [np.asarray(x, dtype=np.int64) for x in lists + [lists[0]]]  # the last two may be equal
    names = [f"list {i}" for i in range(len(seqs))]
    lists = dict(zip(names, seqs))
    r = compare_lists(chance, pref, lists, rho, method=method, n_samples=400, rng=1)
    programs = tuple(f"P{j}" for j in range(len(chance)))
    found = list_findings(programs, r, ("ranked highly",) * len(chance), chance, np.ones(len(chance), bool))
    for f in found:
        if f.list_name is not None:
            assert f'"{f.list_name}"' in f.text, f.text
        assert not _NO_CHANGE.search(f.text), f.text
    texts = [f.text for f in found]
    assert len(texts) == len(set(texts))
    assert {f.list_name for f in found} >= set(names)
