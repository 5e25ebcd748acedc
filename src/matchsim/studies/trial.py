"""Building blocks of a trial, shared by the study kinds, and :func:`run_trial`.

A trial is a pure function of ``(scenario, trial number)``: its random numbers
come from ``np.random.SeedSequence(scenario.seed).spawn(trials)[trial]`` (built
directly as ``SeedSequence(seed, spawn_key=(trial,))``, which is the same
thing), so a trial gives the same rows whichever process or machine runs it,
and whatever else runs beside it. Inside a trial every strategy or setting is
evaluated on the SAME drawn market (common random numbers): the difference
between two strategies is the effect of the strategy alone.

Each study kind (:mod:`matchsim.studies.kinds`) returns a dict of equal-length
NumPy arrays, one entry per row, always starting with the column ``trial``.
Which rows are kept is chosen so that files stay small at NRMP scale: the
focal or sampled applicants, not everybody.

Outcomes are measured in the applicant's TRUE preferences: ``true_rank`` is
the position (1 = best) of the matched program on the applicant's truthful
list, whatever list they submitted; :data:`UNMATCHED` when unmatched. Being
unmatched is worse than any match.
"""

from __future__ import annotations

import zlib

import numpy as np
from numba import njit

from matchsim.engine import deferred_acceptance
from matchsim.market import UNMATCHED

__all__ = [
    "MARKET_STREAM",
    "OUTCOMES",
    "PICK_STREAM",
    "alone",
    "compare_outcomes",
    "concat_rows",
    "generate",
    "mask_of",
    "outcome_rows",
    "pick_rng",
    "row_sums",
    "rows_differ",
    "rows_not_in",
    "run_trial",
    "strategy_rng",
    "trial_seed",
    "type_names",
]

#: Codes of the ``outcome`` column: a strategy against truthful ranking.
OUTCOMES = ("better", "same", "worse")

#: Stream numbers inside a trial: the market, and the choice of applicants.
#: Each strategy has streams of its own keyed by its name (:func:`strategy_rng`),
#: so adding or reordering strategies never shifts the random numbers of the
#: market or of the others.
MARKET_STREAM, PICK_STREAM = 0, 1


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


def pick_rng(scenario, trial: int) -> np.random.Generator:
    """Generator that chooses the applicants recorded or tried in a trial."""
    return np.random.default_rng(trial_seed(scenario.seed, trial, PICK_STREAM))


def strategy_rng(scenario, trial: int, name: str, purpose: int = 0) -> np.random.Generator:
    """Generator of strategy ``name`` in a trial (purpose 0: the strategy itself; 1: choosing applicants)."""
    key = (trial, 2 + zlib.crc32(name.encode()), purpose)
    return np.random.default_rng(np.random.SeedSequence(scenario.seed, spawn_key=key))


def generate(scenario, trial: int, params=None):
    """The market of a trial: ``params`` (default: the scenario's) drawn from the trial's market stream."""
    from matchsim.markets import generate_market

    params = scenario.market_params() if params is None else params
    return generate_market(params, np.random.default_rng(trial_seed(scenario.seed, trial, MARKET_STREAM)))


@njit(cache=True)
def _true_rank(t_ptr, t_idx, who, program):
    """1-based position of ``program[i]`` on ``who[i]``'s truthful list (-1 if absent/unmatched).

    ``t_ptr``/``t_idx`` are the CSR truthful lists; ``who`` and ``program``
    are aligned int arrays of the same length. Returns a new int32 array.
    """
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
    """For each row of two CSR list sets with the same number of rows, whether the two lists differ."""
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
    """For each row, how many ids (``0..n_ids-1``) on list A are not on list B."""
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


def rows_differ(a, b) -> np.ndarray:
    """For each applicant, whether their rank list differs between markets ``a`` and ``b``.

    Examples
    --------
    >>> from matchsim.market import Market
    >>> a = Market.from_lists({"x": ["P"], "y": ["P", "Q"]}, {"P": ["x", "y"], "Q": ["y"]}, {"P": 1, "Q": 1})
    >>> rows_differ(a, a.with_applicant_list(1, [1, 0])).tolist()
    [False, True]
    """
    return _rows_differ(a.applicant_ptr, a.applicant_list, b.applicant_ptr, b.applicant_list)


def rows_not_in(a, b) -> np.ndarray:
    """For each applicant, how many programs on their list in market ``a`` are not on it in ``b``."""
    return _rows_not_in(a.applicant_ptr, a.applicant_list, b.applicant_ptr, b.applicant_list, a.n_programs)


def row_sums(ptr, values) -> np.ndarray:
    """Sum of ``values`` over each CSR row (empty rows give 0).

    Examples
    --------
    >>> row_sums(np.array([0, 2, 2, 5]), np.array([1, 1, 0, 1, 1])).tolist()
    [2, 0, 2]
    """
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


def type_names(sm, who) -> np.ndarray:
    """Applicant-type names of applicants ``who``."""
    from matchsim.markets import APPLICANT_TYPES

    names = np.asarray(APPLICANT_TYPES)
    return names[np.asarray(sm.applicant_type)[who]]


def outcome_rows(trial, sm, who, program, baseline, strategy, submitted_len, **extra) -> dict:
    """Rows for applicants ``who``: matched ``program`` against ``baseline`` (both aligned with ``who``).

    Columns: ``trial``, ``applicant``, ``applicant_type``, ``strategy``,
    ``interviews``, ``list_length``, ``matched``, ``program``, ``true_rank``,
    ``truthful_rank``, ``rank_change``, ``outcome``, then ``extra`` (scalars
    are repeated on every row).
    """
    t = sm.market
    who = np.asarray(who, dtype=np.int64)
    program = np.asarray(program, dtype=np.int32)
    rank = _true_rank(t.applicant_ptr, t.applicant_list, who, program)
    rank0 = _true_rank(t.applicant_ptr, t.applicant_list, who, np.asarray(baseline, dtype=np.int32))
    n = who.size
    rows = {
        "trial": np.full(n, trial, dtype=np.int32),
        "applicant": who.astype(np.int32),
        "applicant_type": type_names(sm, who),
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


def concat_rows(parts) -> dict:
    """Join row dicts with the same columns (``None`` entries are skipped)."""
    parts = [p for p in parts if p is not None]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def alone(m0, lists, who, baseline):
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
    differs = rows_differ(m0, lists)
    for i, a in enumerate(who):
        a = int(a)
        if not differs[a]:
            continue
        r = deferred_acceptance(m0.with_applicant_list(a, lists.applicant_prefs(a))).assignment
        out[i] = r[a]
        changed[i] = np.count_nonzero(r != baseline)
    return out, changed


def mask_of(n: int, who) -> np.ndarray:
    """Boolean mask of length ``n`` that is True at ``who``."""
    mask = np.zeros(n, dtype=bool)
    mask[who] = True
    return mask


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

    Examples
    --------
    >>> from matchsim.studies import parse_scenario
    >>> s = parse_scenario('[study]\\nkind = "core"\\ntrials = 2\\n[market]\\npreset = "small"\\n'
    ...                    '[core]\\nscales = [1.0]\\ninterviews = [1.0]\\n')
    >>> run_trial(s, 1)["trial"].tolist()
    [1, 1]
    """
    from matchsim.studies.kinds import get_kind

    if not 0 <= trial < scenario.trials:
        raise ValueError(f"trial must be in 0..{scenario.trials - 1}, got {trial}")
    return get_kind(scenario.kind).trial(scenario, int(trial))
