"""The list columns of the rank-list spreadsheet: ranks (one row per program) or names top to bottom.

Part of the reader :mod:`matchsim.io.rank_file`. A list column is read as
names when some cell is a program's name and not a rank; a file without a
``program`` column, whose ``preference`` and list columns all hold names, is
read by :func:`parse_names_only`. Every mistake is one
:class:`~matchsim.errors.InputError` naming the row and column.
"""

from __future__ import annotations

import numpy as np

from matchsim.advisor.inputs import RankFile
from matchsim.advisor.signals import NOT_RECORDED, default_chance
from matchsim.errors import InputError
from matchsim.io.rank_cells import filled_cells, parse_number, strip_ordinal, whole_rank
from matchsim.wording import join_names, ordinal

__all__ = ["holds_names", "list_columns", "parse_names_only"]

#: Columns that describe a program, so they need the one-row-per-program layout.
_PER_PROGRAM = ("chance", "signal", "track", "link")


def holds_names(sheet, c, known) -> bool:
    """A list column written as program names: some cell is a known name and not a rank."""
    for _, cells in sheet.body:
        cell = cells[c]
        if cell and cell.lower() in known and whole_rank(cell, sheet.decimal_comma) is None:
            return True
    return False


def _names_list(sheet, c, index):
    """A list column of program names, top to bottom: ``(ids, entry rows)``."""
    lname = sheet.header[c]
    ids, rows, seen = [], [], {}
    for line, cells in sheet.body:
        cell = cells[c]
        if not cell:
            continue
        j = index.get(cell.lower())
        if j is None:
            raise InputError(
                f'"{cell}" is not one of the programs; this column lists programs by name, top to '
                "bottom, so write each name as it is in the program column",
                file=sheet.source, row=line, column=lname)
        if j in seen:
            raise InputError(f'"{cell}" is on this list twice (also in row {seen[j]}); list each '
                             "program once", file=sheet.source, row=line, column=lname)
        seen[j] = line
        ids.append(j)
        rows.append(line)
    return ids, rows


def _ranks_list(sheet, c, names, rows, what):
    """A list column of ranks (one row per program): ``(ids, entry rows, written ranks)``."""
    lname = sheet.header[c]
    ranked, used = [], {}
    for j, line, cell in filled_cells(sheet, c, rows):
        v = whole_rank(cell, sheet.decimal_comma)
        if v is None:
            hint = ""
            if parse_number(strip_ordinal(cell), sheet.decimal_comma) is None:  # words: notes?
                shown = join_names([f'"{sheet.header[k]}"' for k in sheet.list_cols], limit=6)
                hint = (". A column not named program, preference, chance, signal, track or notes is a "
                        f"candidate list, and the columns read as candidate lists are {shown}; "
                        f'if "{lname}" holds notes, name it "notes" or start its name with "#"')
                if _is_track_word(cell):
                    hint += '; if it says each program\'s track, name it "track"'
            raise InputError(
                f'"{cell}" is not a rank; write a whole number from 1 (ranked first), '
                f"or leave the cell blank to leave the program off this {what}{hint}",
                file=sheet.source, row=line, column=lname)
        if v in used:
            raise InputError(
                f"this list ranks two programs {ordinal(v)} ({names[used[v][0]]} in row "
                f"{used[v][1]} and {names[j]}); give each program on a list its own rank",
                file=sheet.source, row=line, column=lname)
        used[v] = (j, line)
        ranked.append((v, j, line))
    ranked.sort()
    return [j for _, j, _ in ranked], [line for _, _, line in ranked], [v for v, _, _ in ranked]


def _is_track_word(cell) -> bool:
    from matchsim.io.rank_tracks import track_code

    try:
        track_code(cell)
    except ValueError:
        return False
    return bool(cell.strip())


def list_columns(sheet, cols, names, rows, known, what="list"):
    """Each list column as program ids: ``(lists, written ranks, entry rows, names columns)``."""
    index = {n.lower(): j for j, n in enumerate(names)}
    lists, written, entry_rows, by_name = {}, {}, {}, []
    for c in cols:
        lname = sheet.header[c]
        if holds_names(sheet, c, known):
            ids, lines = _names_list(sheet, c, index)
            ranks = list(range(1, len(ids) + 1))
            by_name.append(lname)
        else:
            ids, lines, ranks = _ranks_list(sheet, c, names, rows, what)
        if not ids:
            raise InputError(f'the {what} "{lname}" ranks no programs; fill in ranks or delete the column',
                             file=sheet.source, row=sheet.header_row, column=lname)
        lists[lname] = np.array(ids, dtype=np.int64)
        written[lname] = np.array(ranks, dtype=np.int64)
        entry_rows[lname] = lines
    return lists, written, entry_rows, by_name


def parse_names_only(sh, encoding, ignored, sheet) -> RankFile:
    """The layout without a program column: the true order and every list written as names."""
    source = sh.source
    per_program = [r for r in _PER_PROGRAM if r in sh.col]
    c_pref = sh.col["preference"]
    names, index = [], {}
    for c in [c_pref] + sh.list_cols + sh.supp_cols:
        for line, cells in sh.body:
            cell = cells[c]
            if cell and whole_rank(cell, sh.decimal_comma) is not None:
                raise InputError(
                    'no "program" column; name the column of program names "program" (or, to write '
                    "every list as program names top to bottom, write names in the preference column "
                    "too)", file=source, row=sh.header_row)
            if cell and cell.lower() not in index and c == c_pref:
                index[cell.lower()] = len(names)
                names.append(cell)
    if per_program or not names:
        raise InputError(
            'no "program" column; name the column of program names "program"'
            + (f' (the column "{sh.name(per_program[0])}" needs one row per program)' if per_program else ""),
            file=source, row=sh.header_row)
    pref_ids, _ = _names_list(sh, c_pref, index)
    known = set(index)
    for c in sh.list_cols + sh.supp_cols:  # a program on a list but not in the true order: unacceptable
        for line, cells in sh.body:
            cell = cells[c]
            if cell and cell.lower() not in index:
                index[cell.lower()] = len(names)
                names.append(cell)
    known = set(index)
    preference = np.zeros(len(names), dtype=np.int64)
    preference[pref_ids] = np.arange(1, len(pref_ids) + 1)
    lists, written_ranks, _, by_name = list_columns(sh, sh.list_cols, names, [], known)
    supp, supp_ranks, supp_rows, supp_names = list_columns(sh, sh.supp_cols, names, [], known,
                                                            "supplemental list")
    if supp:
        from matchsim.io.rank_tracks import supplemental_checks

        supplemental_checks(sh, names, None, supp, supp_rows)
    signal = [NOT_RECORDED] * len(names)
    chance = np.array([default_chance(s) for s in signal], dtype=np.float64)
    return RankFile(
        programs=tuple(names),
        preference=preference,
        chance=chance,
        chance_given=np.zeros(len(names), dtype=bool),
        signal=tuple(signal),
        lists=lists,
        source=source,
        rows=np.zeros(len(names), dtype=np.int64),
        written_ranks=written_ranks,
        written_preference=preference.copy(),
        ignored=ignored,
        encoding=encoding,
        names_layout=tuple([sh.name("preference")] + by_name + supp_names),
        sheet=sheet,
    )
