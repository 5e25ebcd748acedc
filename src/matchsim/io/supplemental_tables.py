"""Supplemental PGY-1 lists as long tables: ``supplemental_lists.csv`` and ``supplemental_links.csv``.

Part of :mod:`matchsim.io.market_extensions` (the file layout is described
there and in ``docs/file-formats.md``): an applicant's lists are named by the
``list`` column; each list ranks preliminary or transitional programs
(``rank`` 1, 2, ...) and is linked to one or more advanced programs of the
applicant's own primary list (a couple's partner: their side of the joint
list), each advanced program to one list. Every rule is checked with
whole-array operations and the first problem becomes one
:class:`~matchsim.errors.InputError` naming the file, row and column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matchsim.constants import NRMP_MAX_RANKS
from matchsim.errors import InputError
from matchsim.extensions import ADVANCED, PGY1_TRACKS, TRACKS, SupplementalLists
from matchsim.io.escape import clip
from matchsim.io.market_extensions import RANK_HINT, table_error, table_file, first_duplicate, coded_ids
from matchsim.io.tables import check_ranks, integer_column, name_column

__all__ = ["supplemental_lists"]


def supplemental_lists(base, lists, links, tracks, couples, src) -> SupplementalLists:
    """Check ``supplemental_lists`` and ``supplemental_links`` against ``base``; the container of both.

    Parameters
    ----------
    base : Market
        The plain market (names give the ids).
    lists, links : DataFrame
        The two tables (``links`` may be None: then every list lacks its links).
    tracks : ndarray of int8 or None
        Track code of each program, from ``programs``.
    couples : Couples or None
        The market's couples (a partner's primary list is their side of the joint list).
    src : matchsim.io.tables.Source

    Raises
    ------
    InputError
        For the first problem, naming file, row and column.
    """
    an, pn = pd.Index(base.applicant_labels()), pd.Index(base.program_labels())
    unknown_a = "is not in the market; correct the spelling (an applicant must have a list, or be on " \
                f"a program's list, or in {table_file(src, 'applicants')})"
    unknown_p = f"has no entry in {table_file(src, 'programs')}; add it with its number of positions, or correct " \
                "the spelling"
    if tracks is None:
        how = 'a "track" key' if src.kind == "json" else "a track column"
        raise InputError(f"the market has supplemental lists but {table_file(src, 'programs')} gives no program a "
                         f"track; say which programs are advanced, preliminary or transitional ({how})",
                         file=src.file("programs"), row=1 if src.kind == "csv" else None,
                         column="programs" if src.kind == "json" else None)
    owner = coded_ids(name_column(lists, "applicant", "supplemental_lists", src), an, src, "supplemental_lists", lists,
                 "applicant", "applicant", unknown_a)
    lname = name_column(lists, "list", "supplemental_lists", src)
    # one code per (applicant, list); lists of an applicant are numbered in order of first appearance
    key = owner * max(lname.uniques.size, 1) + lname.codes
    uniq, first_row, code = np.unique(key, return_index=True, return_inverse=True)
    code = code.ravel()
    order = np.lexsort((first_row, owner[first_row]))  # grouped by applicant, then by first appearance
    rank_of = np.empty(order.size, dtype=np.int64)
    rank_of[order] = np.arange(order.size)
    code = rank_of[code]
    n_lists = uniq.size
    list_owner = owner[first_row][order]
    list_name = lname.uniques[lname.codes[first_row][order]]

    def who(i):
        return f'supplemental list "{clip(lname[i])}" of "{clip(an[owner[i]])}"'

    prog = coded_ids(name_column(lists, "program", "supplemental_lists", src), pn, src, "supplemental_lists", lists,
                "program", "program", unknown_p)
    ranks = integer_column(lists, "rank", "supplemental_lists", src, what="rank", low=1, high=NRMP_MAX_RANKS,
                      hint=RANK_HINT)
    i, first = first_duplicate(code * base.n_programs + prog)
    if i is not None:
        raise table_error(src, "supplemental_lists", lists, i, "program",
                   f'{who(i)} ranks "{clip(pn[prog[i]])}" twice (also at '
                   f'{src.place("supplemental_lists", lists, lists.index[first])}); keep one of the two rows')
    not_pgy1 = ~np.isin(tracks[prog], PGY1_TRACKS)
    if not_pgy1.any():
        i = int(np.flatnonzero(not_pgy1)[0])
        raise table_error(src, "supplemental_lists", lists, i, "program",
                   f'{who(i)} ranks "{clip(pn[prog[i]])}", which is {TRACKS[tracks[prog[i]]]}; a supplemental '
                   "list ranks only PGY-1 (preliminary or transitional) programs: fix the program's track "
                   f"in {table_file(src, 'programs')} or delete the row")
    check_ranks(lists, "supplemental_lists", src, code, n_lists, ranks, who, "program")

    if links is None or len(links) == 0:
        raise table_error(src, "supplemental_lists", lists, 0, "list",
                   f"{who(0)} is linked to no advanced program; say which advanced programs it goes with in "
                   f"{table_file(src, 'supplemental_links')} (applicant,list,advanced_program)")
    l_owner = coded_ids(name_column(links, "applicant", "supplemental_links", src), an, src, "supplemental_links", links,
                   "applicant", "applicant", unknown_a)
    l_name = name_column(links, "list", "supplemental_links", src)
    name_code = pd.Index(lname.uniques).get_indexer(l_name.uniques)[l_name.codes]
    lk = np.where(name_code >= 0, l_owner * max(lname.uniques.size, 1) + name_code, -1)
    pos = np.searchsorted(uniq, lk)
    found = (lk >= 0) & (pos < uniq.size) & (uniq[np.minimum(pos, uniq.size - 1)] == lk)
    if not found.all():
        i = int(np.flatnonzero(~found)[0])
        raise table_error(src, "supplemental_links", links, i, "list",
                   f'"{clip(an[l_owner[i]])}" has no supplemental list named "{clip(l_name[i])}" in '
                   f"{table_file(src, 'supplemental_lists')}; correct the list's name")
    l_code = rank_of[pos]
    adv = coded_ids(name_column(links, "advanced_program", "supplemental_links", src), pn, src, "supplemental_links",
               links, "advanced_program", "program", unknown_p)

    def link_who(i):
        return f'supplemental list "{clip(l_name[i])}" of "{clip(an[l_owner[i]])}"'

    not_adv = tracks[adv] != ADVANCED
    if not_adv.any():
        i = int(np.flatnonzero(not_adv)[0])
        raise table_error(src, "supplemental_links", links, i, "advanced_program",
                   f'{link_who(i)} is linked to "{clip(pn[adv[i]])}", which is {TRACKS[tracks[adv[i]]]}, not '
                   "advanced; link supplemental lists to advanced (PGY-2) programs only")
    # the advanced program must be on the applicant's primary list (a partner's side of the joint list)
    n_p = base.n_programs
    keys = [np.repeat(np.arange(base.n_applicants, dtype=np.int64), base.applicant_list_lengths) * n_p
            + base.applicant_list]
    if couples is not None and couples.n_couples:
        per = np.repeat(np.arange(couples.n_couples), couples.list_lengths)
        for side in (0, 1):
            p = couples.programs[:, side]
            keys.append(couples.members[per, side][p >= 0].astype(np.int64) * n_p + p[p >= 0])
    ranked = np.isin(l_owner * n_p + adv, np.concatenate(keys))
    if not ranked.all():
        i = int(np.flatnonzero(~ranked)[0])
        raise table_error(src, "supplemental_links", links, i, "advanced_program",
                   f'{link_who(i)} is linked to "{clip(pn[adv[i]])}", which is not on '
                   f'"{clip(an[l_owner[i]])}"\'s primary list; link it to an advanced program they ranked')
    i, first = first_duplicate(l_owner * n_p + adv)
    if i is not None:
        raise table_error(src, "supplemental_links", links, i, "advanced_program",
                   f'"{clip(pn[adv[i]])}" is linked twice for "{clip(an[l_owner[i]])}" (also at '
                   f'{src.place("supplemental_links", links, links.index[first])}); link each advanced '
                   "program to one supplemental list")
    has_link = np.bincount(l_code, minlength=n_lists) > 0
    if not has_link.all():
        j = int(np.flatnonzero(~has_link)[0])
        i = int(np.flatnonzero(code == j)[0])
        raise table_error(src, "supplemental_lists", lists, i, "list",
                   f"{who(i)} is linked to no advanced program; say which advanced programs it goes with in "
                   f"{table_file(src, 'supplemental_links')}")
    ptr = np.zeros(n_lists + 1, dtype=np.int64)
    np.cumsum(np.bincount(code, minlength=n_lists), out=ptr[1:])
    programs = np.empty(code.size, dtype=np.int32)
    programs[ptr[code] + ranks - 1] = prog
    order = np.argsort(l_code, kind="stable")
    link_ptr = np.zeros(n_lists + 1, dtype=np.int64)
    np.cumsum(np.bincount(l_code, minlength=n_lists), out=link_ptr[1:])
    return SupplementalLists(list_owner, ptr, programs, link_ptr, adv[order], tuple(list_name.tolist()))
