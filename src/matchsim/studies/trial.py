"""One trial of a study: seed -> market -> strategies -> matches -> tidy arrays.

A trial is a pure function of ``(scenario, trial number)``: its random numbers
come from ``np.random.SeedSequence(scenario.seed).spawn(trials)[trial]`` (built
directly as ``SeedSequence(seed, spawn_key=(trial,))``, which is the same
thing), so a trial gives the same rows whichever process or machine runs it,
and whatever else runs beside it. Inside a trial every strategy or setting is
evaluated on the SAME drawn market (common random numbers): the difference
between two strategies is the effect of the strategy alone.

Each study kind returns a dict of equal-length NumPy arrays, one entry per
row, always starting with the column ``trial``. Which rows are kept is chosen
so that files stay small at NRMP scale: the focal or sampled applicants, not
everybody.

Outcomes are measured in the applicant's TRUE preferences: ``true_rank`` is
the position (1 = best) of the matched program on the applicant's truthful
list, whatever list they submitted; :data:`UNMATCHED` when unmatched. Being
unmatched is worse than any match.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
from numba import njit

from matchsim.engine import deferred_acceptance
from matchsim.market import UNMATCHED

__all__ = ["trial_seed", "run_trial", "scaled_params", "TRIAL_KINDS", "OUTCOMES", "compare_outcomes"]

#: Codes of the ``outcome`` column: a strategy against truthful ranking.
OUTCOMES = ("better", "same", "worse")


def trial_seed(seed: int, trial: int, stream: int | None = None) -> np.random.SeedSequence:
    """Seed of trial ``trial`` (optionally one independent stream inside it).

    Equal to ``np.random.SeedSequence(seed).spawn(trial + 1)[trial]`` (and its
    ``stream``-th child), without spawning the earlier children.

    Examples
    --------
    >>> a = np.random.SeedSequence(7).spawn(5)[3]
    >>> b = trial_seed(7, 3)
    >>> np.random.default_rng(a).random() == np.random.default_rng(b).random()
    True
    """
    key = (trial,) if stream is None else (trial, stream)
    return np.random.SeedSequence(seed, spawn_key=key)


# stream numbers inside a trial: the market, the choice of applicants, and one
# stream per strategy keyed by its name, so that adding or reordering
# strategies never shifts the random numbers of the market or of the others
_MARKET, _PICK = 0, 1


def _strategy_rng(scenario, trial, name, purpose=0):
    """Generator of strategy ``name`` in a trial (purpose 0: the strategy itself; 1: choosing applicants)."""
    key = (trial, 2 + zlib.crc32(name.encode()), purpose)
    return np.random.default_rng(np.random.SeedSequence(scenario.seed, spawn_key=key))


@njit(cache=True)
def _true_rank(t_ptr, t_idx, who, program):
    """1-based position of ``program[i]`` on ``who[i]``'s truthful list (-1 if absent/unmatched)."""
    out = np.full(who.size, -1, dtype=np.int32)
    for i in range(who.size):
        p = program[i]
        if p < 0:
            continue
        a = who[i]
        for e in range(t_ptr[a], t_ptr[a + 1]):
            if t_idx[e] == p:
                out[i] = e - t_ptr[a] + 1
                break
    return out


@njit(cache=True)
def _rows_differ(ptr_a, idx_a, ptr_b, idx_b):
    """For each row of two CSR list sets, whether the two lists differ."""
    n = ptr_a.size - 1
    out = np.zeros(n, dtype=np.bool_)
    for r in range(n):
        la = ptr_a[r + 1] - ptr_a[r]
        if la != ptr_b[r + 1] - ptr_b[r]:
            out[r] = True
            continue
        for k in range(la):
            if idx_a[ptr_a[r] + k] != idx_b[ptr_b[r] + k]:
                out[r] = True
                break
    return out


@njit(cache=True)
def _rows_not_in(ptr_a, idx_a, ptr_b, idx_b, n_ids):
    """For each row, how many ids on list A are not on list B."""
    n = ptr_a.size - 1
    out = np.zeros(n, dtype=np.int32)
    mark = np.full(n_ids, -1, dtype=np.int64)
    for r in range(n):
        for e in range(ptr_b[r], ptr_b[r + 1]):
            mark[idx_b[e]] = r
        for e in range(ptr_a[r], ptr_a[r + 1]):
            if mark[idx_a[e]] != r:
                out[r] += 1
    return out


def _row_sums(ptr, values):
    """Sum of ``values`` over each CSR row (empty rows give 0)."""
    cs = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=cs[1:])
    return cs[ptr[1:]] - cs[ptr[:-1]]


def _sort_key(true_rank):
    """Order outcomes: smaller is better; unmatched is worst."""
    tr = np.asarray(true_rank, dtype=np.int64)
    return np.where(tr == UNMATCHED, np.iinfo(np.int32).max, tr)


def compare_outcomes(true_rank, truthful_rank) -> np.ndarray:
    """``"better"``, ``"same"`` or ``"worse"`` than truthful, per row.

    Examples
    --------
    >>> compare_outcomes([1, 3, -1, 2], [2, 3, 1, -1]).tolist()
    ['better', 'same', 'worse', 'better']
    """
    k, k0 = _sort_key(true_rank), _sort_key(truthful_rank)
    return np.asarray(OUTCOMES, dtype=object)[np.where(k < k0, 0, np.where(k == k0, 1, 2))].astype(str)


def _generate(scenario, trial, params=None):
    from matchsim.markets import generate_market

    params = scenario.market_params() if params is None else params
    return generate_market(params, np.random.default_rng(trial_seed(scenario.seed, trial, _MARKET)))


def _type_names(sm, who):
    from matchsim.markets import APPLICANT_TYPES

    names = np.asarray(APPLICANT_TYPES)
    return names[np.asarray(sm.applicant_type)[who]]


def _outcome_rows(trial, sm, who, program, baseline, strategy, submitted_len, **extra):
    """Rows for applicants ``who``: matched ``program`` against ``baseline`` (both aligned with ``who``)."""
    t = sm.market
    who = np.asarray(who, dtype=np.int64)
    program = np.asarray(program, dtype=np.int32)
    rank = _true_rank(t.applicant_ptr, t.applicant_list, who, program)
    rank0 = _true_rank(t.applicant_ptr, t.applicant_list, who, np.asarray(baseline, dtype=np.int32))
    n = who.size
    rows = {
        "trial": np.full(n, trial, dtype=np.int32),
        "applicant": who.astype(np.int32),
        "applicant_type": _type_names(sm, who),
        "strategy": np.full(n, strategy),
        "interviews": t.applicant_list_lengths[who].astype(np.int16),
        "list_length": np.asarray(submitted_len, dtype=np.int16),
        "matched": program != UNMATCHED,
        "program": program,
        "true_rank": rank,
        "truthful_rank": rank0,
        "rank_change": np.where((rank > 0) & (rank0 > 0), rank - rank0, 0).astype(np.int16),
        "outcome": compare_outcomes(rank, rank0),
    }
    for key, value in extra.items():
        rows[key] = np.broadcast_to(np.asarray(value), (n,)).copy()
    return rows


def _concat(parts):
    parts = [p for p in parts if p is not None]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _alone(m0, lists, who, baseline):
    """Each applicant in ``who`` submits their list from ``lists`` alone.

    ``lists`` is a market in which (at least) these applicants submit the
    alternative list; everybody else keeps their list from ``m0``, whose
    assignment is ``baseline``. A strategy builds an applicant's list from
    that applicant's own preferences, beliefs, messages and signals only, so
    the list is the same whether one applicant or many apply it.

    Returns the program each one matched and how many applicants' matches
    changed in their run. An applicant whose list did not change keeps the
    baseline outcome without a new run: the match depends on the lists only.
    """
    out = np.asarray(baseline, dtype=np.int32)[who].copy()
    changed = np.zeros(len(who), dtype=np.int32)
    differs = _rows_differ(m0.applicant_ptr, m0.applicant_list, lists.applicant_ptr, lists.applicant_list)
    for i, a in enumerate(who):
        a = int(a)
        if not differs[a]:
            continue
        r = deferred_acceptance(m0.with_applicant_list(a, lists.applicant_prefs(a))).assignment
        out[i] = r[a]
        changed[i] = np.count_nonzero(r != baseline)
    return out, changed


def _mask(n, who):
    mask = np.zeros(n, dtype=bool)
    mask[who] = True
    return mask


# ------------------------------------------------------------- strategies
def _trial_strategies(scenario, trial):
    from matchsim.strategies import apply_strategy

    sm = _generate(scenario, trial)
    m0 = sm.market
    n = m0.n_applicants
    pick = np.random.default_rng(trial_seed(scenario.seed, trial, _PICK))
    truthful = deferred_acceptance(m0).assignment
    lengths0 = m0.applicant_list_lengths
    parts = []
    if scenario.who == "focal":
        focal = np.sort(pick.choice(n, size=min(scenario.focal, n), replace=False))
        parts.append(_outcome_rows(trial, sm, focal, truthful[focal], truthful[focal], "truthful",
                                   lengths0[focal], deviates=True))
        for s in scenario.compare:
            lists = apply_strategy(sm, s, _mask(n, focal), rng=_strategy_rng(scenario, trial, s), **scenario.strategy_params.get(s, {}))
            program, _ = _alone(m0, lists, focal, truthful)
            parts.append(_outcome_rows(trial, sm, focal, program, truthful[focal], s,
                                       lists.applicant_list_lengths[focal], deviates=True))
    else:
        if scenario.who == "everybody":
            mask = np.ones(n, dtype=bool)
        else:
            mask = pick.random(n) < scenario.share
        dev, stay = np.flatnonzero(mask), np.flatnonzero(~mask)
        k = scenario.focal
        rec_dev = np.sort(pick.choice(dev, size=min(k, dev.size), replace=False))
        rec_stay = np.sort(pick.choice(stay, size=min(k, stay.size), replace=False))
        rec = np.concatenate([rec_dev, rec_stay])
        deviates = np.concatenate([np.ones(rec_dev.size, bool), np.zeros(rec_stay.size, bool)])
        parts.append(_outcome_rows(trial, sm, rec, truthful[rec], truthful[rec], "truthful", lengths0[rec],
                                   deviates=deviates))
        for s in scenario.compare:
            m = apply_strategy(sm, s, mask, rng=_strategy_rng(scenario, trial, s), **scenario.strategy_params.get(s, {}))
            r = deferred_acceptance(m).assignment
            parts.append(_outcome_rows(trial, sm, rec, r[rec], truthful[rec], s, m.applicant_list_lengths[rec],
                                       deviates=deviates))
    return _concat(parts)


# --------------------------------------------------------------- messages
def _trial_messages(scenario, trial):
    """Post-interview messages never enter the algorithm.

    Rows of three kinds (column ``mode``):

    * ``"check"``: everybody ranks truthfully; rows for (up to ``focal``)
      applicants who received a message, comparing their match in the market
      with messages and in the same market without them (``outcome`` is
      ``"same"``). ``lists_identical`` says whether all rank lists were equal
      in the two markets, ``n_differ`` counts applicants, in the whole market,
      whose match differs (0 whenever the lists are identical: the algorithm
      reads only lists).
    * ``"alone"``: a focal applicant whose list changes when they respond to
      their messages (strategy in ``messages.respond``) reorders while
      everybody else ranks truthfully; compared with their truthful outcome
      (never ``"better"``).
    * ``"no messages"``: the same responders in the same market without
      messages have nothing to respond to; their lists stay truthful
      (``lists_identical``) and no match in the market changes
      (``n_differ`` is 0). Rows for up to ``focal`` of them.
    * ``"together"``: a share of applicants respond at once; rows for every
      applicant whose list or match changed, ``deviates`` telling whether
      they reordered themselves.
    """
    from matchsim.strategies import apply_strategy

    opts = scenario.options
    sm = _generate(scenario, trial)
    quiet = sm.without_messages()
    m0, q0 = sm.market, quiet.market
    n = m0.n_applicants
    pick = np.random.default_rng(trial_seed(scenario.seed, trial, _PICK))
    truthful = deferred_acceptance(m0).assignment
    truthful_quiet = deferred_acceptance(q0).assignment
    lists_same = not _rows_differ(m0.applicant_ptr, m0.applicant_list,
                                  q0.applicant_ptr, q0.applicant_list).any()
    n_differ = np.int32(np.count_nonzero(truthful != truthful_quiet))
    got = _row_sums(m0.applicant_ptr, np.asarray(sm.message) != 0)
    recipients = np.flatnonzero(got > 0)
    rec = np.sort(pick.choice(recipients, size=min(opts["focal"], recipients.size), replace=False))
    parts = [_outcome_rows(trial, sm, rec, truthful[rec], truthful_quiet[rec], "truthful",
                           m0.applicant_list_lengths[rec], mode="check", deviates=False,
                           lists_identical=lists_same, n_differ=n_differ)]
    together = pick.random(n) < opts["share"]  # the same responders under every strategy
    for s in opts["respond"]:
        params = scenario.strategy_params.get(s, {})
        everybody = apply_strategy(sm, s, np.ones(n, dtype=bool), rng=_strategy_rng(scenario, trial, s),
                                   **params)
        movers = np.flatnonzero(_rows_differ(m0.applicant_ptr, m0.applicant_list,
                                             everybody.applicant_ptr, everybody.applicant_list))
        choose = _strategy_rng(scenario, trial, s, purpose=1)
        focal = np.sort(choose.choice(movers, size=min(opts["focal"], movers.size), replace=False))
        program, changed = _alone(m0, everybody, focal, truthful)
        parts.append(_outcome_rows(trial, sm, focal, program, truthful[focal], s,
                                   everybody.applicant_list_lengths[focal], mode="alone", deviates=True,
                                   lists_identical=False, n_differ=changed))
        # the same responders in the same market without messages: nothing to respond to
        mq = apply_strategy(quiet, s, together, rng=_strategy_rng(scenario, trial, s), **params)
        rq = deferred_acceptance(mq).assignment
        quiet_same = not _rows_differ(q0.applicant_ptr, q0.applicant_list, mq.applicant_ptr,
                                      mq.applicant_list).any()
        responders = np.flatnonzero(together)
        rec_q = np.sort(choose.choice(responders, size=min(opts["focal"], responders.size), replace=False))
        parts.append(_outcome_rows(trial, sm, rec_q, rq[rec_q], truthful[rec_q], s,
                                   mq.applicant_list_lengths[rec_q], mode="no messages", deviates=False,
                                   lists_identical=quiet_same,
                                   n_differ=np.int32(np.count_nonzero(rq != truthful))))
        m = apply_strategy(sm, s, together, rng=_strategy_rng(scenario, trial, s), **params)
        r = deferred_acceptance(m).assignment
        reordered = _rows_differ(m0.applicant_ptr, m0.applicant_list, m.applicant_ptr, m.applicant_list)
        rec = np.flatnonzero(reordered | (r != truthful))
        parts.append(_outcome_rows(trial, sm, rec, r[rec], truthful[rec], s, m.applicant_list_lengths[rec],
                                   mode="together", deviates=reordered[rec], lists_identical=False,
                                   n_differ=np.int32(np.count_nonzero(r != truthful))))
    return _concat(parts)


# ------------------------------------------------------------ list length
def _trial_list_length(scenario, trial):
    """A sampled applicant ranks only the top ``k`` of their true list, others unchanged.

    ``list_length.sample`` applicants of each type are drawn per trial; each
    tries every ``k`` in ``list_length.lengths`` alone (everybody else submits
    their truthful list). When ``k`` is at least the applicant's number of
    interviews nothing is cut and the truthful match is used.
    """
    opts = scenario.options
    sm = _generate(scenario, trial)
    m0 = sm.market
    n = m0.n_applicants
    pick = np.random.default_rng(trial_seed(scenario.seed, trial, _PICK))
    truthful = deferred_acceptance(m0).assignment
    types = np.asarray(sm.applicant_type)
    sample = []
    for t in np.unique(types):  # the same number of each type, so rare types are seen too
        members = np.flatnonzero(types == t)
        sample.append(pick.choice(members, size=min(opts["sample"], members.size), replace=False))
    sample = np.sort(np.concatenate(sample)) if sample else np.zeros(0, np.int64)
    lengths = m0.applicant_list_lengths
    parts = []
    for k in opts["lengths"]:
        program = truthful[sample].copy()
        for i, a in enumerate(sample):
            if lengths[a] > k:
                m = m0.with_applicant_list(int(a), m0.applicant_prefs(int(a))[:k])
                program[i] = deferred_acceptance(m).assignment[a]
        parts.append(_outcome_rows(trial, sm, sample, program, truthful[sample], "truncate",
                                   np.minimum(lengths[sample], k), k=np.int16(k)))
    return _concat(parts)


# ------------------------------------------------------------------- core
def scaled_params(params, size: float = 1.0, interviews: float = 1.0):
    """Market parameters at ``size`` times the market, ``interviews`` times the list length.

    ``size`` multiplies the numbers of applicants, programs and positions
    (type shares and program sizes stay as they are); ``interviews``
    multiplies the applications sent, the interview slots per position and
    the most interviews an applicant attends, so rank lists grow in
    proportion.

    Examples
    --------
    >>> from matchsim.markets import preset
    >>> base = preset("pmr")
    >>> p = scaled_params(base, size=2.0, interviews=0.5)
    >>> p.n_applicants, p.n_programs, p.n_positions
    (1000, 188, 826)
    >>> p.max_interviews == round(base.max_interviews / 2)
    True
    """
    n_programs = max(1, int(round(params.n_programs * size)))
    return dataclasses.replace(
        params,
        n_applicants=int(round(params.n_applicants * size)),
        n_programs=n_programs,
        n_positions=max(n_programs, int(round(params.n_positions * size))),
        n_applications=tuple(max(1.0, x * interviews) for x in params.n_applications),
        interview_slots_per_position=params.interview_slots_per_position * interviews,
        max_interviews=max(1, int(round(params.max_interviews * interviews))),
    )


def _trial_core(scenario, trial):
    """Applicants whose match differs between the two versions of DA.

    Two sweeps on the same seed: market size (lists as in the preset) and
    list length (size as in the preset). One row per trial and setting.
    """
    opts = scenario.options
    base = scenario.market_params()
    settings = [("size", s, s, 1.0) for s in opts["scales"]]
    settings += [("interviews", v, 1.0, v) for v in opts["interviews"]]
    rows = {k: [] for k in ("trial", "sweep", "value", "n_applicants", "n_positions",
                            "mean_list_length", "matched", "n_differ", "share_differ")}
    for sweep, value, scale, interviews in settings:
        sm = _generate(scenario, trial, scaled_params(base, scale, interviews))
        m = sm.market
        ra = deferred_acceptance(m, "applicant").assignment
        rp = deferred_acceptance(m, "program").assignment
        differ = int(np.count_nonzero(ra != rp))
        rows["trial"].append(trial)
        rows["sweep"].append(sweep)
        rows["value"].append(float(value))
        rows["n_applicants"].append(m.n_applicants)
        rows["n_positions"].append(m.n_positions)
        rows["mean_list_length"].append(float(m.applicant_list_lengths.mean()) if m.n_applicants else 0.0)
        rows["matched"].append(int(np.count_nonzero(ra != UNMATCHED)))
        rows["n_differ"].append(differ)
        rows["share_differ"].append(differ / max(m.n_applicants, 1))
    types = {"trial": np.int32, "sweep": str, "value": np.float64, "n_applicants": np.int32,
             "n_positions": np.int32, "mean_list_length": np.float64, "matched": np.int32,
             "n_differ": np.int32, "share_differ": np.float64}
    return {k: np.asarray(v, dtype=types[k]) for k, v in rows.items()}


# ---------------------------------------------------------------- signals
def _trial_signals(scenario, trial):
    """The same market drawn with and without pre-interview signals.

    Both draws use the same seed, so applicants, programs and tastes are the
    same; only who interviews whom can differ. One row per (sampled)
    applicant: interviews and outcome with signals and without;
    ``interviews_gained`` counts programs that interviewed the applicant only
    with signals, ``interviews_lost`` only without.
    """
    params = scenario.market_params()
    on = _generate(scenario, trial, params)
    off = _generate(scenario, trial, dataclasses.replace(params, n_signals=0))
    mon, moff = on.market, off.market
    n = mon.n_applicants
    ron = deferred_acceptance(mon).assignment
    roff = deferred_acceptance(moff).assignment
    k = scenario.options["sample"]
    if k and k < n:
        pick = np.random.default_rng(trial_seed(scenario.seed, trial, _PICK))
        who = np.sort(pick.choice(n, size=k, replace=False))
    else:
        who = np.arange(n)
    n_signals = _row_sums(mon.applicant_ptr, np.asarray(on.signal))
    gained = _rows_not_in(mon.applicant_ptr, mon.applicant_list, moff.applicant_ptr, moff.applicant_list,
                          mon.n_programs)
    lost = _rows_not_in(moff.applicant_ptr, moff.applicant_list, mon.applicant_ptr, mon.applicant_list,
                        mon.n_programs)
    return {
        "trial": np.full(who.size, trial, dtype=np.int32),
        "applicant": who.astype(np.int32),
        "applicant_type": _type_names(on, who),
        "signals_interviewed": n_signals[who].astype(np.int16),
        "interviews_with": mon.applicant_list_lengths[who].astype(np.int16),
        "interviews_without": moff.applicant_list_lengths[who].astype(np.int16),
        "interviews_gained": gained[who].astype(np.int16),
        "interviews_lost": lost[who].astype(np.int16),
        "matched_with": ron[who] != UNMATCHED,
        "matched_without": roff[who] != UNMATCHED,
        "program_with": ron[who].astype(np.int32),
        "program_without": roff[who].astype(np.int32),
        "match_changed": ron[who] != roff[who],
    }


TRIAL_KINDS = {
    "strategies": _trial_strategies,
    "messages": _trial_messages,
    "list_length": _trial_list_length,
    "core": _trial_core,
    "signals": _trial_signals,
}


def run_trial(scenario, trial: int) -> dict:
    """Run trial number ``trial`` of ``scenario``; return its rows as column arrays.

    Parameters
    ----------
    scenario : Scenario
        The study.
    trial : int
        0-based trial number, below ``scenario.trials``.

    Returns
    -------
    dict of str -> ndarray
        Equal-length columns, starting with ``trial``.
    """
    if not 0 <= trial < scenario.trials:
        raise ValueError(f"trial must be in 0..{scenario.trials - 1}, got {trial}")
    return TRIAL_KINDS[scenario.kind](scenario, int(trial))
