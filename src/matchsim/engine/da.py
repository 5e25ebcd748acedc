"""Deferred acceptance for many-to-one markets with capacities.

Applicant-proposing deferred acceptance (Gale & Shapley 1962; the
many-to-one "college admissions" form) is the core of the NRMP algorithm
(Roth & Peranson 1999). Every applicant applies to the first
program on their list; each program tentatively *holds* the applicants it
ranks best, up to its capacity, and rejects the rest; rejected applicants apply
to the next program on their list. When nobody is rejected, the held
applicants are matched. The result is stable and is, for every applicant, the
best stable outcome (applicant-optimal). With the roles swapped (programs make
offers, applicants hold the best one) the program-optimal stable matching
results.

The kernels run in rounds: in each round every applicant without a held
position makes one proposal (or, program-proposing, every program with vacant
positions makes one offer per vacancy). The order in which proposals are
processed within a round does not change the result: a program keeps the
``capacity`` best applicants of everything it has seen, whatever the order.

Implementation notes
--------------------
A proposal must be judged in O(1): before the main loop, every entry of the
proposers' lists gets the receiving side's rank of the proposer (a transpose of
the receivers' lists into a table aligned with the proposers' entries), or
``UNRANKED`` when the receiver did not rank the proposer. Applicant-proposing,
each program keeps its held applicants in a max-heap keyed on
``rank << 32 | applicant``, so the worst held applicant is at the top.

Examples
--------
>>> m = Market.from_lists([[0, 1], [0]], [[1, 0], [0]], [1, 1])
>>> deferred_acceptance(m).assignment.tolist()
[1, 0]
>>> deferred_acceptance(m, "program").assignment.tolist()
[1, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matchsim.constants import PROPOSING_SIDES, UNMATCHED, UNRANKED
from matchsim.market import Market
from matchsim.numeric import bucket_offsets

__all__ = ["MatchResult", "deferred_acceptance", "receiver_ranks", "rank_table", "PROPOSING_SIDES", "UNRANKED"]

# PROPOSING_SIDES and UNRANKED (from matchsim.constants) are re-exported here. UNRANKED is the rank
# of an entry whose receiver did not rank the proposer.


@dataclass(frozen=True, eq=False)
class MatchResult:
    """The outcome of a match.

    Attributes
    ----------
    assignment : ndarray of int32, shape (n_applicants,)
        Program id of each applicant's match, or ``UNMATCHED`` (-1).
    rank : ndarray of int32, shape (n_applicants,)
        Position of the match on the applicant's own list (1 = first choice),
        or ``UNMATCHED`` (-1) for an unmatched applicant.
    filled : ndarray of int32, shape (n_programs,)
        Number of positions each program filled.
    proposals : int
        Number of proposals (applicant-proposing) or offers
        (program-proposing) made.
    rounds : int
        Number of rounds: in each round every free proposer makes one
        proposal (a program one per vacant position).
    proposing : str
        ``"applicant"`` or ``"program"``.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> r = deferred_acceptance(m)
    >>> r.n_matched, r.proposing
    (6, 'applicant')
    >>> [m.applicant_label(a) for a in r.members(m.program_id("City"))]
    ['Eastman', 'Garcia']
    >>> r.unfilled(m.capacity).tolist()
    [1, 0, 1, 0]
    """

    assignment: np.ndarray
    rank: np.ndarray
    filled: np.ndarray
    proposals: int
    rounds: int
    proposing: str

    @property
    def n_matched(self) -> int:
        """Number of matched applicants."""
        return int(np.count_nonzero(self.assignment != UNMATCHED))

    def members(self, p: int) -> np.ndarray:
        """Applicant ids matched to program ``p``, in increasing id order."""
        return np.flatnonzero(self.assignment == p)

    def unfilled(self, capacity) -> np.ndarray:
        """Vacant positions of each program, given the market's capacities."""
        return np.asarray(capacity) - self.filled


def _check_side(proposing):
    """Refuse a proposing side other than those of ``PROPOSING_SIDES``."""
    if proposing not in PROPOSING_SIDES:
        raise ValueError(f"proposing must be one of {PROPOSING_SIDES}, got {proposing!r}")


# --------------------------------------------------------------------- tables
def receiver_ranks(market: Market, proposing: str = "applicant") -> np.ndarray:
    """For each entry of the proposing side's lists, the other side's rank of the proposer.

    This is the look-up table that lets deferred acceptance and the
    stability checks judge a proposal with one array read.

    Parameters
    ----------
    market : Market
    proposing : {"applicant", "program"}
        Whose lists the result is aligned with.

    Returns
    -------
    ndarray of int32, aligned with ``market.applicant_list`` (or
    ``market.program_list`` for ``"program"``)
        ``out[e]`` is the 0-based place of the list's owner on the list of
        the participant at entry ``e``, or ``UNRANKED`` when that participant
        did not rank the owner (a one-sided entry).

    Raises
    ------
    ValueError
        If ``proposing`` is not one of ``PROPOSING_SIDES``.

    Notes
    -----
    1. Transpose the receivers' lists into one bucket per proposer (a
       counting sort), each bucket entry packing ``rank << 32 | receiver``.
    2. For each proposer in turn, stamp its receivers' ranks into a mark
       array over receivers, then read one mark per entry of its list.

    Time ``O(entries + participants)``, one pass over each side's lists;
    memory ``O(entries)``.

    Examples
    --------
    Ann ranks City then Mercy; City ranks Bo first and Ann second; Mercy
    ranks nobody:

    >>> m = Market.from_lists({"Ann": ["City", "Mercy"], "Bo": ["City"]},
    ...                       {"City": ["Bo", "Ann"], "Mercy": []}, {"City": 1, "Mercy": 1})
    >>> receiver_ranks(m).tolist() == [1, UNRANKED, 0]
    True
    >>> receiver_ranks(m, "program").tolist()
    [0, 0]
    """
    _check_side(proposing)
    a = (market.applicant_ptr, market.applicant_list)
    p = (market.program_ptr, market.program_list)
    return _receiver_rank_table(*a, *p) if proposing == "applicant" else _receiver_rank_table(*p, *a)


def rank_table(s_ptr, s_idx, r_ptr, r_idx) -> np.ndarray:
    """:func:`receiver_ranks` on raw CSR lists: for each entry of the senders' lists, the receiver's rank of the sender.

    For lists that are not a :class:`~matchsim.market.Market`'s own (cloned
    positions, true preferences that differ from the submitted lists).

    Parameters
    ----------
    s_ptr : int64 (n_senders + 1,); s_idx : int32 (n_sender_entries,)
        The senders' lists (receiver ids).
    r_ptr : int64 (n_receivers + 1,); r_idx : int32 (n_receiver_entries,)
        The receivers' lists (sender ids).

    Returns
    -------
    ndarray of int32 aligned with ``s_idx``; ``UNRANKED`` where the receiver did not rank the sender.

    Examples
    --------
    >>> import numpy as np
    >>> i64, i32 = (lambda x: np.array(x, dtype=np.int64)), (lambda x: np.array(x, dtype=np.int32))
    >>> rank_table(i64([0, 2, 3]), i32([0, 1, 0]), i64([0, 2, 3]), i32([1, 0, 0])).tolist()
    [1, 0, 0]
    """
    return _receiver_rank_table(np.ascontiguousarray(s_ptr, dtype=np.int64), np.ascontiguousarray(s_idx, dtype=np.int32),
                                np.ascontiguousarray(r_ptr, dtype=np.int64), np.ascontiguousarray(r_idx, dtype=np.int32))


@njit(cache=True)
def _receiver_rank_table(s_ptr, s_idx, r_ptr, r_idx):
    """The kernel of :func:`receiver_ranks`: allocate the table and fill it.

    Parameters
    ----------
    s_ptr : int64 (n_senders + 1,); s_idx : int32 (n_sender_entries,)
        The proposers' lists (CSR, sender -> receivers).
    r_ptr : int64 (n_receivers + 1,); r_idx : int32 (n_receiver_entries,)
        The receivers' lists (CSR, receiver -> senders).

    Returns
    -------
    ndarray of int32 (n_sender_entries,)
        A new array: ``out[e]`` is the 0-based position of the sender on the
        list of receiver ``s_idx[e]``, or ``UNRANKED``. Inputs are not
        modified.
    """
    out = np.empty(s_idx.size, dtype=np.int32)
    _fill_receiver_rank_table(s_ptr, s_idx, r_ptr, r_idx, out)
    return out


@njit(cache=True)
def _fill_receiver_rank_table(s_ptr, s_idx, r_ptr, r_idx, out):
    """Fill ``out`` (int32, aligned with ``s_idx``) as ``_receiver_rank_table`` says.

    Arguments as :func:`_receiver_rank_table`; only ``out`` is written.

    The receivers' lists are transposed into per-sender buckets (a counting
    sort, O(entries), with the offsets from :func:`matchsim.numeric.bucket_offsets`);
    each bucket entry packs ``rank << 32 | receiver`` into one int64 during the
    scatter, so the scattered writes of the transpose touch one array.
    Then, sender by sender, a mark array over receivers turns the bucket into
    O(1) look-ups. A mark holds ``sender << 32 | rank``: a mark left by an
    earlier sender is simply not ours, so marks never need clearing.
    """
    n_s = s_ptr.size - 1
    n_r = r_ptr.size - 1
    unranked = np.int32(UNRANKED)
    low = np.int64(0xFFFFFFFF)
    end = bucket_offsets(r_idx, n_s)
    fill = end[:-1].copy()
    bucket = np.empty(r_idx.size, dtype=np.int64)
    for r in range(n_r):
        base = r_ptr[r]
        for e in range(base, r_ptr[r + 1]):
            s = r_idx[e]
            k = fill[s]
            fill[s] = k + 1
            bucket[k] = (np.int64(e - base) << 32) | r
    mark = np.full(n_r, -1, dtype=np.int64)  # -1 >> 32 is -1: no sender's stamp
    k = 0
    for s in range(n_s):
        stamp = np.int64(s) << 32
        stop = end[s + 1]
        while k < stop:
            b = bucket[k]
            mark[b & low] = stamp | (b >> 32)
            k += 1
        for e in range(s_ptr[s], s_ptr[s + 1]):
            v = mark[s_idx[e]]
            out[e] = np.int32(v & low) if (v >> 32) == s else unranked


# ------------------------------------------------------ applicant-proposing
@njit(cache=True)
def _applicant_proposing(a_ptr, a_idx, p_ptr, p_idx, cap):
    """Applicant-proposing deferred acceptance on CSR lists.

    Parameters
    ----------
    a_ptr : int64 (n_applicants + 1,); a_idx : int32 (n_applicant_entries,)
        Applicants' lists (program ids, most preferred first).
    p_ptr : int64 (n_programs + 1,); p_idx : int32 (n_program_entries,)
        Programs' lists (applicant ids, most preferred first).
    cap : int32 (n_programs,)
        Positions of each program.

    Returns
    -------
    assignment : int32 (n_applicants,)
        Program of each applicant, or ``UNMATCHED``.
    rank : int32 (n_applicants,)
        1-based place of the match on the applicant's list, or ``UNMATCHED``.
    filled : int32 (n_programs,)
        Positions filled.
    proposals, rounds : int
        Proposals made and rounds run.

    All outputs are new arrays; no input is modified.

    Notes
    -----
    1. Build the rank table (each applicant entry -> the program's rank of
       the applicant, or ``UNRANKED``) and one max-heap per program, sized
       to its capacity and keyed on ``rank << 32 | applicant``.
    2. Round after round, every applicant in the queue proposes to the next
       program on their list: the program holds them if it has a vacancy,
       or if they outrank its worst held applicant, who is then rejected;
       the rejected (and those a program did not rank) form the next queue.
    3. Stop when the queue is empty: each held applicant is matched; the
       position after their last proposal gives their rank.

    Every applicant proposes to each program at most once and each proposal
    costs ``O(log capacity)``: ``O(entries log max_capacity)`` time,
    ``O(entries + positions)`` memory.
    """
    n_a = a_ptr.size - 1
    n_p = cap.size
    unranked = np.int32(UNRANKED)
    rank_at = _receiver_rank_table(a_ptr, a_idx, p_ptr, p_idx)

    hoff = np.empty(n_p + 1, dtype=np.int64)
    hoff[0] = 0
    for p in range(n_p):
        hoff[p + 1] = hoff[p] + cap[p]
    heap = np.empty(hoff[n_p], dtype=np.int64)
    hsize = np.zeros(n_p, dtype=np.int32)
    nxt = a_ptr[:-1].copy()

    queue = np.arange(n_a).astype(np.int32)
    nq = n_a
    spill = np.empty(n_a, dtype=np.int32)
    proposals = 0
    rounds = 0
    while nq > 0:
        before = proposals
        ns = 0
        for qi in range(nq):
            a = queue[qi]
            e = nxt[a]
            if e == a_ptr[a + 1]:
                continue  # list exhausted: unmatched
            nxt[a] = e + 1
            proposals += 1
            r = rank_at[e]
            p = a_idx[e]
            c = cap[p]
            if r == unranked or c == 0:
                spill[ns] = a
                ns += 1
                continue
            off = hoff[p]
            hs = hsize[p]
            key = (np.int64(r) << 32) | np.int64(a)
            if hs < c:  # a free position: sift the new key up
                i = hs
                while i > 0:
                    par = (i - 1) >> 1
                    if heap[off + par] >= key:
                        break
                    heap[off + i] = heap[off + par]
                    i = par
                heap[off + i] = key
                hsize[p] = hs + 1
                continue
            worst = heap[off]
            if key >= worst:  # full, and a is ranked below everyone held
                spill[ns] = a
                ns += 1
                continue
            i = 0  # replace the worst held applicant, sift down
            while True:
                ch = 2 * i + 1
                if ch >= hs:
                    break
                if ch + 1 < hs and heap[off + ch + 1] > heap[off + ch]:
                    ch += 1
                if heap[off + ch] <= key:
                    break
                heap[off + i] = heap[off + ch]
                i = ch
            heap[off + i] = key
            spill[ns] = np.int32(worst & 0xFFFFFFFF)
            ns += 1
        if proposals > before:  # a pass in which nobody could propose is not a round
            rounds += 1
        queue, spill = spill, queue
        nq = ns

    assignment = np.full(n_a, UNMATCHED, dtype=np.int32)
    rank = np.full(n_a, UNMATCHED, dtype=np.int32)
    for p in range(n_p):
        off = hoff[p]
        for i in range(hsize[p]):
            a = np.int32(heap[off + i] & 0xFFFFFFFF)
            assignment[a] = p
            rank[a] = np.int32(nxt[a] - a_ptr[a])
    return assignment, rank, hsize, proposals, rounds


# -------------------------------------------------------- program-proposing
@njit(cache=True)
def _program_proposing(a_ptr, a_idx, p_ptr, p_idx, cap):
    """Program-proposing deferred acceptance on CSR lists.

    Arguments and results as :func:`_applicant_proposing` (``proposals``
    counts offers); all outputs are new arrays, no input is modified.

    Notes
    -----
    1. Build the rank table (each program entry -> the applicant's rank of
       the program, or ``UNRANKED``); every applicant holds nothing (rank
       ``UNRANKED``).
    2. Round after round, every program in the queue makes one offer per
       vacant position, down its list: an applicant holding a worse offer
       (or none) takes it and releases the program held before, which
       rejoins the queue.
    3. Stop when no program with a vacancy has anyone left to offer to.

    Every program offers to each applicant on its list at most once, each
    offer ``O(1)``: ``O(entries)`` time and memory.
    """
    n_a = a_ptr.size - 1
    n_p = cap.size
    unranked = np.int32(UNRANKED)
    # for each entry of the programs' lists, the applicant's rank of the program
    rank_at = _receiver_rank_table(p_ptr, p_idx, a_ptr, a_idx)

    held = np.full(n_a, UNMATCHED, dtype=np.int32)  # program held by each applicant
    held_rank = np.full(n_a, unranked, dtype=np.int32)
    count = np.zeros(n_p, dtype=np.int32)
    nxt = p_ptr[:-1].copy()
    queued = np.zeros(n_p, dtype=np.bool_)
    queue = np.empty(n_p, dtype=np.int32)
    spill = np.empty(n_p, dtype=np.int32)
    nq = 0
    for p in range(n_p):
        if cap[p] > 0 and p_ptr[p + 1] > p_ptr[p]:
            queue[nq] = p
            queued[p] = True
            nq += 1
    proposals = 0
    rounds = 0
    while nq > 0:
        before = proposals
        ns = 0
        for qi in range(nq):
            p = queue[qi]
            queued[p] = False
            vacancies = cap[p] - count[p]
            end = p_ptr[p + 1]
            while vacancies > 0 and nxt[p] < end:
                e = nxt[p]
                nxt[p] = e + 1
                vacancies -= 1
                proposals += 1
                r = rank_at[e]
                a = p_idx[e]
                if r >= held_rank[a]:
                    continue  # rejected: a holds something better (or never ranked p)
                q = held[a]
                if q != UNMATCHED:  # a releases q, which may offer again next round
                    count[q] -= 1
                    if not queued[q]:
                        queued[q] = True
                        spill[ns] = q
                        ns += 1
                held[a] = p
                held_rank[a] = r
                count[p] += 1
            if count[p] < cap[p] and nxt[p] < end and not queued[p]:
                queued[p] = True
                spill[ns] = p
                ns += 1
        if proposals > before:  # a pass in which nobody could propose is not a round
            rounds += 1
        queue, spill = spill, queue
        nq = ns

    rank = np.where(held != UNMATCHED, held_rank + 1, UNMATCHED).astype(np.int32)
    return held, rank, count, proposals, rounds


def deferred_acceptance(market: Market, proposing: str = "applicant") -> MatchResult:
    """Run deferred acceptance on ``market``.

    Parameters
    ----------
    market : Market
        The rank order lists and capacities.
    proposing : {"applicant", "program"}
        Which side proposes. ``"applicant"`` is the NRMP's algorithm and gives
        the applicant-optimal stable matching; ``"program"`` gives the
        program-optimal one.

    Returns
    -------
    MatchResult
        Assignment, each applicant's rank of their match, filled positions,
        and the number of proposals and rounds.

    Raises
    ------
    ValueError
        If ``proposing`` is not one of ``PROPOSING_SIDES``.

    Notes
    -----
    1. Give every entry of the proposers' lists the receiver's rank of the
       proposer (:func:`receiver_ranks`).
    2. Each free proposer proposes to the next participant on their list;
       each receiver keeps the best proposals it has seen, up to its
       capacity (an applicant: one), and rejects the rest.
    3. When nobody is rejected, the held proposals are the matching.

    ``O(entries log max_capacity)`` time applicant-proposing and
    ``O(entries)`` program-proposing; ``O(entries + positions)`` memory.

    References
    ----------
    Gale, D. and Shapley, L. S. (1962). College admissions and the stability
    of marriage. American Mathematical Monthly 69(1):9-15.
    Roth, A. E. and Peranson, E. (1999). The redesign of the matching market
    for American physicians. American Economic Review 89(4):748-780.

    Examples
    --------
    The NRMP's worked example, Anderson ranking only City:

    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> r = deferred_acceptance(m)
    >>> {m.applicant_label(a): m.program_label(p) for a, p in enumerate(r.assignment) if p >= 0}
    {'Chen': 'Mercy', 'Davis': 'General', 'Eastman': 'City', 'Ford': 'State', 'Garcia': 'City', 'Hassan': 'State'}
    >>> r.n_matched, r.filled.tolist()
    (6, [1, 2, 1, 2])
    """
    _check_side(proposing)
    kernel = _applicant_proposing if proposing == "applicant" else _program_proposing
    assignment, rank, filled, proposals, rounds = kernel(
        market.applicant_ptr, market.applicant_list, market.program_ptr, market.program_list,
        market.capacity,
    )
    return MatchResult(assignment, rank, filled, int(proposals), int(rounds), proposing)
