"""The rank-list spreadsheet's columns for the NRMP's tracks: ``track``, supplemental lists, ``link``.

Part of the reader :mod:`matchsim.io.rank_file`. Track codes and names are
those of :mod:`matchsim.extensions` (:func:`~matchsim.extensions.parse_track`,
:data:`~matchsim.extensions.PGY1_TRACKS`); this module only adds the spellings
applicants write (``prelim``, ``TY``, ``PGY-2``) and the rules a spreadsheet can
break, each as one :class:`~matchsim.errors.InputError` naming the row and
column:

* a supplemental list ranks only PGY-1 (preliminary or transitional)
  programs, as in the NRMP;
* with several supplemental lists, a ``link`` column says which one goes with
  each advanced program (one list per advanced program); a link names a
  supplemental list of the file, or ``none``, and is written only in an
  advanced program's row.

Legal but risky choices (an advanced program with no supplemental list, a
PGY-1 program on a primary list, a supplemental list with no advanced program
to go with) are findings of the advisor, not errors.

Examples
--------
>>> track_code("Prelim"), track_code("TY"), track_code(""), track_code("PGY-2")
(2, 3, 0, 1)
"""

from __future__ import annotations

import numpy as np

from matchsim.advisor.inputs import NO_LINK
from matchsim.errors import InputError
from matchsim.extensions import ADVANCED, PGY1_TRACKS, TRACKS, parse_track
from matchsim.wording import join_names, ordinal

__all__ = ["TRACK_SPELLINGS", "NO_LINK_WORDS", "track_code", "tracks_column", "supplemental_checks",
           "links"]

#: Spellings applicants use for the tracks, beyond :data:`matchsim.extensions.TRACKS` and its aliases.
TRACK_SPELLINGS = {
    "c": "categorical", "cat": "categorical", "categorical (c)": "categorical", "pgy-1 categorical": "categorical",
    "a": "advanced", "adv": "advanced", "advanced (a)": "advanced", "pgy-2": "advanced", "pgy2": "advanced",
    "p": "preliminary", "prelim": "preliminary", "preliminary (p)": "preliminary", "pgy-1": "preliminary",
    "pgy1": "preliminary", "prelim medicine": "preliminary", "prelim surgery": "preliminary",
    "ty": "transitional", "transitional year": "transitional", "transitional (t)": "transitional",
}

#: What a link cell may say for "no supplemental list for this advanced program".
NO_LINK_WORDS = ("none", "no", "-", "no list", "n/a", "na")


def track_code(cell) -> int:
    """Track code of a ``track`` cell (blank = categorical); ``ValueError`` for anything else."""
    text = " ".join(str(cell).lower().split())
    return parse_track(TRACK_SPELLINGS.get(text, text))


def tracks_column(sheet, rows):
    """Track code of each program (int8), or None when the file has no track column."""
    if "track" not in sheet.col:
        return None
    c = sheet.col["track"]
    out = np.zeros(len(rows), dtype=np.int8)
    for j, (line, cells) in enumerate(rows):
        try:
            out[j] = track_code(cells[c])
        except ValueError:
            raise InputError(
                f'"{cells[c]}" is not a track; write categorical, advanced, preliminary or transitional '
                "(prelim and TY are understood; blank = categorical)",
                file=sheet.source, row=line, column=sheet.name("track")) from None
    return out


def supplemental_checks(sheet, names, tracks, supplemental, entry_rows) -> None:
    """A supplemental list ranks PGY-1 programs only: otherwise one error naming the cell."""
    for lname, ids in supplemental.items():
        for rank, (j, line) in enumerate(zip(ids.tolist(), entry_rows[lname]), start=1):
            code = 0 if tracks is None else int(tracks[j])
            if code in PGY1_TRACKS:
                continue
            fix = ('add a "track" column marking the PGY-1 programs "preliminary" or "transitional" '
                   "(without one, every program is categorical)" if tracks is None else
                   "take it off this list, or correct its track")
            raise InputError(
                f"{names[j]} ({ordinal(rank)} on this list) is {TRACKS[code]}, but a supplemental list "
                f"ranks only PGY-1 programs (preliminary or transitional); {fix}",
                file=sheet.source, row=line, column=sheet.header[_column_of(sheet, lname)])


def _column_of(sheet, header):
    return sheet.header.index(header)


def _list_key(name: str) -> str:
    return " ".join(name.lower().split())


def links(sheet, names, tracks, supplemental, rows):
    """The supplemental list of each advanced program: ``(link array or None, from a link column)``.

    Without a link column, the one supplemental list goes with every advanced
    program; several supplemental lists need the column.
    """
    from matchsim.io.rank_file import supplemental_name

    n = len(names)
    lnames = list(supplemental)
    advanced = np.zeros(n, dtype=bool) if tracks is None else tracks == ADVANCED
    link = np.full(n, NO_LINK, dtype=np.int64)
    if "link" not in sheet.col:
        if len(lnames) > 1:
            shown = join_names([f'"{x}"' for x in lnames], limit=len(lnames))
            raise InputError(
                f"there are {len(lnames)} supplemental lists ({shown}) and no \"link\" column, so it is "
                "not clear which advanced programs each goes with; add a column \"link\" naming, in each "
                "advanced program's row, its supplemental list (or none), or keep one supplemental list",
                file=sheet.source, row=sheet.header_row, column=lnames[1])
        if lnames:
            link[advanced] = 0
        return link, False
    cname = sheet.name("link")
    c = sheet.col["link"]
    lookup = {}
    for i, lname in enumerate(lnames):
        lookup[_list_key(lname)] = i
        lookup[_list_key(supplemental_name(lname))] = i
    shown = join_names([f'"{supplemental_name(x)}"' for x in lnames], limit=len(lnames))
    for j, (line, cells) in enumerate(rows):
        cell = cells[c]
        key = _list_key(cell)
        if not advanced[j]:
            if cell and key not in NO_LINK_WORDS:
                what = "categorical" if tracks is None else TRACKS[int(tracks[j])]
                raise InputError(
                    f"{names[j]} is {what}; only an advanced program is linked to a supplemental list, "
                    "so leave this cell blank" + ("" if tracks is not None else
                                                  ' (or mark the program "advanced" in a track column)'),
                    file=sheet.source, row=line, column=cname)
            continue
        if not cell:
            if len(lnames) == 1:
                link[j] = 0
                continue
            if not lnames:
                continue
            raise InputError(
                f"{names[j]} is advanced and its link is blank; write the supplemental list that goes "
                f"with it ({shown}) or none", file=sheet.source, row=line, column=cname)
        if key in NO_LINK_WORDS:
            continue
        if key not in lookup:
            have = f"the supplemental lists are {shown}" if lnames else "the file has no supplemental list"
            raise InputError(f'"{cell}" is not a supplemental list of this file ({have}); write one of '
                             "their names, or none", file=sheet.source, row=line, column=cname)
        link[j] = lookup[key]
    return link, True
