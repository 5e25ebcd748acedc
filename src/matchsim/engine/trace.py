"""A round-by-round record of applicant-proposing deferred acceptance, for teaching.

Each round, every applicant who holds no position applies to the next program
on their list; each program keeps the applicants it ranks best, up to its
capacity. :func:`trace_rounds` records every application and what the
program did with it, so a teacher can replay the Match step by step. It is
plain Python (teaching-sized markets only) and ends in exactly the matching of
:func:`matchsim.engine.deferred_acceptance`, which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.market import UNMATCHED, Market

__all__ = ["Step", "trace_rounds", "OUTCOMES"]

#: What a program can do with an application.
OUTCOMES = (
    "held",  # a free position: the program holds the applicant
    "held, bumping",  # full, but the applicant is ranked above someone held: that one is let go
    "rejected, full",  # full of applicants the program ranks higher
    "rejected, not ranked",  # the program did not rank this applicant
    "rejected, no positions",  # the program offers no positions at all
)


@dataclass(frozen=True)
class Step:
    """One application.

    Attributes
    ----------
    round : int
        1-based round number.
    applicant, program : int
        Who applied where.
    choice : int
        Position of ``program`` on the applicant's list (1 = first choice).
    outcome : str
        One of :data:`OUTCOMES`.
    program_rank : int
        The program's rank of the applicant (1-based), or -1 if unranked.
    bumped : int
        The applicant let go to make room (``UNMATCHED`` if none).
    """

    round: int
    applicant: int
    program: int
    choice: int
    outcome: str
    program_rank: int
    bumped: int = UNMATCHED


def trace_rounds(market: Market) -> tuple[list[Step], np.ndarray]:
    """Every application of applicant-proposing DA, round by round.

    Returns
    -------
    steps : list of Step
    assignment : ndarray of int32
        The final matching (program per applicant, or ``UNMATCHED``).

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> steps, assignment = trace_rounds(m)
    >>> s = steps[0]
    >>> m.applicant_label(s.applicant), m.program_label(s.program), s.outcome
    ('Anderson', 'City', 'held')
    >>> max(s.round for s in steps), len(steps)
    (4, 15)
    """
    n_a = market.n_applicants
    rank_of = [
        {int(a): r for r, a in enumerate(market.program_prefs(p).tolist())}
        for p in range(market.n_programs)
    ]
    held: list[list[int]] = [[] for _ in range(market.n_programs)]
    nxt = [0] * n_a
    assignment = np.full(n_a, UNMATCHED, dtype=np.int32)
    free = [a for a in range(n_a) if market.applicant_prefs(a).size]
    steps: list[Step] = []
    rnd = 0
    while free:
        rnd += 1
        next_free = []
        for a in free:
            prefs = market.applicant_prefs(a)
            if nxt[a] >= prefs.size:
                continue
            p = int(prefs[nxt[a]])
            nxt[a] += 1
            cap = int(market.capacity[p])
            r = rank_of[p].get(a, -1)
            kw = dict(round=rnd, applicant=a, program=p, choice=nxt[a], program_rank=r + 1 if r >= 0 else -1)
            if cap == 0:
                steps.append(Step(outcome=OUTCOMES[4], **kw))
            elif r < 0:
                steps.append(Step(outcome=OUTCOMES[3], **kw))
            elif len(held[p]) < cap:
                held[p].append(a)
                assignment[a] = p
                steps.append(Step(outcome=OUTCOMES[0], **kw))
                continue
            else:
                worst = max(held[p], key=rank_of[p].__getitem__)
                if r < rank_of[p][worst]:
                    held[p].remove(worst)
                    held[p].append(a)
                    assignment[a] = p
                    assignment[worst] = UNMATCHED
                    steps.append(Step(outcome=OUTCOMES[1], bumped=worst, **kw))
                    next_free.append(worst)
                    continue
                steps.append(Step(outcome=OUTCOMES[2], **kw))
            next_free.append(a)
        free = next_free
    return steps, assignment
