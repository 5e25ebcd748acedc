"""The menu model: which programs would take you, and what each rank list then gives you.

The theory
----------
Fix everybody else's rank lists. Then, in applicant-proposing deferred
acceptance without couples, one applicant faces a fixed *menu*: the set of
programs that would take her. Whatever list she submits, she is matched to the
**first program on her list that is on the menu**, or is unmatched when none
is (Dubins & Freedman 1981; Roth 1982; this is the "taxation principle" of any
strategy-proof mechanism: the outcome is the best item of a menu that her own
report cannot change). Three consequences follow for every possible menu:

* her true order picks the best program on the menu, so no reordering or
  shortening of it can do better;
* whether she matches at all depends only on *which* programs are on the
  list, never on their order;
* what a program says before the Match may change her beliefs about the menu,
  never the algorithm.

The probability model
---------------------
The applicant does not know her menu. She knows (or guesses) for each program
``j`` the chance ``c_j`` that it would take her. Programs judge the same
application, so these events are positively correlated. The model is a
one-factor Gaussian copula: a common "how strong is my application" factor
``Z ~ N(0, 1)`` and independent program-specific ``e_j ~ N(0, 1)``; program
``j`` is on the menu when

    sqrt(rho) * Z + sqrt(1 - rho) * e_j  <  Phi^-1(c_j),

so each program is on the menu with probability exactly ``c_j`` and any two
programs' latent scores have correlation ``rho`` (``--correlation``, default
0.5; 0 = programs decide independently, values near 1 = they all decide
alike). Given ``Z = z`` programs are independent, with

    q_j(z) = Phi((Phi^-1(c_j) - sqrt(rho) z) / sqrt(1 - rho)),

so every outcome probability is a one-dimensional integral over ``z``, which
Gauss-Hermite quadrature computes to high accuracy (exactly when rho = 0).
For a list ``L = (l_1, l_2, ...)``

    P(matched to l_k) = E[ q_{l_k}(Z) * prod_{i<k} (1 - q_{l_i}(Z)) ].

Comparisons with the truthful list ``T`` need the joint law of the two
outcomes on the same menu: "``L`` gives ``a`` and ``T`` gives ``b``" means
``a`` and ``b`` are on the menu and every program above ``a`` on ``L`` or
above ``b`` on ``T`` is off it, again a product given ``z``.

The Monte Carlo version samples ``(Z, e)``, hence whole menus, and reads every
list's outcome off the *same* menus (common random numbers), so differences
between lists are not blurred by sampling noise.

Outcome indices: program ids ``0..n-1``; ``n`` (the last row/column of a joint
table) stands for "unmatched".

Examples
--------
Two programs, each taking you with probability 1/2, deciding independently:

>>> import numpy as np
>>> r = compare_lists(np.array([0.5, 0.5]), np.array([1, 2]),
...                   {"true": [0, 1], "swap": [1, 0], "only B": [1]}, correlation=0.0)
>>> r.p_match.round(3).tolist()
[0.75, 0.75, 0.5]
>>> r.prob.round(3).tolist()[1]  # swap: P(A), P(B), P(unmatched)
[0.25, 0.5, 0.25]
>>> r.worse.round(3).tolist(), r.better.tolist()
([0.0, 0.25, 0.5], [0.0, 0.0, 0.0])
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from matchsim.advisor.comparison import ListComparison, joint_from_outcomes
from matchsim.advisor.defaults import (
    DEFAULT_CORRELATION,
    DEFAULT_NODES,
    DEFAULT_SAMPLES,
    MAX_CORRELATION,
    METHODS,
)
from matchsim.advisor.inputs import true_order

__all__ = [
    "DEFAULT_CORRELATION",
    "exact_joint",
    "quadrature_nodes",
    "quantile_table",
    "DEFAULT_SAMPLES",
    "DEFAULT_NODES",
    "MAX_CORRELATION",
    "METHODS",
    "compare_lists",
    "validate_model",
    "validate_lists",
    "menu_thresholds",
    "acceptance_given_strength",
    "sample_menus",
    "first_on_menu",
    "p_match_of_set",
]


# ---------------------------------------------------------------- the model
def menu_thresholds(chance) -> np.ndarray:
    """``Phi^-1(chance)`` for each program (``-inf`` for 0, ``+inf`` for 1).

    Examples
    --------
    >>> menu_thresholds([0.0, 0.5, 1.0]).tolist()
    [-inf, 0.0, inf]
    """
    c = np.asarray(chance, dtype=np.float64)
    nd = NormalDist()
    out = np.empty(c.shape, dtype=np.float64)
    for i, v in enumerate(c.ravel()):
        out.flat[i] = -np.inf if v <= 0 else (np.inf if v >= 1 else nd.inv_cdf(float(v)))
    return out


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def quantile_table(t, z, a, b):
    """``q[k, j] = Phi((t_j - a z_k) / b)``, with ``Phi`` written through ``erfc``.

    The table is small (nodes x programs), so ``math.erfc`` element by element
    costs well under a millisecond.
    """
    x = (t[None, :] - a * z[:, None]) / b
    return 0.5 * _ERFC(-x / math.sqrt(2.0)).astype(np.float64)


def validate_model(chance, correlation):
    """Check the model's inputs: ``(chance as float64 array, correlation as float)``.

    Raises
    ------
    ValueError
        For a chance outside 0-1 or a correlation outside ``[0, MAX_CORRELATION]``.

    Examples
    --------
    >>> validate_model([0.5, 1.0], 0.3)[1]
    0.3
    """
    c = np.ascontiguousarray(chance, dtype=np.float64)
    if c.ndim != 1:
        raise ValueError("chance must be a 1-D array with one entry per program")
    if np.any(~np.isfinite(c)) or np.any((c < 0) | (c > 1)):
        raise ValueError("every chance must be a number from 0 to 1")
    rho = float(correlation)
    if not 0.0 <= rho <= MAX_CORRELATION:
        raise ValueError(f"correlation must be from 0 to {MAX_CORRELATION}, got {correlation}")
    return c, rho


def acceptance_given_strength(chance, z, correlation=DEFAULT_CORRELATION) -> np.ndarray:
    """Chance that each program takes you given the common factor ``Z = z``.

    Parameters
    ----------
    chance : array_like of float, shape (n_programs,)
        Unconditional chance of each program.
    z : array_like of float, shape (k,)
        Values of the common factor.
    correlation : float
        ``rho`` in ``[0, MAX_CORRELATION]``.

    Returns
    -------
    ndarray of float64, shape (k, n_programs)

    Examples
    --------
    >>> acceptance_given_strength([0.5], [0.0], 0.5).round(3).tolist()
    [[0.5]]
    """
    c, rho = validate_model(chance, correlation)
    z = np.ascontiguousarray(z, dtype=np.float64).ravel()
    return quantile_table(menu_thresholds(c), z, math.sqrt(rho), math.sqrt(1.0 - rho))


def quadrature_nodes(n_nodes):
    """Probabilists' Gauss-Hermite nodes and weights normalised to sum to 1."""
    z, w = np.polynomial.hermite_e.hermegauss(int(n_nodes))
    return z, w / w.sum()


def sample_menus(chance, n_samples=DEFAULT_SAMPLES, correlation=DEFAULT_CORRELATION, rng=None,
                 *, return_factor=False):
    """Draw menus: which programs would take you, in each of ``n_samples`` Matches.

    Parameters
    ----------
    chance : array_like of float, shape (n_programs,)
    n_samples : int
    correlation : float
    rng : None, int or numpy.random.Generator
    return_factor : bool
        Also return the common factor ``Z`` of each sample.

    Returns
    -------
    menus : ndarray of bool, shape (n_samples, n_programs)
    z : ndarray of float64, shape (n_samples,), only with ``return_factor``

    Examples
    --------
    >>> m = sample_menus([0.2, 0.9], 20_000, 0.5, rng=1)
    >>> m.mean(axis=0).round(2).tolist()
    [0.2, 0.9]
    """
    c, rho = validate_model(chance, correlation)
    n_samples = int(n_samples)
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    rng = np.random.default_rng(rng)
    z = rng.standard_normal(n_samples)
    e = rng.standard_normal((n_samples, c.size))
    e *= math.sqrt(1.0 - rho)
    e += math.sqrt(rho) * z[:, None]
    menus = e < menu_thresholds(c)
    return (menus, z) if return_factor else menus


# ------------------------------------------------------------------ kernels
# Plain NumPy on purpose: the arrays are tiny (a few hundred nodes times a few dozen programs),
# and the first numba call in a process costs about a second of start-up, more than the whole
# computation; the command line has an end-to-end target of 3 s.
def _first_on_menu(menus, lists, unmatched=-1):
    out = np.full((len(lists), menus.shape[0]), unmatched, dtype=np.int32)
    for i, lst in enumerate(lists):
        if lst.size == 0:
            continue
        sub = menus[:, lst]
        first = sub.argmax(axis=1)
        hit = sub[np.arange(sub.shape[0]), first]
        out[i, hit] = lst[first[hit]]
    return out


#: Sampled menu entries (samples x programs) drawn at once, to bound memory.
_CHUNK = 4_000_000

#: Largest nodes x (list + 1) x (true order + 1) block evaluated at once.
_BLOCK = 2_000_000


def exact_joint(q, w, lst, tru, n):
    """``joint[a, b] = P(list gives a, truthful list gives b)``; index ``n`` = unmatched.

    With ``ia``, ``ib`` positions on the two lists (``len`` = unmatched), the
    probability given ``z`` is ``q_a q_b`` times the product of ``1 - q_j``
    over ``pred_L(ia) | pred_T(ib)``. In logs that product is
    ``SL[ia] + ST[ib] - I[ia, ib]``, where ``I`` (the programs above both) is
    a two-dimensional cumulative sum; pairs that contradict each other (``b``
    above ``a`` on the list, or ``a`` above ``b`` on the true order) are masked.
    """
    nl, nt = lst.size, tru.size
    pos_l = np.full(n, -1, dtype=np.int64)
    pos_t = np.full(n, -1, dtype=np.int64)
    pos_l[lst] = np.arange(nl)
    pos_t[tru] = np.arange(nt)
    # a program that always takes you gives log(0): a large finite stand-in keeps the
    # differences finite and still makes exp() exactly 0
    sure = q >= 1.0
    lq = np.where(sure, -1.0e4, np.log1p(-np.where(sure, 0.0, q)))
    ia = np.arange(nl + 1)[:, None]
    ib = np.arange(nt + 1)[None, :]
    a_of = np.append(lst, n)
    b_of = np.append(tru, n)
    pl_b = np.append(pos_l[tru], -1)[None, :]  # position of b on the list
    pt_a = np.append(pos_t[lst], -1)[:, None]  # position of a on the true order
    b_above_a = (pl_b != -1) & (pl_b < ia) & (ib < nt)
    a_above_b = (pt_a != -1) & (pt_a < ib) & (ia < nl)
    feasible = ~(b_above_a | a_above_b)
    same = (a_of[:, None] == b_of[None, :]) & (ia < nl) & (ib < nt)
    both = np.flatnonzero((pos_l >= 0) & (pos_t >= 0))
    small = np.zeros((nl + 1, nt + 1))
    step = max(1, _BLOCK // ((nl + 1) * (nt + 1)))
    for s in range(0, w.size, step):
        qk, lk, wk = q[s:s + step], lq[s:s + step], w[s:s + step]
        sl = np.concatenate([np.zeros((qk.shape[0], 1)), np.cumsum(lk[:, lst], axis=1)], axis=1)
        st = np.concatenate([np.zeros((qk.shape[0], 1)), np.cumsum(lk[:, tru], axis=1)], axis=1)
        grid = np.zeros((qk.shape[0], nl + 1, nt + 1))
        grid[:, pos_l[both] + 1, pos_t[both] + 1] = lk[:, both]
        inter = np.cumsum(np.cumsum(grid, axis=1), axis=2)
        logp = sl[:, :, None] + st[:, None, :] - inter
        qa = np.concatenate([qk[:, lst], np.ones((qk.shape[0], 1))], axis=1)[:, :, None]
        qb = np.concatenate([qk[:, tru], np.ones((qk.shape[0], 1))], axis=1)[:, None, :]
        val = np.exp(logp) * np.where(same[None], 1.0, qa * qb) * np.where(same[None], qa, 1.0)
        small += np.tensordot(wk, val, axes=1)
    small *= feasible
    joint = np.zeros((n + 1, n + 1))
    np.add.at(joint, (a_of[:, None], b_of[None, :]), small)
    return joint


def _exact_joint_reference(q, w, lst, tru, n):
    """The same as :func:`exact_joint` with plain loops and running products (a test oracle)."""
    joint = np.zeros((n + 1, n + 1))
    for k in range(w.size):
        for ia in range(len(lst) + 1):
            a = int(lst[ia]) if ia < len(lst) else n
            for ib in range(len(tru) + 1):
                b = int(tru[ib]) if ib < len(tru) else n
                off = set(int(p) for p in lst[:ia]) | set(int(p) for p in tru[:ib])
                on = {a, b} - {n}
                if on & off:
                    continue
                joint[a, b] += w[k] * np.prod([q[k, j] for j in on]) * np.prod(
                    [1.0 - q[k, j] for j in off])
    return joint


def validate_lists(lists, n):
    """Check candidate lists of program ids ``0..n-1``: ``(names, tuple of int64 arrays)``.

    ``lists`` is a dict (name -> ids) or a sequence (named ``list 1``, ``list 2``, ...).

    Raises
    ------
    ValueError
        For no list, an id outside ``0..n-1`` or a program listed twice.

    Examples
    --------
    >>> validate_lists({"a": [1, 0]}, 2)[0], validate_lists([[0]], 1)[0]
    (('a',), ('list 1',))
    """
    if isinstance(lists, dict):
        names, seqs = tuple(map(str, lists)), list(lists.values())
    else:
        seqs = list(lists)
        names = tuple(f"list {i + 1}" for i in range(len(seqs)))
    if not seqs:
        raise ValueError("give at least one candidate list")
    out = []
    for name, s in zip(names, seqs):
        arr = np.asarray(s, dtype=np.int64).ravel()
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise ValueError(f"list {name!r} names a program id outside 0..{n - 1}")
        if np.unique(arr).size != arr.size:
            raise ValueError(f"list {name!r} names a program twice")
        out.append(arr)
    return names, tuple(out)


def compare_lists(chance, preference, lists, correlation=DEFAULT_CORRELATION, method="exact",
                  n_samples=DEFAULT_SAMPLES, rng=None, n_nodes=DEFAULT_NODES, *, tracks=None,
                  pgy1_preference=None, supplemental=(), supplemental_names=None,
                  link=None) -> ListComparison:
    """Outcome distributions of candidate lists under the menu model.

    Parameters
    ----------
    chance : array_like of float, shape (n_programs,)
        Chance (0-1) that each program would take you.
    preference : array_like of int, shape (n_programs,)
        Your true order, 1 = most wanted; 0 = unacceptable.
    lists : dict of str -> sequence of int, or sequence of sequences
        Candidate lists as program ids, first to last.
    correlation : float
        ``rho``, from 0 to ``MAX_CORRELATION``.
    method : {"exact", "sample"}
        Quadrature over the common factor, or Monte Carlo over sampled menus.
    n_samples : int
        Sampled menus (``"sample"`` only).
    rng : None, int or numpy.random.Generator
        Seed for ``"sample"``.
    n_nodes : int
        Quadrature nodes (``"exact"`` only).
    tracks : array_like of int, shape (n_programs,), optional
        Track codes (:mod:`matchsim.extensions`). With advanced programs, the
        outcome becomes a pair (primary program, PGY-1 program): see
        :mod:`matchsim.advisor.tracks`, whose tables land in
        ``ListComparison.tracks``.
    pgy1_preference : array_like of int, optional
        True order of the PGY-1 programs (0 elsewhere).
    supplemental : sequence of sequences of int
        The supplemental lists (PGY-1 program ids).
    supplemental_names : sequence of str, optional
    link : array_like of int, shape (n_programs,), optional
        Supplemental list (index) of each advanced program, -1 for none.

    Returns
    -------
    ListComparison

    Raises
    ------
    ValueError
        For a bad method, correlation, chance, preference or list.

    Examples
    --------
    >>> r = compare_lists([0.3, 0.6], [1, 2], {"honest": [0, 1], "safe": [1, 0]}, 0.5)
    >>> float(r.p_match[0] - r.p_match[1])  # order never changes P(match)
    0.0
    >>> s = compare_lists([0.3, 0.6], [1, 2], {"honest": [0, 1], "safe": [1, 0]}, 0.5,
    ...                   method="sample", n_samples=50_000, rng=3)
    >>> bool(abs(s.worse[1] - r.worse[1]) < 0.01), float(s.better.max())
    (True, 0.0)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    c, rho = validate_model(chance, correlation)
    n = c.size
    pref = np.asarray(preference, dtype=np.int64).ravel()
    if pref.size != n:
        raise ValueError(f"preference has {pref.size} entries for {n} programs")
    acc = np.flatnonzero(pref > 0)
    if np.any(pref < 0) or np.unique(pref[acc]).size != acc.size:
        raise ValueError("preference must hold distinct positive ranks (0 = unacceptable)")
    names, seqs = validate_lists(lists, n)
    truthful = true_order(pref)
    spec = _track_spec(n, tracks, pgy1_preference, supplemental, supplemental_names, link)
    track_tables = None
    if method == "exact":
        z, w = quadrature_nodes(n_nodes)
        q = quantile_table(menu_thresholds(c), z, math.sqrt(rho), math.sqrt(1.0 - rho))
        joint = np.stack([exact_joint(q, w, s, truthful, n) for s in seqs])
        used = 0
        if spec is not None:
            from matchsim.advisor.tracks import exact_track_tables

            track_tables = exact_track_tables(c, pref, seqs, *spec, rho, n_nodes)
    else:
        n_samples = int(n_samples)
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, got {n_samples}")
        rng = np.random.default_rng(rng)
        chunk = max(1, _CHUNK // max(n, 1))
        counts = np.zeros((len(seqs), n + 1, n + 1))
        parts = []
        for start in range(0, n_samples, chunk):
            size = min(chunk, n_samples - start)
            menus = sample_menus(c, size, rho, rng)
            out = first_on_menu(menus, list(seqs) + [truthful])
            counts += size * joint_from_outcomes(out[:-1], out[-1], n)
            if spec is not None:
                from matchsim.advisor.tracks import sampled_track_tables

                parts.append((size, sampled_track_tables(menus, out, pref, *spec)))
        joint = counts / n_samples
        used = n_samples
        if spec is not None:
            track_tables = _pool(parts, n_samples)
    return ListComparison(names, seqs, truthful, pref, joint, method, used, rho, track_tables)


def _track_spec(n, tracks, pgy1_preference, supplemental, supplemental_names, link):
    """The PGY-1 inputs, checked, or None when no program is advanced or PGY-1."""
    from matchsim.extensions import CATEGORICAL, TRACKS

    if tracks is None:
        return None
    tr = np.asarray(tracks, dtype=np.int8).ravel()
    if tr.size != n or np.any((tr < 0) | (tr >= len(TRACKS))):
        raise ValueError(f"tracks must hold {n} track codes from 0 to {len(TRACKS) - 1}")
    supp = tuple(np.asarray(s, dtype=np.int64).ravel() for s in supplemental)
    if np.all(tr == CATEGORICAL) and not supp:
        return None
    pp = np.zeros(n, dtype=np.int64) if pgy1_preference is None else np.asarray(pgy1_preference, dtype=np.int64)
    if pp.size != n:
        raise ValueError(f"pgy1_preference has {pp.size} entries for {n} programs")
    lk = np.full(n, -1, dtype=np.int64) if link is None else np.asarray(link, dtype=np.int64).ravel()
    if lk.size != n or np.any(lk >= len(supp)) or np.any(lk < -1):
        raise ValueError(f"link must hold, per program, a supplemental list index 0..{len(supp) - 1} or -1")
    names_ = tuple(supplemental_names) if supplemental_names is not None else tuple(
        f"supplemental {i + 1}" for i in range(len(supp)))
    validate_lists(dict(zip(names_, supp)), n) if supp else None
    return tr, pp, supp, names_, lk


def _pool(parts, total):
    """Sample-weighted mean of the track tables of several chunks of sampled menus."""
    from dataclasses import replace

    first = parts[0][1]
    mean = {k: sum(size * getattr(t, k) for size, t in parts) / total for k in ("pgy1", "truthful_pgy1", "split")}
    return replace(first, **mean)


def first_on_menu(menus, lists) -> np.ndarray:
    """Each list's outcome in each sampled menu: the first listed program on the menu.

    Parameters
    ----------
    menus : ndarray of bool, shape (n_samples, n_programs)
    lists : sequence of sequences of int

    Returns
    -------
    ndarray of int32, shape (n_lists, n_samples)
        Program id, or ``UNMATCHED`` (-1).

    Examples
    --------
    >>> import numpy as np
    >>> first_on_menu(np.array([[True, True], [False, True], [False, False]]), [[0, 1], [1, 0]]).tolist()
    [[0, 1, -1], [1, 1, -1]]
    """
    menus = np.asarray(menus, dtype=np.bool_)
    return _first_on_menu(menus, [np.asarray(x, dtype=np.int64).ravel() for x in lists])


def p_match_of_set(chance, programs, correlation=DEFAULT_CORRELATION, n_nodes=DEFAULT_NODES) -> float:
    """Exact chance of matching with a list holding ``programs`` (in any order).

    Examples
    --------
    >>> round(p_match_of_set([0.5, 0.5, 0.9], [0, 1], 0.0), 6)
    0.75
    """
    c, rho = validate_model(chance, correlation)
    progs = np.asarray(programs, dtype=np.int64).ravel()
    if progs.size == 0:
        return 0.0
    z, w = quadrature_nodes(n_nodes)
    q = quantile_table(menu_thresholds(c[progs]), z, math.sqrt(rho), math.sqrt(1.0 - rho))
    return float(1.0 - np.dot(w, np.prod(1.0 - q, axis=1)))
