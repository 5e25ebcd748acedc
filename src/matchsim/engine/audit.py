"""The audit: could any applicant have done better with another list?

For every applicant, with everyone else's lists fixed, the audit tries every
*truncation* of their list (the first ``k`` programs, ``k = 0 .. n-1``), every
*swap* of two adjacent programs, and, when asked, every *short list*: every
ordered list of up to ``max_short`` distinct programs taken from their list. A
candidate *gains* when it matches the applicant to a program they truly prefer
(earlier on their true list; by default the list they submitted) to what their
submitted list gets them.

Without couples nobody can gain: applicant-proposing deferred acceptance is
strategy-proof for applicants (Dubins & Freedman 1981; Roth 1982). The audit
does not assume it; it computes every candidate's outcome, so its "nobody"
is evidence, and it does find gains when the true preferences differ from the
submitted lists (``true_lists``).

How: for each applicant the match *without* them is reached by divide and
conquer over applicants with an undo log (:mod:`matchsim.engine.audit_chains`),
and each candidate list costs one rejection chain from that state, not a full
re-match. The order of proposals does not change the outcome of deferred
acceptance (McVitie & Wilson 1971), which is why the chain gives exactly the
re-match's answer; the tests check it on thousands of random markets.

Examples
--------
>>> from matchsim.datasets import nrmp_example
>>> m = nrmp_example()
>>> res = audit(m)
>>> res.n_gainers, res.n_candidates > 0
(0, True)
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from itertools import permutations

import numpy as np

from matchsim.constants import UNMATCHED
from matchsim.engine import audit_chains as _k
from matchsim.engine.da import rank_table, receiver_ranks
from matchsim.market import Market

__all__ = ["AuditResult", "audit", "candidate_lists", "n_candidate_lists", "KIND_NAMES"]

#: Names of the kinds of candidate list, by code.
KIND_NAMES = ("truncation", "swap", "short list")


def n_candidate_lists(n: int, max_short: int = 0) -> int:
    """Number of candidate lists for a list of ``n`` programs.

    Examples
    --------
    >>> n_candidate_lists(12), n_candidate_lists(3, max_short=2)
    (23, 14)
    """
    short = sum(math.perm(n, k) for k in range(1, min(max_short, n) + 1))
    return n + max(n - 1, 0) + short


def candidate_lists(n: int, max_short: int = 0):
    """The candidate lists for a list of ``n`` programs, in the audit's order.

    Yields ``(kind, places)``: ``kind`` is 0 (truncation), 1 (swap) or 2
    (short list) and ``places`` a tuple of 0-based places on the list.

    Examples
    --------
    >>> list(candidate_lists(3))
    [(0, ()), (0, (0,)), (0, (0, 1)), (1, (1, 0, 2)), (1, (0, 2, 1))]
    """
    for k in range(n):
        yield _k.TRUNCATION, tuple(range(k))
    for k in range(n - 1):
        p = list(range(n))
        p[k], p[k + 1] = k + 1, k
        yield _k.SWAP, tuple(p)
    for size in range(1, min(max_short, n) + 1):
        for p in permutations(range(n), size):
            yield _k.SHORT_LIST, p


@dataclass(frozen=True, eq=False)
class AuditResult:
    """What the audit found, one entry per audited applicant.

    Attributes
    ----------
    applicants : ndarray of int64
        The audited applicants' ids.
    submitted : ndarray of int32
        The program each gets with their submitted list (``UNMATCHED``: none).
    best : ndarray of int32
        The program of the best candidate for them (their true list's order);
        equal to ``submitted`` when nothing beats it.
    gain : ndarray of int64
        Places gained on the true list (0: none; unmatched counts as one place
        below the list's end).
    best_list : tuple of tuple of int
        For each applicant, the program ids of the best candidate list (empty
        tuple when nothing gains).
    best_kind : ndarray of int8
        Kind of that list (index into :data:`KIND_NAMES`), or -1.
    n_candidates : int
        Candidate lists evaluated in all.
    max_short : int
        Longest short list tried (0: none).
    outcomes : ndarray of int32 or None
        With ``record=True``: every candidate's program, applicant by
        applicant, in :func:`candidate_lists` order.
    """

    applicants: np.ndarray
    submitted: np.ndarray
    best: np.ndarray
    gain: np.ndarray
    best_list: tuple
    best_kind: np.ndarray
    n_candidates: int
    max_short: int
    outcomes: np.ndarray | None = None

    @property
    def n_gainers(self) -> int:
        """Number of applicants some candidate list would have helped."""
        return int(np.count_nonzero(self.gain > 0))

    @property
    def gainers(self) -> np.ndarray:
        """Ids of the applicants who could have gained."""
        return self.applicants[self.gain > 0]


def _check(market, applicants, max_short, true_lists):
    if market.has_extensions:
        raise ValueError("audit() is for markets without couples or other NRMP extensions; "
                         "for those use matchsim.engine.audit_nrmp (a full re-match per list)")
    if not isinstance(max_short, (int, np.integer)) or max_short < 0:
        raise ValueError(f"max_short must be a whole number >= 0, got {max_short!r}")
    if applicants is None:
        who = np.arange(market.n_applicants, dtype=np.int64)
    else:
        who = np.asarray(applicants, dtype=np.int64).ravel()
        if who.size and (who.min() < 0 or who.max() >= market.n_applicants):
            raise ValueError(f"applicant ids must be in 0..{market.n_applicants - 1}")
        if np.unique(who).size != who.size:
            raise ValueError("an applicant is named twice in applicants")
    if true_lists is None:
        t_ptr, t_idx = market.applicant_ptr, market.applicant_list
    else:
        t_ptr, t_idx = (np.ascontiguousarray(x) for x in true_lists)
        t_ptr = t_ptr.astype(np.int64)
        t_idx = t_idx.astype(np.int32)
        if t_ptr.size != market.n_applicants + 1 or t_ptr[0] != 0 or t_ptr[-1] != t_idx.size \
                or np.any(np.diff(t_ptr) < 0):
            raise ValueError("true_lists must be CSR (ptr, programs) with one row per applicant")
        if t_idx.size and (t_idx.min() < 0 or t_idx.max() >= market.n_programs):
            raise ValueError(f"true_lists names a program outside 0..{market.n_programs - 1}")
    return who, t_ptr, t_idx


def audit(market: Market, applicants=None, *, max_short: int = 0, true_lists=None, record: bool = False,
          threads: int = 1, progress=None) -> AuditResult:
    """Audit every applicant's list: would a truncation, an adjacent swap or a short list have helped?

    Parameters
    ----------
    market : Market
        A market without couples or other NRMP extensions.
    applicants : array_like of int, optional
        Whom to audit (default: everybody).
    max_short : int
        Also try every ordered list of up to this many programs from the
        applicant's list (0: none; the number grows like ``n ** max_short``).
    true_lists : (ptr, programs), optional
        The applicants' true preferences as CSR arrays; candidates are built
        from them and outcomes judged by them. Default: the submitted lists.
    record : bool
        Keep every candidate's outcome (``AuditResult.outcomes``).
    threads : int
        Threads to split the applicants over (the kernel releases the GIL).
    progress : callable, optional
        ``progress(done, total)``, called a few times a second.

    Returns
    -------
    AuditResult

    Raises
    ------
    ValueError
        For a market with extensions, a negative ``max_short``, or bad
        ``applicants`` or ``true_lists``.
    RuntimeError
        If a submitted list's chain disagrees with deferred acceptance (a
        verifier run on every audit; never expected).

    Examples
    --------
    Truncation would help nobody here, but when Ann's true first choice is
    Mercy (she submitted City first) the audit finds the list that gets it:

    >>> m = Market.from_lists({"Ann": ["City", "Mercy"], "Bo": ["Mercy"]},
    ...                       {"City": ["Ann"], "Mercy": ["Ann", "Bo"]}, {"City": 1, "Mercy": 1})
    >>> audit(m).n_gainers
    0
    >>> res = audit(m, true_lists=([0, 2, 3], [1, 0, 1]))
    >>> res.gainers.tolist(), [m.program_label(p) for p in res.best_list[0]]
    ([0], ['Mercy'])
    """
    who, t_ptr, t_idx = _check(market, applicants, max_short, true_lists)
    from matchsim.engine.da import deferred_acceptance

    a_ptr, a_idx, cap = market.applicant_ptr, market.applicant_list, market.capacity
    rank_at = receiver_ranks(market)
    t_rank = rank_table(t_ptr, t_idx, market.program_ptr, market.program_list)
    t_len = np.diff(t_ptr)
    counts = np.array([n_candidate_lists(int(n), max_short) for n in t_len[who]], dtype=np.int64)
    threads = max(1, min(int(threads), who.size or 1))
    parts = np.array_split(np.arange(who.size), threads)
    depth = int(np.ceil(np.log2(max(int(cap.max(initial=1)), 1) + 1))) + 1
    longest = int(max(np.diff(a_ptr).max(initial=0), t_len.max(initial=0)))
    log_size = (a_idx.size + longest + 2) * (5 + 2 * depth) + 1024
    outs = [None] * len(parts)
    ticks = [np.zeros(1, dtype=np.int64) for _ in parts]

    def work(i):
        sub = who[parts[i]]
        rec_off = np.zeros(sub.size + 1, dtype=np.int64)
        if record:
            np.cumsum(counts[parts[i]], out=rec_off[1:])
        # rec_off is indexed by applicant id inside the kernel
        rec_by_id = np.zeros(market.n_applicants + 1, dtype=np.int64)
        if record:
            rec_by_id[sub] = rec_off[:-1]
            rec_by_id[-1] = rec_off[-1]
        outs[i] = _k.audit_all(a_ptr, a_idx, rank_at, t_ptr, t_idx, t_rank, cap, sub, max_short, record,
                                rec_by_id, log_size, ticks[i])

    pool = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(parts))]
    for t in pool:
        t.start()
    for t in pool:
        while t.is_alive():
            t.join(0.25)
            if progress is not None:
                progress(int(sum(x[0] for x in ticks)), int(who.size))
    if progress is not None:
        progress(int(who.size), int(who.size))

    submitted = np.full(who.size, UNMATCHED, dtype=np.int32)
    best_place = np.zeros(who.size, dtype=np.int64)
    best_kind = np.full(who.size, -1, dtype=np.int8)
    best_k = np.full(who.size, -1, dtype=np.int64)
    recorded = []
    n_cand = 0
    for part, out in zip(parts, outs):
        base, best, kind, k, rec, nc, ok = out
        if not ok:
            raise RuntimeError("the audit's undo log overflowed (never expected)")
        sub = who[part]
        submitted[part] = base[sub]
        best_place[part] = best[sub]
        best_kind[part] = kind[sub]
        best_k[part] = k[sub]
        recorded.append(rec)
        n_cand += int(nc)
    truth = deferred_acceptance(market).assignment[who]
    if not np.array_equal(truth, submitted):
        bad = int(who[np.flatnonzero(truth != submitted)[0]])
        raise RuntimeError(f"audit chain of applicant {bad} disagrees with deferred acceptance")

    place = np.full(market.n_programs, -1, dtype=np.int64)
    gain = np.zeros(who.size, dtype=np.int64)
    best_prog = submitted.copy()
    best_list = []
    for i, a in enumerate(who):
        lst = t_idx[t_ptr[a]:t_ptr[a + 1]]
        if best_kind[i] < 0:
            best_list.append(())
            continue
        place[lst] = np.arange(lst.size)
        s = submitted[i]
        sub_place = lst.size if s == UNMATCHED or place[s] < 0 else int(place[s])
        gain[i] = sub_place - int(best_place[i])
        best_prog[i] = lst[best_place[i]]
        cand = next(c for j, c in enumerate(candidate_lists(lst.size, max_short)) if j == best_k[i])
        best_list.append(tuple(int(lst[q]) for q in cand[1]))
        place[lst] = -1
    outcomes = np.concatenate(recorded) if record else None
    return AuditResult(who, submitted, best_prog, gain, tuple(best_list), best_kind, n_cand, int(max_short),
                       outcomes)
