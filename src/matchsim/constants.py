"""The named sentinels and limits, defined once.

Inside the package every participant is an integer id ``0 .. n-1``; these
are the values that mean "nobody" or "not ranked" in the arrays that hold
ids and ranks. Kernels compare against the names, never against bare
numbers. Each is a plain Python ``int``: numba folds it into the compiled
kernel as a constant (so a kernel cached on disk keeps the value it was
compiled with; these values never change).

=======================  ============  ==============================================
name                     value         where it appears
=======================  ============  ==============================================
``UNMATCHED``            -1            assignment and rank arrays: no program
``UNRANKED``             2**31 - 1     rank tables: the receiver did not rank the
                                       proposer (larger than every real rank, so
                                       "better than" is one comparison)
``UNRANKED_BY_PROGRAM``  -1            ``SyntheticMarket.program_rank``: the program
                                       left this interviewee off its list
``UNACCEPTABLE``         0             an applicant's true-order codes in the
                                       advisor (1 = most wanted): not acceptable
``INT32_MAX``            2**31 - 1     the largest int32 (the array dtype of ids,
                                       ranks and capacities)
``NRMP_MAX_RANKS``       300           the NRMP's limit on an applicant's list
``NO_MATCH``             -1            a couple's pair: "No Match" for that partner
=======================  ============  ==============================================

Examples
--------
>>> import numpy as np
>>> from matchsim.constants import UNMATCHED, UNRANKED
>>> UNRANKED == np.iinfo(np.int32).max
True
>>> assignment = np.array([2, UNMATCHED, 0])
>>> (assignment != UNMATCHED).sum()
np.int64(2)
"""

from __future__ import annotations

__all__ = [
    "INT32_MAX",
    "NO_MATCH",
    "NRMP_MAX_RANKS",
    "PROPOSING_SIDES",
    "UNACCEPTABLE",
    "UNMATCHED",
    "UNRANKED",
    "UNRANKED_BY_PROGRAM",
]

#: The largest int32, the dtype of ids, ranks and capacities in every array.
INT32_MAX = 2_147_483_647

#: Sentinel for "no program" in an assignment array (and for the rank of an
#: unmatched applicant in a :class:`matchsim.engine.MatchResult`).
UNMATCHED = -1

#: Rank, in a rank table, of an entry whose receiver did not rank the
#: proposer. It is larger than every real rank, so "ranked above" is a single
#: ``<`` and an unranked entry never wins.
UNRANKED = INT32_MAX

#: ``SyntheticMarket.program_rank`` (and a program's 0-based place on its list
#: in the stability kernels) of an applicant the program did not rank.
UNRANKED_BY_PROGRAM = -1

#: True-order code of a program the applicant would rather not match than
#: take (true orders count from 1 = most wanted).
UNACCEPTABLE = 0

#: The NRMP rule: no applicant's rank order list may exceed 300 ranks
#: (programs' lists are checked only for consistency).
NRMP_MAX_RANKS = 300

#: A partner's side of a couple's pair (``Couples.programs``) that says "No
#: Match": that partner is willing to stay unmatched if the other matches.
NO_MATCH = -1

#: The two versions of deferred acceptance: who proposes (the first is the NRMP's).
PROPOSING_SIDES = ("applicant", "program")
