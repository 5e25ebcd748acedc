"""Deferred acceptance in plain Python, one proposal at a time: the reference and the trace.

This is the algorithm as one would explain it on a whiteboard, written to be
read rather than to be fast. Each round, every proposer who holds nothing
(applicant-proposing: an applicant without a held position; program-proposing:
a program with vacant positions, one offer per vacancy) proposes to the next
entry of their list; the receiver holds the best proposals it has seen, up to
its capacity, and turns the others away. When a round passes with nobody
turned away, what is held is the match.

:func:`trace_match` records every proposal as a :class:`Step`: who proposed
to whom, both sides' ranks of each other, what the receiver did with it and
why (:data:`OUTCOMES`), who was let go to make room, and whose list ran out.
The teaching commands (``matchsim explain``) narrate it; replaying the steps
in order reproduces every intermediate state of the Match.

The rounds are those of the numba kernels in :mod:`matchsim.engine.da`
(proposals in the same order within a round), so the trace ends in the same
matching with the same counts of proposals and rounds; the tests check that on
thousands of random markets, which makes this module the reference the fast
kernels are held to (:func:`deferred_acceptance_reference`). It is plain
Python: teaching-sized and test-sized markets only.

References
----------
Gale, D. and Shapley, L. S. (1962). College admissions and the stability of
marriage. American Mathematical Monthly 69(1):9-15 (the algorithm, pp. 12-14).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.engine.da import PROPOSING_SIDES, MatchResult
from matchsim.constants import UNMATCHED
from matchsim.market import Market

__all__ = [
    "Step",
    "MatchTrace",
    "trace_match",
    "deferred_acceptance_reference",
    "OUTCOMES",
    "HELD",
    "HELD_BUMPING",
    "REJECTED_FULL",
    "REJECTED_NOT_RANKED",
    "REJECTED_NO_POSITIONS",
    "REJECTED_HOLDS_BETTER",
]

#: A free place: the receiver holds the proposal (program-proposing: the applicant held no offer).
HELD = "held"
#: The receiver was full but prefers the proposer to someone it held: that one is let go.
#: Program-proposing: the applicant trades up and gives up the program it held.
HELD_BUMPING = "held, bumping"
#: Applicant-proposing: the program is full of applicants it ranks higher.
REJECTED_FULL = "rejected, full"
#: The receiver did not rank the proposer.
REJECTED_NOT_RANKED = "rejected, not ranked"
#: Applicant-proposing: the program offers no positions at all.
REJECTED_NO_POSITIONS = "rejected, no positions"
#: Program-proposing: the applicant holds an offer it ranks higher.
REJECTED_HOLDS_BETTER = "rejected, holds better"

#: Everything a receiver can do with a proposal.
OUTCOMES = (HELD, HELD_BUMPING, REJECTED_FULL, REJECTED_NOT_RANKED, REJECTED_NO_POSITIONS,
            REJECTED_HOLDS_BETTER)


@dataclass(frozen=True, slots=True)
class Step:
    """One proposal (applicant-proposing: an application; program-proposing: an offer).

    Attributes
    ----------
    round : int
        1-based round number.
    applicant, program : int
        Who proposed to whom (ids); the proposer is the applicant when
        applicants propose, the program when programs do.
    outcome : str
        What the receiver did, one of :data:`OUTCOMES`.
    applicant_rank : int or None
        Position of ``program`` on the applicant's list (1 = first choice);
        ``None`` if the applicant did not rank it (only when programs propose).
    program_rank : int or None
        Position of ``applicant`` on the program's list; ``None`` if the
        program did not rank them (only when applicants propose).
    displaced : int or None
        Who was let go to make room (outcome :data:`HELD_BUMPING`):
        applicant-proposing, the applicant the program stops holding;
        program-proposing, the program the applicant gives up.
    displaced_rank : int or None
        The receiver's rank of ``displaced`` (1-based).
    ran_out : tuple of int
        The proposers (applicants, or programs when programs propose) whose
        list ran out at this step: turned away (or let go) with no entry left
        to propose to, so they end unmatched (a program: with vacant
        positions). Usually empty; each proposer is reported once. Proposers
        with an empty list never propose and are never reported.
    """

    round: int
    applicant: int
    program: int
    outcome: str
    applicant_rank: int | None
    program_rank: int | None
    displaced: int | None = None
    displaced_rank: int | None = None
    ran_out: tuple = ()


@dataclass(frozen=True, eq=False)
class MatchTrace:
    """Every step of one run of deferred acceptance, and where it ended.

    Attributes
    ----------
    proposing : str
        ``"applicant"`` or ``"program"``.
    steps : tuple of Step
        Every proposal, in the order made.
    assignment : ndarray of int32, shape (n_applicants,)
        The final matching: program per applicant, or ``UNMATCHED``.
    rank : ndarray of int32, shape (n_applicants,)
        Position of the match on the applicant's list (1-based), or ``UNMATCHED``.
    filled : ndarray of int32, shape (n_programs,)
        Positions filled per program.
    rounds : int
        Rounds with at least one proposal.
    """

    proposing: str
    steps: tuple
    assignment: np.ndarray
    rank: np.ndarray
    filled: np.ndarray
    rounds: int

    @property
    def proposals(self) -> int:
        """Number of proposals made (``len(steps)``)."""
        return len(self.steps)

    def result(self):
        """The outcome as the engine reports it, a :class:`~matchsim.engine.MatchResult`."""
        return MatchResult(self.assignment, self.rank, self.filled, self.proposals, self.rounds,
                           self.proposing)


def _lists(ptr, idx):
    return [idx[ptr[i]:ptr[i + 1]].tolist() for i in range(ptr.size - 1)]


def _rank_maps(lists):
    """For each list, ``{entry: 0-based position}``."""
    return [{x: r for r, x in enumerate(lst)} for lst in lists]


def _applicants_propose(a_lists, p_rank, cap):
    n_a, n_p = len(a_lists), len(cap)
    held = [[] for _ in range(n_p)]  # applicants each program holds
    nxt = [0] * n_a
    steps = []
    queue = list(range(n_a))
    rounds = 0
    while queue:
        spill = []
        made = len(steps)
        for a in queue:
            lst = a_lists[a]
            if nxt[a] == len(lst):
                continue  # the list ran out earlier (reported then)
            p = lst[nxt[a]]
            nxt[a] += 1
            r = p_rank[p].get(a)
            ran_out = (a,) if nxt[a] == len(lst) else ()
            base = dict(round=rounds + 1, applicant=a, program=p, applicant_rank=nxt[a],
                        program_rank=None if r is None else r + 1)
            if cap[p] == 0:
                steps.append(Step(outcome=REJECTED_NO_POSITIONS, ran_out=ran_out, **base))
            elif r is None:
                steps.append(Step(outcome=REJECTED_NOT_RANKED, ran_out=ran_out, **base))
            elif len(held[p]) < cap[p]:
                held[p].append(a)
                steps.append(Step(outcome=HELD, **base))
                continue
            else:
                worst = max(held[p], key=p_rank[p].__getitem__)
                if r > p_rank[p][worst]:
                    steps.append(Step(outcome=REJECTED_FULL, ran_out=ran_out, **base))
                else:
                    held[p][held[p].index(worst)] = a
                    gone = (worst,) if nxt[worst] == len(a_lists[worst]) else ()
                    steps.append(Step(outcome=HELD_BUMPING, displaced=worst,
                                      displaced_rank=p_rank[p][worst] + 1, ran_out=gone, **base))
                    spill.append(worst)
                    continue
            spill.append(a)
        if len(steps) > made:  # a pass in which nobody could propose is not a round
            rounds += 1
        queue = spill
    assignment = np.full(n_a, UNMATCHED, dtype=np.int32)
    for p, members in enumerate(held):
        assignment[members] = p
    rank = np.where(assignment != UNMATCHED, np.asarray(nxt, dtype=np.int32), UNMATCHED).astype(np.int32)
    filled = np.asarray([len(h) for h in held], dtype=np.int32).reshape(n_p)
    return steps, assignment, rank, filled, rounds


def _programs_propose(p_lists, a_rank, cap):
    n_a, n_p = len(a_rank), len(p_lists)
    held = [None] * n_a  # the program each applicant holds
    count = [0] * n_p
    nxt = [0] * n_p
    ended = set()
    steps = []
    queue = [p for p in range(n_p) if cap[p] > 0 and p_lists[p]]
    queued = set(queue)
    rounds = 0
    while queue:
        spill = []
        made = len(steps)
        for p in queue:
            queued.discard(p)
            lst = p_lists[p]
            vacancies = cap[p] - count[p]
            while vacancies > 0 and nxt[p] < len(lst):
                a = lst[nxt[p]]
                nxt[p] += 1
                vacancies -= 1
                r = a_rank[a].get(p)
                q = held[a]
                base = dict(round=rounds + 1, applicant=a, program=p, program_rank=nxt[p],
                            applicant_rank=None if r is None else r + 1)
                if r is None or (q is not None and r > a_rank[a][q]):
                    outcome, step = (REJECTED_NOT_RANKED if r is None else REJECTED_HOLDS_BETTER), {}
                    q = None  # nothing is given up
                else:
                    if q is not None:  # a gives up q, which may offer again next round
                        count[q] -= 1
                        if q not in queued:
                            queued.add(q)
                            spill.append(q)
                    held[a] = p
                    count[p] += 1
                    outcome = HELD if q is None else HELD_BUMPING
                    step = {} if q is None else dict(displaced=q, displaced_rank=a_rank[a][q] + 1)
                # q (given up) or p (this offer was its last) may now have vacancies and nobody left
                done = [x for x in (q, p) if x is not None and x not in ended
                        and nxt[x] == len(p_lists[x]) and count[x] < cap[x]]
                if done:
                    ended.update(done)
                    step["ran_out"] = tuple(done)
                steps.append(Step(outcome=outcome, **step, **base))
            if count[p] < cap[p] and nxt[p] < len(lst) and p not in queued:
                queued.add(p)
                spill.append(p)
        if len(steps) > made:
            rounds += 1
        queue = spill
    assignment = np.asarray([UNMATCHED if q is None else q for q in held], dtype=np.int32).reshape(n_a)
    rank = np.asarray([UNMATCHED if q is None else a_rank[a][q] + 1 for a, q in enumerate(held)],
                      dtype=np.int32).reshape(n_a)
    return steps, assignment, rank, np.asarray(count, dtype=np.int32).reshape(n_p), rounds


def trace_match(market: Market, proposing: str = "applicant") -> MatchTrace:
    """Run deferred acceptance in plain Python and record every proposal.

    Parameters
    ----------
    market : Market
        A teaching- or test-sized market (plain Python: about a microsecond
        per list entry and a few per proposal).
    proposing : {"applicant", "program"}
        Which side proposes; ``"applicant"`` is the NRMP's algorithm.

    Returns
    -------
    MatchTrace
        The steps and the final matching, which equals
        :func:`matchsim.engine.deferred_acceptance`'s in every field.

    Raises
    ------
    ValueError
        If ``proposing`` is not one of ``PROPOSING_SIDES``.

    Examples
    --------
    The NRMP's worked example: Garcia's application bumps Anderson from City
    in the first round, and Anderson, who ranked only City, is out of options.

    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> t = trace_match(m)
    >>> t.proposals, t.rounds
    (15, 4)
    >>> s = next(s for s in t.steps if m.applicant_label(s.applicant) == "Garcia")
    >>> m.program_label(s.program), s.outcome, s.program_rank
    ('City', 'held, bumping', 1)
    >>> m.applicant_label(s.displaced), s.displaced_rank, [m.applicant_label(a) for a in s.ran_out]
    ('Anderson', 4, ['Anderson'])
    >>> [m.program_label(p) if p >= 0 else None for p in t.assignment]
    [None, None, 'Mercy', 'General', 'City', 'State', 'City', 'State']
    """
    if proposing not in PROPOSING_SIDES:
        raise ValueError(f"proposing must be one of {PROPOSING_SIDES}, got {proposing!r}")
    a_lists = _lists(market.applicant_ptr, market.applicant_list)
    p_lists = _lists(market.program_ptr, market.program_list)
    cap = market.capacity.tolist()
    if proposing == "applicant":
        out = _applicants_propose(a_lists, _rank_maps(p_lists), cap)
    else:
        out = _programs_propose(p_lists, _rank_maps(a_lists), cap)
    steps, assignment, rank, filled, rounds = out
    return MatchTrace(proposing, tuple(steps), assignment, rank, filled, rounds)


def deferred_acceptance_reference(market: Market, proposing: str = "applicant") -> np.ndarray:
    """The matching by plain-Python deferred acceptance (:func:`trace_match`'s assignment).

    Returns
    -------
    ndarray of int32, shape (n_applicants,)
        Program per applicant, or ``UNMATCHED``.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> [m.program_label(p) if p >= 0 else None for p in deferred_acceptance_reference(m, "program")]
    [None, None, 'Mercy', 'General', 'City', 'State', 'City', 'State']
    """
    return trace_match(market, proposing).assignment
