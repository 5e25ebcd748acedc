"""Ranking strategies: what they submit, and that none beats the truth under DA."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsim.engine import deferred_acceptance
from matchsim.markets import MESSAGES, generate_market, preset
from matchsim.strategies import (
    STRATEGIES,
    apply_strategy,
    strategy_params,
    true_rank,
    true_utility,
)

# every strategy with a few parameter settings
SETTINGS = [
    ("truthful", {}),
    ("safety_first", {}),
    ("safety_first", {"threshold": 0.8}),
    ("signal_chasing", {}),
    ("signal_chasing", {"min_message": "interested"}),
    ("signal_chasing", {"min_message": 3}),
    ("truncate", {}),
    ("truncate", {"k": 1}),
    ("drop_reaches", {}),
    ("drop_reaches", {"threshold": 0.6}),
    ("promise_keeper", {}),
    ("promise_keeper", {"promise": "message"}),
    ("promise_keeper", {"promise": "signal"}),
]
IDS = [f"{s}-{'-'.join(map(str, p.values())) or 'default'}" for s, p in SETTINGS]


def _tiny(seed, **kw):
    """A small market with loud, half-sincere messages, so strategies bite."""
    params = preset("small", n_applicants=60, n_programs=10, n_positions=50,
                    n_applications=(8, 8, 8, 8, 8), interview_slots_per_position=4.0,
                    message_rate=1.0, **kw)
    return generate_market(params, rng=seed)


@pytest.fixture(scope="module")
def sm():
    return generate_market(preset("small", message_rate=1.0), rng=21)


# ---------------------------------------------------------- plain reference
def _reference_list(sm, a, strategy, **p):
    """What ``strategy`` submits for applicant ``a``, one applicant at a time."""
    s, e = sm.market.applicant_ptr[a], sm.market.applicant_ptr[a + 1]
    progs = list(sm.market.applicant_list[s:e])
    belief, msg, sig = sm.belief[s:e], sm.message[s:e], sm.signal[s:e]
    idx = range(e - s)
    if strategy == "truthful":
        return progs
    if strategy == "safety_first":
        thr = p.get("threshold", 0.5)
        return [progs[i] for i in idx if belief[i] >= thr] + [
            progs[i] for i in idx if belief[i] < thr]
    if strategy == "signal_chasing":
        code = p.get("min_message", "ranked highly")
        code = MESSAGES.index(code) if isinstance(code, str) else code
        return [progs[i] for i in idx if msg[i] >= code] + [
            progs[i] for i in idx if msg[i] < code]
    if strategy == "truncate":
        return progs[: p.get("k", 5)]
    if strategy == "drop_reaches":
        return [progs[i] for i in idx if belief[i] >= p.get("threshold", 0.2)]
    if strategy == "promise_keeper":
        promise = p.get("promise", "either")
        chosen = None
        if promise in ("message", "either"):
            chosen = next((i for i in idx if msg[i] == 3), None)
        if chosen is None and promise in ("signal", "either"):
            chosen = next((i for i in idx if sig[i]), None)
        if chosen is None:
            return progs
        return [progs[chosen]] + [progs[i] for i in idx if i != chosen]
    raise AssertionError(strategy)


@pytest.mark.parametrize("strategy, params", SETTINGS, ids=IDS)
def test_vectorised_equals_reference(sm, strategy, params):
    m = apply_strategy(sm, strategy, "all", **params)
    for a in range(sm.market.n_applicants):
        assert m.applicant_prefs(a).tolist() == _reference_list(sm, a, strategy, **params)


@pytest.mark.parametrize("strategy, params", SETTINGS, ids=IDS)
@pytest.mark.parametrize("seed", range(3))
def test_output_is_reordering_or_subset_of_true_list(strategy, params, seed):
    sm = generate_market(preset("small", message_rate=0.8), rng=seed)
    m = apply_strategy(sm, strategy, "all", **params)
    for a in range(sm.market.n_applicants):
        sub = m.applicant_prefs(a)
        assert len(set(sub.tolist())) == sub.size
        assert set(sub.tolist()) <= set(sm.market.applicant_prefs(a).tolist())
    # programs' lists and capacities are not touched
    assert m.program_list is sm.market.program_list
    assert m.capacity is sm.market.capacity


@pytest.mark.parametrize("strategy, params", SETTINGS, ids=IDS)
def test_only_who_changes(sm, strategy, params):
    rng = np.random.default_rng(0)
    who = rng.random(sm.market.n_applicants) < 0.3
    m = apply_strategy(sm, strategy, who, **params)
    full = apply_strategy(sm, strategy, "all", **params)
    for a in range(sm.market.n_applicants):
        expect = full if who[a] else sm.market
        assert m.applicant_prefs(a).tolist() == expect.applicant_prefs(a).tolist()


@pytest.mark.parametrize("who", [3, [3], np.array([3]), np.arange(300) == 3])
def test_who_forms(sm, who):
    m = apply_strategy(sm, "truncate", who, k=1)
    assert m.applicant_prefs(3).size <= 1
    assert m.applicant_prefs(4).tolist() == sm.market.applicant_prefs(4).tolist()


def test_strategies_change_lists(sm):
    """Each non-truthful strategy reorders or shortens somebody's list here."""
    bold = {"drop_reaches": {"threshold": 0.5}, "truncate": {"k": 1}}
    for name in STRATEGIES:
        if name == "truthful":
            continue
        m = apply_strategy(sm, name, "all", **bold.get(name, {}))
        same = (m.applicant_list.size == sm.market.applicant_list.size
                and (m.applicant_list == sm.market.applicant_list).all())
        assert not same, name


# ----------------------------------------------------------------- theorem
@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), focal=st.integers(0, 59),
       informativeness=st.sampled_from([0.0, 0.5, 1.0]))
def test_truthful_weakly_beats_every_strategy(seed, focal, informativeness):
    """Dubins & Freedman (1981), Roth (1982): without couples, no list the
    focal applicant can submit gets her a program she truly prefers to the one
    truthful ranking gets her, whatever everybody else submits (here: truthful)."""
    sm = _tiny(seed, message_informativeness=informativeness)
    u = true_utility(sm, deferred_acceptance(sm.market, "applicant").assignment)[focal]
    for strategy, params in SETTINGS:
        m = apply_strategy(sm, strategy, [focal], **params)
        u_s = true_utility(sm, deferred_acceptance(m, "applicant").assignment)[focal]
        assert u_s <= u, (strategy, params)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), focal=st.integers(0, 59),
       others=st.sampled_from(sorted(STRATEGIES)), share=st.floats(0.0, 1.0))
def test_truthful_best_when_others_manipulate(seed, focal, others, share):
    """The same holds when a share of the other applicants use a strategy."""
    sm = _tiny(seed)
    rng = np.random.default_rng(seed)
    who = rng.random(sm.market.n_applicants) < share
    who[focal] = False
    base = apply_strategy(sm, others, who)
    truth = sm.market.applicant_prefs(focal)
    u = true_utility(sm, deferred_acceptance(base.with_applicant_list(focal, truth),
                                             "applicant").assignment)[focal]
    for strategy, params in SETTINGS:
        lst = apply_strategy(sm, strategy, [focal], **params).applicant_prefs(focal)
        res = deferred_acceptance(base.with_applicant_list(focal, lst), "applicant")
        assert true_utility(sm, res.assignment)[focal] <= u, (strategy, params)


@pytest.mark.parametrize("seed", range(3))
def test_truthful_best_in_a_specialty_sized_market(seed):
    """The same theorem on a calibrated PM&R-sized market (500 applicants)."""
    sm = generate_market("pmr", rng=seed)
    u = true_utility(sm, deferred_acceptance(sm.market, "applicant").assignment)
    for focal in range(0, 500, 50):
        for strategy, params in SETTINGS:
            m = apply_strategy(sm, strategy, [focal], **params)
            u_s = true_utility(sm, deferred_acceptance(m, "applicant").assignment)
            assert u_s[focal] <= u[focal], (strategy, params, focal)


def test_strategies_do_cost_somebody_something():
    """The theorem test is not vacuous: every non-truthful strategy makes some
    applicant strictly worse off in these markets (dropping only the most
    hopeless reaches rarely costs anything, and lists here are short, so bolder
    settings are used)."""
    params = {"drop_reaches": {"threshold": 0.6}, "truncate": {"k": 1},
              "safety_first": {"threshold": 0.3}}
    worse = {name: 0 for name in STRATEGIES if name != "truthful"}
    for seed in range(12):
        sm = _tiny(seed, message_informativeness=0.3)
        u = true_utility(sm, deferred_acceptance(sm.market, "applicant").assignment)
        for name in worse:
            for focal in range(0, 60, 2):
                m = apply_strategy(sm, name, [focal], **params.get(name, {}))
                u_s = true_utility(sm, deferred_acceptance(m, "applicant").assignment)
                worse[name] += int(u_s[focal] < u[focal])
    assert all(n > 0 for n in worse.values()), worse


# ----------------------------------------------------------------- helpers
def test_true_rank_and_utility(sm):
    m = apply_strategy(sm, "truncate", "all", k=1)
    res = deferred_acceptance(m, "applicant")
    r = true_rank(sm, res.assignment)
    assert ((r == 1) | (r == -1)).all()
    u = true_utility(sm, res.assignment)
    assert np.isneginf(u[r == -1]).all()
    first = sm.utility[sm.market.applicant_ptr[:-1][r == 1]]
    np.testing.assert_array_equal(u[r == 1], first)


def test_strategy_params_lists_defaults():
    assert strategy_params("safety_first") == {"threshold": 0.5}
    assert strategy_params("truthful") == {}


def test_numpy_integers_are_accepted(sm):
    m = apply_strategy(sm, "truncate", "all", k=np.int64(2))
    assert int(m.applicant_list_lengths.max()) == 2


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("strategy, who, params, match", [
    ("honest", "all", {}, "unknown strategy 'honest'; valid strategies: truthful, safety_first"),
    ("truncate", "all", {"n": 2}, "has no parameter 'n'; its parameters: k"),
    ("truthful", "all", {"k": 2}, "has no parameter 'k'; its parameters: none"),
    ("truncate", "all", {"k": -1}, r"k = -1 is not allowed \(Expected `int` >= 1\)"),
    ("truncate", "all", {"k": 0}, r"k = 0 is not allowed \(Expected `int` >= 1\)"),
    ("truncate", "all", {"k": 2.5}, r"k = 2.5 is not allowed \(Expected `int`, got `float`\)"),
    ("truncate", "all", {"k": True}, r"k = True is not allowed"),
    ("safety_first", "all", {"threshold": 2}, r"threshold = 2 is not allowed \(Expected `float` <= 1.0\)"),
    ("drop_reaches", "all", {"threshold": -0.1}, r"threshold = -0.1 is not allowed"),
    ("signal_chasing", "all", {"min_message": "loves you"}, "min_message = 'loves you' is not allowed"),
    ("signal_chasing", "all", {"min_message": 7}, r"min_message = 7 is not allowed \(Expected `int` <= 3\)"),
    ("promise_keeper", "all", {"promise": "oath"}, "promise = 'oath' is not allowed"),
    ("truthful", "everybody", {}, "who must be a boolean mask, applicant ids or 'all'"),
    ("truthful", [10_000], {}, "applicant id 10000 is outside"),
    ("truthful", np.ones(3, dtype=bool), {}, "boolean who mask needs shape"),
    ("truthful", [0.5], {}, "integer applicant ids"),
])
def test_errors(sm, strategy, who, params, match):
    with pytest.raises(ValueError, match=match):
        apply_strategy(sm, strategy, who, **params)


def test_true_rank_checks_shape(sm):
    with pytest.raises(ValueError, match="assignment needs shape"):
        true_rank(sm, np.zeros(3, dtype=np.int32))
