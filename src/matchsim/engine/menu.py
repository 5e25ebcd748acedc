"""An applicant's menu: the programs that would take them, everybody else fixed.

Under applicant-proposing deferred acceptance, fix every list except applicant
``a``'s. Program ``p`` is on ``a``'s *menu* when ``a`` would be matched to
``p`` by submitting the one-program list ``[p]``. Whatever list ``a``
submits, they are matched to the first program on it that is on the menu, or
are unmatched if none is.

Why: deferred acceptance is strategy-proof for applicants (Dubins & Freedman
1981; Roth 1982). If some list gets ``a`` program ``p``, then an applicant who
finds only ``p`` acceptable must do at least as well by listing just ``[p]``,
so ``[p]`` gets ``p``: the menu is exactly what ``a`` can obtain. And with
list ``L`` as true preferences, the outcome of ``L`` must be at least as good
(by ``L``) as every menu program on ``L``, while being obtainable itself. So
a truthful list picks the best menu item, reordering can only pick a worse
one, and whether ``a`` matches depends only on which programs are listed.

Examples
--------
>>> from matchsim.datasets import nrmp_example
>>> m = nrmp_example()
>>> menu = applicant_menu(m, m.applicant_id("Anderson"))
>>> m.program_label(outcome_from_menu(menu, [m.program_id("City"), m.program_id("State")]))
'State'
"""

from __future__ import annotations

import numpy as np

from matchsim.constants import UNMATCHED
from matchsim.engine.da import deferred_acceptance
from matchsim.market import Market

__all__ = ["applicant_menu", "outcome_from_menu"]


def applicant_menu(market: Market, a: int, programs=None) -> np.ndarray:
    """Which programs would take applicant ``a``, with everybody else's lists fixed.

    Parameters
    ----------
    market : Market
    a : int
        The applicant.
    programs : array_like of int, optional
        Programs to test (default: all). Each test is one run of deferred
        acceptance, so keep this to the programs that matter on big markets.

    Returns
    -------
    ndarray of bool, shape (n_programs,)
        ``True`` for programs on the menu (untested programs are ``False``).

    Raises
    ------
    ValueError
        If ``a`` is not an applicant id.

    Notes
    -----
    1. For each program ``p`` tested, give ``a`` the one-program list
       ``[p]`` (everybody else's lists unchanged).
    2. Run applicant-proposing deferred acceptance; ``p`` is on the menu
       when ``a`` is matched to it.

    One match per program tested: ``O(len(programs) * entries log
    max_capacity)``.

    Examples
    --------
    In the NRMP example, General and State would both take Anderson; City
    (the only program he listed) would not:

    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> menu = applicant_menu(m, m.applicant_id("Anderson"))
    >>> [m.program_label(p) for p in np.flatnonzero(menu)]
    ['General', 'State']
    """
    if not 0 <= a < market.n_applicants:
        raise ValueError(f"applicant id {a} is outside 0..{market.n_applicants - 1}")
    programs = np.arange(market.n_programs) if programs is None else np.asarray(programs, dtype=np.int64)
    menu = np.zeros(market.n_programs, dtype=bool)
    for p in programs:
        r = deferred_acceptance(market.with_applicant_list(a, [p]))
        menu[p] = r.assignment[a] == p
    return menu


def outcome_from_menu(menu, submitted) -> int:
    """The program an applicant gets: the first on ``submitted`` that is on ``menu``.

    Returns ``UNMATCHED`` when no program on ``submitted`` is on the menu.
    ``O(len(submitted))``.

    Examples
    --------
    >>> outcome_from_menu(np.array([False, True, True]), [0, 2, 1])
    2
    >>> outcome_from_menu(np.array([False, True, True]), [0])
    -1
    """
    menu = np.asarray(menu, dtype=bool)
    for p in submitted:
        if menu[p]:
            return int(p)
    return UNMATCHED
