"""The advisor's settings and their defaults, in one place.

The library functions (:func:`matchsim.advisor.advise`,
:func:`~matchsim.advisor.menu.compare_lists`,
:func:`~matchsim.advisor.market_mode.simulate_list_outcomes`) and the
``matchsim compare`` options read their defaults from here. Standard library
only (no NumPy, no numba), so the command line can build its options without
loading the numerical code.

Examples
--------
>>> DEFAULT_CORRELATION, DEFAULT_SAMPLES, METHODS
(0.5, 100000, ('exact', 'sample'))
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_CORRELATION",
    "MAX_CORRELATION",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_NODES",
    "METHODS",
    "DEFAULT_METHOD",
    "DEFAULT_APPLICANTS",
    "MIN_APPLICANTS",
    "DEFAULT_MARKETS",
    "DEFAULT_COUPLE_MARKETS",
    "DEFAULT_VERIFY_MARKETS",
    "GENERATORS",
    "DEFAULT_GENERATOR",
]

#: Default correlation between programs' decisions about you (see :mod:`matchsim.advisor.menu`).
DEFAULT_CORRELATION = 0.5
#: Largest correlation accepted (the quadrature loses accuracy as it nears 1).
MAX_CORRELATION = 0.95
#: Default number of sampled menus for the Monte Carlo method and the cross-check.
DEFAULT_SAMPLES = 100_000
#: Default seed for sampling and for simulated markets.
DEFAULT_SEED = 0
#: Default number of Gauss-Hermite nodes for the exact method.
DEFAULT_NODES = 128
#: How outcome probabilities can be computed under the menu model.
METHODS = ("exact", "sample")
#: The method whose figures are shown by default (the other one is the cross-check).
DEFAULT_METHOD = "exact"
#: Default size of a simulated specialty (applicants, including you).
DEFAULT_APPLICANTS = 500
#: Smallest simulated market: you and one other applicant.
MIN_APPLICANTS = 2
#: Default number of simulated markets.
DEFAULT_MARKETS = 1000
#: Default number of simulated markets for a couple (each market runs every joint list and about 30 variants).
DEFAULT_COUPLE_MARKETS = 200
#: Default number of simulated markets in which your menu is also found with the algorithm.
DEFAULT_VERIFY_MARKETS = 100
#: Market generators for simulated markets: the built-in one, or presets of :mod:`matchsim.markets`.
GENERATORS = ("simple", "pmr", "anesthesiology")
#: The generator used unless another is asked for.
DEFAULT_GENERATOR = "simple"
