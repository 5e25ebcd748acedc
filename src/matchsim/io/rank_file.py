"""Read the rank-list spreadsheet: one row per program, one column per candidate list.

The file format
---------------
A CSV file as Excel, Numbers or Google Sheets saves it. The first row holds
the column names (rows above it that start with ``#`` are comments, as in
the template :func:`matchsim.io.rank_template.write_rank_template` writes); every later row is one
program you interviewed at.

``program`` (required)
    The program's name. Quoted names with commas are fine.
``preference`` (required)
    Your true order: 1 = the program you want most, 2 = the next, ... Leave it
    blank for a program you would rather not match at than go to (an
    *unacceptable* program).
``chance`` (optional)
    Your estimate of the chance that the program would take you if you ranked
    it first: ``0.6``, ``60%`` or ``60``. A ``%`` sign says what a number is;
    plain numbers are fractions when all of them are at most 1 and percentages
    when all are above 1, and a column holding both (``60`` and ``0.5``) is an
    error naming the rows. Blank: a default from ``signal`` is used, and the
    output says it is an assumption (see :mod:`matchsim.advisor.signals`).
``signal`` (optional)
    What the program told you: ``none``, ``interested``, ``ranked highly`` or
    ``ranked to match`` (common spellings and the phrases themselves, such as
    "you will be ranked highly", are understood). Blank: no message recorded.
``notes`` / ``comment`` (optional)
    Ignored, as is any column whose name starts with ``#`` or with the word
    "notes" or "comment" (``notes (interview day)``).
every other column
    One candidate rank list, named by its header. A cell holds that program's
    rank on the list (1 = ranked first); blank = left off. Only the order of
    the ranks matters, so 1, 2, 5 is the same list as 1, 2, 3.

``track`` (optional)
    ``categorical`` (blank), ``advanced`` (a PGY-2 position: you also need a
    PGY-1 year), ``preliminary`` or ``transitional`` (one-year PGY-1
    programs; ``prelim`` and ``TY`` are understood). PGY-1 programs have their
    own true order: their ``preference`` numbers count 1, 2, ... apart from
    the primary (categorical and advanced) programs.
``supplemental`` or ``supplemental: <name>`` (optional)
    A supplemental rank list of PGY-1 programs, written like a candidate list.
    With one supplemental list it is linked to every advanced program.
``link`` (optional)
    With several supplemental lists: in each advanced program's row, the name
    of the supplemental list that goes with it (``none`` for no list).

A list column may also hold program names top to bottom (first choice at the
top) instead of ranks; a file with no ``program`` column, whose ``preference``
column and list columns all hold names, is read that way as a whole (every
chance then comes from the defaults). Excel (``.xlsx``) and LibreOffice
(``.ods``) workbooks are read directly (:mod:`matchsim.io.workbook`); with
several sheets, ``sheet`` says which.

The list columns and the names-only layout are :mod:`matchsim.io.rank_lists`,
the track, supplemental and link columns :mod:`matchsim.io.rank_tracks`, cell
parsing :mod:`matchsim.io.rank_cells`. What spreadsheets produce is tolerated
(decoding, separators and row numbers come from the shared text layer,
:mod:`matchsim.io.text`): a byte-order mark,
``;`` or tab separators (with decimal commas in ``;`` files), Windows line
ends, empty rows, trailing empty columns, ``%`` signs, ranks written ``3.0`` or
``3rd``. Real mistakes stop the reading with one
:class:`~matchsim.errors.InputError` naming the file, row, column and what to
do.

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mylist.csv"
>>> _ = path.write_text("program,preference,chance,honest,safe first\\n"
...                     "Mercy,1,30%,1,2\\nCity,2,0.8,2,1\\n")
>>> f = read_rank_file(path)
>>> f.programs, f.chance.tolist(), list(f.lists)
(('Mercy', 'City'), [0.3, 0.8], ['honest', 'safe first'])
>>> [f.programs[p] for p in f.lists["safe first"]]
['City', 'Mercy']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from matchsim.advisor.inputs import UNACCEPTABLE, RankFile, true_order
from matchsim.advisor.signals import NOT_RECORDED, SIGNALS, canonical_signal, default_chance
from matchsim.errors import InputError
from matchsim.io.rank_cells import clean_cell, filled_cells, parse_number, whole_rank
from matchsim.io.rank_lists import holds_names, list_columns, parse_names_only
from matchsim.io.text import first_line, read_csv_bytes, read_rows, sniff_separator, workbook_kind
from matchsim.wording import join_names

__all__ = ["RankFile", "read_rank_file", "parse_rank_text", "UNACCEPTABLE", "COLUMN_NAMES",
           "supplemental_name", "is_comment", "parse_rows"]

#: Header names (lower case) of the columns with a fixed meaning; any other named column is a list.
COLUMN_NAMES = {
    "program": ("program", "programme", "program name", "programme name", "name"),
    "preference": ("preference", "true order", "true preference", "my order", "pref"),
    "chance": ("chance", "probability", "chance of acceptance"),
    "signal": ("signal", "what they said", "program said", "statement"),
    "track": ("track", "program track", "position type", "track type"),
    "link": ("link", "linked list", "linked to", "link to", "supplemental link"),
    "ignored": ("notes", "note", "comment", "comments"),
}

#: Columns read once each (a second column with such a name is a list).
_SINGLE = ("program", "preference", "chance", "signal", "track", "link")

#: A header starting with "#", or whose first word is note(s) or comment(s), marks a notes column.
_NOTES = re.compile(r"#|(notes?|comments?)\b")

#: A supplemental list's header: ``supplemental`` or ``supplemental: <name>`` (``supplemental list`` too).
_SUPPLEMENTAL = re.compile(r"supplemental(?: list)?\s*(?:[:\-]\s*(?P<name>.*\S))?\s*$")


def _is_notes(key: str) -> bool:
    """Whether a (lower-case) header names a notes column, which is ignored.

    Examples
    --------
    >>> [_is_notes(k) for k in ("notes", "notes (interview)", "# mine", "note: x", "notebook", "honest")]
    [True, True, True, True, False, False]
    """
    return key in COLUMN_NAMES["ignored"] or _NOTES.match(key) is not None


def supplemental_name(header: str):
    """The short name of a supplemental list column (``None`` if the header is not one).

    Examples
    --------
    >>> supplemental_name("Supplemental: prelim medicine"), supplemental_name("supplemental")
    ('prelim medicine', 'supplemental')
    >>> supplemental_name("honest") is None
    True
    """
    m = _SUPPLEMENTAL.fullmatch(" ".join(header.lower().split()))
    if m is None:
        return None
    return " ".join(header.split()).split(":", 1)[1].strip() if m.group("name") and ":" in header \
        else (m.group("name") or "supplemental")


def read_sheet_rows(path, sheet=None):
    """The rows of a CSV file or of one sheet of a workbook: ``(rows, encoding, decimal comma, sheet name)``."""
    path = Path(path)
    raw = path.read_bytes()
    kind = workbook_kind(raw)
    if kind is not None:
        from matchsim.io.workbook import read_workbook_rows

        name, rows = read_workbook_rows(path, kind, sheet, path.name)
        return rows, "workbook", False, name
    if sheet is not None:
        raise InputError(f'this is a CSV file, which has no sheets; leave out the sheet ("{sheet}")',
                         file=path.name)
    text = read_csv_bytes(raw, path.name, comment="#")
    return text.rows, text.encoding, text.separator == ";", None


def read_rank_file(path, sheet=None) -> RankFile:
    """Read a rank-list spreadsheet: a CSV file, or one sheet of an ``.xlsx`` / ``.ods`` workbook.

    Parameters
    ----------
    path : str or path-like
        The file (see the module docstring for the format).
    sheet : str, optional
        For a workbook with several sheets: the sheet to read.

    Returns
    -------
    RankFile

    Raises
    ------
    InputError
        For a mistake in the file, naming row and column.
    OSError
        If the file cannot be read.
    """
    rows, encoding, decimal_comma, name = read_sheet_rows(path, sheet)
    return parse_rows(rows, Path(path).name, encoding, decimal_comma, sheet=name)


def parse_rank_text(text: str, source: str = "<input>") -> RankFile:
    """Parse the text of a rank-list CSV file; see :func:`read_rank_file`.

    Examples
    --------
    >>> parse_rank_text("program;preference;chance;A\\r\\nMercy;1;12,5%;1\\r\\n").chance.tolist()
    [0.125]
    """
    text = text.lstrip("\ufeff")
    _, header = first_line(text, comment="#")
    separator = sniff_separator(header or "")
    return parse_rows(read_rows(text, separator), source, "utf-8", separator == ";")


# --------------------------------------------------------------- sections
class _Sheet(NamedTuple):
    """The parsed table: header names, the column of each role, the data rows."""

    source: str
    header: list
    header_row: int
    col: dict           # role -> column index, for the single columns present
    list_cols: list     # column indices of the candidate lists
    supp_cols: list     # column indices of the supplemental lists
    body: list          # (row number, cells) of every non-blank data row
    decimal_comma: bool

    def name(self, role):
        return self.header[self.col[role]]


def is_comment(cells) -> bool:
    """A row whose first non-empty cell starts with ``#`` (allowed above the column names)."""
    first = next((c for c in (clean_cell(c) for c in cells) if c), "")
    return first.startswith("#")


def _header(rows, source, need_lists=True):
    """Find the header row (the first that is not blank or a # comment) and give each column its role."""
    hrow = next((r for r in rows if any(clean_cell(c) for c in r.cells) and not is_comment(r.cells)), None)
    if hrow is None:
        raise InputError("the file is empty; add a header row and one row per program",
                         file=source, row=1)
    header = [clean_cell(c) for c in hrow.cells]
    while header and not header[-1]:
        header.pop()
    role, seen = {}, {}
    for c, name in enumerate(header):
        key = name.lower()
        if not key:
            role[c] = "blank"
            continue
        if key in seen:
            raise InputError(
                f'the column name "{name}" is used twice (columns {seen[key] + 1} and {c + 1}); '
                "give every column its own name", file=source, row=hrow.number, column=name)
        seen[key] = c
        single = next((r for r in _SINGLE if key in COLUMN_NAMES[r] and r not in role.values()), None)
        if single is not None:
            role[c] = single
        elif _is_notes(key):
            role[c] = "ignored"
        elif supplemental_name(name) is not None:
            role[c] = "supplemental"
        else:
            role[c] = "list"
    col = {r: c for c, r in role.items() if r in _SINGLE}
    if "preference" not in col:
        raise InputError('no "preference" column; add one with your true order (1 = most wanted)',
                         file=source, row=hrow.number)
    list_cols = [c for c, r in role.items() if r == "list"]
    if not list_cols and need_lists:
        raise InputError(
            "no candidate-list columns; add one column per rank list you are considering "
            "(the cell is the program's rank on that list, blank = left off)",
            file=source, row=hrow.number)
    supp_cols = [c for c, r in role.items() if r == "supplemental"]
    blank = [c for c, r in role.items() if r == "blank"]
    ignored = tuple(header[c] for c, r in role.items() if r == "ignored")
    return hrow.number, header, col, list_cols, supp_cols, blank, ignored


def _body(rows, header_row, header, blank, source):
    """The non-blank data rows as ``(row number, cells padded to the header)``."""
    body = []
    for r in rows:
        if r.number <= header_row:
            continue
        cells = [clean_cell(c) for c in r.cells]
        if not any(cells):
            continue
        beyond = [c for c in range(len(header), len(cells)) if cells[c]]
        unnamed = [c for c in blank if c < len(cells) and cells[c]]
        if beyond or unnamed:
            c = (beyond or unnamed)[0]
            raise InputError(
                f'the cell "{cells[c]}" is in column {c + 1}, which has no name in row '
                f"{header_row}; give the column a name or delete the cell", file=source, row=r.number)
        cells += [""] * (len(header) - len(cells))
        body.append((r.number, cells))
    if not body:
        raise InputError("the file has a header but no programs; add one row per program",
                         file=source, row=header_row + 1)
    return body


def _program_names(sheet):
    pname = sheet.name("program")
    c_prog = sheet.col["program"]
    known = {cells[c_prog].lower() for _, cells in sheet.body if cells[c_prog]}
    by_name = {c for c in sheet.list_cols + sheet.supp_cols if holds_names(sheet, c, known)}
    names, first_row = [], {}
    for line, cells in sheet.body:
        name = cells[c_prog]
        if not name:
            filled = [c for c in range(len(sheet.header)) if c != c_prog and cells[c]]
            if all(c in by_name for c in filled):
                continue  # a row below the programs that only continues a list written as names
            raise InputError(
                f'this row has no program name but fills "{sheet.header[filled[0]]}"; '
                "write the program's name or delete the row", file=sheet.source, row=line, column=pname)
        key = name.lower()
        if key in first_row:
            raise InputError(f'"{name}" is already in row {first_row[key]}; list each program once',
                             file=sheet.source, row=line, column=pname)
        first_row[key] = line
        names.append(name)
    return names


def _program_rows(sheet):
    """The body rows that are programs (in the table layout), in order."""
    c_prog = sheet.col["program"]
    return [(line, cells) for line, cells in sheet.body if cells[c_prog]]


def _preference(sheet, rows, pgy1):
    """The two true orders, each renumbered 1..k (only the order matters); 0 = blank.

    ``pgy1`` marks the PGY-1 programs, numbered apart from the primary ones.
    """
    prname = sheet.name("preference")
    c = sheet.col["preference"]
    preference = np.zeros(len(rows), dtype=np.int64)
    pref_row = ({}, {})
    for j, line, cell in filled_cells(sheet, c, rows):
        v = whole_rank(cell, sheet.decimal_comma)
        if v is None:
            raise InputError(
                f'"{cell}" is not a preference; write a whole number (1 = the program you want most), '
                "or leave it blank for a program you would rather not match at",
                file=sheet.source, row=line, column=prname)
        group = pref_row[int(pgy1[j])]
        if v in group:
            among = (" among your PGY-1 (preliminary and transitional) programs" if pgy1[j] else
                     " among your primary (categorical and advanced) programs" if pgy1.any() else "")
            raise InputError(
                f"preference {v} is given twice{among} (also in row {group[v]}); "
                "give every program its own place in your true order",
                file=sheet.source, row=line, column=prname)
        group[v] = line
        preference[j] = v
    if not np.any((preference != UNACCEPTABLE) & ~pgy1):
        what = "primary (categorical or advanced) program" if pgy1.any() else "program"
        raise InputError(
            f"no {what} has a preference; number the programs in your true order (1 = most wanted)",
            file=sheet.source, row=sheet.header_row, column=prname)
    written = preference.copy()
    for mask in (~pgy1, pgy1):
        ids = np.flatnonzero(mask)
        order = ids[true_order(preference[ids])]
        preference[order] = np.arange(1, order.size + 1)
    return preference, written


def _signals(sheet, rows):
    n = len(rows)
    if "signal" not in sheet.col:
        return [NOT_RECORDED] * n
    c = sheet.col["signal"]
    signal = []
    for line, cells in rows:
        try:
            s = canonical_signal(cells[c])
        except ValueError:
            raise InputError(
                f'"{cells[c]}" is not a signal we know; write one of '
                + ", ".join(f'"{k}"' for k in SIGNALS) + " (or leave it blank)",
                file=sheet.source, row=line, column=sheet.name("signal")) from None
        signal.append(s)
    return signal


def _chances(sheet, signal, rows):
    """Chance of each program (0-1) and whether it was written (False: the signal's default)."""
    chance = np.array([default_chance(s) for s in signal], dtype=np.float64)
    given = np.zeros(len(rows), dtype=bool)
    if "chance" not in sheet.col:
        return chance, given
    cname = sheet.name("chance")
    c = sheet.col["chance"]
    parsed = []
    for line, cells in rows:
        cell = cells[c]
        if not cell:
            parsed.append(None)
            continue
        pct = cell.endswith("%")
        v = parse_number(cell.rstrip("%"), sheet.decimal_comma)
        if v is None:
            raise InputError(
                f'"{cell}" is not a chance; write a number such as 0.6 or 60%, or leave it blank',
                file=sheet.source, row=line, column=cname)
        parsed.append((line, cell, v, pct))
    plain_pct = _plain_numbers_are_percentages(parsed, sheet.source, cname)
    for j, p in enumerate(parsed):
        if p is None:
            continue
        line, cell, v, pct = p
        frac = v / 100 if (pct or plain_pct) else v
        if not 0 <= frac <= 1:
            raise InputError(
                f'a chance of "{cell}" is impossible; write a number from 0 to 1 or from 0% to 100%',
                file=sheet.source, row=line, column=cname)
        chance[j] = frac
        given[j] = True
    return chance, given


def _plain_numbers_are_percentages(parsed, source, column) -> bool:
    """Whether the plain numbers (no % sign) of a chance column are percentages.

    They are fractions when all are at most 1 and percentages when all are
    above 1 (0 is 0 on both scales; a cell with a % sign says what it is).
    A column holding both is an error naming the rows on each side: reading
    0.5 as 0.5%, or 1.4 as 1.4 (140%), would change the user's number in silence.
    """
    pct = [(line, cell) for line, cell, v, is_pct in filter(None, parsed) if not is_pct and v > 1]
    frac = [(line, cell) for line, cell, v, is_pct in filter(None, parsed) if not is_pct and 0 < v <= 1]
    if pct and frac:
        # point at the side with fewer cells (the likelier slip); on a tie, the one found later
        odd = frac if len(frac) < len(pct) or (len(frac) == len(pct) and frac[0][0] > pct[0][0]) else pct

        def cells(group, one, many):
            shown = join_names([f"{cell} (row {line})" for line, cell in group], limit=3)
            return f"{shown} {one if len(group) == 1 else many}"

        raise InputError(
            f"the chance column mixes two scales: {cells(pct, 'reads as a percentage', 'read as percentages')}"
            f" but {cells(frac, 'as a fraction', 'as fractions')}; write every chance as a fraction from "
            "0 to 1 (0.6) or with a % sign (60%)", file=source, row=odd[0][0], column=column)
    return bool(pct)


def parse_rows(rows, source, encoding, decimal_comma, sheet=None, need_lists=True) -> RankFile:
    """A :class:`RankFile` from decoded rows (``matchsim.io.text`` rows with line numbers).

    ``source`` names the file in error messages; ``sheet`` the workbook sheet the rows came from;
    ``need_lists=False`` accepts a file with only the true order (a partner's file in a couple).
    """
    from matchsim.io.rank_tracks import links, supplemental_checks, tracks_column

    header_row, header, col, list_cols, supp_cols, blank, ignored = _header(rows, source, need_lists)
    body = _body(rows, header_row, header, blank, source)
    sh = _Sheet(source, header, header_row, col, list_cols, supp_cols, body, decimal_comma)
    if "program" not in col:
        return parse_names_only(sh, encoding, ignored, sheet)
    names = _program_names(sh)
    prog_rows = _program_rows(sh)
    tracks = tracks_column(sh, prog_rows)
    pgy1 = np.zeros(len(names), dtype=bool) if tracks is None else np.isin(tracks, _pgy1_codes())
    preference, written_preference = _preference(sh, prog_rows, pgy1)
    signal = _signals(sh, prog_rows)
    chance, given = _chances(sh, signal, prog_rows)
    known = {n.lower() for n in names}
    lists, written_ranks, _, by_name = list_columns(sh, list_cols, names, prog_rows, known)
    empty = [c for c in supp_cols if not any(cells[c] for _, cells in body)]  # e.g. the template's
    supp, supp_ranks, supp_rows, supp_names = list_columns(sh, [c for c in supp_cols if c not in empty],
                                                            names, prog_rows, known, "supplemental list")
    ignored = ignored + tuple(header[c] for c in empty)
    supplemental_checks(sh, names, tracks, supp, supp_rows)
    link, link_given = links(sh, names, tracks, supp, prog_rows)
    return RankFile(
        programs=tuple(names),
        preference=preference,
        chance=chance,
        chance_given=given,
        signal=tuple(signal),
        lists=lists,
        source=source,
        rows=np.array([line for line, _ in prog_rows], dtype=np.int64),
        written_ranks=written_ranks,
        written_preference=written_preference,
        ignored=ignored,
        encoding=encoding,
        tracks=tracks,
        supplemental=supp,
        link=link,
        link_given=link_given,
        supplemental_ranks=supp_ranks,
        names_layout=tuple(by_name + supp_names),
        sheet=sheet,
    )


def _pgy1_codes():
    from matchsim.extensions import PGY1_TRACKS

    return PGY1_TRACKS
