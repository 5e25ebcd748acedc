"""Read a couple's spreadsheets: each partner's programs, and their joint rank lists of program pairs.

``matchsim compare mylist.csv --couple partner.csv`` reads two files:

``mylist.csv`` (yours)
    Your programs as in :mod:`matchsim.io.rank_file` (``program``,
    ``preference``, ``chance``, ``signal``, ``track``), and the couple's
    candidate **joint lists**, each as two columns named ``<list>: me`` and
    ``<list>: partner``. Row by row, top to bottom, they hold the pairs of
    the joint list, most preferred first: your program and your partner's
    program, either of which may be ``No Match`` (that partner is willing to
    go unmatched if the other matches; never both in one row).
``partner.csv``
    Your partner's programs, in the same layout (list columns in it are
    ignored: a couple ranks only through its joint list).

The couple's true joint order is the joint list named ``true order`` or
``preference`` if there is one, otherwise the first joint list.

Every mistake is one :class:`~matchsim.errors.InputError` naming the file,
row and column.

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "me.csv").write_text("program,preference,chance,honest: me,honest: partner\\n"
...                               "Mercy PM&R,1,40%,Mercy PM&R,Mercy Surgery\\n"
...                               "City PM&R,2,60%,City PM&R,No Match\\n")
>>> _ = (d / "him.csv").write_text("program,preference,chance\\nMercy Surgery,1,50%\\n")
>>> c = read_couple_files(d / "me.csv", d / "him.csv")
>>> c.names, c.joint["honest"].tolist(), c.true_order
(('honest',), [[0, 0], [1, -1]], 'honest')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchsim.advisor.inputs import RankFile
from matchsim.errors import InputError
from matchsim.extensions import NO_MATCH, is_no_match
from matchsim.io.rank_cells import clean_cell

__all__ = ["CoupleFiles", "read_couple_files", "JOINT_SIDES", "TRUE_ORDER_NAMES"]

#: The two columns of a joint list: ``<list>: me`` and ``<list>: partner``.
JOINT_SIDES = ("me", "partner")
#: A joint list with one of these names is the couple's true joint order.
TRUE_ORDER_NAMES = ("true order", "preference", "true joint order")

_JOINT = re.compile(r"(?P<name>.*\S)\s*:\s*(?P<side>me|partner)", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class CoupleFiles:
    """A couple's programs and joint lists.

    Attributes
    ----------
    me, partner : RankFile
        Each partner's programs, true order and chances.
    joint : dict of str -> ndarray of int64, shape (k, 2)
        Each joint list: your program id and your partner's, most preferred
        first; ``NO_MATCH`` (-1) for "No Match".
    true_order : str
        The joint list taken as the couple's true joint order.
    rows : dict of str -> list of int
        Spreadsheet row of each pair.
    """

    me: RankFile
    partner: RankFile
    joint: dict
    true_order: str
    rows: dict

    @property
    def names(self) -> tuple:
        return tuple(self.joint)


def _split_columns(rows, source):
    """Header row, and the joint-list columns: ``{name: {side: column index}}`` in file order."""
    from matchsim.io.rank_file import is_comment

    hrow = next((r for r in rows if any(clean_cell(c) for c in r.cells) and not is_comment(r.cells)), None)
    if hrow is None:
        raise InputError("the file is empty; add a header row and one row per program", file=source, row=1)
    joint = {}
    for c, cell in enumerate(hrow.cells):
        m = _JOINT.fullmatch(clean_cell(cell))
        if m:
            joint.setdefault(m.group("name"), {})[m.group("side").lower()] = c
    if not joint:
        raise InputError('no joint-list columns; for a couple, write each joint list as two columns named '
                         '"<list>: me" and "<list>: partner", one pair of programs per row',
                         file=source, row=hrow.number)
    for name, sides in joint.items():
        for side in JOINT_SIDES:
            if side not in sides:
                other = next(iter(sides))
                raise InputError(f'the joint list "{name}" has a column "{name}: {other}" but no '
                                 f'"{name}: {side}"; add it (one program per row, or No Match)',
                                 file=source, row=hrow.number, column=hrow.cells[sides[other]])
    return hrow, joint


def _without(rows, cols):
    from matchsim.io.text import Row

    drop = set(cols)
    return [Row(r.number, [c for i, c in enumerate(r.cells) if i not in drop]) for r in rows]


def _program_index(f: RankFile):
    return {name.lower(): j for j, name in enumerate(f.programs)}


def _joint_list(rows, hrow, name, sides, me, partner, source):
    index = (_program_index(me), _program_index(partner))
    who = ("your", "your partner's")
    files = (me.source, partner.source)
    pairs, lines, seen = [], [], {}
    for r in rows:
        if r.number <= hrow.number:
            continue
        cells = [clean_cell(r.cells[sides[s]]) if sides[s] < len(r.cells) else "" for s in JOINT_SIDES]
        if not any(cells):
            continue
        pair = []
        for k, cell in enumerate(cells):
            col = clean_cell(hrow.cells[sides[JOINT_SIDES[k]]])
            if not cell:
                raise InputError(f'this pair of "{name}" has no program for {"you" if k == 0 else "your partner"}; '
                                 'write a program or "No Match"', file=source, row=r.number, column=col)
            if is_no_match(cell):
                pair.append(NO_MATCH)
                continue
            j = index[k].get(cell.lower())
            if j is None:
                raise InputError(f'"{cell}" is not one of {who[k]} programs (in {files[k]}); write the name '
                                 'as it is in the program column, or "No Match"', file=source, row=r.number,
                                 column=col)
            pair.append(j)
        if pair == [NO_MATCH, NO_MATCH]:
            raise InputError(f'this pair of "{name}" is No Match for both of you; a pair needs a program for '
                             "at least one partner", file=source, row=r.number,
                             column=clean_cell(hrow.cells[sides["me"]]))
        key = tuple(pair)
        if key in seen:
            raise InputError(f'"{name}" ranks this pair twice (also in row {seen[key]}); rank each pair once',
                             file=source, row=r.number, column=clean_cell(hrow.cells[sides["me"]]))
        seen[key] = r.number
        pairs.append(pair)
        lines.append(r.number)
    if not pairs:
        raise InputError(f'the joint list "{name}" ranks no pairs; fill in pairs or delete its two columns',
                         file=source, row=hrow.number, column=clean_cell(hrow.cells[sides["me"]]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2), lines


def read_couple_files(mine, partner, sheet=None) -> CoupleFiles:
    """Read a couple's two spreadsheets (see the module docstring).

    Parameters
    ----------
    mine : path-like
        Your programs and the joint lists.
    partner : path-like
        Your partner's programs.
    sheet : str, optional
        The sheet of a workbook (used for both files when they are workbooks).

    Raises
    ------
    InputError
        For a mistake in either file, naming file, row and column.
    """
    from matchsim.io.rank_file import parse_rows, read_sheet_rows

    mine, partner = Path(mine), Path(partner)
    rows, enc, dc, name = read_sheet_rows(mine, sheet)
    hrow, joint_cols = _split_columns(rows, mine.name)
    cols = [c for sides in joint_cols.values() for c in sides.values()]
    me = parse_rows(_without(rows, cols), mine.name, enc, dc, sheet=name, need_lists=False)
    prow, penc, pdc, pname = read_sheet_rows(partner, sheet)
    him = parse_rows(prow, partner.name, penc, pdc, sheet=pname, need_lists=False)
    joint, lines = {}, {}
    for lname, sides in joint_cols.items():
        joint[lname], lines[lname] = _joint_list(rows, hrow, lname, sides, me, him, mine.name)
    true = next((n for n in joint if n.lower() in TRUE_ORDER_NAMES), next(iter(joint)))
    return CoupleFiles(me, him, joint, true, lines)
