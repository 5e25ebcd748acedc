"""Checks on candidate rank lists, each with the reason it matters.

* **gaps**: the list's ranks (or the preference column) skip numbers
  (``1, 2, 7``). Only the order counts, so it is read as 1st, 2nd, 3rd; the
  check says so, in case a program is missing.
* **inversion**: the list puts a program above one you prefer. By the menu
  argument (:mod:`matchsim.advisor.menu`) this can never help and hurts
  whenever both programs would take you.
* **left off**: a program you would accept is missing. Leaving a program off
  can only lose you a match.
* **unacceptable**: the list ranks a program you marked as one you would rather
  not match at (blank preference). A Match there is binding.
* **base fee**: more than 20 programs on a primary list; the NRMP charges an
  additional fee for each program beyond 20.
* **rank limit**: more than 300 ranks; the NRMP does not accept such a list.
* **identical**: two candidate lists are the same list.
* **true order**: the list is exactly your true order with every acceptable
  program: the list to submit.

Examples
--------
>>> import numpy as np
>>> cs = check_lists(("A", "B", "C"), np.array([1, 2, 3]),
...                  {"x": np.array([1, 0, 2]), "y": np.array([1, 0, 2])})
>>> [(c.list_name, c.kind) for c in cs]
[('x', 'inversion'), ('y', 'inversion'), ('y', 'identical')]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.advisor.inputs import true_order
from matchsim.constants import NRMP_MAX_RANKS
from matchsim.wording import join_names, number_runs, ordinal

__all__ = ["ListCheck", "check_lists", "NRMP_BASE_FEE_PROGRAMS", "NRMP_MAX_RANKS", "CHECK_KINDS"]

#: Programs on a primary rank list covered by the NRMP's base registration fee.
NRMP_BASE_FEE_PROGRAMS = 20

#: Every kind of check, in the order they are reported.
CHECK_KINDS = ("true order", "gaps", "inversion", "left off", "unacceptable", "base fee",
               "rank limit", "identical")


@dataclass(frozen=True)
class ListCheck:
    """One finding about one list.

    Attributes
    ----------
    list_name : str or None
        The list, or None for the preference column (your true order).
    kind : str
        One of :data:`CHECK_KINDS`.
    message : str
        Plain-language explanation, including why it matters.
    ok : bool
        True for good news (``"true order"``), False for a warning.
    """

    list_name: str
    kind: str
    message: str
    ok: bool = False


def inversions(preference, ranked) -> list[tuple[int, int]]:
    """Pairs ``(a, b)`` where ``a`` is listed above ``b`` but ``b`` is preferred.

    Only acceptable programs count (preference > 0).

    Examples
    --------
    >>> inversions([1, 2, 3], [2, 0, 1])
    [(2, 0), (2, 1)]
    """
    pref = np.asarray(preference)
    out = []
    ranked = [int(p) for p in ranked if pref[p] > 0]
    for i, a in enumerate(ranked):
        for b in ranked[i + 1:]:
            if pref[b] < pref[a]:
                out.append((a, b))
    return out


def _gaps(written, what):
    """``"has no ranks 3 to 6: ... read as 1st to 3rd"``, or None when ``written`` is 1..k."""
    values = sorted(int(v) for v in written if v > 0)
    k = len(values)
    if not values or values == list(range(1, k + 1)):
        return None
    missing = sorted(set(range(1, values[-1])) - set(values))
    read = "1st" if k == 1 else f"1st to {ordinal(k)}"
    return (f"has no {what if len(missing) == 1 else what + 's'} {number_runs(missing)}: only the order "
            f"counts, so its {what}s {join_names(values, limit=6)} are read as {read}. If a program is "
            "missing, add it.")


def check_lists(programs, preference, lists, *, written_ranks=None,
                written_preference=None, supplemental=False) -> list[ListCheck]:
    """Check every candidate list; see the module docstring for the kinds.

    Parameters
    ----------
    programs : sequence of str
        Program names (program ``j`` is ``programs[j]``).
    preference : ndarray of int
        True order, 1 = most wanted, 0 = unacceptable.
    lists : dict of str -> ndarray of int
        Candidate lists as program ids, first to last.
    written_ranks : dict of str -> ndarray of int, optional
        Each list's ranks as written (for the ``gaps`` check).
    written_preference : ndarray of int, optional
        The preference column as written (0 = blank), for a ``gaps`` check
        with ``list_name`` None.
    supplemental : bool
        The lists are supplemental lists of PGY-1 programs and ``preference``
        the PGY-1 true order (no fee or rank-limit checks; the wording says so).

    Returns
    -------
    list of ListCheck
        Grouped by list, in :data:`CHECK_KINDS` order within a list.
    """
    pref = np.asarray(preference, dtype=np.int64)
    truthful = true_order(pref)

    def label(p):
        return f"{programs[p]} ({ordinal(int(pref[p]))})" if pref[p] > 0 else programs[p]

    out = []
    seen = {}
    order = "true order of PGY-1 programs" if supplemental else "true order"
    if written_preference is not None:
        gap = _gaps(written_preference, "preference")
        if gap:
            out.append(ListCheck(None, "gaps", f"Your {order} {gap}"))
    for name, ranked in lists.items():
        ranked = np.asarray(ranked, dtype=np.int64)
        key = tuple(ranked.tolist())
        if np.array_equal(ranked, truthful):
            out.append(ListCheck(name, "true order",
                                 f'"{name}" is your {order} and includes every program you would '
                                 "accept: no list can do better in any Match.", ok=True))
        gap = _gaps(written_ranks[name], "rank") if written_ranks is not None else None
        if gap:
            out.append(ListCheck(name, "gaps", f'"{name}" {gap}'))
        inv = inversions(pref, ranked)
        if inv:
            moved = {}
            for a, b in inv:
                moved.setdefault(a, []).append(b)
            parts = [f"{label(a)} above {join_names([label(b) for b in bs], 3)}"
                     for a, bs in moved.items()]
            out.append(ListCheck(
                name, "inversion",
                f'"{name}" departs from your true order in {len(inv)} '
                f'{"place" if len(inv) == 1 else "places"}: it ranks {join_names(parts, 3)}. '
                "Ranking a program above one you prefer never helps and costs you the better "
                "program whenever both would take you."))
        off = [p for p in truthful if p not in set(key)]
        if off:
            out.append(ListCheck(
                name, "left off",
                f'"{name}" leaves off {len(off)} {"program" if len(off) == 1 else "programs"} you '
                f"would accept: {join_names([label(p) for p in off])}. Leaving a program off can only "
                "lose you a match, never gain you one."))
        bad = [p for p in ranked if pref[p] == 0]
        if bad:
            out.append(ListCheck(
                name, "unacceptable",
                f'"{name}" ranks {join_names([programs[p] for p in bad])}, which you marked as '
                "rather not matching at (blank preference). A Match there is binding; leave "
                f'{"it" if len(bad) == 1 else "them"} off unless you would really go.'))
        if ranked.size > NRMP_BASE_FEE_PROGRAMS and not supplemental:
            out.append(ListCheck(
                name, "base fee",
                f'"{name}" ranks {ranked.size} programs; the NRMP base fee covers '
                f"{NRMP_BASE_FEE_PROGRAMS} on a primary list and each extra program costs an "
                "additional fee (worth paying for a program you would accept)."))
        if ranked.size > NRMP_MAX_RANKS and not supplemental:
            out.append(ListCheck(
                name, "rank limit",
                f'"{name}" has {ranked.size} ranks; the NRMP accepts at most {NRMP_MAX_RANKS}, so it '
                "cannot be certified as it is."))
        if key in seen:
            out.append(ListCheck(
                name, "identical",
                f'"{name}" is identical to "{seen[key]}": the two columns are the same list.'))
        else:
            seen[key] = name
    return out
