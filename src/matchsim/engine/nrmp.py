"""The NRMP algorithm: deferred acceptance with couples, supplemental lists, reversions and even/odd requests.

The Main Residency Match runs the applicant-proposing algorithm of Roth &
Peranson (1999, sections I.B-C and the appendix), which extends deferred
acceptance to the NRMP's rules (:mod:`matchsim.extensions`):

1. **Singles first.** Every single applicant proposes down their primary list
   (deferred acceptance); a program holds its best applicants up to its
   quota. An applicant held by an advanced program linked to one of their
   supplemental lists proposes down that list for a PGY-1 seat meanwhile,
   which is released (and re-offered) when the advanced position is lost.
   An applicant held by an advanced program with no PGY-1 seat stays held
   there: the primary list is not read further.
2. **Couples one at a time.** Each couple in turn proposes down its joint
   list; it is held at the first pair whose programs would both take their
   partner (the responsive rule of :mod:`matchsim.engine.nrmp_stability`).
   Anyone displaced re-enters where they were. When a couple's member is
   displaced, the couple withdraws the other partner's position and
   re-enters; a single applicant whose better program thereby reopens is
   re-tried from it (the highest program on their list that reopened).
3. **Reversions, even/odd, final check.** When nothing is pending, each
   donor (in an order where a donor comes after every program reverting to
   it) reverts its unfilled positions to its receivers, up to the number
   declared, and the match continues with the raised quotas; a donor that
   fills a reverted position later takes it back. A program whose number of
   matches contradicts its even/odd request has its quota cut to one below
   its filled seats and drops its least preferred applicant, who re-enters
   (the NRMP does not publish its procedure; this one never offers more
   positions than declared). Last, as Roth & Peranson do, every applicant and
   couple is checked for a blocking program; anyone found re-enters.
4. **Loops.** With couples, and with supplemental lists too (linking two
   positions acts like a couple), the process may cycle, and a stable
   matching may not even exist (Roth 1984). The state (every pointer and held
   position, every quota, the pending stacks in order) is hashed
   incrementally (Zobrist) and looked up each time a couple or a
   supplemental list proposes; a repeated state is a proof that the run
   would repeat forever. The run then stops and the loop is reported
   (couples, programs and applicants in it). What is in the loop is taken
   out (its couples' seats reopen; its supplemental lists stop proposing),
   the rest of the match settles, and it is added again, last, in a new
   order drawn from ``rng`` (Roth & Peranson 1999, section I.C: the order of
   processing decides whether loops occur). After ``max_restarts`` such
   breaks, the couples of a further loop are stopped where they are (they
   keep the pairs they hold, and one displaced later stays unmatched) and its
   supplemental lists stop where they were, so the match always ends.

Whatever happens, ``stable`` is set by running the checker
:func:`~matchsim.engine.nrmp_stability.nrmp_blocking` on the result, never
assumed. A market without extensions is matched by
:func:`~matchsim.engine.da.deferred_acceptance` itself (the same result, as
fast).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

import matchsim.engine._nrmp_kernel as K
from matchsim.engine.da import MatchResult, deferred_acceptance
from matchsim.engine.nrmp_stability import NRMPBlocking, nrmp_blocking
from matchsim.engine.nrmp_tables import NRMPTables, nrmp_tables, readonly_as
from matchsim.market import UNMATCHED, Market

__all__ = ["NRMPResult", "LoopReport", "Loop", "nrmp_match", "DEFAULT_MAX_RESTARTS"]

#: Loops broken (what is in them added again, in a new order) before the match gives up on a loop.
DEFAULT_MAX_RESTARTS = 20


@dataclass(frozen=True)
class Loop:
    """One loop found by the match.

    Attributes
    ----------
    attempt : int
        0 for the first loop found, then 1, 2, ...
    couples : tuple of int
        Couples that proposed during the cycle (the state repeated between
        their proposals).
    programs : tuple of int
        Programs of the pairs the couples in the cycle were accepted at, and
        the programs the supplemental-list applicants in it held.
    length : int
        Number of steps (couples' and supplemental lists' proposals) from one
        occurrence of the state to the next.
    kind : str
        ``"loop"`` (a state repeated) or ``"budget"`` (more steps than
        ``max_couple_steps`` without a repeat: the run was stopped).
    applicants : tuple of int
        Applicants whose supplemental lists proposed during the cycle.
    action : str
        What the match did: took what was in the loop out and added it again,
        last, in a new order; or (once ``max_restarts`` breaks are spent)
        gave up on it, stopping its couples where they were (a couple
        displaced afterwards stays unmatched) and stopping its
        supplemental lists.
    """

    attempt: int
    couples: tuple
    programs: tuple
    length: int
    kind: str = "loop"
    applicants: tuple = ()
    action: str = "took what was in the loop out and added it again, last, in a new order"


@dataclass(frozen=True)
class LoopReport:
    """What the match did about loops.

    Attributes
    ----------
    loops : tuple of Loop
        Every loop found, in order.
    restarts : int
        Loops broken by taking what was in them out and adding it again.
    settled : bool
        True when the match settled without giving up on any loop.
    seed : object
        The ``rng`` argument the reorderings were drawn from.
    """

    loops: tuple = ()
    restarts: int = 0
    settled: bool = True
    seed: object = 0

    def describe(self, market: Market | None = None, limit: int = 6) -> list[str]:
        """Plain sentences: each loop (with names when a market is given) and what was done.

        Examples
        --------
        >>> print("\\n".join(LoopReport().describe()))
        no loop: the match settled on the first run
        """
        if not self.loops:
            return ["no loop: the match settled on the first run"]
        cl = (lambda c: market.couples.label(c)) if market is not None else (lambda c: f"c{c}")
        al = (lambda a: market.applicant_label(a)) if market is not None else (lambda a: f"a{a}")
        pl = (lambda p: market.program_label(p)) if market is not None else (lambda p: f"p{p}")

        def names(ids, label):
            return ", ".join(label(i) for i in ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")

        lines = []
        for lp in self.loops:
            what = (f"ran for {lp.length} steps without settling" if lp.kind == "budget"
                    else f"went round in circles ({lp.length} steps)")
            parts = []
            if lp.couples:
                parts.append(f"couples {names(lp.couples, cl)}")
            if lp.applicants:
                parts.append(f"supplemental lists of {names(lp.applicants, al)}")
            if lp.programs:
                parts.append(f"programs {names(lp.programs, pl)}")
            lines.append(f"loop {lp.attempt + 1}: the match {what}: {'; '.join(parts)}; the match {lp.action}")
        if self.restarts:
            lines.append(f"{self.restarts} loop(s) broken by adding what was in them again in a new order, "
                         f"drawn from seed {self.seed!r}")
        lines.append("the match settled" if self.settled else
                     "the match gave up on at least one loop: see the result's blocking instances")
        return lines


@dataclass(frozen=True, eq=False)
class NRMPResult:
    """The outcome of the NRMP algorithm.

    Attributes
    ----------
    assignment : ndarray of int32, shape (n_applicants,)
        Each applicant's primary program (from the primary list, or for a
        couple's member from the joint list), or ``UNMATCHED`` (-1).
    rank : ndarray of int32, shape (n_applicants,)
        1-based position of the primary match on the applicant's list; for a
        couple's member, the position of the couple's pair on the joint list
        (see also ``couple_rank``); -1 when unmatched.
    pgy1 : ndarray of int32, shape (n_applicants,)
        The PGY-1 program matched from a supplemental list, or -1.
    pgy1_rank : ndarray of int32, shape (n_applicants,)
        Its 1-based position on the linked supplemental list, or -1.
    pgy1_list : ndarray of int32, shape (n_applicants,)
        The supplemental list in use (linked to the advanced match), or -1.
    couple_assignment : ndarray of int32, shape (n_couples,)
        0-based index of each couple's pair on its joint list, or -1.
    filled : ndarray of int32, shape (n_programs,)
        Seats filled at each program (primary and PGY-1 matches).
    quota : ndarray of int32, shape (n_programs,)
        Final quota of each program, after reversions and even/odd requests.
    reverted : ndarray of int32, shape (n_reversions,)
        Positions that reverted along each row of ``market.reversions``.
    parity_drop : ndarray of int32, shape (n_programs,)
        Positions withdrawn to honour an even/odd request.
    proposals : int
        Proposals made (single, supplemental and couples' pairs tried).
    restarts : int
        Loops broken by adding what was in them again (see ``loops``).
    loops : LoopReport
        The loops found and what was done.
    extensions : bool
        False when the market has no extension and plain deferred acceptance
        ran.
    """

    assignment: np.ndarray
    rank: np.ndarray
    pgy1: np.ndarray
    pgy1_rank: np.ndarray
    pgy1_list: np.ndarray
    couple_assignment: np.ndarray
    filled: np.ndarray
    quota: np.ndarray
    reverted: np.ndarray
    parity_drop: np.ndarray
    proposals: int
    restarts: int
    loops: LoopReport
    extensions: bool
    _market: Market = field(repr=False, compare=False)
    _tables: NRMPTables | None = field(default=None, repr=False, compare=False)
    _da: MatchResult | None = field(default=None, repr=False, compare=False)

    @cached_property
    def blocking(self) -> NRMPBlocking:
        """The checker's verdict on this result (computed on first use, then kept)."""
        return nrmp_blocking(self._market, self.assignment, self.pgy1, parity_drop=self.parity_drop,
                             tables=self._tables)

    @property
    def stable(self) -> bool:
        """True when the checker finds no blocking instance and no problem (see ``blocking``)."""
        return self.blocking.stable

    @property
    def couple_rank(self) -> np.ndarray:
        """1-based position of each couple's pair on its joint list, or -1 (int32, ``n_couples``)."""
        return np.where(self.couple_assignment >= 0, self.couple_assignment + 1, -1).astype(np.int32)

    @property
    def n_matched(self) -> int:
        """Number of applicants with a primary match."""
        return int(np.count_nonzero(self.assignment != UNMATCHED))

    def members(self, p: int) -> np.ndarray:
        """Applicant ids holding a seat at program ``p`` (primary or PGY-1), in increasing id order."""
        return np.flatnonzero((self.assignment == p) | (self.pgy1 == p))

    def as_match_result(self) -> MatchResult:
        """The primary matches as a :class:`~matchsim.engine.da.MatchResult`.

        On a market without extensions this is the result of
        :func:`~matchsim.engine.da.deferred_acceptance` itself.
        """
        if self._da is not None:
            return self._da
        return MatchResult(self.assignment, self.rank, self.filled, self.proposals, 0, "applicant")


def _plain_result(market: Market, r: MatchResult) -> NRMPResult:
    n_a, n_p = market.n_applicants, market.n_programs
    none = np.full(n_a, UNMATCHED, dtype=np.int32)
    n_rev = 0 if market.reversions is None else market.reversions.n_reversions
    n_c = market.n_couples
    return NRMPResult(
        assignment=r.assignment, rank=r.rank, pgy1=none, pgy1_rank=none, pgy1_list=none,
        couple_assignment=np.full(n_c, -1, dtype=np.int32), filled=r.filled,
        quota=market.capacity, reverted=np.zeros(n_rev, dtype=np.int32),
        parity_drop=np.zeros(n_p, dtype=np.int32), proposals=r.proposals, restarts=0,
        loops=LoopReport(), extensions=False, _market=market, _da=r,
    )


def _kernel_inputs(market: Market, t: NRMPTables):
    hoff = np.zeros(market.n_programs + 1, dtype=np.int64)
    np.cumsum(t.max_quota + 2, out=hoff[1:])
    # fixed dtypes, all read-only: numba types read-only and writable arrays
    # differently, so this makes one compiled signature serve every market
    M = tuple(readonly_as(a, d) for a, d in zip(_market_arrays(market, t, hoff), _M_DTYPES))
    return M, int(hoff[-1])


_M_DTYPES = (np.int64, np.int32, np.int32, np.int32, np.int64, np.int32, np.int64, np.int32, np.int8, np.int32,
             np.int64, np.int32, np.int32, np.int32, np.int64, np.int32, np.int32, np.bool_, np.int8, np.int32,
             np.int64, np.int32, np.int32, np.int64, np.int32)


def _market_arrays(market: Market, t: NRMPTables, hoff):
    return (market.applicant_ptr, market.applicant_list, t.rank_at, t.link_at, market.program_ptr,
         market.program_list, t.p_back, t.couple_of, t.side, t.cm, t.cp_ptr, t.cp_prog, t.cp_rank, t.cp_link,
         t.sup_ptr, t.sup_prog, t.sup_rank, t.pgy1_program, t.even_odd, t.topo_donors, t.don_ptr, t.rv_recv,
         t.rv_pos, hoff, market.capacity)


def _initial_state(market: Market, t: NRMPTables, heap_size: int):
    n_a, n_p, n_c = market.n_applicants, market.n_programs, t.cm.shape[0]
    ast = np.full((n_a, 10), -1, dtype=np.int64)
    ast[:, K.NXT] = market.applicant_ptr[:-1]
    ast[:, K.ONSTK] = 0
    cst = np.full((n_c, 4), -1, dtype=np.int64)
    cst[:, K.C_NXT] = 0
    cst[:, K.C_ONSTK] = 0
    cst[:, K.C_ADDED] = 0
    pst = np.zeros((n_p, 5), dtype=np.int64)
    pst[:, K.QPRE] = market.capacity
    heap = np.zeros(max(heap_size, 1), dtype=np.int64)
    wstack = np.zeros(2 * n_a + n_c + 1, dtype=np.int64)
    pstack = np.zeros(n_p + 1, dtype=np.int64)
    give = np.zeros(t.rv_recv.size, dtype=np.int64)
    ctr = np.zeros(K.N_CTR, dtype=np.int64)
    hv = np.zeros(1, dtype=np.uint64)
    # every single with a list is pending, applicant 0 on top
    singles = np.flatnonzero((t.couple_of < 0) & (np.diff(market.applicant_ptr) > 0))[::-1]
    wstack[:singles.size] = singles.astype(np.int64) * 4 + K.K_SINGLE
    ast[singles, K.ONSTK] = 1
    ctr[K.WS] = singles.size
    return (ast, cst, pst, heap, wstack, pstack, give, ctr, hv)


def nrmp_match(market: Market, *, rng=0, max_restarts: int = DEFAULT_MAX_RESTARTS,
               couple_order=None, max_couple_steps: int | None = None) -> NRMPResult:
    """Match ``market`` by the NRMP's algorithm (see the module docstring).

    Parameters
    ----------
    market : Market
        Any market; one without extensions is matched by plain deferred
        acceptance (identical result and speed).
    rng : int, Generator or None
        Seed for reordering the couples after a loop (SPEC 7). Fixed (0) by
        default, so that a market always gives the same match.
    max_restarts : int
        Loops the match breaks by adding what is in them again in a new
        order; the couples of any further loop are stopped where they are.
    couple_order : sequence of int, optional
        The order in which couples are first added (default: by couple id).
    max_couple_steps : int, optional
        Couple proposals allowed per run before it is stopped as a "budget"
        loop (default ``200 * n_couples + 10_000``); a safeguard, since a
        loop is found by its repeated state long before.

    Returns
    -------
    NRMPResult
        Primary and PGY-1 matches, ranks, filled seats, final quotas,
        reversions, the loop report, and ``stable`` from the checker.

    Raises
    ------
    ValueError
        If ``max_restarts`` is negative or ``couple_order`` is not a
        permutation of the couples.

    References
    ----------
    Roth, A. E. and Peranson, E. (1999). The redesign of the matching market
    for American physicians: some engineering aspects of economic design.
    American Economic Review 89(4):748-780.
    Roth, A. E. (1984). The evolution of the labor market for medical interns
    and residents: a case study in game theory. Journal of Political Economy
    92(6):991-1016.

    Examples
    --------
    A couple must both move: Ann and Bo first ask for City and Mercy; City
    would take Ann, but Mercy's one position goes to Di, whom it ranks
    higher, so the couple goes to its second pair, General and State.

    >>> m = Market.from_lists(
    ...     {"Di": ["Mercy"]},
    ...     {"City": ["Ann"], "Mercy": ["Di", "Bo"], "General": ["Ann"], "State": ["Bo"]},
    ...     {"City": 1, "Mercy": 1, "General": 1, "State": 1},
    ...     couples={("Ann", "Bo"): [("City", "Mercy"), ("General", "State")]})
    >>> r = nrmp_match(m)
    >>> {m.applicant_label(a): m.program_label(p) for a, p in enumerate(r.assignment) if p >= 0}
    {'Di': 'Mercy', 'Ann': 'General', 'Bo': 'State'}
    >>> r.couple_assignment.tolist(), r.stable
    ([1], True)

    Without extensions it is deferred acceptance:

    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> bool((nrmp_match(m).assignment == deferred_acceptance(m).assignment).all())
    True
    """
    if max_restarts < 0:
        raise ValueError(f"max_restarts must be >= 0, got {max_restarts}")
    if not market.has_extensions:
        return _plain_result(market, deferred_acceptance(market))
    return _nrmp_kernel_match(market, rng=rng, max_restarts=max_restarts, couple_order=couple_order,
                              max_couple_steps=max_couple_steps)


def _nrmp_kernel_match(market: Market, *, rng=0, max_restarts=DEFAULT_MAX_RESTARTS, couple_order=None,
                       max_couple_steps=None, verify_hash=False) -> NRMPResult:
    """The NRMP kernel on any market (also a plain one: tests compare it with deferred acceptance)."""
    t = nrmp_tables(market)
    M, heap_size = _kernel_inputs(market, t)
    S = _initial_state(market, t, heap_size)
    n_c = t.cm.shape[0]
    n_lists = t.sup_ptr.size - 1
    if couple_order is None:
        order = np.arange(n_c, dtype=np.int64)
    else:
        order = np.asarray(couple_order, dtype=np.int64)
        if order.shape != (n_c,) or not np.array_equal(np.sort(order), np.arange(n_c)):
            raise ValueError(f"couple_order must be a permutation of the {n_c} couple ids")
    max_steps = 200 * (n_c + n_lists) + 10_000 if max_couple_steps is None else int(max_couple_steps)
    n_work = int(market.applicant_list.size + t.sup_prog.size + t.cp_prog.shape[0] + market.n_applicants)
    max_pops = 1000 * n_work + 1_000_000
    ctr = S[K.S_CTR]
    ast = S[K.S_AST]
    gen = np.random.default_rng(rng)
    loops = []

    def run(order, finish):
        """Run until settled or a loop; return the status, the loop found and whether quota steps were in it."""
        ctr[K.HASHING] = 1 if (n_lists or (finish and (n_c or quota_moves))) else 0
        ctr[K.VERIFY] = int(verify_hash)
        ctr[K.POPS] = 0
        status, log_tok, log_k = K.run(M, S, order, finish, max_steps, max_pops)
        if status == K.HASH_MISMATCH:
            raise RuntimeError("internal error: the incremental state hash drifted from the state")
        if status == K.OK:
            return status, None, False
        lo, hi = (int(ctr[K.LOOP_FROM]), int(ctr[K.LOOP_TO])) if status == K.LOOP else \
            (max(0, log_tok.size - 1000), log_tok.size)
        window, ks = log_tok[lo:hi], log_k[lo:hi]
        kinds, ids = window & 3, window >> 2
        couples = sorted(set(ids[kinds == K.K_COUPLE].tolist()))
        applicants = sorted(set(ids[kinds == K.K_PGY1].tolist()))
        programs = set()
        for c, k in zip(ids[kinds == K.K_COUPLE].tolist(), ks[kinds == K.K_COUPLE].tolist()):
            if k >= 0:
                programs.update(int(x) for x in t.cp_prog[t.cp_ptr[c] + k] if x >= 0)
        for a in applicants:
            for col in (K.HELD, K.PG_HELD):
                if ast[a, col] >= 0:
                    programs.add(int(ast[a, col]))
        kind = "loop" if status == K.LOOP else "budget"
        quota_steps = bool((window == K.QUOTA_STEP).any())
        return status, (tuple(couples), tuple(sorted(programs)), hi - lo, kind, tuple(applicants)), quota_steps

    # reversions and even/odd requests move quotas both ways, so they too can cycle
    quota_moves = bool(t.rv_recv.size or t.even_odd.any())
    order_list = order.tolist()
    waiting = []  # applicants whose supplemental lists were stopped, to be read again once the rest settles
    breaks = 0
    finish = False  # phase 1: the single applicants, with their supplemental lists
    while True:
        status, found, quota_steps = run(np.asarray(order_list if finish else [], dtype=np.int64), finish)
        if status == K.OK:
            if waiting:
                # the lists stopped to break a loop are read again, from their tops, in a new order
                for a in gen.permutation(np.asarray(waiting, dtype=np.int64)).tolist():
                    _restart_supplemental(S, t, a)
                waiting = []
                continue
            if not finish:
                finish = True
                continue
            break
        cs = np.asarray(found[0], dtype=np.int64)
        apps = np.asarray(found[4], dtype=np.int64)
        ast[apps, K.ONSTK] |= 4  # bit 4: their supplemental lists propose no more (for now)
        if not cs.size and not apps.size:
            # only reversions and even/odd requests went round: quotas stay as they are now
            ctr[K.QUOTAS_FROZEN] = 1
            action = ("gave up on what was in the loop: reversions and even/odd requests stopped changing "
                      "quotas, which stay as they were")
        elif breaks < max_restarts:
            K.drop_couples(M, S, cs)
            # Roth & Peranson (1999, section I.C): the order of processing decides
            # whether a loop occurs; what loops is taken out and added again, last,
            # in a new order, while the rest of the match stays as it is
            order_list.extend(gen.permutation(cs).tolist())
            waiting.extend(apps.tolist())
            breaks += 1
            action = "took what was in the loop out and added it again, last, in a new order"
        else:
            K.stop_couples(M, S, cs)
            action = ("gave up on what was in the loop: its couples keep the pairs they held and propose no "
                      "more, and its supplemental lists stopped where they were")
            if quota_steps and quota_moves:
                ctr[K.QUOTAS_FROZEN] = 1
                action += "; reversions and even/odd requests stopped changing quotas"
        loops.append(Loop(len(loops), *found, action=action))
    settled = not any(lp.action.startswith("gave up") for lp in loops)
    return _result(market, t, S, int(ctr[K.PROPOSALS]), breaks, LoopReport(tuple(loops), breaks, settled, rng))


def _restart_supplemental(S, t: NRMPTables, a: int) -> None:
    """Let applicant ``a``'s supplemental list propose again, from its top (after a loop stopped it)."""
    ast, ctr, wstack = S[K.S_AST], S[K.S_CTR], S[K.S_WSTACK]
    ast[a, K.ONSTK] &= ~4
    if ast[a, K.PG_LST] < 0:
        return
    ast[a, K.PG_NXT] = t.sup_ptr[ast[a, K.PG_LST]]
    if not ast[a, K.ONSTK] & 2:
        ast[a, K.ONSTK] |= 2
        wstack[ctr[K.WS]] = a * 4 + K.K_PGY1
        ctr[K.WS] += 1


def _result(market: Market, t: NRMPTables, S, proposals, restarts, report) -> NRMPResult:
    ast, cst, pst = S[K.S_AST], S[K.S_CST], S[K.S_PST]
    n_a = market.n_applicants
    a_ptr = market.applicant_ptr
    assignment = ast[:, K.HELD].astype(np.int32)
    rank = np.full(n_a, -1, dtype=np.int32)
    single = (t.couple_of < 0) & (assignment >= 0)
    rank[single] = (ast[single, K.HELD_E] - a_ptr[:-1][single] + 1).astype(np.int32)
    couple_assignment = cst[:, K.C_HELD].astype(np.int32)
    for c in range(t.cm.shape[0]):
        for m in t.cm[c].tolist():
            if assignment[m] >= 0:
                rank[m] = couple_assignment[c] + 1
    pgy1 = ast[:, K.PG_HELD].astype(np.int32)
    pgy1_list = np.where(ast[:, K.PG_LST] >= 0, ast[:, K.PG_LST], -1).astype(np.int32)
    pgy1_rank = np.full(n_a, -1, dtype=np.int32)
    has = pgy1 >= 0
    pgy1_rank[has] = (ast[has, K.PG_E] - t.sup_ptr[pgy1_list[has]] + 1).astype(np.int32)
    n_rev = t.rv_row.size
    reverted = np.zeros(n_rev, dtype=np.int32)
    reverted[t.rv_row] = S[K.S_GIVE]
    return NRMPResult(
        assignment=assignment, rank=rank, pgy1=pgy1, pgy1_rank=pgy1_rank, pgy1_list=pgy1_list,
        couple_assignment=couple_assignment, filled=pst[:, K.HSIZE].astype(np.int32),
        quota=(pst[:, K.QPRE] - pst[:, K.OUT]).astype(np.int32), reverted=reverted,
        parity_drop=pst[:, K.DROP].astype(np.int32), proposals=int(proposals), restarts=restarts,
        loops=report, extensions=True, _market=market, _tables=t,
    )
