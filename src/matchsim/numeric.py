"""Shared numeric kernels: counting-sort bucketing and the normal quantile.

Every module that groups entries by an integer key, or turns uniform draws
into normal ones, imports the kernel from here instead of writing its own.

Bucketing
---------
:func:`bucket` is a stable counting sort: entries ``0 .. n-1`` carry a group
id in ``0 .. n_groups-1``, and the result lists each group's entries
together, in entry order, with CSR offsets (``ptr``) saying where each group
starts. It runs in ``O(n + n_groups)`` time, against ``O(n log n)`` for
``np.argsort``. :func:`bucket_offsets` is its first half (the offsets alone),
for a kernel that does its own work in the scatter: the rank table of
:mod:`matchsim.engine.da` packs two numbers per entry as it scatters, which
measured about 10% faster than a separate packing pass. Both are
``@njit(cache=True)`` kernels: call them from Python or from other kernels.

The normal distribution
-----------------------
Outside kernels, use :func:`norm_ppf` and :func:`norm_cdf` (SciPy's
``ndtri``/``ndtr``, accurate to the last bits; SciPy is imported on the first
call, because importing it costs about 0.2 s).

The synthetic markets of :mod:`matchsim.markets` were drawn with two
approximations, and every published market and figure depends on their exact
bits, so both are kept here, frozen, rather than replaced:

* :func:`ndtri_acklam` (Acklam's rational approximation, relative error
  below 1.2e-9) turns uniform draws into normal ones. Replacing it with
  ``ndtri`` changes the last bits of every utility in a market; drawing
  ``Generator.standard_normal`` instead (about as fast) would redraw every
  market.
* :func:`ndtri_grid` (linear interpolation in a table of ``Phi``, absolute
  error below 8e-6) places programs on the quantile scale. Replacing it with
  ``ndtri`` moves some applications to a neighbouring program in the
  ``nrmp2025`` preset.

Use them only where a market must stay reproducible; new code calls
:func:`norm_ppf`.

Examples
--------
>>> import numpy as np
>>> ptr, order = bucket(np.array([2, 0, 2, 1]), 3)
>>> ptr.tolist(), order.tolist()
([0, 1, 2, 4], [1, 3, 0, 2])
>>> float(norm_ppf(0.975).round(4)), float(norm_cdf(0.0))
(1.96, 0.5)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "bucket",
    "bucket_offsets",
    "ndtri_acklam",
    "ndtri_grid",
    "norm_cdf",
    "norm_ppf",
]


# ------------------------------------------------------------------ bucketing
@njit(cache=True)
def bucket_offsets(group, n_groups):
    """CSR offsets of the groups of a counting sort.

    Parameters
    ----------
    group : ndarray of int, shape (n,)
        Group id of each entry, each in ``0 .. n_groups-1`` (not checked: an
        id outside that range corrupts memory in a kernel).
    n_groups : int
        Number of groups.

    Returns
    -------
    ptr : ndarray of int64, shape (n_groups + 1,)
        ``ptr[g]`` entries have a group id below ``g``; group ``g`` has
        ``ptr[g+1] - ptr[g]`` entries. ``ptr[0] == 0`` and ``ptr[-1] == n``.

    Notes
    -----
    One pass to count, one prefix sum: ``O(n + n_groups)``. Equal to
    ``np.concatenate([[0], np.cumsum(np.bincount(group, minlength=n_groups))])``.

    Examples
    --------
    >>> import numpy as np
    >>> bucket_offsets(np.array([2, 0, 2]), 4).tolist()
    [0, 1, 1, 3, 3]
    """
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(group.size):
        ptr[group[i] + 1] += 1
    for g in range(n_groups):
        ptr[g + 1] += ptr[g]
    return ptr


@njit(cache=True)
def bucket(group, n_groups):
    """Entry ids grouped by ``group`` with a stable counting sort.

    Parameters
    ----------
    group : ndarray of int, shape (n,)
        Group id of each entry, each in ``0 .. n_groups-1`` (not checked).
    n_groups : int
        Number of groups.

    Returns
    -------
    ptr : ndarray of int64, shape (n_groups + 1,)
        As :func:`bucket_offsets`.
    order : ndarray of int64, shape (n,)
        Group ``g`` holds entries ``order[ptr[g]:ptr[g+1]]``, in increasing
        entry id. ``order`` equals ``np.argsort(group, kind="stable")``.

    Notes
    -----
    1. Count the entries of each group and take the prefix sum
       (:func:`bucket_offsets`).
    2. Walk the entries in order, writing each id at the next free slot of
       its group.

    Time and memory ``O(n + n_groups)``, against ``O(n log n)`` for a
    comparison sort.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([1, 0, 1, 0])
    >>> ptr, order = bucket(g, 2)
    >>> ptr.tolist(), order.tolist()
    ([0, 2, 4], [1, 3, 0, 2])
    >>> bool((order == np.argsort(g, kind="stable")).all())
    True
    """
    ptr = bucket_offsets(group, n_groups)
    fill = ptr[:-1].copy()
    order = np.empty(group.size, dtype=np.int64)
    for i in range(group.size):
        g = group[i]
        order[fill[g]] = i
        fill[g] += 1
    return ptr, order


# ------------------------------------------------------- the normal quantile
def norm_ppf(p):
    """Standard normal quantile (inverse CDF): :func:`scipy.special.ndtri`.

    Parameters
    ----------
    p : float or array_like of float in [0, 1]

    Returns
    -------
    float64 or ndarray of float64
        ``-inf`` at 0, ``inf`` at 1, ``nan`` outside [0, 1].

    Examples
    --------
    >>> float(norm_ppf(0.5)), float(norm_ppf(0.0))
    (0.0, -inf)
    """
    from scipy.special import ndtri

    return ndtri(p)


def norm_cdf(x):
    """Standard normal CDF ``Phi``: :func:`scipy.special.ndtr`.

    Parameters
    ----------
    x : float or array_like of float

    Returns
    -------
    float64 or ndarray of float64 in [0, 1]

    Examples
    --------
    >>> round(float(norm_cdf(1.0)), 6)
    0.841345
    """
    from scipy.special import ndtr

    return ndtr(x)


# Acklam's coefficients (P. J. Acklam, "An algorithm for computing the inverse
# normal cumulative distribution function", 2003; relative error below 1.2e-9).
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)
_P_LOW = 0.02425
# the smallest uniform kept away from 0 and 1 (2**-53): the quantile stays finite
_U_MIN = 1.1102230246251565e-16


@njit(cache=True, inline="always")
def _acklam(u):
    """Acklam's quantile of one float64 ``u`` in [0, 1] (clipped to ``[2**-53, 1 - 2**-53]``).

    Returns a float64; inlined into :func:`ndtri_acklam`, modifies nothing.
    """
    p = min(max(u, _U_MIN), 1.0 - _U_MIN)
    if p < _P_LOW or p > 1.0 - _P_LOW:
        q = math.sqrt(-2.0 * math.log(min(p, 1.0 - p)))
        x = ((((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5])
             / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0))
        return x if p < 0.5 else -x
    q = p - 0.5
    r = q * q
    return ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
            / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0))


@njit(cache=True)
def ndtri_acklam(u):
    """Standard normal quantile of uniform draws, by Acklam's approximation.

    The markets of :mod:`matchsim.markets` turn NumPy uniforms into normal
    draws with it (see the module docstring for why it is kept).

    Parameters
    ----------
    u : ndarray of float64, shape (n,)
        Uniform draws in [0, 1]; values within ``2**-53`` of 0 or 1 are
        clipped, so the result is always finite (at most about 8.2 in
        absolute value).

    Returns
    -------
    ndarray of float64, shape (n,)
        A new array; ``u`` is not modified.

    Notes
    -----
    1. In the central region ``0.02425 <= u <= 0.97575``, a rational function
       of ``(u - 1/2)^2`` times ``u - 1/2``.
    2. In the tails, a rational function of ``sqrt(-2 log(min(u, 1 - u)))``.

    Relative error below 1.2e-9 (Acklam 2003); one pass, ``O(n)``.

    Examples
    --------
    >>> import numpy as np
    >>> z = ndtri_acklam(np.array([0.5, 0.975, 0.0]))
    >>> z.round(6).tolist()
    [0.0, 1.959964, -8.209536]
    >>> bool(abs(z[1] - norm_ppf(0.975)) < 1e-8)
    True
    """
    out = np.empty(u.size, dtype=np.float64)
    for i in range(u.size):
        out[i] = _acklam(u[i])
    return out


_GRID = np.linspace(-9.0, 9.0, 4001)
_PHI_GRID = np.array([0.5 * math.erfc(-x / math.sqrt(2.0)) for x in _GRID])


def ndtri_grid(p):
    """Standard normal quantile by linear interpolation in a table of ``Phi``.

    The table holds ``Phi`` at 4,001 points evenly spaced on [-9, 9];
    :mod:`matchsim.markets` uses it to place programs on the quantile scale
    (see the module docstring for why it is kept).

    Parameters
    ----------
    p : array_like of float in [0, 1]

    Returns
    -------
    ndarray of float64
        Within 8e-6 of the exact quantile on [0.001, 0.999]; clipped to
        [-9, 9] (so 0 gives -9 and 1 gives 9).

    Examples
    --------
    >>> import numpy as np
    >>> ndtri_grid(np.array([0.5, 0.975, 1.0])).round(4).tolist()
    [0.0, 1.96, 9.0]
    """
    return np.interp(p, _PHI_GRID, _GRID)
