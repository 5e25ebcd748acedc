"""Who is in a synthetic market: programs and applicants, before the season.

Programs get a size (log-normal weights, every program at least one
position, sizes adding up to exactly ``n_positions``), a quality ``q_p ~ N(0,
1)`` and a region. Applicants get a type (by ``type_shares``), a strength
``z_a ~ N(strength_mean[type], strength_sd^2)`` and a home region. The draws
come first from the market's ``rng``, in a fixed order, so every later stage
sees the same people for the same seed.

Examples
--------
>>> import numpy as np
>>> from matchsim.markets import preset
>>> rng = np.random.default_rng(0)
>>> programs = draw_programs(preset("small"), rng)
>>> applicants = draw_applicants(preset("small"), rng)
>>> int(programs.capacity.sum()), applicants.strength.shape
(250, (300,))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Applicants", "Programs", "draw_applicants", "draw_programs"]


class Programs(NamedTuple):
    """The programs of a market (arrays of shape ``(n_programs,)``).

    Attributes
    ----------
    capacity : ndarray of int32
        Positions, each at least 1, summing to ``n_positions``.
    quality : ndarray of float64
        Quality ``q_p`` (standard normal): what applicants look for.
    region : ndarray of int64
        Region in ``0 .. n_regions-1``.

    Examples
    --------
    >>> import numpy as np
    >>> Programs(np.array([2], np.int32), np.zeros(1), np.zeros(1, np.int64)).capacity.tolist()
    [2]
    """

    capacity: np.ndarray
    quality: np.ndarray
    region: np.ndarray


class Applicants(NamedTuple):
    """The applicants of a market (arrays of shape ``(n_applicants,)``).

    Attributes
    ----------
    type : ndarray of int8
        Codes into :data:`matchsim.markets.APPLICANT_TYPES`.
    strength : ndarray of float64
        Strength ``z_a``: what programs look for.
    region : ndarray of int64
        Home region in ``0 .. n_regions-1``.
    level : ndarray of float64
        ``z~_a``: strength standardised over the applicant pool (mean 0,
        standard deviation 1), the scale applications aim on.

    Examples
    --------
    >>> import numpy as np
    >>> from matchsim.markets import preset
    >>> a = draw_applicants(preset("small"), np.random.default_rng(0))
    >>> a.type.dtype, a.level.shape
    (dtype('int8'), (300,))
    """

    type: np.ndarray
    strength: np.ndarray
    region: np.ndarray
    level: np.ndarray


def draw_programs(params, rng) -> Programs:
    """Draw every program's size, quality and region.

    Parameters
    ----------
    params : MarketParams
        Uses ``n_programs``, ``n_positions``, ``capacity_sigma`` and
        ``n_regions``.
    rng : numpy.random.Generator

    Returns
    -------
    Programs

    Examples
    --------
    >>> import numpy as np
    >>> from matchsim.markets import MarketParams
    >>> p = draw_programs(MarketParams(n_programs=3, n_positions=10), np.random.default_rng(1))
    >>> int(p.capacity.sum()), int(p.capacity.min()) >= 1
    (10, True)
    """
    n_p, n_pos = params.n_programs, params.n_positions
    w = rng.lognormal(0.0, params.capacity_sigma, n_p)
    extra = rng.multinomial(n_pos - n_p, w / w.sum())
    capacity = (1 + extra).astype(np.int32)
    quality = rng.standard_normal(n_p)
    region = rng.integers(0, params.n_regions, n_p)
    return Programs(capacity, quality, region)


def draw_applicants(params, rng) -> Applicants:
    """Draw every applicant's type, strength and home region.

    Parameters
    ----------
    params : MarketParams
        Uses ``n_applicants``, ``type_shares``, ``strength_mean``,
        ``strength_sd`` and ``n_regions``.
    rng : numpy.random.Generator

    Returns
    -------
    Applicants

    Examples
    --------
    >>> import numpy as np
    >>> from matchsim.markets import MarketParams
    >>> a = draw_applicants(MarketParams(n_applicants=500), np.random.default_rng(1))
    >>> bool(abs(a.level.mean()) < 1e-12 and abs(a.level.std() - 1) < 1e-12)
    True
    """
    n_a = params.n_applicants
    shares = np.asarray(params.type_shares) / np.sum(params.type_shares)
    a_type = rng.choice(shares.size, size=n_a, p=shares).astype(np.int8)
    strength = (np.asarray(params.strength_mean)[a_type]
                + params.strength_sd * rng.standard_normal(n_a))
    region = rng.integers(0, params.n_regions, n_a).astype(np.int64)
    level = (strength - strength.mean()) / (strength.std() or 1.0) if n_a else strength
    return Applicants(a_type, strength, region, level)
