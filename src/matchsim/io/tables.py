"""Long tables <-> :class:`~matchsim.market.Market`, with checks a user can act on.

A market as three tidy ("long") tables, one row per list entry:

``applicant_lists``  columns ``applicant, rank, program``
``program_lists``    columns ``program, rank, applicant``
``programs``         columns ``program, capacity``

and, optionally, ``applicants`` (column ``applicant``): everybody taking part,
in id order, which is needed only to keep applicants who rank nobody and whom
nobody ranks.

:func:`market_from_frames` checks every rule of a rank order list with whole
array operations (no Python loop per row or per participant), so a file with
the NRMP's 540,000 list entries is checked in a fraction of a second. The first
problem found becomes an :class:`~matchsim.errors.InputError` naming the file,
the row as a spreadsheet shows it (header = row 1, so row = index + 2 for a
frame read by :func:`matchsim.io.spreadsheet.read_table`), the column and what
to do.

Ids: programs are numbered in the order of the ``programs`` table; applicants
in the order of the ``applicants`` table if given, then by first appearance in
``applicant_lists``, then by first appearance in ``program_lists`` (somebody
named only on programs' lists submitted no list: that is legal, and they never
match).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matchsim.errors import InputError
from matchsim.io.escape import clip
from matchsim.constants import NRMP_MAX_RANKS
from matchsim.market import Market

__all__ = [
    "TABLES",
    "TABLE_FILES",
    "market_from_frames",
    "market_to_frames",
]

#: Table name -> required columns, in order.
TABLES = {
    "applicant_lists": ("applicant", "rank", "program"),
    "program_lists": ("program", "rank", "applicant"),
    "programs": ("program", "capacity"),
    "applicants": ("applicant",),
}

#: Table name -> file name in a CSV folder.
TABLE_FILES = {name: f"{name}.csv" for name in TABLES}

_MAX_CAPACITY = np.iinfo(np.int32).max


# ------------------------------------------------------------------ locations
@dataclass
class Source:
    """Where tables came from, so that errors can point at the right place.

    ``kind`` is ``"csv"`` (``files`` maps table -> file; row = index + 2),
    ``"frame"`` (DataFrames built in Python or read from Parquet, named by
    ``files`` when given; the index label is quoted) or
    ``"json"`` (one file; places are JSON paths such as
    ``programs.City.rank_list``, item k).
    """

    kind: str = "frame"
    files: dict | None = None
    path: str | None = None

    def file(self, table):
        if self.kind == "json":
            return str(self.path)
        if self.files and table in self.files:
            return str(self.files[table])
        return TABLE_FILES[table] if self.kind == "csv" else f"{table} table"

    def place(self, table, frame, idx) -> str:
        """How to refer to another row in a message: ``row 7``, ``index 5`` or ``item 2``."""
        if self.kind == "csv":
            return f"row {int(idx) + 2}"
        if self.kind == "json":
            return frame.at[idx, "_at"] if "_at" in frame.columns else f"item {frame.at[idx, 'rank']}"
        return f"index {_plain(idx)!r}"

    def error(self, table, frame, idx, column, message) -> InputError:
        if self.kind == "csv":
            return InputError(message, file=self.file(table), row=int(idx) + 2, column=column)
        if self.kind == "json":
            return InputError(message, file=self.path, column=_json_place(table, frame, idx, column))
        return InputError(f"index {_plain(idx)!r}: {message}", file=self.file(table), column=column)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _json_place(table, frame, idx, column):
    if idx is None:
        return table
    if "_at" in frame.columns:  # a table built from a JSON section: each row knows its JSON path
        return frame.at[idx, "_at"] + frame.attrs.get("json_keys", {}).get(column, "")
    if table == "programs":
        name = clip(frame.at[idx, "program"])
        return f"programs.{name}.capacity" if column == "capacity" else f"programs.{name}"
    if table == "program_lists":
        return f"programs.{clip(frame.at[idx, 'program'])}.rank_list[{frame.at[idx, 'rank']}]"
    if table == "applicant_lists":
        return f"applicants.{clip(frame.at[idx, 'applicant'])}[{frame.at[idx, 'rank']}]"
    return table


# ------------------------------------------------------------------- helpers
class Coded:
    """A column of names as integer codes into its distinct values (order of first appearance)."""

    def __init__(self, text):
        enc = text.dictionary_encode()
        self.codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        self.uniques = enc.dictionary.to_numpy(zero_copy_only=False).astype(object)

    def __len__(self):
        return self.codes.size

    def __getitem__(self, i):
        return self.uniques[self.codes[i]]

    def ids(self, index: pd.Index) -> np.ndarray:
        """Position of each row's name in ``index`` (-1 where absent)."""
        if self.uniques.size == 0:
            return np.zeros(0, dtype=np.int64)
        return index.get_indexer(self.uniques)[self.codes]


def text_column(frame, column):
    """The column as a pyarrow string array, stripped, missing values as ``""``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = frame[column]
    if isinstance(col.dtype, pd.ArrowDtype) or (isinstance(col.dtype, pd.StringDtype)
                                                and col.dtype.storage == "pyarrow"):
        arr = pa.array(col)
    else:
        values = col.astype(object).where(col.notna(), "").astype(str).to_numpy(dtype=object)
        arr = pa.array(values, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if frame.attrs.get("matchsim_stripped"):
        return arr
    return pc.utf8_trim_whitespace(pc.fill_null(arr, ""))


#: A cell written by :func:`matchsim.io.escape.csv_text`: one quote to remove, then quotes and a
#: formula start (an RE2 pattern for pyarrow; the same rule as ``escape.from_csv_text``).
CSV_ESCAPED_PATTERN = "^'('*[=+\\-@\t\r])"


def name_column(frame, column, table, src) -> Coded:
    """Names of a column, coded; a blank name is an error.

    Names read from CSV files lose the single quote that protects a formula-like
    name in a spreadsheet (see :func:`market_to_frames`).
    """
    import pyarrow.compute as pc

    text = text_column(frame, column)
    if src.kind == "csv":
        text = pc.replace_substring_regex(text, pattern=CSV_ESCAPED_PATTERN, replacement="\\1")
    blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise src.error(table, frame, frame.index[i], column,
                        f"the {column} name is blank; fill it in or delete the row")
    return Coded(text)


def integer_column(frame, column, table, src, *, what, low, high, hint) -> np.ndarray:
    """Parse a column of whole numbers in ``low..high`` (vectorised); int64.

    Plain digit strings (all of them, in a well-made file) are cast by
    pyarrow; anything else ("3.0", "2.5", "x", blank) goes through
    ``pandas.to_numeric``, so "3.0" is accepted and the rest are errors.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    col = frame[column]
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        num = col.to_numpy(dtype=np.float64, na_value=np.nan)
        raw = None
    else:
        raw = text_column(frame, column)
        try:  # the usual case: every cell is a plain whole number
            num = pc.cast(raw, pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64)
        except pa.ArrowException:  # not all plain whole numbers: the careful path below
            num = None
        if num is None:
            digits = pc.match_substring_regex(raw, r"^[0-9]{1,15}$").to_numpy(zero_copy_only=False)
            num = np.empty(len(raw), dtype=np.float64)
            num[digits] = pc.cast(raw.filter(pa.array(digits)), pa.int64()).to_numpy()
            other = pd.Series(raw.filter(pa.array(~digits)).to_numpy(zero_copy_only=False))
            num[~digits] = pd.to_numeric(other, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(num) | (num != np.floor(num))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = col.iloc[i] if raw is None else raw[i].as_py()
        text = clip(value).strip()
        shown = "blank" if text in ("", "nan", "None", "<NA>") else repr(text)
        raise src.error(table, frame, frame.index[i], column,
                        f"the {what} is {shown}, not a whole number; {hint}")
    for mask, rule, limit in ((num < low, "below", low), (num > high, "above", high)):
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise src.error(table, frame, frame.index[i], column,
                            f"the {what} {clip(int(num[i]), 20)} is {rule} {limit}; {hint}")
    return num.astype(np.int64)


def _check_list_table(frame, table, src, owner_col, target_col, program_index):
    """Check one long list table; return (owners, ranks, targets, program ids), names coded.

    Programs are looked up first: a misspelt program name is the likeliest
    cause of any later problem (a list that seems to lack rank 1, say).
    """
    owners = name_column(frame, owner_col, table, src)
    targets = name_column(frame, target_col, table, src)
    programs = owners if owner_col == "program" else targets
    program_ids = programs.ids(program_index)
    _unknown_program(frame, table, src, "program", program_ids, programs)
    if owner_col == "applicant":
        high = NRMP_MAX_RANKS
        hint = (f"ranks are 1, 2, 3, ... and an applicant may rank at most {NRMP_MAX_RANKS} programs "
                "(NRMP rule)")
    else:  # the NRMP limits applicants' lists only; a big program ranks hundreds
        high = _MAX_CAPACITY
        hint = "ranks are 1, 2, 3, ..."
    ranks = integer_column(frame, "rank", table, src, what="rank", low=1, high=high, hint=hint)
    o_codes = owners.codes
    # The same name twice on one list.
    key = o_codes * max(targets.uniques.size, 1) + targets.codes
    dup = pd.Series(key).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(key == key[i])[0])
        raise src.error(
            table, frame, frame.index[i], target_col,
            f'{owner_col} "{clip(owners[i])}" ranks {target_col} "{clip(targets[i])}" twice (also at '
            f"{src.place(table, frame, frame.index[first])}); keep one of the two rows",
        )
    check_ranks(frame, table, src, o_codes, owners.uniques.size, ranks,
                 lambda i: f'{owner_col} "{clip(owners[i])}"', target_col)
    return owners, ranks, targets, program_ids


def check_ranks(frame, table, src, o_codes, n_owners, ranks, owner_text, target_col):
    """Check that the ranks of each list (rows with one owner code) are exactly 1..k.

    ``owner_text(i)`` names the list of row ``i`` in a message (``applicant "Ann"``).
    With no (list, rank) pair repeated and no rank above the list's length k,
    the k ranks are 1..k; only the list with the earliest suspect row is
    looked at closely, to report its first break.
    """
    counts = np.bincount(o_codes, minlength=n_owners)
    pair = o_codes * (int(ranks.max(initial=0)) + 1) + ranks
    suspect = pd.Series(pair).duplicated().to_numpy() | (ranks > counts[o_codes])
    if not suspect.any():
        return
    o = o_codes[int(np.flatnonzero(suspect)[0])]
    rows = np.flatnonzero(o_codes == o)
    order = rows[np.argsort(ranks[rows], kind="stable")]
    s_ranks = ranks[order]
    j = int(np.flatnonzero(s_ranks != np.arange(1, rows.size + 1))[0])
    if j > 0 and s_ranks[j] == s_ranks[j - 1]:
        first, again = sorted((int(order[j - 1]), int(order[j])))
        raise src.error(
            table, frame, frame.index[again], "rank",
            f"{owner_text(again)} uses rank {s_ranks[j]} twice (also at "
            f"{src.place(table, frame, frame.index[first])}); give each {target_col} its own rank",
        )
    i = int(order[j])
    raise src.error(
        table, frame, frame.index[i], "rank",
        f"{owner_text(i)} has rank {s_ranks[j]} but no rank {j + 1}; "
        "number each list 1, 2, 3, ... without gaps",
    )


def _csr(owner_ids, ranks, target_ids, n_rows):
    """CSR arrays from checked long rows: each entry goes straight to ``ptr[owner] + rank - 1``."""
    ptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner_ids, minlength=n_rows), out=ptr[1:])
    idx = np.empty(owner_ids.size, dtype=np.int32)
    idx[ptr[owner_ids] + ranks - 1] = target_ids
    return ptr, idx


def _unknown_program(frame, table, src, column, ids, names):
    missing = ids < 0
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        programs_file = ("the programs section" if src.kind == "json"
                         else str(src.file("programs")).replace("\\", "/").rsplit("/", 1)[-1])
        raise src.error(
            table, frame, frame.index[i], column,
            f'program "{clip(names[i])}" has no entry in {programs_file}; add it with its number of '
            "positions, or correct the spelling",
        )


# ------------------------------------------------------------------ public
def market_from_frames(applicant_lists, program_lists, programs, applicants=None, *,
                       source=None) -> Market:
    """Build a :class:`Market` from three long tables, checking every rule.

    Parameters
    ----------
    applicant_lists : DataFrame
        Columns ``applicant, rank, program``: one row per entry of an
        applicant's rank order list (rank 1 = most preferred).
    program_lists : DataFrame
        Columns ``program, rank, applicant``: one row per entry of a program's
        rank order list.
    programs : DataFrame
        Columns ``program, capacity``: every program, with its number of
        positions (a whole number >= 0).
    applicants : DataFrame, optional
        Column ``applicant``: everybody taking part, in the order that fixes
        their ids. Needed only for applicants who appear on no list.
    source : Source, optional
        Where the tables came from, used in error messages (the readers in
        :mod:`matchsim.io` pass it; leave it out for your own DataFrames).

    Returns
    -------
    Market
        With applicant and program names.

    Raises
    ------
    InputError
        For the first problem found: a blank name, a rank that is not a whole
        number >= 1 (at most ``NRMP_MAX_RANKS`` = 300 on an applicant's list,
        the NRMP's limit), a rank used twice or skipped on one list, a name
        ranked twice on one list, a program missing from ``programs``, a
        program listed twice there, or a capacity that is not a whole number
        >= 0. The message names the table (or file), row and column.

    Examples
    --------
    >>> import pandas as pd
    >>> m = market_from_frames(
    ...     pd.DataFrame({"applicant": ["Ann", "Ann", "Bo"], "rank": [1, 2, 1],
    ...                   "program": ["City", "Mercy", "City"]}),
    ...     pd.DataFrame({"program": ["City", "City", "Mercy"], "rank": [1, 2, 1],
    ...                   "applicant": ["Bo", "Ann", "Ann"]}),
    ...     pd.DataFrame({"program": ["City", "Mercy"], "capacity": [1, 1]}),
    ... )
    >>> m
    Market(2 applicants, 2 programs, 2 positions, 3 applicant ranks, 3 program ranks)
    >>> market_from_frames(
    ...     pd.DataFrame({"applicant": ["Ann", "Ann"], "rank": [1, 3], "program": ["City", "Mercy"]}),
    ...     pd.DataFrame({"program": [], "rank": [], "applicant": []}),
    ...     pd.DataFrame({"program": ["City", "Mercy"], "capacity": [1, 1]}),
    ... )
    Traceback (most recent call last):
    ...
    matchsim.errors.InputError: applicant_lists table, column "rank": index 1: applicant "Ann" has rank 3 but no rank 2; number each list 1, 2, 3, ... without gaps
    """
    src = source if source is not None else Source()
    given = {"applicant_lists": applicant_lists, "program_lists": program_lists, "programs": programs}
    if applicants is not None:
        given["applicants"] = applicants
    for table, frame in given.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{table} must be a pandas DataFrame, got {type(frame).__name__}")
        missing = [c for c in TABLES[table] if c not in frame.columns]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}; expected columns "
                             f"{', '.join(TABLES[table])}", file=src.file(table), row=1 if src.kind == "csv" else None)

    # Programs and capacities.
    if len(programs) == 0:
        raise InputError("there are no programs; list every program with its capacity",
                         file=src.file("programs"))
    progs = name_column(programs, "program", "programs", src)
    if progs.uniques.size < len(progs):
        dup = pd.Series(progs.codes).duplicated().to_numpy()
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(progs.codes == progs.codes[i])[0])
        raise src.error("programs", programs, programs.index[i], "program",
                        f'program "{clip(progs[i])}" is listed twice (also at '
                        f"{src.place('programs', programs, programs.index[first])}); keep one row per program")
    program_names = progs.uniques
    capacity = integer_column(programs, "capacity", "programs", src, what="capacity", low=0,
                         high=_MAX_CAPACITY, hint="give the number of positions as a whole number, 0 or more")
    program_index = pd.Index(program_names)

    a_owner, a_rank, a_target, a_prog = _check_list_table(
        applicant_lists, "applicant_lists", src, "applicant", "program", program_index)
    p_owner, p_rank, p_target, p_prog = _check_list_table(
        program_lists, "program_lists", src, "program", "applicant", program_index)

    pieces = []
    if applicants is not None and len(applicants):
        listed = name_column(applicants, "applicant", "applicants", src)
        if listed.uniques.size < len(listed):
            i = int(np.flatnonzero(pd.Series(listed.codes).duplicated().to_numpy())[0])
            raise src.error("applicants", applicants, applicants.index[i], "applicant",
                            f'applicant "{clip(listed[i])}" is listed twice; keep one row per applicant')
        pieces.append(listed.uniques)
    pieces += [a_owner.uniques, p_target.uniques]
    applicant_names = pd.unique(np.concatenate(pieces).astype(object))
    applicant_index = pd.Index(applicant_names)
    n_a, n_p = len(applicant_names), len(program_names)

    a_ptr, a_list = _csr(a_owner.ids(applicant_index), a_rank, a_prog, n_a)
    p_ptr, p_list = _csr(p_prog, p_rank, p_target.ids(applicant_index), n_p)
    return Market.from_arrays(a_ptr, a_list, p_ptr, p_list, capacity,
                              tuple(applicant_names.tolist()), tuple(program_names.tolist()))


def _long(ptr, idx, owner_names, target_names, owner_col, target_col):
    lengths = np.diff(ptr)
    owner = np.repeat(np.asarray(owner_names, dtype=object), lengths)
    rank = np.arange(idx.size, dtype=np.int64) - np.repeat(ptr[:-1], lengths) + 1
    target = np.asarray(target_names, dtype=object)[idx] if idx.size else np.zeros(0, dtype=object)
    return pd.DataFrame({owner_col: owner, "rank": rank, target_col: target})


def market_to_frames(market: Market, *, spreadsheet: bool = False) -> dict[str, pd.DataFrame]:
    """The market as long tables, keyed by table name (the inverse of :func:`market_from_frames`).

    The ``applicants`` table is included only when some applicant submitted
    no list: it keeps them (and everybody's ids) when the tables are read back.

    With ``spreadsheet=True`` (for CSV files) names that a spreadsheet would
    run as a formula get a leading single quote
    (:func:`matchsim.io.escape.csv_text`); reading a CSV folder removes it.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> frames = market_to_frames(nrmp_example())
    >>> sorted(frames)
    ['applicant_lists', 'program_lists', 'programs']
    >>> frames["applicant_lists"].head(3)
      applicant  rank program
    0  Anderson     1    City
    1     Brown     1    City
    2     Brown     2   Mercy
    """
    an = market.applicant_labels()
    pn = market.program_labels()
    if spreadsheet:
        from matchsim.io.escape import csv_text

        an, pn = [csv_text(n) for n in an], [csv_text(n) for n in pn]
    frames = {
        "applicant_lists": _long(market.applicant_ptr, market.applicant_list, an, pn, "applicant", "program"),
        "program_lists": _long(market.program_ptr, market.program_list, pn, an, "program", "applicant"),
        "programs": pd.DataFrame({"program": np.asarray(pn, dtype=object),
                                  "capacity": market.capacity.astype(np.int64)}),
    }
    if np.any(market.applicant_list_lengths == 0):
        frames["applicants"] = pd.DataFrame({"applicant": np.asarray(an, dtype=object)})
    return frames
