"""Read the rank-list spreadsheet: one row per program, one column per candidate list.

The file format
---------------
A CSV file as Excel, Numbers or Google Sheets saves it. Row 1 holds the column
names; every later row is one program you interviewed at.

``program`` (required)
    The program's name. Quoted names with commas are fine.
``preference`` (required)
    Your true order: 1 = the program you want most, 2 = the next, ... Leave it
    blank for a program you would rather not match at than go to (an
    *unacceptable* program).
``chance`` (optional)
    Your estimate of the chance that the program would take you if you ranked
    it first: ``0.6``, ``60%`` or ``60`` (a column whose plain numbers go above
    1 is read as percentages). Blank: a default from ``signal`` is used, and the
    output says it is an assumption (see :mod:`matchsim.advisor.signals`).
``signal`` (optional)
    What the program told you: ``none``, ``interested``, ``ranked highly`` or
    ``ranked to match`` (common spellings are understood).
``notes`` / ``comment`` (optional)
    Ignored.
every other column
    One candidate rank list, named by its header. A cell holds that program's
    rank on the list (1 = ranked first); blank = left off. Only the order of
    the ranks matters, so 1, 2, 5 is the same list as 1, 2, 3.

What spreadsheets produce is tolerated: a byte-order mark, ``;`` or tab
separators (with decimal commas in ``;`` files), Windows line ends, empty rows,
trailing empty columns, ``%`` signs, ranks written ``3.0`` or ``3rd``. Real mistakes stop
the reading with one :class:`~matchsim.errors.InputError` naming the file,
row, column and what to do.

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

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matchsim.advisor.signals import DEFAULT_CHANCE, SIGNALS, canonical_signal
from matchsim.errors import InputError

__all__ = ["RankFile", "read_rank_file", "parse_rank_text", "UNACCEPTABLE"]

#: ``preference`` value of a program left blank in the preference column.
UNACCEPTABLE = 0

_PROGRAM = ("program", "programme", "program name", "programme name", "name")
_PREFERENCE = ("preference", "true order", "true preference", "my order", "pref")
_CHANCE = ("chance", "probability", "chance of acceptance")
_SIGNAL = ("signal", "what they said", "program said", "statement")
_IGNORED = ("notes", "note", "comment", "comments")


@dataclass(frozen=True, eq=False)
class RankFile:
    """An applicant's programs, true order, chances and candidate lists.

    Attributes
    ----------
    programs : tuple of str
        Program names, in file order; program ``j`` is ``programs[j]``.
    preference : ndarray of int64, shape (n_programs,)
        True order (1 = most wanted), or ``UNACCEPTABLE`` (0).
    chance : ndarray of float64, shape (n_programs,)
        Chance (0-1) that each program would take the applicant.
    chance_given : ndarray of bool, shape (n_programs,)
        False where ``chance`` is the signal default, an assumption.
    signal : tuple of str
        Canonical signal of each program (see :data:`matchsim.advisor.signals.SIGNALS`).
    lists : dict of str -> ndarray of int64
        Each candidate list as program ids, ranked first to last.
    source : str
        The file name, for messages.
    rows : ndarray of int64
        Spreadsheet row of each program (header = row 1).
    """

    programs: tuple
    preference: np.ndarray
    chance: np.ndarray
    chance_given: np.ndarray
    signal: tuple
    lists: dict
    source: str = "<input>"
    rows: np.ndarray = field(default=None, repr=False)

    @property
    def n_programs(self) -> int:
        return len(self.programs)

    def true_order(self) -> np.ndarray:
        """Program ids of the acceptable programs, most wanted first (the truthful list).

        Examples
        --------
        >>> f = parse_rank_text("program,preference,a\\nX,2,1\\nY,1,\\nZ,,2\\n")
        >>> f.true_order().tolist()
        [1, 0]
        """
        ok = np.flatnonzero(self.preference != UNACCEPTABLE)
        return ok[np.argsort(self.preference[ok], kind="stable")]


def read_rank_file(path) -> RankFile:
    """Read a rank-list CSV file (see the module docstring for the format).

    Parameters
    ----------
    path : str or path-like
        The CSV file.

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
    path = Path(path)
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("this is a spreadsheet workbook (Excel or similar), not a CSV file; "
                         "save the sheet as CSV (File > Save As > CSV) and use that file",
                         file=path.name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return parse_rank_text(text, source=path.name)


def _pick_delimiter(first_line: str) -> str:
    counts = {d: len(next(csv.reader([first_line], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _clean(cell) -> str:
    return " ".join(str(cell).replace("\u00a0", " ").split())


def _header_key(cell: str) -> str:
    return _clean(cell).lower()


def _strip_ordinal(text: str) -> str:
    """``"3rd"`` -> ``"3"`` (people write ranks as ordinals); anything else unchanged.

    Examples
    --------
    >>> _strip_ordinal("3rd"), _strip_ordinal("21ST"), _strip_ordinal("first")
    ('3', '21', 'first')
    """
    t = text.strip()
    if len(t) > 2 and t[:-2].isdigit() and t[-2:].lower() in ("st", "nd", "rd", "th"):
        return t[:-2]
    return t


def _whole_rank(cell, decimal_comma):
    """The cell as a whole number from 1 (``"3"``, ``"3.0"``, ``"3rd"``), or None."""
    v = _number(_strip_ordinal(cell), decimal_comma)
    if v is None or v < 1 or v != int(v):
        return None
    return int(v)


def _number(text: str, decimal_comma: bool):
    t = text.strip().replace(" ", "")
    if decimal_comma and "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_rank_text(text: str, source: str = "<input>") -> RankFile:
    """Parse the text of a rank-list CSV file; see :func:`read_rank_file`.

    Examples
    --------
    >>> parse_rank_text("program;preference;chance;A\\r\\nMercy;1;12,5%;1\\r\\n").chance.tolist()
    [0.125]
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None:
        raise InputError("the file is empty; add a header row and one row per program",
                         file=source, row=1)
    delim = _pick_delimiter(first)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))

    # -- header
    hrow = next(i for i, r in enumerate(rows) if any(_clean(c) for c in r))
    header = [_clean(c) for c in rows[hrow]]
    hline = hrow + 1
    while header and not header[-1]:
        header.pop()
    role = {}
    seen = {}
    for c, name in enumerate(header):
        key = _header_key(name)
        if not key:
            role[c] = "blank"
            continue
        if key in seen:
            raise InputError(
                f'the column name "{name}" is used twice (columns {seen[key] + 1} and {c + 1}); '
                "give every column its own name", file=source, row=hline, column=name)
        seen[key] = c
        if key in _PROGRAM and "program" not in role.values():
            role[c] = "program"
        elif key in _PREFERENCE and "preference" not in role.values():
            role[c] = "preference"
        elif key in _CHANCE and "chance" not in role.values():
            role[c] = "chance"
        elif key in _SIGNAL and "signal" not in role.values():
            role[c] = "signal"
        elif key in _IGNORED:
            role[c] = "ignored"
        else:
            role[c] = "list"
    col = {v: k for k, v in role.items() if v in ("program", "preference", "chance", "signal")}
    if "program" not in col:
        raise InputError('no "program" column; name the column of program names "program"',
                         file=source, row=hline)
    if "preference" not in col:
        raise InputError('no "preference" column; add one with your true order (1 = most wanted)',
                         file=source, row=hline)
    list_cols = [c for c, r in role.items() if r == "list"]
    if not list_cols:
        raise InputError(
            "no candidate-list columns; add one column per rank list you are considering "
            "(the cell is the program's rank on that list, blank = left off)",
            file=source, row=hline)

    # -- body
    decimal_comma = delim == ";"
    body = []
    for i in range(hrow + 1, len(rows)):
        cells = [_clean(c) for c in rows[i]]
        if not any(cells):
            continue
        line = i + 1
        for c in range(len(header), len(cells)):
            if cells[c]:
                raise InputError(
                    f'the cell "{cells[c]}" is in column {c + 1}, which has no name in row 1; '
                    "give the column a name or delete the cell", file=source, row=line)
        for c, r in role.items():
            if r == "blank" and c < len(cells) and cells[c]:
                raise InputError(
                    f'the cell "{cells[c]}" is in column {c + 1}, which has no name in row 1; '
                    "give the column a name or delete the cell", file=source, row=line)
        cells += [""] * (len(header) - len(cells))
        body.append((line, cells))
    if not body:
        raise InputError("the file has a header but no programs; add one row per program",
                         file=source, row=hline + 1)

    pname = header[col["program"]]
    names, lines_of = [], []
    first_row = {}
    for line, cells in body:
        name = cells[col["program"]]
        if not name:
            filled = [header[c] for c in range(len(header)) if c != col["program"] and cells[c]]
            raise InputError(
                f'this row has no program name but fills "{filled[0]}"; '
                "write the program's name or delete the row", file=source, row=line, column=pname)
        key = name.lower()
        if key in first_row:
            raise InputError(
                f'"{name}" is already in row {first_row[key]}; list each program once',
                file=source, row=line, column=pname)
        first_row[key] = line
        names.append(name)
        lines_of.append(line)

    n = len(names)
    # -- preference
    prname = header[col["preference"]]
    preference = np.zeros(n, dtype=np.int64)
    pref_row = {}
    for j, (line, cells) in enumerate(body):
        cell = cells[col["preference"]]
        if not cell:
            continue
        v = _whole_rank(cell, decimal_comma)
        if v is None:
            raise InputError(
                f'"{cell}" is not a preference; write a whole number (1 = the program you want most), '
                "or leave it blank for a program you would rather not match at",
                file=source, row=line, column=prname)
        if v in pref_row:
            raise InputError(
                f"preference {v} is given twice (also in row {pref_row[v]}); "
                "give every program its own place in your true order",
                file=source, row=line, column=prname)
        pref_row[v] = line
        preference[j] = v
    acc = np.flatnonzero(preference)
    if acc.size == 0:
        raise InputError(
            "no program has a preference; number the programs in your true order (1 = most wanted)",
            file=source, row=hline, column=prname)
    # only the order matters: renumber 1..k
    order = acc[np.argsort(preference[acc], kind="stable")]
    preference[order] = np.arange(1, acc.size + 1)

    # -- signal
    signal = ["none"] * n
    if "signal" in col:
        sname = header[col["signal"]]
        for j, (line, cells) in enumerate(body):
            s = canonical_signal(cells[col["signal"]])
            if s is None:
                raise InputError(
                    f'"{cells[col["signal"]]}" is not a signal we know; write one of '
                    + ", ".join(f'"{k}"' for k in SIGNALS) + " (or leave it blank)",
                    file=source, row=line, column=sname)
            signal[j] = s

    # -- chance
    chance = np.array([DEFAULT_CHANCE[s] for s in signal], dtype=np.float64)
    given = np.zeros(n, dtype=bool)
    if "chance" in col:
        cname = header[col["chance"]]
        parsed = []
        for j, (line, cells) in enumerate(body):
            cell = cells[col["chance"]]
            if not cell:
                parsed.append(None)
                continue
            pct = cell.endswith("%")
            v = _number(cell.rstrip("%"), decimal_comma)
            if v is None:
                raise InputError(
                    f'"{cell}" is not a chance; write a number such as 0.6 or 60%, or leave it blank',
                    file=source, row=line, column=cname)
            parsed.append((line, cell, v, pct))
        plain_pct = any(p is not None and not p[3] and p[2] > 1 for p in parsed)
        for j, p in enumerate(parsed):
            if p is None:
                continue
            line, cell, v, pct = p
            frac = v / 100 if (pct or plain_pct) else v
            if not 0 <= frac <= 1:
                raise InputError(
                    f'a chance of "{cell}" is impossible; write a number from 0 to 1 or from 0% to 100%',
                    file=source, row=line, column=cname)
            chance[j] = frac
            given[j] = True

    # -- candidate lists
    lists = {}
    for c in list_cols:
        lname = header[c]
        ranked = []
        used = {}
        for j, (line, cells) in enumerate(body):
            cell = cells[c]
            if not cell:
                continue
            v = _whole_rank(cell, decimal_comma)
            if v is None:
                raise InputError(
                    f'"{cell}" is not a rank; write a whole number from 1 (ranked first), '
                    "or leave the cell blank to leave the program off this list",
                    file=source, row=line, column=lname)
            if v in used:
                raise InputError(
                    f"this list ranks two programs {_ordinal(v)} ({names[used[v][0]]} in row "
                    f"{used[v][1]} and {names[j]}); give each program on a list its own rank",
                    file=source, row=line, column=lname)
            used[v] = (j, line)
            ranked.append((v, j))
        if not ranked:
            raise InputError(
                f'the list "{lname}" ranks no programs; fill in ranks or delete the column',
                file=source, row=hline, column=lname)
        ranked.sort()
        lists[lname] = np.array([j for _, j in ranked], dtype=np.int64)

    return RankFile(
        programs=tuple(names),
        preference=preference,
        chance=chance,
        chance_given=given,
        signal=tuple(signal),
        lists=lists,
        source=source,
        rows=np.array(lines_of, dtype=np.int64),
    )


def _ordinal(k: int) -> str:
    """``1 -> '1st'``, ``2 -> '2nd'``, ``11 -> '11th'``.

    Examples
    --------
    >>> [_ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd']
    """
    if 10 <= k % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"

