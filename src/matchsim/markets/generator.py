"""Synthetic residency markets: applications, interviews, rank lists, messages.

The model in plain words
------------------------
Applicants of several types (US MD seniors, US DO seniors, US-citizen IMGs,
non-US-citizen IMGs, other applicants) differ in *strength*: how attractive
they look to programs. Programs differ in *quality*: how attractive they look
to applicants. Both sides also have their own tastes (geography and personal
fit), so preferences are correlated but not identical.

A season runs in four stages, as the real one does:

1. **Applications.** Each applicant applies to a number of programs (more for
   IMGs than for US seniors), mostly near their own level and mostly in their
   home region, with some reaches and some safeties. With the applications
   they send a few *preference signals* to the programs they like best.
2. **Interviews.** Each program invites a limited number of its applicants per
   position, preferring stronger applicants and those who signalled it. An
   applicant attends at most ``max_interviews`` interviews. Because interview
   slots are scarce, rank lists are short (about a dozen programs).
3. **Rank lists.** Each applicant ranks every program that interviewed them,
   in order of true preference; each program ranks the applicants it
   interviewed, in its own order, leaving off those below its bar. Nobody
   ranks a program or an applicant without an interview. These are the
   *truthful* lists in :attr:`SyntheticMarket.market`.
4. **Post-interview messages.** Some programs tell interviewees "we are
   interested", "we will rank you highly" or "we will rank you to match". A
   sincere message follows the program's real list ("ranked to match" goes
   only to applicants high enough on it to be sure to match, who have told
   the program it is their first choice); with probability
   ``1 - message_informativeness`` the message is instead copied from a random
   interviewee of the same program, so it says nothing about the listener.
   Applicants form a *belief* about each program's chance of taking them from
   their own strength, the program's quality and the message. Messages and
   beliefs never enter the algorithm; they matter only when an applicant
   reorders their list in response (see :mod:`matchsim.strategies`).

The formulas
------------
Applicant ``a`` has type ``t(a)``, strength ``z_a ~ N(mu_t, strength_sd^2)``
and home region ``h_a``; program ``p`` has quality ``q_p ~ N(0, 1)``, region
``r_p`` and ``capacity_p`` positions. With ``c_a = applicant_correlation`` and
``c_p = program_correlation``:

* utility ``u_ap = sqrt(c_a) q_p + sqrt(1 - c_a) e_ap + home_bonus [r_p = h_a]``;
* the program's evaluation ``v_pa = sqrt(c_p) z_a + sqrt(1 - c_p) f_pa``;
* application targets: a quantile ``Phi(z~_a + application_shift +
  application_spread g)`` of the capacity-weighted program quality
  distribution of the chosen region (home with probability
  ``home_application_share``), where ``z~_a`` is ``z_a`` standardised over the
  applicant pool;
* signals go to the ``n_signals`` applications with the highest ``u_ap``;
* interview score ``s_pa = z_a + interview_noise_sd k_pa + signal_boost [a
  signalled p]``; program ``p`` invites its ``ceil(interview_slots_per_position
  * capacity_p)`` best-scoring applicants, and each applicant attends the
  ``max_interviews`` invitations with the highest ``u_ap``;
* lists: applicants rank their interviews by ``u_ap``; programs rank the
  interviewees with ``v_pa >= rank_floor + rank_floor_slope q_p`` by ``v_pa``;
* belief ``b_ap = logistic(belief_intercept + belief_slope (z~_a - q_p) +
  belief_message_weight m_ap + belief_noise_sd n_ap)``, where ``m_ap`` in 0..3
  is the message code.

All the ``e, f, g, k, n`` are independent standard normal draws from
``rng``; the same seed gives the same market. The millions of ``e, g, k``
draws are made from NumPy uniforms by the inverse normal CDF (Acklam's
approximation, :func:`matchsim.numeric.ndtri_acklam`, kept so that every
published market keeps its exact bits). Signals, messages and beliefs use no random numbers that
earlier stages need, so two settings that differ only in ``n_signals``,
``signal_boost`` or the message and belief parameters draw the same
applicants, programs and applications from the same seed (common random
numbers).

Implementation notes
--------------------
:func:`generate_market` runs the stages in order, each a function of its own
module: :mod:`~matchsim.markets.population` (who is in the market),
:mod:`~matchsim.markets.applications` (stage 1),
:mod:`~matchsim.markets.interviews` (stage 2),
:mod:`~matchsim.markets.rank_lists` (stage 3) and
:mod:`~matchsim.markets.messages` (stage 4). Each stage takes the results of
the earlier ones as small named tuples of arrays and draws its random numbers
from the one ``rng`` in a fixed order, so the same seed gives the same market.
Everything is vectorised over flat arrays; the steps that need a loop
(sampling applications without repeats, choosing signals, each program's top
interview scores, each applicant's attended interviews, sorting programs'
lists, messages) are private ``@njit(cache=True)`` kernels that take the
random draws as arrays.

Examples
--------
>>> sm = generate_market("pmr", rng=3)
>>> sm.market.n_positions, int(sm.signal.sum()) > 0
(413, True)
"""

from __future__ import annotations

import numpy as np

from matchsim.markets.applications import draw_applications
from matchsim.markets.interviews import hold_interviews
from matchsim.markets.messages import draw_message_inputs, messages_and_beliefs
from matchsim.markets.params import (  # the codes are re-exported for older imports
    APPLICANT_TYPES,
    MESSAGES,
    NO_MESSAGE,
    UNRANKED_BY_PROGRAM,
    MarketParams,
    SyntheticMarket,
)
from matchsim.markets.population import draw_applicants, draw_programs
from matchsim.markets.presets import preset
from matchsim.markets.rank_lists import rank_lists

__all__ = [
    "APPLICANT_TYPES",
    "MESSAGES",
    "NO_MESSAGE",
    "UNRANKED_BY_PROGRAM",
    "MarketParams",
    "SyntheticMarket",
    "generate_market",
]


def generate_market(params: MarketParams | str, rng=None) -> SyntheticMarket:
    """Draw one synthetic residency market.

    Parameters
    ----------
    params : MarketParams or str
        The parameters, or the name of a preset in
        :data:`matchsim.markets.PRESETS` (``"nrmp2025"``, ``"pmr"``,
        ``"anesthesiology"``, ``"small"``).
    rng : None, int, SeedSequence or Generator
        Source of randomness (``np.random.default_rng(rng)``); the same seed
        gives the same market.

    Returns
    -------
    SyntheticMarket
        The truthful market plus every applicant's utilities, beliefs,
        messages and signals.

    Raises
    ------
    ValueError
        If ``params`` is an unknown preset name or not a :class:`MarketParams`.

    Notes
    -----
    1. Draw the programs (sizes, qualities, regions) and the applicants
       (types, strengths, home regions).
    2. Applications and signals (:func:`~matchsim.markets.applications.draw_applications`).
    3. Interviews (:func:`~matchsim.markets.interviews.hold_interviews`).
    4. Truthful rank lists (:func:`~matchsim.markets.rank_lists.rank_lists`).
    5. Messages and beliefs (:func:`~matchsim.markets.messages.messages_and_beliefs`).

    Time and memory ``O(n_applications + n_programs log n_programs)``, with
    per-applicant and per-program sorts of their short lists; the
    ``nrmp2025`` preset (47,208 applicants, about 2.3 million applications)
    takes well under a second once the kernels are compiled.

    Examples
    --------
    >>> sm = generate_market("small", rng=0)
    >>> sm.market.n_applicants, sm.market.n_positions
    (300, 250)
    >>> first = slice(sm.market.applicant_ptr[0], sm.market.applicant_ptr[1])
    >>> bool((sm.utility[first][:-1] > sm.utility[first][1:]).all())  # true order
    True
    >>> same = generate_market("small", rng=0)
    >>> bool((same.market.applicant_list == sm.market.applicant_list).all())
    True
    """
    if isinstance(params, str):
        params = preset(params)
    if not isinstance(params, MarketParams):
        raise ValueError(
            f"params must be a MarketParams or a preset name, got {type(params).__name__}"
        )
    rng = np.random.default_rng(rng)
    programs = draw_programs(params, rng)
    applicants = draw_applicants(params, rng)
    apps = draw_applications(params, programs, applicants, rng)        # 1. applications
    interviews = hold_interviews(params, programs, apps)               # 2. interviews
    lists = rank_lists(params, programs, applicants, apps, interviews, rng)  # 3. rank lists
    draws = draw_message_inputs(rng, params.n_programs, lists.iv_ptr, lists.iv_order,
                                applicants.level[lists.applicant])     # 4. messages
    message, belief = messages_and_beliefs(params, lists.market, lists.program_rank, draws,
                                           programs.quality)
    utility = apps.utility[interviews.entry]
    signal = apps.signal[interviews.entry]
    for arr in (applicants.type, applicants.strength, programs.quality, message, belief,
                utility, signal):
        arr.flags.writeable = False
    return SyntheticMarket(
        market=lists.market, params=params, applicant_type=applicants.type, utility=utility,
        belief=belief, message=message, signal=signal, strength=applicants.strength,
        quality=programs.quality, program_rank=lists.program_rank,
        n_applied=np.diff(apps.ptr).astype(np.int32), message_draws=draws,
    )
