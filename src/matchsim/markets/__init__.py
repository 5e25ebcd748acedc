"""Synthetic residency markets calibrated to published NRMP figures.

:func:`generate_market` draws a market in four stages (applications with
preference signals, interviews, rank lists from interviews only,
post-interview messages) and returns a :class:`SyntheticMarket`: the truthful
:class:`~matchsim.market.Market` plus each applicant's true utilities,
beliefs, messages and signals, which :mod:`matchsim.strategies` turns into
other submitted lists. :data:`PRESETS` holds the calibrated settings
(``"nrmp2025"``, ``"pmr"``, ``"anesthesiology"``, ``"small"``) and
:data:`TARGETS` the published figures they reproduce.
:func:`nrmp_shaped_market` is a simpler, faster generator of NRMP-shaped
markets (no types, signals or messages) for benchmarks.

Examples
--------
>>> from matchsim.markets import generate_market, preset
>>> sm = generate_market(preset("small", n_signals=0), rng=7)
>>> bool(sm.signal.any())
False
"""

from matchsim.markets.generator import generate_market
from matchsim.markets.params import (
    APPLICANT_TYPES,
    MESSAGES,
    NO_MESSAGE,
    MarketParams,
    SyntheticMarket,
)
from matchsim.markets.presets import PRESETS, TARGETS, Target, preset
from matchsim.markets.simple import nrmp_shaped_market

__all__ = [
    "APPLICANT_TYPES",
    "MESSAGES",
    "NO_MESSAGE",
    "MarketParams",
    "PRESETS",
    "SyntheticMarket",
    "TARGETS",
    "Target",
    "generate_market",
    "nrmp_shaped_market",
    "preset",
]

