"""The NRMP algorithm's numba kernel (private; the public function is :func:`matchsim.engine.nrmp.nrmp_match`).

Data layout
-----------
``M`` is a tuple of read-only arrays (the market and its look-up tables, see
:mod:`matchsim.engine.nrmp_tables`); ``S`` a tuple of state arrays the kernel
modifies in place:

* ``ast`` int64 (n_applicants, 10): per applicant, columns ``HELD`` (primary
  program or -1), ``HELD_E`` (its entry: index into ``applicant_list`` for a
  single, pair index into the couples' arrays for a couple's member), ``NXT``
  (a single's next entry to propose to), ``PG_HELD``/``PG_E`` (PGY-1 program
  and its supplemental entry), ``PG_NXT`` (next supplemental entry),
  ``PG_LST`` (the supplemental list in use, -1 when the applicant holds no
  linked advanced program), ``SLOT0``/``SLOT1`` (index of the applicant's
  primary / PGY-1 seat in its program's heap), ``ONSTK`` (bit 1: the
  primary token is pending, bit 2: the PGY-1 token is; bit 4: the
  applicant's supplemental proposals were stopped to break a loop);
* ``cst`` int64 (n_couples, 4): ``C_HELD`` (pair index relative to the
  couple's list, -1), ``C_NXT``, ``C_ONSTK``, ``C_ADDED`` (1 once the couple
  has entered the match: before that, scans and sweeps leave it alone);
* ``pst`` int64 (n_programs, 5): ``HSIZE`` (seats held), ``QPRE`` (quota
  before the program's own reversions: capacity - parity drop + positions
  reverted to it), ``OUT`` (positions it reverted), ``DROP`` (positions
  withdrawn for an even/odd request), ``P_ONSTK``; the program's *limit* is
  ``QPRE - OUT``;
* ``heap`` int64: for each program, a max-heap of its seats at
  ``hoff[p] : hoff[p] + max_quota[p] + 2``, keyed ``rank << 32 | applicant << 1 | role``
  (role 0 = primary seat, 1 = PGY-1 seat), so the worst seat is on top; the
  ``SLOT`` columns make any seat removable in O(log quota);
* ``wstack`` int64: pending tokens ``id << 2 | kind`` (kind 0 = a single's
  primary list, 1 = an applicant's supplemental list, 2 = a couple);
  ``pstack``: programs where a seat opened (to be scanned);
* ``give`` int64 per reversion row (positions moved along it);
* ``ctr`` int64 counters (stack sizes, proposals, stage, status);
  ``hv`` uint64[1]: the incremental hash of the state.

Steps of one run (:func:`run`)
-------------------------------
1. Pop a token and let it propose from its pointer down its list, stopping
   at the position it holds. A proposal is accepted when the program has a
   seat below its quota before reversion, or ranks the proposer above its
   worst seat (a couple: by the responsive rule of
   :mod:`matchsim.engine.nrmp_stability`). The proposer leaves the seats it
   held (an opened seat puts its program on ``pstack``), takes the new one,
   and the program drops its worst seat if it is over its limit, or, for a
   donor, takes back a reverted position (``_reclaim``). A dropped single
   re-enters from where it was; a dropped couple's member makes the couple
   withdraw the other partner and re-enter; losing an advanced program
   releases the PGY-1 seat; gaining a linked advanced program starts the
   supplemental list from its top.
2. When no token is pending, pop a program from ``pstack`` and scan its list
   best first: every single, couple or supplemental-list holder who ranks it
   above what they hold is re-tried from that entry (the highest place on
   their list that reopened; programs above it that did not reopen still
   refuse them). The scan stops once the seats held there and the re-tries
   sure to take one (singles and supplemental lists, whose next proposal is
   to this program) fill its quota: no one further down could get in. Such
   a scan puts the program back on ``pstack``, so a seat still open after
   the re-tries (a supplemental list that stopped before its turn) is
   offered further down the list.
   Re-trying everyone who prefers the program instead sends dozens back for
   one seat, each leaving a seat of its own: on the NRMP-scale benchmark
   that was 50 times the proposals, and its many loops.
3. When both stacks are empty: add the next couple (of ``order``); else
   revert one donor's vacancies (donors in reversion order); else fix one
   even/odd request (the program's limit becomes one less than its filled
   seats, its worst seat is dropped); else sweep every applicant and couple
   for a blocking program (a last stability check, as Roth & Peranson do),
   re-entering each one found; else stop.
4. Each time a couple's or a supplemental list's token is popped (while
   hashing), the hash of the whole state (every pointer and held entry, every
   quota, both stacks in order, the stage) is looked up: a state seen before
   means the run would repeat forever, and it stops with the steps of the
   cycle. (Both couples and supplemental lists tie two positions together, so
   both can cycle; single applicants alone only ever move down their lists or
   into a seat that opened, and cannot.)

Speed: a numba call (or inlined helper) that takes the ``M``/``S`` tuples
pays a reference count for every array in them, so the hot path (the
proposals of single applicants and supplemental lists, the pops, and a full
program dropping its worst seat) is written out in :func:`run` on local
arrays, with small inline helpers that take single arrays
(:func:`_heap_take`, :func:`_seta`, :func:`_stack_token`,
:func:`_stack_program`); the tuple-taking helpers serve the rarer moves
(couples, reversions, even/odd, scans).

Cost: phase 1 is deferred acceptance (O(list entries) proposals, O(log q)
each, plus O(1) hash-free bookkeeping); each scan is O(length of the
program's list) but stops at the first applicant the program would refuse; a
sweep is O(list entries).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# applicant state columns
HELD, HELD_E, NXT, PG_HELD, PG_E, PG_NXT, PG_LST, SLOT0, SLOT1, ONSTK = range(10)
# couple state columns
C_HELD, C_NXT, C_ONSTK, C_ADDED = range(4)
# program state columns
HSIZE, QPRE, OUT, DROP, P_ONSTK = range(5)
# counters
WS, PS, PROPOSALS, HASHING, NEXTC, STATUS, STEPS, SWEEPS, LOOP_FROM, LOOP_TO, VERIFY, POPS = range(12)
POPS_SINGLE, POPS_PGY1, POPS_COUPLE, SCANS = 12, 13, 14, 15  # pops by token kind, program scans
QUOTAS_FROZEN = 16  # set to stop reversions and even/odd changes (after they went round in circles)
N_CTR = 17
#: the log's token for a step at which no token was pending (before reversions, even/odd, sweep)
QUOTA_STEP = -4
# token kinds
K_SINGLE, K_PGY1, K_COUPLE = 0, 1, 2
# run status
OK, LOOP, BUDGET, HASH_MISMATCH = 0, 1, 2, 3

# market tuple indices
(M_A_PTR, M_A_IDX, M_RANK_AT, M_LINK_AT, M_P_PTR, M_P_IDX, M_P_BACK, M_COUPLE_OF, M_SIDE, M_CM,
 M_CP_PTR, M_CP_PROG, M_CP_RANK, M_CP_LINK, M_SUP_PTR, M_SUP_PROG, M_SUP_RANK, M_PGY1, M_EVEN_ODD,
 M_TOPO, M_DON_PTR, M_RV_RECV, M_RV_POS, M_HOFF, M_CAP) = range(25)
# state tuple indices
S_AST, S_CST, S_PST, S_HEAP, S_WSTACK, S_PSTACK, S_GIVE, S_CTR, S_HV = range(9)

_UNRANKED = 2147483647
_LOW = 0xFFFFFFFF

# hash kinds
_Z_HELD_E, _Z_NXT, _Z_PG_E, _Z_PG_NXT, _Z_PG_LST, _Z_C_HELD, _Z_C_NXT, _Z_QPRE, _Z_OUT, _Z_WS, _Z_PS, _Z_STAGE, \
    _Z_DROP, _Z_GIVE = range(1, 15)


@njit(cache=True, inline="always")
def _mix(x):
    """The splitmix64 finaliser (a bijection of 64-bit words with good avalanche)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@njit(cache=True, inline="always")
def _z(kind, i, v):
    """Zobrist key of "field ``kind`` of participant ``i`` has value ``v``" (``v >= -2``)."""
    h = _mix(np.uint64(i + 1) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(kind))
    return _mix(h ^ (np.uint64(v + 2) * np.uint64(0xC2B2AE3D27D4EB4F)))


@njit(cache=True)
def _rehash(S, kind, i, old, new):
    if S[S_CTR][HASHING] and old != new:
        S[S_HV][0] ^= _z(kind, i, old) ^ _z(kind, i, new)


# ---------------------------------------------------------------- setters
@njit(cache=True)
def _set_a(S, a, col, kind, v):
    ast = S[S_AST]
    _rehash(S, kind, a, ast[a, col], v)
    ast[a, col] = v


@njit(cache=True)
def _set_c(S, c, col, kind, v):
    cst = S[S_CST]
    _rehash(S, kind, c, cst[c, col], v)
    cst[c, col] = v


@njit(cache=True)
def _set_p(S, p, col, kind, v):
    pst = S[S_PST]
    _rehash(S, kind, p, pst[p, col], v)
    pst[p, col] = v


# ----------------------------------------------------------------- stacks
@njit(cache=True)
def _push_token(S, tok):
    ctr = S[S_CTR]
    n = ctr[WS]
    S[S_WSTACK][n] = tok
    if ctr[HASHING]:
        S[S_HV][0] ^= _z(_Z_WS, n, tok)
    ctr[WS] = n + 1


@njit(cache=True)
def _push_applicant(S, a, role):
    """Put ``a``'s primary list (role 0) or supplemental list (role 1) on the stack, unless it is there."""
    ast = S[S_AST]
    bit = 1 + role
    if not ast[a, ONSTK] & bit:
        ast[a, ONSTK] |= bit
        _push_token(S, a * 4 + (K_SINGLE if role == 0 else K_PGY1))


@njit(cache=True)
def _push_couple(S, c):
    cst = S[S_CST]
    if not cst[c, C_ONSTK]:
        cst[c, C_ONSTK] = 1
        _push_token(S, c * 4 + K_COUPLE)


@njit(cache=True)
def _push_program(S, p):
    pst = S[S_PST]
    if pst[p, P_ONSTK]:
        return
    pst[p, P_ONSTK] = 1
    ctr = S[S_CTR]
    n = ctr[PS]
    S[S_PSTACK][n] = p
    if ctr[HASHING]:
        S[S_HV][0] ^= _z(_Z_PS, n, p)
    ctr[PS] = n + 1


@njit(cache=True)
def _pop_program(S):
    ctr = S[S_CTR]
    n = ctr[PS] - 1
    p = S[S_PSTACK][n]
    if ctr[HASHING]:
        S[S_HV][0] ^= _z(_Z_PS, n, p)
    ctr[PS] = n
    S[S_PST][p, P_ONSTK] = 0
    return p


# ------------------------------------------------------------------ heaps
@njit(cache=True, inline="always")
def _hput(heap, ast, off, i, key):
    heap[off + i] = key
    ast[(key & _LOW) >> 1, SLOT0 + (key & 1)] = i


@njit(cache=True, inline="always")
def _sift_up(heap, ast, off, i, key):
    while i > 0:
        par = (i - 1) >> 1
        pk = heap[off + par]
        if pk >= key:
            break
        _hput(heap, ast, off, i, pk)
        i = par
    _hput(heap, ast, off, i, key)


@njit(cache=True, inline="always")
def _sift_down(heap, ast, off, n, i, key):
    while True:
        ch = 2 * i + 1
        if ch >= n:
            break
        if ch + 1 < n and heap[off + ch + 1] > heap[off + ch]:
            ch += 1
        if heap[off + ch] <= key:
            break
        _hput(heap, ast, off, i, heap[off + ch])
        i = ch
    _hput(heap, ast, off, i, key)


@njit(cache=True, inline="always")
def _heap_take(heap, ast, off, n, i):
    """Remove the seat at index ``i`` of the heap at ``off`` holding ``n`` seats; return its key (the caller stores ``n - 1``)."""
    key = heap[off + i]
    n -= 1
    ast[(key & _LOW) >> 1, SLOT0 + (key & 1)] = -1
    if i < n:
        last = heap[off + n]
        if i > 0 and heap[off + ((i - 1) >> 1)] < last:
            _sift_up(heap, ast, off, i, last)
        else:
            _sift_down(heap, ast, off, n, i, last)
    return key


@njit(cache=True, inline="always")
def _stack_program(pst, pstack, ctr, hv, p):
    """Put program ``p`` on the stack of programs to scan (once)."""
    if pst[p, P_ONSTK]:
        return
    pst[p, P_ONSTK] = 1
    n = ctr[PS]
    pstack[n] = p
    if ctr[HASHING]:
        hv[0] ^= _z(_Z_PS, n, p)
    ctr[PS] = n + 1


@njit(cache=True, inline="always")
def _stack_token(ast, wstack, ctr, hv, a, bit, tok):
    """Put token ``tok`` of applicant ``a`` on the stack unless its ``bit`` of ``ONSTK`` says it is there."""
    if ast[a, ONSTK] & bit:
        return
    ast[a, ONSTK] |= bit
    n = ctr[WS]
    wstack[n] = tok
    if ctr[HASHING]:
        hv[0] ^= _z(_Z_WS, n, tok)
    ctr[WS] = n + 1


@njit(cache=True, inline="always")
def _seta(ast, hv, hashing, a, col, kind, v):
    """Set ``ast[a, col] = v``, updating the state hash while hashing."""
    old = ast[a, col]
    if hashing and old != v:
        hv[0] ^= _z(kind, a, old) ^ _z(kind, a, v)
    ast[a, col] = v


@njit(cache=True)
def _heap_insert(M, S, p, key):
    pst = S[S_PST]
    n = pst[p, HSIZE]
    _sift_up(S[S_HEAP], S[S_AST], M[M_HOFF][p], n, key)
    pst[p, HSIZE] = n + 1


@njit(cache=True)
def _heap_remove_at(M, S, p, i):
    """Remove the seat at heap index ``i`` of program ``p``; return its key."""
    heap = S[S_HEAP]
    ast = S[S_AST]
    pst = S[S_PST]
    off = M[M_HOFF][p]
    key = heap[off + i]
    n = pst[p, HSIZE] - 1
    pst[p, HSIZE] = n
    ast[(key & _LOW) >> 1, SLOT0 + (key & 1)] = -1
    if i < n:
        last = heap[off + n]
        if i > 0 and heap[off + ((i - 1) >> 1)] < last:
            _sift_up(heap, ast, off, i, last)
        else:
            _sift_down(heap, ast, off, n, i, last)
    return key


# ------------------------------------------------------- seats and tokens
@njit(cache=True)
def _withdraw(M, S, a, role):
    """Remove applicant ``a``'s primary (role 0) or PGY-1 (role 1) seat; its program reopens."""
    ast = S[S_AST]
    p = ast[a, HELD + 3 * role]  # HELD or PG_HELD
    i = ast[a, SLOT0 + role]
    if p < 0 or i < 0:
        return
    _heap_remove_at(M, S, p, i)
    _push_program(S, p)


@njit(cache=True)
def _release_pgy1(M, S, a):
    """``a`` no longer holds a linked advanced program: give up the PGY-1 seat and the list."""
    ast = S[S_AST]
    if ast[a, PG_HELD] >= 0:
        _withdraw(M, S, a, 1)
        ast[a, PG_HELD] = -1
        _set_a(S, a, PG_E, _Z_PG_E, -1)
    _set_a(S, a, PG_LST, _Z_PG_LST, -1)
    _set_a(S, a, PG_NXT, _Z_PG_NXT, -1)


@njit(cache=True)
def _start_pgy1(M, S, a, L):
    """``a`` now holds an advanced program linked to list ``L``: propose along it from its top."""
    _set_a(S, a, PG_LST, _Z_PG_LST, L)
    _set_a(S, a, PG_NXT, _Z_PG_NXT, M[M_SUP_PTR][L])
    _push_applicant(S, a, 1)


@njit(cache=True)
def _bumped(M, S, key):
    """The seat ``key`` was dropped by its program: put its holder back in line."""
    ast = S[S_AST]
    w = (key & _LOW) >> 1
    role = key & 1
    if role == 1:
        ast[w, PG_HELD] = -1
        _set_a(S, w, PG_E, _Z_PG_E, -1)
        _push_applicant(S, w, 1)
        return
    c = M[M_COUPLE_OF][w]
    if c < 0:
        ast[w, HELD] = -1
        _set_a(S, w, HELD_E, _Z_HELD_E, -1)
        _release_pgy1(M, S, w)
        _push_applicant(S, w, 0)
        return
    ast[w, HELD] = -1
    ast[w, HELD_E] = -1
    _release_pgy1(M, S, w)
    m = M[M_CM][c, 1 - M[M_SIDE][w]]
    if ast[m, HELD] >= 0:
        _withdraw(M, S, m, 0)  # the couple withdraws the partner's position
        ast[m, HELD] = -1
        ast[m, HELD_E] = -1
        _release_pgy1(M, S, m)
    _set_c(S, c, C_HELD, _Z_C_HELD, -1)
    _push_couple(S, c)


@njit(cache=True)
def _reclaim(M, S, p):
    """Donor ``p`` fills one of its reverted positions: take it back from its last receiver."""
    pst = S[S_PST]
    give = S[S_GIVE]
    don_ptr = M[M_DON_PTR]
    rv_recv = M[M_RV_RECV]
    d = p
    while True:
        _set_p(S, d, OUT, _Z_OUT, pst[d, OUT] - 1)
        j = don_ptr[d, 1] - 1
        while give[j] == 0:
            j -= 1
        _rehash(S, _Z_GIVE, j, give[j], give[j] - 1)
        give[j] -= 1
        r = rv_recv[j]
        if pst[r, DROP] > 0:
            # r had withdrawn a position for its even/odd request: the one taken
            # back is that one, so r's quota and its number of matches stand
            _set_p(S, r, DROP, _Z_DROP, pst[r, DROP] - 1)
            return
        _set_p(S, r, QPRE, _Z_QPRE, pst[r, QPRE] - 1)
        if pst[r, HSIZE] > pst[r, QPRE] - pst[r, OUT]:
            if pst[r, OUT] > 0:
                d = r  # r in turn takes back one of the positions it reverted
                continue
            key = _heap_remove_at(M, S, r, 0)
            _bumped(M, S, key)
        return


@njit(cache=True)
def _resolve(M, S, p):
    """Bring program ``p`` back within its limit after seats were added."""
    pst = S[S_PST]
    while pst[p, HSIZE] > pst[p, QPRE] - pst[p, OUT]:
        if pst[p, OUT] > 0:
            _reclaim(M, S, p)
        else:
            key = _heap_remove_at(M, S, p, 0)
            _bumped(M, S, key)


@njit(cache=True)
def _couple_accepts(M, S, c, kk):
    """Would the programs of pair ``kk`` (absolute index) take couple ``c``'s partners (responsive rule)?"""
    ast = S[S_AST]
    pst = S[S_PST]
    heap = S[S_HEAP]
    cp_prog = M[M_CP_PROG]
    cp_rank = M[M_CP_RANK]
    m1 = M[M_CM][c, 0]
    m2 = M[M_CM][c, 1]
    for s in range(2):
        prog = cp_prog[kk, s]
        if prog < 0:
            continue
        if cp_rank[kk, s] == _UNRANKED:
            return False
    for s in range(2):
        prog = cp_prog[kk, s]
        if prog < 0:
            continue
        if s == 1 and prog == cp_prog[kk, 0]:
            continue
        both = prog == cp_prog[kk, 1 - s]
        ms = m1 if s == 0 else m2
        if not both and ast[ms, HELD] == prog:
            continue  # keeps its program
        r = cp_rank[kk, s]
        need = 1
        if both:
            r = max(cp_rank[kk, 0], cp_rank[kk, 1])
            need = 2
        excl = 0
        for t in range(2):
            b = m1 if t == 0 else m2
            if ast[b, HELD] == prog:
                excl += 1
            if ast[b, PG_HELD] == prog and cp_prog[kk, t] != ast[b, HELD]:
                excl += 1
        hs = pst[prog, HSIZE]
        q = pst[prog, QPRE]
        if hs - excl + need <= q:
            continue
        off = M[M_HOFF][prog]
        cnt = 0
        for i in range(hs):
            key = heap[off + i]
            if (key >> 32) >= r:
                continue
            b = (key & _LOW) >> 1
            if b == m1 or b == m2:
                if key & 1 == 0:
                    continue
                t = 0 if b == m1 else 1
                if cp_prog[kk, t] != ast[b, HELD]:
                    continue
            cnt += 1
        if cnt + need - 1 >= q:
            return False
    return True


@njit(cache=True)
def _do_couple(M, S, c):
    """Couple ``c`` proposes down its joint list; returns the pair index it was accepted at, or -1."""
    ast = S[S_AST]
    cst = S[S_CST]
    ctr = S[S_CTR]
    cp_ptr = M[M_CP_PTR]
    cp_prog = M[M_CP_PROG]
    cp_rank = M[M_CP_RANK]
    base = cp_ptr[c]
    n = cp_ptr[c + 1] - base
    k = cst[c, C_NXT]
    cur = cst[c, C_HELD]
    m1 = M[M_CM][c, 0]
    m2 = M[M_CM][c, 1]
    while k < n:
        if k == cur:
            k += 1
            break
        kk = base + k
        k += 1
        ctr[PROPOSALS] += 1
        if not _couple_accepts(M, S, c, kk):
            continue
        x = cp_prog[kk, 0]
        y = cp_prog[kk, 1]
        h1 = ast[m1, HELD]
        h2 = ast[m2, HELD]
        if x != h1:
            if h1 >= 0:
                _withdraw(M, S, m1, 0)
            _release_pgy1(M, S, m1)
        if y != h2:
            if h2 >= 0:
                _withdraw(M, S, m2, 0)
            _release_pgy1(M, S, m2)
        _set_c(S, c, C_HELD, _Z_C_HELD, k - 1)
        _set_c(S, c, C_NXT, _Z_C_NXT, k)
        ast[m1, HELD] = x
        ast[m2, HELD] = y
        ast[m1, HELD_E] = kk if x >= 0 else -1
        ast[m2, HELD_E] = kk if y >= 0 else -1
        if x >= 0 and x != h1:
            _heap_insert(M, S, x, (np.int64(cp_rank[kk, 0]) << 32) | (np.int64(m1) << 1))
        if y >= 0 and y != h2:
            _heap_insert(M, S, y, (np.int64(cp_rank[kk, 1]) << 32) | (np.int64(m2) << 1))
        if x >= 0 and x != h1:
            _resolve(M, S, x)
        if y >= 0 and y != h2:
            _resolve(M, S, y)
        if cst[c, C_HELD] == k - 1:
            L = M[M_CP_LINK][kk, 0]
            if x >= 0 and x != h1 and L >= 0:
                _start_pgy1(M, S, m1, L)
            L = M[M_CP_LINK][kk, 1]
            if y >= 0 and y != h2 and L >= 0:
                _start_pgy1(M, S, m2, L)
        return k - 1
    _set_c(S, c, C_NXT, _Z_C_NXT, k)
    return -1


@njit(cache=True)
def _retry_couple(M, S, c, k):
    """Couple ``c`` prefers pair ``k`` (relative) to what it holds: re-try it from there."""
    cst = S[S_CST]
    if cst[c, C_ONSTK]:
        if k < cst[c, C_NXT]:
            _set_c(S, c, C_NXT, _Z_C_NXT, k)
    else:
        _set_c(S, c, C_NXT, _Z_C_NXT, k)
        _push_couple(S, c)


@njit(cache=True)
def _retry_applicant(M, S, a, role, e):
    """``a`` prefers entry ``e`` of its primary (role 0) or supplemental (role 1) list: re-try it from there."""
    ast = S[S_AST]
    col = NXT + 3 * role  # NXT or PG_NXT
    if ast[a, ONSTK] & (1 + role):
        if e < ast[a, col]:
            _set_a(S, a, col, _Z_NXT + 2 * role, e)
    else:
        _set_a(S, a, col, _Z_NXT + 2 * role, e)
        _push_applicant(S, a, role)


@njit(cache=True)
def _scan(M, S, p):
    """A seat opened at ``p`` (or its quota rose): re-try everyone who now blocks with it.

    The list is read best first, counting the seats of the best ``QPRE``: the
    ones held at ``p`` and the ones a re-tried single or supplemental list
    will take (their next proposal is to ``p``, which takes them unless it
    filled with better ones meanwhile). Once they fill the quota no one
    further down could get in, so the scan stops there, and ``p`` is put back
    on the program stack: if one of those re-tries never proposed (a
    supplemental list stops when its holder loses the advanced position
    before its turn), the next scan finds the seat still open. A re-tried
    couple may be refused at its pair with ``p``, so it does not count.
    """
    ast = S[S_AST]
    cst = S[S_CST]
    pst = S[S_PST]
    p_ptr = M[M_P_PTR]
    p_idx = M[M_P_IDX]
    p_back = M[M_P_BACK]
    couple_of = M[M_COUPLE_OF]
    cp_ptr = M[M_CP_PTR]
    cp_prog = M[M_CP_PROG]
    sup_ptr = M[M_SUP_PTR]
    sup_prog = M[M_SUP_PROG]
    is_pgy1 = M[M_PGY1][p]
    quota = pst[p, QPRE]
    taken = 0  # seats of the best: held at p, or about to be taken by a re-try
    retried = False
    base = p_ptr[p]
    for f in range(base, p_ptr[p + 1]):
        if taken >= quota:
            if retried:
                _push_program(S, p)
            return
        b = p_idx[f]
        if ast[b, HELD] == p or ast[b, PG_HELD] == p:
            taken += 1
            continue
        c = couple_of[b]
        if c < 0:
            e = p_back[f]
            if e >= 0 and (ast[b, HELD_E] < 0 or e < ast[b, HELD_E]):
                _retry_applicant(M, S, b, 0, e)
                taken += 1
                retried = True
                continue
        elif cst[c, C_ADDED]:
            s = M[M_SIDE][b]
            stop = cst[c, C_HELD] if cst[c, C_HELD] >= 0 else cp_ptr[c + 1] - cp_ptr[c]
            for k in range(stop):
                if cp_prog[cp_ptr[c] + k, s] == p:
                    _retry_couple(M, S, c, k)
                    break
        if is_pgy1:
            L = ast[b, PG_LST]
            if L >= 0 and not ast[b, ONSTK] & 4:
                stop = ast[b, PG_E] if ast[b, PG_E] >= 0 else sup_ptr[L + 1]
                for g in range(sup_ptr[L], stop):
                    if sup_prog[g] == p:
                        _retry_applicant(M, S, b, 1, g)
                        taken += 1
                        retried = True
                        break


@njit(cache=True)
def _sweep(M, S):
    """Re-enter every single, supplemental-list holder and couple that blocks; return how many."""
    ast = S[S_AST]
    cst = S[S_CST]
    a_ptr = M[M_A_PTR]
    a_idx = M[M_A_IDX]
    rank_at = M[M_RANK_AT]
    couple_of = M[M_COUPLE_OF]
    sup_ptr = M[M_SUP_PTR]
    sup_prog = M[M_SUP_PROG]
    sup_rank = M[M_SUP_RANK]
    cp_ptr = M[M_CP_PTR]
    pst = S[S_PST]
    heap = S[S_HEAP]
    hoff = M[M_HOFF]
    n_a = a_ptr.size - 1
    found = 0
    for a in range(n_a):
        if couple_of[a] < 0:
            stop = ast[a, HELD_E] if ast[a, HELD_E] >= 0 else a_ptr[a + 1]
            for e in range(a_ptr[a], stop):
                r = rank_at[e]
                if r == _UNRANKED:
                    continue
                p = a_idx[e]
                key = (np.int64(r) << 32) | (np.int64(a) << 1)
                hs = pst[p, HSIZE]
                if ast[a, PG_HELD] == p or hs < pst[p, QPRE] or (hs > 0 and key < heap[hoff[p]]):
                    _retry_applicant(M, S, a, 0, e)
                    found += 1
                    break
        L = ast[a, PG_LST]
        if L >= 0 and not ast[a, ONSTK] & 4:
            stop = ast[a, PG_E] if ast[a, PG_E] >= 0 else sup_ptr[L + 1]
            for g in range(sup_ptr[L], stop):
                r = sup_rank[g]
                if r == _UNRANKED:
                    continue
                key = (np.int64(r) << 32) | (np.int64(a) << 1) | 1
                q = sup_prog[g]
                hs = pst[q, HSIZE]
                if hs < pst[q, QPRE] or (hs > 0 and key < heap[hoff[q]]):
                    _retry_applicant(M, S, a, 1, g)
                    found += 1
                    break
    for c in range(cst.shape[0]):
        if not cst[c, C_ADDED]:
            continue
        stop = cst[c, C_HELD] if cst[c, C_HELD] >= 0 else cp_ptr[c + 1] - cp_ptr[c]
        for k in range(stop):
            if _couple_accepts(M, S, c, cp_ptr[c] + k):
                _retry_couple(M, S, c, k)
                found += 1
                break
    return found


@njit(cache=True)
def _revert_step(M, S):
    """Revert the vacancies of the first donor (in reversion order) that has some; True if one did."""
    pst = S[S_PST]
    give = S[S_GIVE]
    topo = M[M_TOPO]
    don_ptr = M[M_DON_PTR]
    rv_recv = M[M_RV_RECV]
    rv_pos = M[M_RV_POS]
    for i in range(topo.size):
        d = topo[i]
        vac = pst[d, QPRE] - pst[d, OUT] - pst[d, HSIZE]
        if vac <= 0:
            continue
        moved = False
        for j in range(don_ptr[d, 0], don_ptr[d, 1]):
            room = rv_pos[j] - give[j]
            if room <= 0:
                continue
            g = min(room, vac)
            _rehash(S, _Z_GIVE, j, give[j], give[j] + g)
            give[j] += g
            _set_p(S, d, OUT, _Z_OUT, pst[d, OUT] + g)
            r = rv_recv[j]
            _set_p(S, r, QPRE, _Z_QPRE, pst[r, QPRE] + g)
            _push_program(S, r)
            vac -= g
            moved = True
            if vac == 0:
                break
        if moved:
            return True
    return False


@njit(cache=True)
def _parity_step(M, S):
    """Fix one program whose number of seats contradicts its even/odd request; True if one was."""
    pst = S[S_PST]
    eo = M[M_EVEN_ODD]
    for p in range(eo.size):
        if eo[p] == 0:
            continue
        f = pst[p, HSIZE]
        if (eo[p] == 1 and f % 2 == 1) or (eo[p] == 2 and f % 2 == 0 and f > 0):
            dd = pst[p, QPRE] - pst[p, OUT] - f + 1
            _set_p(S, p, DROP, _Z_DROP, pst[p, DROP] + dd)
            _set_p(S, p, QPRE, _Z_QPRE, pst[p, QPRE] - dd)
            key = _heap_remove_at(M, S, p, 0)
            _bumped(M, S, key)
            return True
    return False


@njit(cache=True)
def _full_hash(M, S):
    ast = S[S_AST]
    cst = S[S_CST]
    pst = S[S_PST]
    ctr = S[S_CTR]
    couple_of = M[M_COUPLE_OF]
    h = np.uint64(0)
    for a in range(ast.shape[0]):
        if couple_of[a] < 0:
            h ^= _z(_Z_HELD_E, a, ast[a, HELD_E]) ^ _z(_Z_NXT, a, ast[a, NXT])
        h ^= _z(_Z_PG_E, a, ast[a, PG_E]) ^ _z(_Z_PG_NXT, a, ast[a, PG_NXT]) ^ _z(_Z_PG_LST, a, ast[a, PG_LST])
    for c in range(cst.shape[0]):
        h ^= _z(_Z_C_HELD, c, cst[c, C_HELD]) ^ _z(_Z_C_NXT, c, cst[c, C_NXT])
    for p in range(pst.shape[0]):
        h ^= _z(_Z_QPRE, p, pst[p, QPRE]) ^ _z(_Z_OUT, p, pst[p, OUT]) ^ _z(_Z_DROP, p, pst[p, DROP])
    give = S[S_GIVE]
    for j in range(give.size):
        h ^= _z(_Z_GIVE, j, give[j])
    for i in range(ctr[WS]):
        h ^= _z(_Z_WS, i, S[S_WSTACK][i])
    for i in range(ctr[PS]):
        h ^= _z(_Z_PS, i, S[S_PSTACK][i])
    h ^= _z(_Z_STAGE, 0, ctr[NEXTC])
    return h


@njit(cache=True)
def _table_insert(tab_k, tab_v, h, v):
    mask = np.uint64(tab_k.size - 1)
    slot = h & mask
    while tab_v[slot] >= 0:
        slot = (slot + np.uint64(1)) & mask
    tab_k[slot] = h
    tab_v[slot] = v


@njit(cache=True)
def run(M, S, order, finish, max_steps, max_pops):
    """Run the match from the state in ``S`` (see the module docstring); return ``(status, log_tok, log_k)``.

    ``order``: couples to add, in this order, once nothing is pending
    (``ctr[NEXTC]`` counts those already added). ``finish``: after the last
    couple, apply reversions, even/odd requests and the final sweeps (False
    for the singles-only first phase). While ``ctr[HASHING]`` is set, every
    pop of a couple's or a supplemental list's token is a *step*: the state's
    hash is looked up (a repeat ends the run with status ``LOOP`` and
    ``ctr[LOOP_FROM]``/``ctr[LOOP_TO]`` the two steps) and recorded.
    ``log_tok[t]`` is the token of step ``t`` and ``log_k[t]`` the pair a
    couple was accepted at (-1: none, or not a couple). ``max_steps`` and
    ``max_pops`` (all token pops) are safeguards that end the run with status
    ``BUDGET``; a run that settles never reaches them.
    """
    ctr = S[S_CTR]
    cst = S[S_CST]
    ast = S[S_AST]
    pst = S[S_PST]
    heap = S[S_HEAP]
    hv = S[S_HV]
    wstack = S[S_WSTACK]
    pstack = S[S_PSTACK]
    a_ptr = M[M_A_PTR]
    a_idx = M[M_A_IDX]
    rank_at = M[M_RANK_AT]
    hoff = M[M_HOFF]
    couple_of = M[M_COUPLE_OF]
    link_at = M[M_LINK_AT]
    sup_ptr = M[M_SUP_PTR]
    sup_prog = M[M_SUP_PROG]
    sup_rank = M[M_SUP_RANK]
    hashing = ctr[HASHING] != 0
    tab_k = np.zeros(1024, dtype=np.uint64)
    tab_v = np.full(1024, -1, dtype=np.int64)
    log_tok = np.empty(256, dtype=np.int64)
    log_k = np.empty(256, dtype=np.int64)
    n_log = 0
    if hashing:
        S[S_HV][0] = _full_hash(M, S)
    while True:
        tok = kind = i = 0
        if ctr[WS] > 0:
            ctr[POPS] += 1
            if ctr[POPS] > max_pops:
                ctr[STATUS] = BUDGET
                return BUDGET, log_tok[:n_log], log_k[:n_log]
            tok = wstack[ctr[WS] - 1]
            kind = tok & 3
            i = tok >> 2
            step = tok if hashing and (kind == K_COUPLE or (kind == K_PGY1 and not ast[i, ONSTK] & 4)) else -1
        else:
            # nothing pending: reversions, even/odd requests or the sweep come
            # next, and they too can go round in circles (quotas move both ways)
            step = QUOTA_STEP if (hashing and finish and ctr[PS] == 0 and ctr[NEXTC] >= order.size
                                  and not ctr[QUOTAS_FROZEN]) else -1
        if step != -1:
            h = S[S_HV][0]
            if ctr[VERIFY] and h != _full_hash(M, S):
                ctr[STATUS] = HASH_MISMATCH
                return HASH_MISMATCH, log_tok[:n_log], log_k[:n_log]
            mask = np.uint64(tab_k.size - 1)
            slot = h & mask
            while tab_v[slot] >= 0:
                if tab_k[slot] == h:
                    ctr[LOOP_FROM] = tab_v[slot]
                    ctr[LOOP_TO] = n_log
                    ctr[STATUS] = LOOP
                    return LOOP, log_tok[:n_log], log_k[:n_log]
                slot = (slot + np.uint64(1)) & mask
            if n_log >= max_steps:
                ctr[STATUS] = BUDGET
                return BUDGET, log_tok[:n_log], log_k[:n_log]
            tab_k[slot] = h
            tab_v[slot] = n_log
            if 2 * (n_log + 1) > tab_k.size:  # keep the table at most half full
                old_k, old_v = tab_k, tab_v
                tab_k = np.zeros(2 * old_k.size, dtype=np.uint64)
                tab_v = np.full(2 * old_k.size, -1, dtype=np.int64)
                for j in range(old_k.size):
                    if old_v[j] >= 0:
                        _table_insert(tab_k, tab_v, old_k[j], old_v[j])
            if n_log == log_tok.size:
                log_tok = np.concatenate((log_tok, np.empty_like(log_tok)))
                log_k = np.concatenate((log_k, np.empty_like(log_k)))
            log_tok[n_log] = step
            log_k[n_log] = -1
            n_log += 1
        if ctr[WS] > 0:
            ws = ctr[WS] - 1  # pop the token
            if hashing:
                hv[0] ^= _z(_Z_WS, ws, tok)
            ctr[WS] = ws
            ctr[POPS_SINGLE + kind] += 1
            if kind != K_COUPLE:
                # a single's primary list (role 0) or an applicant's supplemental
                # list (role 1) proposes: the hot path, written out on local
                # arrays (a call taking the state tuples costs a reference
                # count per array in them)
                role = 0 if kind == K_SINGLE else 1
                ast[i, ONSTK] &= ~(1 + role)
                p = -1
                key = np.int64(0)
                n_prop = 0
                if role == 0:
                    end = a_ptr[i + 1]
                    progs, ranks = a_idx, rank_at
                    pg = ast[i, PG_HELD]  # a program whose PGY-1 seat it holds takes it (the same seat)
                else:
                    L = ast[i, PG_LST]
                    if L < 0 or ast[i, ONSTK] & 4:  # no linked advanced program; or stopped (a loop breaker)
                        continue
                    end = sup_ptr[L + 1]
                    progs, ranks = sup_prog, sup_rank
                    pg = -1
                e = ast[i, NXT + 3 * role]
                cur = ast[i, HELD_E + 3 * role]
                while e < end:
                    if e == cur:
                        e += 1
                        break
                    q = progs[e]
                    r = ranks[e]
                    e += 1
                    n_prop += 1
                    if r == _UNRANKED:
                        continue
                    key = (np.int64(r) << 32) | (np.int64(i) << 1) | role
                    hs = pst[q, HSIZE]
                    if q == pg or hs < pst[q, QPRE] or (hs > 0 and key < heap[hoff[q]]):
                        p = q
                        break
                ctr[PROPOSALS] += n_prop
                _seta(ast, hv, hashing, i, NXT + 3 * role, _Z_NXT + 2 * role, e)
                if p < 0:
                    continue
                hp = ast[i, HELD + 3 * role]
                if hp >= 0:  # leave the seat held in this role
                    si = ast[i, SLOT0 + role]
                    if si >= 0:
                        _heap_take(heap, ast, hoff[hp], pst[hp, HSIZE], si)
                        pst[hp, HSIZE] -= 1
                        _stack_program(pst, pstack, ctr, hv, hp)
                    if role == 0 and (ast[i, PG_LST] >= 0 or ast[i, PG_HELD] >= 0):
                        _release_pgy1(M, S, i)
                ast[i, HELD + 3 * role] = p
                _seta(ast, hv, hashing, i, HELD_E + 3 * role, _Z_HELD_E + 2 * role, e - 1)
                off = hoff[p]
                n = pst[p, HSIZE]
                _sift_up(heap, ast, off, n, key)
                n += 1
                pst[p, HSIZE] = n
                if n > pst[p, QPRE] - pst[p, OUT]:
                    top = heap[off]
                    w = (top & _LOW) >> 1
                    tr = top & 1
                    if (pst[p, OUT] == 0 and n == pst[p, QPRE] + 1
                            and (tr == 1 or (couple_of[w] < 0 and ast[w, PG_LST] < 0 and ast[w, PG_HELD] < 0))):
                        # the program was full: it drops its worst seat (a single's
                        # primary seat with no supplemental list in play, or a PGY-1
                        # seat), whose holder re-enters
                        n -= 1
                        pst[p, HSIZE] = n
                        ast[w, SLOT0 + tr] = -1
                        if n > 0:
                            _sift_down(heap, ast, off, n, 0, heap[off + n])
                        ast[w, HELD + 3 * tr] = -1
                        _seta(ast, hv, hashing, w, HELD_E + 3 * tr, _Z_HELD_E + 2 * tr, -1)
                        _stack_token(ast, wstack, ctr, hv, w, 1 + tr, w * 4 + (K_SINGLE if tr == 0 else K_PGY1))
                    else:
                        _resolve(M, S, p)
                if role == 0:
                    L = link_at[e - 1]
                    if L >= 0 and ast[i, HELD] == p:  # a linked advanced program: its list starts from the top
                        _seta(ast, hv, hashing, i, PG_LST, _Z_PG_LST, L)
                        _seta(ast, hv, hashing, i, PG_NXT, _Z_PG_NXT, sup_ptr[L])
                        _stack_token(ast, wstack, ctr, hv, i, 2, i * 4 + K_PGY1)
            else:
                cst[i, C_ONSTK] = 0
                # a couple taken out of the match (stop_couples) proposes no more
                k = _do_couple(M, S, i) if cst[i, C_ADDED] else -1
                if hashing:
                    log_k[n_log - 1] = k
            continue
        if ctr[PS] > 0:
            ctr[SCANS] += 1
            _scan(M, S, _pop_program(S))
            continue
        if ctr[NEXTC] < order.size:
            c = order[ctr[NEXTC]]
            if hashing:
                S[S_HV][0] ^= _z(_Z_STAGE, 0, ctr[NEXTC]) ^ _z(_Z_STAGE, 0, ctr[NEXTC] + 1)
            ctr[NEXTC] += 1
            cst[c, C_ADDED] = 1
            _set_c(S, c, C_NXT, _Z_C_NXT, 0)
            _push_couple(S, c)
            continue
        if not finish:
            break
        if not ctr[QUOTAS_FROZEN]:
            if _revert_step(M, S):
                continue
            if _parity_step(M, S):
                continue
        ctr[SWEEPS] += 1
        if _sweep(M, S):
            continue
        break
    ctr[STATUS] = OK
    return OK, log_tok[:n_log], log_k[:n_log]


@njit(cache=True)
def drop_couples(M, S, cs):
    """Take the couples ``cs`` out of the match: their seats reopen, their tokens leave the stack.

    A couple taken out is as if never added (``C_ADDED`` = 0): scans and
    sweeps leave it alone until it is added again (by appending it to the
    order of couples). The programs whose seats reopen are put on the
    program stack, so whoever now blocks with them is re-tried.
    """
    ast = S[S_AST]
    cst = S[S_CST]
    for i in range(cs.size):
        c = cs[i]
        for s in range(2):
            m = M[M_CM][c, s]
            _release_pgy1(M, S, m)
            if ast[m, HELD] >= 0:
                _withdraw(M, S, m, 0)
            ast[m, HELD] = -1
            ast[m, HELD_E] = -1
        cst[c, C_HELD] = -1
        cst[c, C_NXT] = 0
        cst[c, C_ADDED] = 0
        cst[c, C_ONSTK] = 0
    _unstack_removed_couples(S)


@njit(cache=True)
def _unstack_removed_couples(S):
    """Take the tokens of couples no longer in the match (``C_ADDED`` = 0) off the stack, keeping the order."""
    cst = S[S_CST]
    ctr = S[S_CTR]
    wstack = S[S_WSTACK]
    n = 0
    for j in range(ctr[WS]):
        tok = wstack[j]
        if tok & 3 == K_COUPLE and cst[tok >> 2, C_ADDED] == 0:
            continue
        wstack[n] = tok
        n += 1
    ctr[WS] = n


@njit(cache=True)
def stop_couples(M, S, cs):
    """Stop the couples ``cs`` where they are: they keep the pairs they hold and propose no more.

    Their tokens leave the stack and ``C_ADDED`` is cleared, so scans and
    sweeps leave them alone; a member displaced later makes the couple
    withdraw the other partner, and the couple stays unmatched.
    """
    cst = S[S_CST]
    for i in range(cs.size):
        cst[cs[i], C_ADDED] = 0
        cst[cs[i], C_ONSTK] = 0
    _unstack_removed_couples(S)
