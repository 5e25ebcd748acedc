"""Kernels of the audit: rejection chains on a deferred-acceptance state that can be undone.

The state is what applicant-proposing deferred acceptance holds after some
applicants have made all their proposals: each program's held applicants (a
max-heap keyed on ``rank << 32 | applicant``, as in :mod:`matchsim.engine.da`),
the program each applicant holds, and the next entry each will propose to.
Adding an applicant runs their rejection chain (McVitie & Wilson 1971): they
propose down their list, a program holding them may reject its worst member,
who proposes on, and so on. Because the outcome of deferred acceptance does not
depend on the order of proposals, adding every applicant in any order gives the
match. Every write goes to an undo log, so a state can be restored exactly.

The audit needs, for each applicant ``a``, the state *without* ``a``: the
kernel gets all of them by divide and conquer (the "offline deletion" pattern):
with every applicant outside ``[l, r)`` added, add the right half and recurse on
the left, undo, add the left half and recurse on the right. Each applicant is
added ``O(log n)`` times. At a leaf ``[a, a+1)`` the state is the match without
``a``; each candidate list of ``a`` is one chain from it, then undone.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matchsim.constants import UNMATCHED, UNRANKED

__all__: list[str] = []

# kinds of undo-log records (the kind sits in the top bits of the index word)
_NXT = 0
_HEAP = 1
_HSIZE = 2
_HELD = 3
_SHIFT = 40
_LOW = (1 << 40) - 1

# kinds of candidate lists
TRUNCATION = 0
SWAP = 1
SHORT_LIST = 2


@njit(cache=True)
def _undo(mark, n_log, log_key, log_val, nxt, heap, hsize, held):
    """Restore every write logged after ``mark``; return ``mark``."""
    for i in range(n_log - 1, mark - 1, -1):
        kind = log_key[i] >> _SHIFT
        idx = log_key[i] & _LOW
        v = log_val[i]
        if kind == _NXT:
            nxt[idx] = v
        elif kind == _HEAP:
            heap[idx] = v
        elif kind == _HSIZE:
            hsize[idx] = np.int32(v)
        else:
            held[idx] = np.int32(v)
    return mark


@njit(cache=True)
def _chain(x, a_ptr, a_idx, rank_at, cap, hoff, heap, hsize, held, nxt, log_key, log_val, n_log,
           special, sp_prog, sp_rank, sp_len):
    """Run the rejection chain that starts with applicant ``x`` proposing; return the new log length.

    Applicant ``special`` (or -1) proposes from ``sp_prog[:sp_len]`` (with
    the programs' ranks of them in ``sp_rank``) instead of their own list;
    their next entry is kept in ``nxt[special]`` as a place on that list.
    """
    unranked = np.int32(UNRANKED)
    c = x
    while True:
        e = nxt[c]
        if c == special:
            if e == sp_len:
                return n_log
            p = sp_prog[e]
            r = sp_rank[e]
        else:
            if e == a_ptr[c + 1]:
                return n_log  # c's list is exhausted: unmatched
            p = a_idx[e]
            r = rank_at[e]
        log_key[n_log] = (np.int64(_NXT) << _SHIFT) | c
        log_val[n_log] = e
        n_log += 1
        nxt[c] = e + 1
        if r == unranked or cap[p] == 0:
            continue
        off = hoff[p]
        hs = hsize[p]
        key = (np.int64(r) << 32) | np.int64(c)
        if hs < cap[p]:  # a vacancy: c is held and the chain ends
            i = hs
            while i > 0:
                par = (i - 1) >> 1
                if heap[off + par] >= key:
                    break
                log_key[n_log] = (np.int64(_HEAP) << _SHIFT) | (off + i)
                log_val[n_log] = heap[off + i]
                n_log += 1
                heap[off + i] = heap[off + par]
                i = par
            log_key[n_log] = (np.int64(_HEAP) << _SHIFT) | (off + i)
            log_val[n_log] = heap[off + i]
            heap[off + i] = key
            log_key[n_log + 1] = (np.int64(_HSIZE) << _SHIFT) | p
            log_val[n_log + 1] = hs
            hsize[p] = hs + 1
            log_key[n_log + 2] = (np.int64(_HELD) << _SHIFT) | c
            log_val[n_log + 2] = held[c]
            held[c] = p
            return n_log + 3
        worst = heap[off]
        if key >= worst:
            continue  # rejected at once
        i = 0  # c replaces the worst held applicant, who proposes on
        while True:
            ch = 2 * i + 1
            if ch >= hs:
                break
            if ch + 1 < hs and heap[off + ch + 1] > heap[off + ch]:
                ch += 1
            if heap[off + ch] <= key:
                break
            log_key[n_log] = (np.int64(_HEAP) << _SHIFT) | (off + i)
            log_val[n_log] = heap[off + i]
            n_log += 1
            heap[off + i] = heap[off + ch]
            i = ch
        log_key[n_log] = (np.int64(_HEAP) << _SHIFT) | (off + i)
        log_val[n_log] = heap[off + i]
        heap[off + i] = key
        out = np.int32(worst & 0xFFFFFFFF)
        log_key[n_log + 1] = (np.int64(_HELD) << _SHIFT) | c
        log_val[n_log + 1] = held[c]
        held[c] = p
        log_key[n_log + 2] = (np.int64(_HELD) << _SHIFT) | out
        log_val[n_log + 2] = held[out]
        held[out] = UNMATCHED
        n_log += 3
        c = out


@njit(cache=True)
def _next_candidate(kind, k, n, perm, size):
    """Fill ``perm[:size]`` with candidate ``k`` of ``kind`` over a list of ``n``; return size (-1: none left).

    Truncation ``k``: the first ``k`` programs (``k = 0..n-1``). Swap ``k``:
    the whole list with places ``k`` and ``k+1`` exchanged. Short lists are
    advanced in place by :func:`_advance_short`.
    """
    if kind == TRUNCATION:
        if k >= n:
            return -1
        for i in range(k):
            perm[i] = i
        return k
    if k >= n - 1:
        return -1
    for i in range(n):
        perm[i] = i
    perm[k] = k + 1
    perm[k + 1] = k
    return n


@njit(cache=True)
def _advance_short(perm, size, n, max_size, used):
    """Next ordered list of distinct places (length 1..max_size), in length-then-lexicographic order.

    ``perm[:size]`` is the current list and ``used`` marks its places;
    returns the new size, or -1 when all lists are done.
    """
    if size == 0:
        if n == 0 or max_size == 0:
            return -1
        perm[0] = 0
        used[0] = True
        return 1
    # try to bump the last position, backtracking; on exhaustion grow the length
    i = size - 1
    while i >= 0:
        used[perm[i]] = False
        v = perm[i] + 1
        while v < n and used[v]:
            v += 1
        if v < n:
            perm[i] = v
            used[v] = True
            j = i + 1
            while j < size:  # refill the tail with the smallest unused places
                u = 0
                while used[u]:
                    u += 1
                perm[j] = u
                used[u] = True
                j += 1
            return size
        i -= 1
    size += 1
    if size > max_size or size > n:
        return -1
    for j in range(size):
        perm[j] = j
        used[j] = True
    return size


@njit(cache=True)
def _leaf(a, a_ptr, a_idx, rank_at, t_ptr, t_idx, t_rank, cap, hoff, heap, hsize, held, nxt,
          log_key, log_val, n_log, max_short, record, rec_off, rec_out, best, best_kind, best_k,
          base_out, sp_prog, sp_rank, perm, used, tpos):
    """Evaluate every candidate list of applicant ``a`` from the state without ``a``.

    Candidates are built from ``a``'s true list ``t_idx[t_ptr[a]:t_ptr[a+1]]``
    (by default their submitted list); the baseline is the chain of the
    submitted list. Outcomes are judged by place on the true list (a program
    off it counts as unmatched). Returns the number of candidates evaluated.
    """
    mark = n_log
    s = a_ptr[a]
    n_sub = a_ptr[a + 1] - s
    for i in range(n_sub):
        sp_prog[i] = a_idx[s + i]
        sp_rank[i] = rank_at[s + i]
    start = nxt[a]
    nxt[a] = 0
    n_log = _chain(a, a_ptr, a_idx, rank_at, cap, hoff, heap, hsize, held, nxt, log_key, log_val, n_log,
                   a, sp_prog, sp_rank, n_sub)
    base = held[a]
    base_out[a] = base
    n_log = _undo(mark, n_log, log_key, log_val, nxt, heap, hsize, held)
    ts = t_ptr[a]
    n = t_ptr[a + 1] - ts
    for i in range(n):
        tpos[t_idx[ts + i]] = i
    base_place = min(tpos[base], n) if base != UNMATCHED else n
    best[a] = base_place
    best_kind[a] = -1
    best_k[a] = -1
    k_rec = rec_off[a]
    n_cand = 0
    size = 0
    for kind in range(3):
        k = 0
        while True:
            if kind == SHORT_LIST:
                if k == 0:
                    size = 0
                    for i in range(n):
                        used[i] = False
                size = _advance_short(perm, size, n, max_short, used)
            else:
                size = _next_candidate(kind, k, n, perm, size)
            if size < 0:
                break
            for i in range(size):
                sp_prog[i] = t_idx[ts + perm[i]]
                sp_rank[i] = t_rank[ts + perm[i]]
            nxt[a] = 0
            n_log = _chain(a, a_ptr, a_idx, rank_at, cap, hoff, heap, hsize, held, nxt, log_key, log_val,
                           n_log, a, sp_prog, sp_rank, size)
            got = held[a]
            n_log = _undo(mark, n_log, log_key, log_val, nxt, heap, hsize, held)
            place = min(tpos[got], n) if got != UNMATCHED else n
            if record:
                rec_out[k_rec] = got
                k_rec += 1
            if place < best[a]:
                best[a] = place
                best_kind[a] = kind
                best_k[a] = n_cand
            n_cand += 1
            k += 1
    for i in range(n):
        tpos[t_idx[ts + i]] = n + 1  # not on the list (reset for the next applicant)
    nxt[a] = start
    return n_cand


@njit(cache=True, nogil=True)  # released so that threads can share the audit
def audit_all(a_ptr, a_idx, rank_at, t_ptr, t_idx, t_rank, cap, who, max_short, record, rec_off,
               log_size, progress):
    """The divide and conquer over applicants ``who`` (every other applicant is always added).

    Returns ``(base, best, best_kind, best_k, rec_out, n_candidates, ok)``:
    per applicant the program of their submitted list's chain, their best
    place on the true list over all candidates, which kind and candidate
    reached it (-1: none beat the baseline), every candidate's program when
    ``record``, the number of candidates, and ``ok = False`` if the undo log
    overflowed. ``progress[0]`` counts audited applicants as they finish.
    """
    n_a = a_ptr.size - 1
    n_p = cap.size
    hoff = np.zeros(n_p + 1, dtype=np.int64)
    for p in range(n_p):
        hoff[p + 1] = hoff[p] + cap[p]
    heap = np.empty(hoff[n_p], dtype=np.int64)
    hsize = np.zeros(n_p, dtype=np.int32)
    held = np.full(n_a, UNMATCHED, dtype=np.int32)
    nxt = a_ptr[:-1].copy()
    log_key = np.empty(log_size, dtype=np.int64)
    log_val = np.empty(log_size, dtype=np.int64)
    n_log = 0
    base = np.full(n_a, UNMATCHED, dtype=np.int32)
    best = np.full(n_a, -1, dtype=np.int64)
    best_kind = np.full(n_a, -1, dtype=np.int8)
    best_k = np.full(n_a, -1, dtype=np.int64)
    rec_out = np.full(rec_off[-1] if record else 0, UNMATCHED, dtype=np.int32)
    longest = 1
    for a in range(n_a):
        longest = max(longest, a_ptr[a + 1] - a_ptr[a], t_ptr[a + 1] - t_ptr[a])
    sp_prog = np.empty(longest, dtype=np.int32)
    sp_rank = np.empty(longest, dtype=np.int32)
    perm = np.empty(longest, dtype=np.int64)
    used = np.zeros(longest, dtype=np.bool_)
    tpos = np.full(n_p, longest + 1, dtype=np.int64)
    in_who = np.zeros(n_a, dtype=np.bool_)
    for a in who:
        in_who[a] = True
    for a in range(n_a):  # everybody not audited is in every state
        if not in_who[a]:
            n_log = _chain(a, a_ptr, a_idx, rank_at, cap, hoff, heap, hsize, held, nxt, log_key, log_val,
                           n_log, -1, sp_prog, sp_rank, 0)
    n_cand = 0
    m = who.size
    if m == 0:
        return base, best, best_kind, best_k, rec_out, n_cand, True
    # frames: (lo, hi, phase, mark)
    f_lo = np.empty(64, dtype=np.int64)
    f_hi = np.empty(64, dtype=np.int64)
    f_ph = np.empty(64, dtype=np.int64)
    f_mk = np.empty(64, dtype=np.int64)
    depth = 0
    f_lo[0] = 0
    f_hi[0] = m
    f_ph[0] = 0
    margin = 4 * longest + 64
    while depth >= 0:
        lo = f_lo[depth]
        hi = f_hi[depth]
        if hi - lo == 1:
            a = who[lo]
            n_cand += _leaf(a, a_ptr, a_idx, rank_at, t_ptr, t_idx, t_rank, cap, hoff, heap, hsize, held,
                            nxt, log_key, log_val, n_log, max_short, record, rec_off, rec_out, best,
                            best_kind, best_k, base, sp_prog, sp_rank, perm, used, tpos)
            progress[0] += 1
            depth -= 1
            continue
        mid = (lo + hi) // 2
        ph = f_ph[depth]
        if ph == 2:
            n_log = _undo(f_mk[depth], n_log, log_key, log_val, nxt, heap, hsize, held)
            depth -= 1
            continue
        if ph == 0:
            f_mk[depth] = n_log
            add_lo, add_hi, sub_lo, sub_hi = mid, hi, lo, mid
        else:
            n_log = _undo(f_mk[depth], n_log, log_key, log_val, nxt, heap, hsize, held)
            add_lo, add_hi, sub_lo, sub_hi = lo, mid, mid, hi
        for j in range(add_lo, add_hi):
            if n_log + margin > log_size:
                return base, best, best_kind, best_k, rec_out, n_cand, False
            n_log = _chain(who[j], a_ptr, a_idx, rank_at, cap, hoff, heap, hsize, held, nxt, log_key,
                           log_val, n_log, -1, sp_prog, sp_rank, 0)
        f_ph[depth] = ph + 1
        depth += 1
        f_lo[depth] = sub_lo
        f_hi[depth] = sub_hi
        f_ph[depth] = 0
    return base, best, best_kind, best_k, rec_out, n_cand, True
