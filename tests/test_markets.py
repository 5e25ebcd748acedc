"""The synthetic market generator: structure, reproducibility, stages, presets."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsim.engine import deferred_acceptance
from matchsim.markets import (
    APPLICANT_TYPES,
    MESSAGES,
    PRESETS,
    TARGETS,
    MarketParams,
    SyntheticMarket,
    generate_market,
    preset,
)
from matchsim.constants import UNRANKED_BY_PROGRAM


def _small(**kw):
    return preset("small", **kw)


@pytest.fixture(scope="module")
def sm() -> SyntheticMarket:
    return generate_market("small", rng=11)


# ------------------------------------------------------------------ structure
def test_shapes_and_dtypes(sm):
    m = sm.market
    n_e = m.applicant_list.size
    assert sm.applicant_type.shape == (m.n_applicants,) and sm.applicant_type.dtype == np.int8
    for arr, dtype in ((sm.utility, np.float64), (sm.belief, np.float64),
                       (sm.message, np.int8), (sm.signal, np.bool_),
                       (sm.program_rank, np.int32)):
        assert arr.shape == (n_e,)
        assert arr.dtype == dtype
    assert sm.applicant_type.max() < len(APPLICANT_TYPES)
    assert sm.message.max() < len(MESSAGES)
    assert ((sm.belief >= 0) & (sm.belief <= 1)).all()


def test_sizes_match_params(sm):
    m, p = sm.market, sm.params
    assert (m.n_applicants, m.n_programs, m.n_positions) == (
        p.n_applicants, p.n_programs, p.n_positions)
    assert m.capacity.min() >= 1


@pytest.mark.parametrize("seed", range(5))
def test_applicant_lists_in_true_order(seed):
    sm = generate_market("small", rng=seed)
    ptr = sm.market.applicant_ptr
    e_app = sm.entry_applicant
    same = e_app[1:] == e_app[:-1]
    assert (sm.utility[1:][same] < sm.utility[:-1][same]).all()
    assert (np.diff(ptr) <= sm.params.max_interviews).all()
    assert (np.diff(ptr) <= sm.n_applied).all()


@pytest.mark.parametrize("seed", range(5))
def test_program_lists_only_hold_interviewees(seed):
    """Rank lists come only from interviews: every program-list entry is mutual,
    and program_rank is each entry's place on the program's list."""
    sm = generate_market("small", rng=seed)
    m = sm.market
    e_app = sm.entry_applicant
    ranked = sm.program_rank != UNRANKED_BY_PROGRAM
    p = m.applicant_list[ranked]
    at = m.program_ptr[p] + sm.program_rank[ranked]
    assert (m.program_list[at] == e_app[ranked]).all()
    assert ranked.sum() == m.program_list.size  # so every program entry is one of these
    slots = np.ceil(sm.params.interview_slots_per_position * m.capacity)
    interviews = np.bincount(m.applicant_list, minlength=m.n_programs)
    assert (interviews <= slots).all()


def test_rank_floor_leaves_weak_interviewees_off():
    free = generate_market(_small(rank_floor=-np.inf), rng=3)
    choosy = generate_market(_small(rank_floor=0.5), rng=3)
    assert (free.program_rank != UNRANKED_BY_PROGRAM).all()
    assert (choosy.program_rank == UNRANKED_BY_PROGRAM).any()
    assert choosy.market.program_list.size < free.market.program_list.size


# ----------------------------------------------------------- reproducibility
# Digests of the integer arrays (lists, capacities, types, messages, signals,
# program ranks, application counts) of markets drawn before the generator was
# split into stages: every published figure rests on these markets, so a change
# to the generator that redraws them must be deliberate (and update the docs).
RECORDED = {
    ("small", 0): "63cb94928b5f64a28cbf7a70287457f34e1a150c012e615f5251660af13783a8",
    ("pmr", 1): "f34e93744d63c0c765d8cfa72d902f4a8fcac9cdb3f49c332b552f80f919f0b0",
    ("anesthesiology", 2): "bd6d0ac8b926391563da7a15c829296ea553b3ba328da4a2d4cf52269cb794cf",
}


@pytest.mark.parametrize("name, seed", sorted(RECORDED))
def test_markets_equal_the_recorded_ones(name, seed):
    import hashlib

    sm = generate_market(name, rng=seed)
    m = sm.market
    h = hashlib.sha256()
    for a in (m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity,
              sm.applicant_type, sm.message, sm.signal, sm.program_rank, sm.n_applied):
        h.update(np.ascontiguousarray(a).tobytes())
    assert h.hexdigest() == RECORDED[name, seed]


def test_same_seed_same_market():
    a, b = generate_market("small", rng=5), generate_market("small", rng=5)
    for f in ("utility", "belief", "message", "signal", "applicant_type"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    np.testing.assert_array_equal(a.market.program_list, b.market.program_list)


def test_generator_and_seed_sequence_accepted():
    a = generate_market("small", rng=np.random.default_rng(9))
    b = generate_market("small", rng=np.random.SeedSequence(9))
    np.testing.assert_array_equal(a.market.applicant_list, b.market.applicant_list)


def test_different_seeds_differ():
    a, b = generate_market("small", rng=1), generate_market("small", rng=2)
    assert not np.array_equal(a.utility[:50], b.utility[:50])


# ------------------------------------------------------------------ stages
def test_applications_by_type():
    sm = generate_market(_small(n_applications=(5, 5, 20, 20, 5), application_dispersion=0.0),
                         rng=0)
    img = np.isin(sm.applicant_type, [2, 3])
    assert sm.n_applied[img].mean() > 3 * sm.n_applied[~img].mean()


def test_stronger_applicants_get_more_interviews():
    sm = generate_market(_small(rank_floor=-np.inf), rng=4)
    length = sm.market.applicant_list_lengths
    strong = sm.strength > np.median(sm.strength)
    assert length[strong].mean() > length[~strong].mean()


@pytest.mark.parametrize("n_signals", [0, 1, 3])
def test_signal_count(n_signals):
    sm = generate_market(_small(n_signals=n_signals), rng=2)
    per_applicant = np.bincount(sm.entry_applicant[sm.signal], minlength=sm.market.n_applicants)
    assert per_applicant.max() <= n_signals


def test_signals_raise_interview_chances():
    """With a big signal boost, more interviews carry a signal (signals act on
    who interviews whom, Coles, Kushnir & Niederle 2013)."""
    none = generate_market(_small(signal_boost=0.0), rng=6)
    big = generate_market(_small(signal_boost=3.0), rng=6)
    assert big.signal.mean() > none.signal.mean() + 0.05


def test_signal_settings_share_random_numbers():
    """Signals use no random numbers of their own: with the same seed, markets
    with and without signals have the same applicants, applications and tastes,
    and differ only in who is interviewed (common random numbers)."""
    off = generate_market(_small(n_signals=0), rng=12)
    on = generate_market(_small(n_signals=3, signal_boost=2.0), rng=12)
    np.testing.assert_array_equal(off.strength, on.strength)
    np.testing.assert_array_equal(off.n_applied, on.n_applied)
    assert not np.array_equal(off.market.applicant_list, on.market.applicant_list)


def test_sincere_messages_follow_program_lists():
    sm = generate_market(_small(message_informativeness=1.0, message_rate=1.0), rng=8)
    m = sm.market
    cap = m.capacity[m.applicant_list]
    c1, c2, c3 = sm.params.message_cutoffs
    r = sm.program_rank
    ranked = r != UNRANKED_BY_PROGRAM
    assert (sm.message[~ranked] == 0).all()
    assert (r[sm.message == 3] < c1 * cap[sm.message == 3]).all()
    assert (r[ranked & (sm.message == 0)] >= c3 * cap[ranked & (sm.message == 0)]).all()
    assert (r[sm.message == 2] < c2 * cap[sm.message == 2]).all()


@pytest.mark.parametrize("seed", range(4))
def test_sincere_promise_is_kept_by_the_algorithm(seed):
    """A sincere "ranked to match" goes to an applicant in the program's top
    ``capacity`` who ranks it first, so truthful DA always matches them there."""
    sm = generate_market(_small(message_informativeness=1.0, message_rate=1.0), rng=seed)
    res = deferred_acceptance(sm.market, "applicant")
    told = sm.message == MESSAGES.index("ranked to match")
    assert told.any()
    assert (res.assignment[sm.entry_applicant[told]] == sm.market.applicant_list[told]).all()


def test_noisy_messages_carry_no_information():
    sm = generate_market(
        preset("anesthesiology", message_informativeness=0.0, message_rate=1.0), rng=1)
    ranked = sm.program_rank != UNRANKED_BY_PROGRAM
    top = ranked & (sm.program_rank < sm.market.capacity[sm.market.applicant_list])
    # the share of encouraging messages is the same for the program's top
    # applicants and for everybody else
    assert abs(sm.message[top].mean() - sm.message[~top].mean()) < 0.1


def test_with_messages_keeps_everything_else(sm):
    quiet = sm.without_messages()
    assert (quiet.message == 0).all()
    assert quiet.market is sm.market
    np.testing.assert_array_equal(quiet.utility, sm.utility)
    np.testing.assert_array_equal(quiet.signal, sm.signal)
    again = quiet.with_messages(rate=sm.params.message_rate)
    np.testing.assert_array_equal(again.message, sm.message)
    np.testing.assert_array_equal(again.belief, sm.belief)


def test_messages_raise_beliefs(sm):
    loud = sm.with_messages(rate=1.0, informativeness=1.0)
    told = loud.message > 0
    assert (loud.belief[told] > sm.without_messages().belief[told]).all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_regions=st.integers(1, 12),
       home=st.floats(0, 1), slots=st.floats(0.5, 8))
def test_any_setting_gives_valid_market(seed, n_regions, home, slots):
    params = _small(n_regions=n_regions, home_application_share=home,
                    interview_slots_per_position=slots)
    sm = generate_market(params, rng=seed)
    assert sm.market.n_positions == params.n_positions
    assert sm.utility.size == sm.market.applicant_list.size


def test_tiny_market():
    sm = generate_market(MarketParams(n_applicants=3, n_programs=1, n_positions=1,
                                      n_regions=4), rng=0)
    assert sm.market.n_programs == 1


def test_empty_applicant_pool():
    sm = generate_market(MarketParams(n_applicants=0, n_programs=2, n_positions=3), rng=0)
    assert sm.market.applicant_list.size == 0


# ------------------------------------------------------------------ presets
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_generate(name):
    p = preset(name)
    if p.n_applicants > 5_000:
        p = dataclasses.replace(p, n_applicants=p.n_applicants // 20,
                                n_programs=p.n_programs // 20,
                                n_positions=p.n_positions // 20)
    sm = generate_market(p, rng=0)
    assert sm.market.n_applicants == p.n_applicants


def test_nrmp2025_sizes():
    p = preset("nrmp2025")
    assert (p.n_applicants, p.n_programs, p.n_positions) == (47_208, 6_626, 40_041)
    assert {t.name for t in TARGETS["nrmp2025"]} >= {
        "fill rate (PGY-1)", "match rate, US MD", "mean list length, matched"}


def test_preset_overrides():
    assert preset("pmr", n_signals=0).n_signals == 0
    assert PRESETS["pmr"].n_signals == 8  # the registry is not changed


@pytest.mark.parametrize("name, overrides, match", [
    ("nrmp", {}, "unknown market preset 'nrmp'; valid presets: anesthesiology, nrmp2025"),
    ("small", {"n_signal": 1}, "did you mean 'n_signals'"),
    ("small", {"zzz": 1}, "unknown market parameter 'zzz'; valid: n_applicants"),
])
def test_preset_errors(name, overrides, match):
    with pytest.raises(ValueError, match=match):
        preset(name, **overrides)


@pytest.mark.parametrize("kw, match", [
    ({"n_programs": 0}, "n_programs must be >= 1, got 0"),
    ({"n_positions": 3, "n_programs": 5}, "at least n_programs"),
    ({"type_shares": (1, 1)}, "type_shares needs 5 values"),
    ({"applicant_correlation": 1.5}, r"applicant_correlation must be in \[0, 1\]"),
    ({"message_informativeness": -0.1}, r"message_informativeness must be in \[0, 1\]"),
    ({"message_cutoffs": (3, 1, 6)}, "non-decreasing"),
    ({"n_applicants": 2.5}, "n_applicants must be an integer"),
    ({"max_interviews": 0}, "max_interviews must be >= 1"),
    ({"n_applications": (0, 1, 1, 1, 1)}, "n_applications must be >= 1 for every type, got 0 for US MD"),
    ({"n_applicants": True}, "n_applicants must be an integer >= 0, got True"),
    ({"n_programs": "5"}, "n_programs must be an integer >= 1, got '5'"),
    ({"home_application_share": "0.5"}, r"home_application_share must be a number in \[0, 1\], got '0.5'"),
    ({"home_bonus": "x"}, "home_bonus must be a number, got 'x'"),
    ({"signal_boost": True}, "signal_boost must be a number, got True"),
    ({"strength_sd": float("nan")}, "strength_sd must be >= 0, got nan"),
    ({"type_shares": (-1, 1, 1, 1, 1)}, "type_shares must be >= 0 for every type, got -1 for US MD"),
    ({"type_shares": (0, 0, 0, 0, 0)}, "type_shares must be >= 0 and not all 0"),
    ({"type_shares": 5}, "type_shares needs 5 values, one per type .*, got the single value 5"),
    ({"strength_mean": (0, 0, 0, 0, "low")}, "strength_mean must be a number for every type, got 'low' for other"),
    ({"message_cutoffs": (1, 2)}, "message_cutoffs needs 3 values, got 2"),
    ({"message_cutoffs": (-1, 2, 3)}, r"message_cutoffs must be >= 0 each, got \(-1, 2, 3\)"),
])
def test_params_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        MarketParams(**kw)


def test_params_errors_through_replace_name_the_field():
    # studies validate scenario overrides with dataclasses.replace on a preset
    with pytest.raises(ValueError, match=r"^max_interviews must be >= 1, got -3$"):
        dataclasses.replace(preset("pmr"), max_interviews=-3)


def test_params_accept_numpy_numbers_and_keep_them():
    p = MarketParams(n_applicants=np.int64(50), home_bonus=np.float64(0.2),
                     type_shares=np.array([1, 1, 1, 1, 1]), n_applications=[3, 3, 3, 3, 3])
    assert p.n_applicants == 50 and isinstance(p.n_applicants, np.int64)
    assert p.type_shares == (1.0,) * 5 and p.n_applications == (3.0,) * 5
    assert all(type(x) is float for x in p.type_shares)


def test_params_fields_are_the_public_api():
    names = MarketParams.field_names()
    assert names == tuple(f.name for f in dataclasses.fields(MarketParams))
    assert len(names) == 30 and names[:3] == ("n_applicants", "n_programs", "n_positions")
    assert preset("pmr", n_signals=2) == dataclasses.replace(PRESETS["pmr"], n_signals=2)


def test_generate_market_rejects_bad_params():
    with pytest.raises(ValueError, match="unknown market preset"):
        generate_market("nope")
    with pytest.raises(ValueError, match="MarketParams or a preset name"):
        generate_market({"n_applicants": 3})
