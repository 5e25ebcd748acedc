"""Stage 4 of a synthetic season: post-interview messages and applicants' beliefs.

After interviews, some programs tell interviewees "we are interested", "we
will rank you highly" or "we will rank you to match". A *sincere* message
follows the program's real list; with probability ``1 -
message_informativeness`` the message is instead copied from a random
interviewee of the same program, so it says nothing about the listener.
Applicants then form a *belief* about each program's chance of taking them
(a logistic function of their own level, the program's quality and the
message). Messages and beliefs never enter the algorithm; they matter only
when an applicant reorders their list in response (:mod:`matchsim.strategies`).

This stage draws its random numbers last, so two settings that differ only in
the message or belief parameters share every earlier draw (common random
numbers), and :meth:`matchsim.markets.SyntheticMarket.with_messages` redraws
messages from the same numbers.

Examples
--------
>>> from matchsim.markets import generate_market
>>> sm = generate_market("small", rng=0)
>>> [MESSAGES[c] for c in (NO_MESSAGE, INTERESTED, RANKED_HIGHLY, RANKED_TO_MATCH)]
['none', 'interested', 'ranked highly', 'ranked to match']
>>> bool((sm.message[sm.program_rank == UNRANKED_BY_PROGRAM] == NO_MESSAGE).all())
True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from matchsim.constants import UNRANKED_BY_PROGRAM

__all__ = [
    "INTERESTED",
    "MESSAGES",
    "MessageDraws",
    "NO_MESSAGE",
    "RANKED_HIGHLY",
    "RANKED_TO_MATCH",
    "draw_message_inputs",
    "messages_and_beliefs",
]

#: Post-interview messages, in the order of the int8 codes in ``message``.
MESSAGES = ("none", "interested", "ranked highly", "ranked to match")

#: Code of "no message".
NO_MESSAGE = 0
#: Code of "we are interested".
INTERESTED = 1
#: Code of "we will rank you highly".
RANKED_HIGHLY = 2
#: Code of "we will rank you to match".
RANKED_TO_MATCH = 3


class MessageDraws(NamedTuple):
    """The random numbers and program rosters that messages are computed from.

    Kept on a :class:`~matchsim.markets.SyntheticMarket` so that messages can
    be recomputed with other parameters from the same numbers.

    Attributes
    ----------
    prog_talk_u : ndarray of float64, shape (n_programs,)
        Uniform draw per program: it sends messages when below
        ``message_rate``.
    msg_sincere_u : ndarray of float64, shape (n_entries,)
        Uniform draw per interview: the message is sincere when below
        ``message_informativeness``.
    msg_pick : ndarray of float64, shape (n_entries,)
        Uniform draw per interview: which interviewee a copied message comes
        from.
    belief_noise : ndarray of float64, shape (n_entries,)
        Standard normal noise of each belief.
    iv_ptr, iv_order : ndarray of int64
        Each program's interviewees (CSR over ``market.applicant_list``
        entries), those it ranked first.
    ztil_entry : ndarray of float64, shape (n_entries,)
        The applicant's standardised strength, per interview.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> d = generate_market("small", rng=0).message_draws
    >>> d.prog_talk_u.shape, d.msg_pick.shape == d.belief_noise.shape
    ((40,), True)
    """

    prog_talk_u: np.ndarray
    msg_sincere_u: np.ndarray
    msg_pick: np.ndarray
    belief_noise: np.ndarray
    iv_ptr: np.ndarray
    iv_order: np.ndarray
    ztil_entry: np.ndarray


def draw_message_inputs(rng, n_programs, iv_ptr, iv_order, ztil_entry) -> MessageDraws:
    """Draw the random numbers of stage 4 (in a fixed order, from ``rng``).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_programs : int
    iv_ptr, iv_order : ndarray of int64
        Each program's interviewees, ranked ones first (from stage 3).
    ztil_entry : ndarray of float64, shape (n_entries,)
        The applicant's standardised strength, per interview.

    Returns
    -------
    MessageDraws

    Examples
    --------
    >>> import numpy as np
    >>> d = draw_message_inputs(np.random.default_rng(0), 2, np.array([0, 1, 2]),
    ...                         np.array([0, 1]), np.zeros(2))
    >>> d.prog_talk_u.shape, d.belief_noise.shape
    ((2,), (2,))
    """
    n_e = ztil_entry.size
    return MessageDraws(
        prog_talk_u=rng.random(n_programs),
        msg_sincere_u=rng.random(n_e),
        msg_pick=rng.random(n_e),
        belief_noise=rng.standard_normal(n_e),
        iv_ptr=iv_ptr,
        iv_order=iv_order,
        ztil_entry=ztil_entry,
    )


@njit(cache=True)
def _messages(a_ptr, a_list, capacity, program_rank, iv_ptr, iv_order, msg_pick, sincere_u,
              talk_u, informativeness, rate, c1, c2, c3):
    """Post-interview message codes of all interview entries.

    Parameters
    ----------
    a_ptr : int64 (n_applicants + 1,); a_list : int32 (n_entries,)
        The applicants' lists (CSR), each in true order (so ``a_ptr[a]`` is
        the applicant's first choice).
    capacity : int32 (n_programs,)
    program_rank : int32 (n_entries,)
        Place on the program's list, or ``UNRANKED_BY_PROGRAM``.
    iv_ptr : int64 (n_programs + 1,); iv_order : int64 (n_entries,)
        Each program's interviewees.
    msg_pick, sincere_u : float64 (n_entries,); talk_u : float64 (n_programs,)
        Uniform draws (see :class:`MessageDraws`).
    informativeness, rate, c1, c2, c3 : float
        ``message_informativeness``, ``message_rate`` and ``message_cutoffs``.

    Returns
    -------
    ndarray of int8 (n_entries,)
        A new array of codes; no input is modified.

    Notes
    -----
    1. The sincere message (its *tier*) follows the program's list:
       ``RANKED_TO_MATCH`` within ``c1 * capacity`` and only to an applicant
       whose first choice the program is (they told it so: the program then
       promises a match it knows will happen), ``RANKED_HIGHLY`` within
       ``c2 * capacity``, ``INTERESTED`` within ``c3 * capacity``.
    2. Programs with ``talk_u >= rate`` say nothing.
    3. A noisy message (``sincere_u >= informativeness``) is the tier of a
       random interviewee of the same program, so message frequencies do not
       depend on informativeness.

    ``O(n_entries)``.
    """
    n = a_list.size
    tier = np.zeros(n, dtype=np.int8)
    for a in range(a_ptr.size - 1):
        for i in range(a_ptr[a], a_ptr[a + 1]):
            r = program_rank[i]
            if r == UNRANKED_BY_PROGRAM:
                continue
            c = capacity[a_list[i]]
            if r < c1 * c and i == a_ptr[a]:
                tier[i] = RANKED_TO_MATCH
            elif r < c2 * c:
                tier[i] = RANKED_HIGHLY
            elif r < c3 * c:
                tier[i] = INTERESTED
    msg = np.zeros(n, dtype=np.int8)
    for i in range(n):
        p = a_list[i]
        if talk_u[p] >= rate:
            continue
        if sincere_u[i] < informativeness:
            msg[i] = tier[i]
        else:
            s, e = iv_ptr[p], iv_ptr[p + 1]
            j = s + int(msg_pick[i] * (e - s))
            if j >= e:
                j = e - 1
            msg[i] = tier[iv_order[j]]
    return msg


def messages_and_beliefs(params, market, program_rank, draws: MessageDraws, quality):
    """Post-interview messages and applicants' beliefs (stage 4).

    Parameters
    ----------
    params : MarketParams
        Uses ``message_rate``, ``message_informativeness``,
        ``message_cutoffs`` and the ``belief_*`` coefficients.
    market : Market
        The truthful lists (applicant lists in true order).
    program_rank : ndarray of int32, aligned with ``market.applicant_list``
        Each interviewee's place on the program's list, or
        ``UNRANKED_BY_PROGRAM``.
    draws : MessageDraws
    quality : ndarray of float64, shape (n_programs,)

    Returns
    -------
    message : ndarray of int8, aligned with ``market.applicant_list``
        Codes into :data:`MESSAGES`.
    belief : ndarray of float64 in (0, 1), aligned with ``market.applicant_list``
        ``logistic(belief_intercept + belief_slope (z~_a - q_p) +
        belief_message_weight m_ap + belief_noise_sd n_ap)``.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> msg, belief = messages_and_beliefs(sm.params, sm.market, sm.program_rank,
    ...                                    sm.message_draws, sm.quality)
    >>> bool((msg == sm.message).all() and (belief == sm.belief).all())
    True
    """
    c1, c2, c3 = params.message_cutoffs
    msg = _messages(market.applicant_ptr, market.applicant_list, market.capacity, program_rank,
                    draws.iv_ptr, draws.iv_order, draws.msg_pick, draws.msg_sincere_u,
                    draws.prog_talk_u, float(params.message_informativeness),
                    float(params.message_rate), c1, c2, c3)
    z = (params.belief_intercept
         + params.belief_slope * (draws.ztil_entry - quality[market.applicant_list])
         + params.belief_message_weight * msg
         + params.belief_noise_sd * draws.belief_noise)
    belief = 1.0 / (1.0 + np.exp(-z))
    return msg, belief
