"""The parameters of a synthetic market, the market it gives, and their codes.

:class:`MarketParams` holds every knob of :func:`matchsim.markets.generate_market`;
each field's type and range is declared once, on the field (the types of
:mod:`matchsim.markets.schema`, checked with msgspec), and the rules that tie
fields together (``n_positions >= n_programs``, ...) are checked beside it. :class:`SyntheticMarket` is a generated market with the
truth behind it. The codes (:data:`APPLICANT_TYPES`, :data:`MESSAGES`,
``UNRANKED_BY_PROGRAM``) say what the integer arrays mean.

Examples
--------
>>> p = MarketParams(n_applicants=100, n_programs=10, n_positions=80)
>>> import dataclasses
>>> dataclasses.replace(p, n_signals=2).n_signals
2
>>> MarketParams(n_programs=0)
Traceback (most recent call last):
...
ValueError: n_programs must be >= 1, got 0
>>> MarketParams(home_application_share=1.5)
Traceback (most recent call last):
...
ValueError: home_application_share must be in [0, 1], got 1.5
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from matchsim.constants import UNRANKED_BY_PROGRAM
from matchsim.market import Market
from matchsim.markets.messages import (
    INTERESTED,
    MESSAGES,
    NO_MESSAGE,
    RANKED_HIGHLY,
    RANKED_TO_MATCH,
    MessageDraws,
    messages_and_beliefs,
)
from matchsim.markets.schema import (
    Count,
    Cutoffs,
    NonNegative,
    PerType,
    PerTypeAtLeastOne,
    PerTypeNonNegative,
    Positive,
    Share,
    check_fields,
)

__all__ = [
    "APPLICANT_TYPES",
    "INTERESTED",
    "MESSAGES",
    "NO_MESSAGE",
    "RANKED_HIGHLY",
    "RANKED_TO_MATCH",
    "UNRANKED_BY_PROGRAM",
    "MarketParams",
    "SyntheticMarket",
]

#: Applicant types, in the order of the int8 codes in ``applicant_type``.
#: The first four are the NRMP's main reporting groups; "other" collects the
#: remaining active applicants (for example prior-year graduates of US
#: schools), whom the NRMP reports in further, smaller groups.
APPLICANT_TYPES = ("US MD", "US DO", "US-citizen IMG", "non-US IMG", "other")

@dataclass(frozen=True)
class MarketParams:
    """Every knob of the synthetic market, with defaults.

    The defaults describe a small generic market; the calibrated settings live
    in :data:`matchsim.markets.PRESETS`. Per-type tuples follow
    :data:`APPLICANT_TYPES` (five entries).

    Parameters
    ----------
    n_applicants, n_programs, n_positions : int
        Active applicants, programs (program tracks) and positions. Capacities
        are drawn so that they sum to exactly ``n_positions``; every program
        has at least one position.
    capacity_sigma : float
        Spread (log-normal sigma) of program sizes around the mean size.
    type_shares : tuple of 5 float
        Share of applicants of each type (normalised to sum 1).
    strength_mean : tuple of 5 float
        Mean strength of each type, in standard deviations of strength.
    strength_sd : float
        Standard deviation of strength within a type.
    n_regions : int
        Number of geographic regions (applicants and programs each get one at
        random). ``1`` turns geography off.
    home_bonus : float
        Extra utility an applicant gets from a program in their home region.
    applicant_correlation : float in [0, 1]
        Share of the variance of applicants' utilities that is common to all
        applicants (the program's quality); the rest is personal taste. ``1``
        means everybody agrees on the ranking of programs.
    program_correlation : float in [0, 1]
        Likewise for programs' evaluations of applicants.
    n_applications : tuple of 5 float
        Mean number of programs an applicant of each type applies to.
    application_dispersion : float
        Coefficient of variation of the number of applications (gamma
        distributed around the type mean).
    home_application_share : float in [0, 1]
        Share of applications sent to programs in the home region.
    application_shift : float
        How far above their own level applicants aim, in standard deviations
        (positive = more reaches).
    application_spread : float
        Spread of the levels applied to around that aim.
    n_signals : int
        Preference signals each applicant sends, to the programs they like
        most among those they apply to (``0`` = no signalling).
    signal_boost : float
        What a signal adds to the applicant's interview score, in standard
        deviations of strength.
    interview_slots_per_position : float
        Interviews each program holds per position (it invites
        ``ceil(slots * capacity)`` applicants, or all its applicants if fewer).
    interview_noise_sd : float
        Noise in a program's screening of applications.
    max_interviews : int
        Most interviews an applicant attends (they keep the ones they like
        best); also capped by the NRMP's 300-rank rule.
    rank_floor, rank_floor_slope : float
        A program leaves off its list the interviewees whose evaluation
        ``v_pa`` is below ``rank_floor + rank_floor_slope * q_p`` (stronger
        programs are choosier). ``-inf`` (default) ranks every interviewee.
    message_rate : float in [0, 1]
        Share of programs that send post-interview messages.
    message_cutoffs : tuple of 3 float
        A communicating program tells an interviewee "ranked to match",
        "ranked highly" or "interested" when the interviewee's place on its
        list is within ``cutoffs[0]``, ``cutoffs[1]`` or ``cutoffs[2]`` times
        its capacity; the rest hear nothing. "Ranked to match" also requires
        that the program is the applicant's true first choice (the applicant
        told it so); with ``cutoffs[0] <= 1`` a sincere "ranked to match" is
        then a promise the algorithm keeps if the applicant ranks truthfully.
    message_informativeness : float in [0, 1]
        Probability that a message is sincere; otherwise it is copied from a
        random interviewee of the same program (``0`` = pure noise with the
        same frequencies, ``1`` = fully sincere).
    belief_intercept, belief_slope, belief_message_weight, belief_noise_sd : float
        Coefficients of the applicant's believed chance of being taken
        (logistic; see the module docstring).

    Examples
    --------
    >>> p = MarketParams(n_applicants=100, n_programs=10, n_positions=80)
    >>> p.n_positions, p.n_signals
    (80, 0)
    """

    n_applicants: Count = 1_000
    n_programs: Positive = 140
    n_positions: Positive = 850
    capacity_sigma: NonNegative = 0.7
    type_shares: PerTypeNonNegative = (0.43, 0.18, 0.10, 0.24, 0.05)
    strength_mean: PerType = (0.0, -0.2, -1.3, -1.6, -1.9)
    strength_sd: NonNegative = 1.0
    n_regions: Positive = 1
    home_bonus: float = 0.5
    applicant_correlation: Share = 0.6
    program_correlation: Share = 0.7
    n_applications: PerTypeAtLeastOne = (30.0, 30.0, 40.0, 40.0, 30.0)
    application_dispersion: NonNegative = 0.5
    home_application_share: Share = 0.6
    application_shift: float = 0.3
    application_spread: NonNegative = 0.8
    n_signals: Count = 0
    signal_boost: float = 0.5
    interview_slots_per_position: NonNegative = 10.0
    interview_noise_sd: NonNegative = 0.5
    max_interviews: Positive = 25
    rank_floor: float = -np.inf
    rank_floor_slope: float = 0.0
    message_rate: Share = 0.5
    message_cutoffs: Cutoffs = (1.0, 3.0, 6.0)
    message_informativeness: Share = 0.5
    belief_intercept: float = 0.0
    belief_slope: float = 1.5
    belief_message_weight: float = 0.7
    belief_noise_sd: NonNegative = 0.5

    def __post_init__(self):
        check_fields(self, per_type=APPLICANT_TYPES)
        given_cutoffs = self.message_cutoffs
        for name in ("type_shares", "strength_mean", "n_applications", "message_cutoffs"):
            object.__setattr__(self, name, tuple(float(x) for x in getattr(self, name)))
        # rules that tie fields together (the schema checks each field alone)
        if self.n_positions < self.n_programs:
            raise ValueError(
                f"n_positions ({self.n_positions}) must be at least n_programs "
                f"({self.n_programs}): every program offers one position or more"
            )
        if sum(self.type_shares) <= 0:
            raise ValueError("type_shares must be >= 0 and not all 0")
        c = self.message_cutoffs
        if not c[0] <= c[1] <= c[2]:
            raise ValueError(
                f"message_cutoffs must be 3 non-decreasing values >= 0, got {given_cutoffs}"
            )

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Names of all parameters, in declaration order.

        Examples
        --------
        >>> MarketParams.field_names()[:3]
        ('n_applicants', 'n_programs', 'n_positions')
        """
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, eq=False)
class SyntheticMarket:
    """A generated market with the truth behind it.

    Attributes
    ----------
    market : Market
        The truthful submitted lists: each applicant ranks all their
        interviews in true order; each program ranks its interviewees in its
        own true order.
    params : MarketParams
        The parameters it was drawn from.
    applicant_type : ndarray of int8, shape (n_applicants,)
        Codes into :data:`APPLICANT_TYPES`.
    utility : ndarray of float64, aligned with ``market.applicant_list``
        The applicant's true value of that program (each list is sorted by it,
        highest first).
    belief : ndarray of float64 in [0, 1], aligned with ``market.applicant_list``
        The applicant's believed chance that the program takes them.
    message : ndarray of int8, aligned with ``market.applicant_list``
        Code into :data:`MESSAGES`: what the program told the applicant after
        the interview.
    signal : ndarray of bool, aligned with ``market.applicant_list``
        Whether the applicant sent the program a preference signal.
    strength : ndarray of float64, shape (n_applicants,)
        Applicant strength (what programs look for, before their own taste).
    quality : ndarray of float64, shape (n_programs,)
        Program quality (what applicants look for, before their own taste).
    program_rank : ndarray of int32, aligned with ``market.applicant_list``
        The applicant's place (0 = first) on the program's list, or
        ``UNRANKED_BY_PROGRAM`` (-1) if the program left them off.
    n_applied : ndarray of int32, shape (n_applicants,)
        Number of programs each applicant applied to.
    message_draws : MessageDraws
        The random numbers messages and beliefs were computed from (kept for
        :meth:`with_messages`).

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> sm.utility.shape == sm.market.applicant_list.shape
    True
    >>> APPLICANT_TYPES[sm.applicant_type[0]]
    'US MD'
    """

    market: Market
    params: MarketParams
    applicant_type: np.ndarray
    utility: np.ndarray
    belief: np.ndarray
    message: np.ndarray
    signal: np.ndarray
    strength: np.ndarray = field(repr=False, default=None)
    quality: np.ndarray = field(repr=False, default=None)
    program_rank: np.ndarray = field(repr=False, default=None)
    n_applied: np.ndarray = field(repr=False, default=None)
    message_draws: MessageDraws = field(repr=False, default=None)

    @property
    def entry_applicant(self) -> np.ndarray:
        """Applicant id of each ``market.applicant_list`` entry (int64).

        Examples
        --------
        >>> from matchsim.markets import generate_market
        >>> sm = generate_market("small", rng=0)
        >>> bool((sm.entry_applicant[: sm.market.applicant_ptr[1]] == 0).all())
        True
        """
        m = self.market
        return np.repeat(np.arange(m.n_applicants, dtype=np.int64), np.diff(m.applicant_ptr))

    def with_messages(self, informativeness: float | None = None,
                      rate: float | None = None) -> SyntheticMarket:
        """The same market with post-interview messages redrawn.

        Only ``message`` and ``belief`` change, and they are recomputed from
        the random numbers drawn when the market was generated (common random
        numbers): rank lists, utilities and signals are identical.

        Parameters
        ----------
        informativeness : float in [0, 1], optional
            New ``message_informativeness``; default: unchanged.
        rate : float in [0, 1], optional
            New ``message_rate`` (``0`` = nobody sends messages).

        Examples
        --------
        >>> from matchsim.markets import generate_market
        >>> sm = generate_market("small", rng=1)
        >>> quiet = sm.without_messages()
        >>> int(quiet.message.max()), bool((quiet.utility == sm.utility).all())
        (0, True)
        >>> noisy = sm.with_messages(informativeness=0.0)
        >>> noisy.params.message_informativeness
        0.0
        """
        kw = {}
        if informativeness is not None:
            kw["message_informativeness"] = float(informativeness)
        if rate is not None:
            kw["message_rate"] = float(rate)
        params = replace(self.params, **kw)
        message, belief = messages_and_beliefs(params, self.market, self.program_rank,
                                               self.message_draws, self.quality)
        return replace(self, params=params, message=message, belief=belief)

    def without_messages(self) -> SyntheticMarket:
        """The same market in which no program sends a message (CRN).

        Examples
        --------
        >>> from matchsim.markets import generate_market
        >>> int(generate_market("small", rng=0).without_messages().message.max())
        0
        """
        return self.with_messages(rate=0.0)

    def __repr__(self) -> str:
        return f"SyntheticMarket({self.market!r})"

