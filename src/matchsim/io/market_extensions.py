"""The NRMP's variations as long tables: couples, tracks, supplemental lists, reversions, even/odd.

A market folder (:mod:`matchsim.io.market_files`) may hold, beside its three
plain tables, any of these files (see ``docs/file-formats.md``)::

    couples.csv             couple,applicant_1,applicant_2      each couple and its two partners
    couple_lists.csv        couple,rank,program_1,program_2     the joint lists, one pair per row
    supplemental_lists.csv  applicant,list,rank,program         PGY-1 programs of each supplemental list
    supplemental_links.csv  applicant,list,advanced_program     the advanced programs each list goes with
    reversions.csv          donor,receiver,positions            unfilled positions that revert

and two optional columns of ``programs.csv``: ``track`` (categorical,
advanced, preliminary, transitional; "physician" and "reserved" are
categorical) and ``even_odd`` (even, odd or blank). A blank cell or ``No
Match`` in ``program_1``/``program_2`` means that partner is willing to stay
unmatched at that rank.

:func:`extension_fields` checks these tables against the market's plain lists
with whole-array operations and turns the first problem into one
:class:`~matchsim.errors.InputError` naming the file, row and column (for a
JSON document, the JSON path) and what to do; :func:`extension_frames` writes
them back. The containers are those of :mod:`matchsim.extensions`; the
supplemental lists are read by :mod:`matchsim.io.supplemental_tables`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matchsim.constants import NO_MATCH, NRMP_MAX_RANKS
from matchsim.errors import InputError
from matchsim.extensions import EVEN_ODD, TRACKS, Couples, Reversions, is_no_match, parse_even_odd, reversion_cycle
from matchsim.io.escape import clip
from matchsim.io.tables import CSV_ESCAPED_PATTERN, check_ranks, Coded, integer_column, name_column, text_column
from matchsim.market import Market

__all__ = ["EXTENSION_TABLES", "PROGRAM_COLUMNS", "extension_fields", "extension_frames"]

#: Extension table name -> its columns, in order (file name: ``<table>.csv``).
EXTENSION_TABLES = {
    "couples": ("couple", "applicant_1", "applicant_2"),
    "couple_lists": ("couple", "rank", "program_1", "program_2"),
    "supplemental_lists": ("applicant", "list", "rank", "program"),
    "supplemental_links": ("applicant", "list", "advanced_program"),
    "reversions": ("donor", "receiver", "positions"),
}

#: Optional columns of the ``programs`` table.
PROGRAM_COLUMNS = ("track", "even_odd")

RANK_HINT = f"ranks are 1, 2, 3, ... and a list may hold at most {NRMP_MAX_RANKS} ranks (NRMP rule)"


#: Where each table lives in a JSON document, for messages.
_JSON_SECTIONS = {"applicant_lists": '"applicants"', "applicants": '"applicants"', "programs": '"programs"',
                  "couples": '"couples"', "couple_lists": '"couples"', "supplemental_lists": '"supplemental_lists"',
                  "supplemental_links": '"supplemental_lists"', "reversions": '"reversions"'}


def table_file(src, table):
    """The file (or JSON section) a message should send the user to."""
    if src.kind == "json":
        return _JSON_SECTIONS[table]
    return str(src.file(table)).replace("\\", "/").rsplit("/", 1)[-1]


def table_error(src, table, frame, i, column, message):
    """The reader's one-line error for row ``i`` (0-based within ``frame``) of ``table``, column ``column``."""
    return src.error(table, frame, frame.index[i], column, message)


def coded_ids(coded: Coded, index: pd.Index, src, table, frame, column, what, fix):
    """Ids of a coded name column in ``index``; an unknown name is an error saying ``fix``."""
    ids = coded.ids(index)
    if (ids < 0).any():
        i = int(np.flatnonzero(ids < 0)[0])
        raise table_error(src, table, frame, i, column, f'{what} "{clip(coded[i])}" {fix}')
    return ids


def first_duplicate(key):
    """``(row, first row)`` of the first key seen twice (0-based), or ``(None, None)``."""
    dup = pd.Series(key).duplicated().to_numpy()
    if not dup.any():
        return None, None
    i = int(np.flatnonzero(dup)[0])
    return i, int(np.flatnonzero(key == key[i])[0])


# ----------------------------------------------------------------- programs
def _program_codes(programs, column, src, parse):
    """One code per program row from a text column (a few distinct values, each parsed once)."""
    text = np.asarray(text_column(programs, column).to_numpy(zero_copy_only=False), dtype=object)
    uniq, inv = np.unique(text.astype(str), return_inverse=True)
    codes = np.zeros(uniq.size, dtype=np.int8)
    for k, value in enumerate(uniq.tolist()):
        try:
            codes[k] = parse(value)
        except ValueError as exc:
            i = int(np.flatnonzero(inv == k)[0])
            raise table_error(src, "programs", programs, i, column, str(exc)) from None
    return codes[inv.ravel()]


def _track(value):
    from matchsim.io.rank_tracks import track_code  # the spellings applicants write (prelim, TY, PGY-2)

    return track_code(value)


# ------------------------------------------------------------------ couples
def _couples(base, couples, lists, src):
    an = pd.Index(base.applicant_labels())
    names = name_column(couples, "couple", "couples", src)
    i, first = first_duplicate(names.codes)
    if i is not None:
        raise table_error(src, "couples", couples, i, "couple",
                   f'couple "{clip(names[i])}" is listed twice (also at '
                   f'{src.place("couples", couples, couples.index[first])}); keep one row per couple')
    known = (f"appears on no list; add them to {table_file(src, 'applicants')} (a couple's partners rank only "
             f"through the joint list), or correct the spelling")
    members = np.column_stack([
        coded_ids(name_column(couples, col, "couples", src), an, src, "couples", couples, col, "applicant", known)
        for col in ("applicant_1", "applicant_2")])
    same = members[:, 0] == members[:, 1]
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise table_error(src, "couples", couples, i, "applicant_2",
                   "the two partners are the same applicant; a couple is two different applicants")
    flat = members.ravel()
    i, first = first_duplicate(flat)
    if i is not None:
        raise table_error(src, "couples", couples, i // 2, ("applicant_1", "applicant_2")[i % 2],
                   f'applicant "{clip(an[flat[i]])}" is in two couples (also at '
                   f'{src.place("couples", couples, couples.index[first // 2])}); an applicant can be in '
                   "one couple only")
    single = base.applicant_list_lengths[flat] > 0
    if single.any():
        i = int(np.flatnonzero(single)[0])
        raise table_error(src, "couples", couples, i // 2, ("applicant_1", "applicant_2")[i % 2],
                   f'applicant "{clip(an[flat[i]])}" is in a couple and also has a single list in '
                   f"{table_file(src, 'applicant_lists')}; a couple's partners rank only through the joint "
                   "list, so delete their single list")
    k = members.shape[0]
    if lists is None or len(lists) == 0:
        return Couples(members, np.zeros(k + 1, dtype=np.int64), np.zeros((0, 2), dtype=np.int32),
                       tuple(names.uniques.tolist()))
    owner = name_column(lists, "couple", "couple_lists", src)
    c = coded_ids(owner, pd.Index(names.uniques), src, "couple_lists", lists, "couple", "couple",
             f"is not in {table_file(src, 'couples')}; add it there with its two partners, or correct the spelling")
    ranks = integer_column(lists, "rank", "couple_lists", src, what="rank", low=1, high=NRMP_MAX_RANKS,
                      hint=RANK_HINT)
    pn = pd.Index(base.program_labels())
    pairs = []
    for col in ("program_1", "program_2"):
        cells = text_column(lists, col)
        if src.kind == "csv":  # the quote that protects a formula-like name, as for every name
            import pyarrow.compute as pc

            cells = pc.replace_substring_regex(cells, pattern=CSV_ESCAPED_PATTERN, replacement="\\1")
        text = np.asarray(cells.to_numpy(zero_copy_only=False), dtype=object)
        none = np.fromiter((is_no_match(v) for v in text), dtype=bool, count=text.size)
        ids = np.full(text.size, NO_MATCH, dtype=np.int64)
        if (~none).any():
            found = pn.get_indexer(text[~none])
            if (found < 0).any():
                i = int(np.flatnonzero(~none)[int(np.flatnonzero(found < 0)[0])])
                raise table_error(src, "couple_lists", lists, i, col,
                           f'program "{clip(text[i])}" has no entry in {table_file(src, "programs")}; add it '
                           "with its number of positions, or correct the spelling (blank or No Match: "
                           "that partner stays unmatched)")
            ids[~none] = found
        pairs.append(ids)
    both = (pairs[0] == NO_MATCH) & (pairs[1] == NO_MATCH)
    if both.any():
        i = int(np.flatnonzero(both)[0])
        raise table_error(src, "couple_lists", lists, i, "program_1",
                   "both partners are No Match; each rank needs a program for at least one partner")
    key = (c * (base.n_programs + 1) + pairs[0] + 1) * (base.n_programs + 1) + pairs[1] + 1
    i, first = first_duplicate(key)
    if i is not None:
        raise table_error(src, "couple_lists", lists, i, "program_1",
                   f'couple "{clip(owner[i])}" ranks this pair twice (also at '
                   f'{src.place("couple_lists", lists, lists.index[first])}); keep one of the two rows')
    check_ranks(lists, "couple_lists", src, c, k, ranks, lambda i: f'couple "{clip(owner[i])}"', "pair")
    ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(c, minlength=k), out=ptr[1:])
    programs = np.empty((c.size, 2), dtype=np.int32)
    at = ptr[c] + ranks - 1
    programs[at, 0], programs[at, 1] = pairs
    return Couples(members, ptr, programs, tuple(names.uniques.tolist()))


def short_couple_rows(rows, header_width, columns):
    """Spreadsheet row numbers of ``couple_lists.csv`` rows that lack a partner's cell altogether.

    ``rows`` are the text layer's rows (header first); ``columns`` the
    header's names. A row that stops before the ``program_2`` cell (three
    cells where the header names four) is an odd number of cells for a list
    of pairs: never read as "No Match" by guess.
    """
    need = max(columns.index("program_1"), columns.index("program_2")) + 1
    return [r.number for r in rows[1:] if any(c.strip() for c in r.cells) and len(r.cells) < need]


# ---------------------------------------------------------------- reversions
def _reversions(base, rev, src):
    pn = pd.Index(base.program_labels())
    fix = f"has no entry in {table_file(src, 'programs')}; correct the spelling"
    donor, receiver = (coded_ids(name_column(rev, col, "reversions", src), pn, src, "reversions", rev, col, "program", fix)
                       for col in ("donor", "receiver"))
    positions = integer_column(rev, "positions", "reversions", src, what="number of positions", low=1,
                          high=np.iinfo(np.int32).max, hint="give how many unfilled positions revert, 1 or more")
    same = donor == receiver
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise table_error(src, "reversions", rev, i, "receiver",
                   f'"{clip(pn[donor[i]])}" reverts to itself; name another program as the receiver')
    i, first = first_duplicate(donor * base.n_programs + receiver)
    if i is not None:
        raise table_error(src, "reversions", rev, i, "receiver",
                   f'"{clip(pn[donor[i]])}" reverts to "{clip(pn[receiver[i]])}" twice (also at '
                   f'{src.place("reversions", rev, rev.index[first])}); give one row per pair, with the total')
    rv = Reversions(donor, receiver, positions)
    cycle = reversion_cycle(rv)
    if cycle is not None:
        i = int(np.flatnonzero((donor == cycle[-2]) & (receiver == cycle[-1]))[0])
        raise table_error(src, "reversions", rev, i, "receiver",
                   "reversions are circular (" + " -> ".join(f'"{clip(pn[p])}"' for p in cycle)
                   + "); a position cannot revert back to a program it came from, so delete one of these rows")
    total = np.bincount(donor, weights=positions, minlength=base.n_programs).astype(np.int64)
    over = total > base.capacity
    if over.any():
        p = int(np.flatnonzero(over)[0])
        i = int(np.flatnonzero(donor == p)[-1])
        raise table_error(src, "reversions", rev, i, "positions",
                   f'"{clip(pn[p])}" reverts {total[p]} positions in all but offers only {base.capacity[p]}; '
                   "a program can revert at most its own quota")
    return rv


# ------------------------------------------------------------------- public
def extension_fields(base: Market, frames: dict, programs: pd.DataFrame, src) -> dict:
    """Check the extension tables against ``base`` and return them as :class:`Market` keyword arguments.

    Parameters
    ----------
    base : Market
        The plain market read from the same files (names give the ids).
    frames : dict of str -> DataFrame
        The tables of :data:`EXTENSION_TABLES` that are present.
    programs : DataFrame
        The ``programs`` table (its rows are the programs in id order); its
        ``track`` and ``even_odd`` columns are read when present.
    src : matchsim.io.tables.Source
        Where the tables came from, for messages.

    Returns
    -------
    dict
        ``tracks``, ``even_odd``, ``couples``, ``supplemental``,
        ``reversions``: those present.

    Raises
    ------
    InputError
        For the first problem found.
    """
    out = {}
    for column, parse, name in (("track", _track, "tracks"), ("even_odd", parse_even_odd, "even_odd")):
        if column in programs.columns:
            out[name] = _program_codes(programs, column, src, parse)
    has = {t: f for t, f in frames.items() if f is not None}
    if "couple_lists" in has and "couples" not in has:
        raise InputError("couple_lists.csv needs couples.csv beside it, naming each couple's two partners "
                         "(couple,applicant_1,applicant_2)", file=src.file("couple_lists"))
    if "couples" in has:
        out["couples"] = _couples(base, has["couples"], has.get("couple_lists"), src)
    if "supplemental_links" in has and "supplemental_lists" not in has:
        raise InputError("supplemental_links.csv needs supplemental_lists.csv beside it "
                         "(applicant,list,rank,program)", file=src.file("supplemental_links"))
    links = has.get("supplemental_links")
    if links is not None and len(links) and not len(has.get("supplemental_lists", ())):
        raise table_error(src, "supplemental_links", links, 0, "list",
                   f'"{clip(str(links["applicant"].iloc[0]))}" has no supplemental list named '
                   f'"{clip(str(links["list"].iloc[0]))}" in {table_file(src, "supplemental_lists")}; add the list '
                   "or delete the link")
    if "supplemental_lists" in has and len(has["supplemental_lists"]):
        from matchsim.io.supplemental_tables import supplemental_lists

        out["supplemental"] = supplemental_lists(base, has["supplemental_lists"], has.get("supplemental_links"),
                                                 out.get("tracks"), out.get("couples"), src)
    if "reversions" in has and len(has["reversions"]):
        out["reversions"] = _reversions(base, has["reversions"], src)
    return out


def extension_frames(market: Market, *, spreadsheet: bool = False) -> dict:
    """The market's extension tables (only those it has), keyed by table name.

    ``programs_columns`` maps ``track``/``even_odd`` to one name per program
    when the market has them. "No Match" is written as ``No Match``.

    Examples
    --------
    >>> m = Market.from_lists({"Cy": ["City"]}, {"City": ["Ann", "Cy"], "Mercy": ["Bo"]},
    ...                       {"City": 1, "Mercy": 1},
    ...                       couples={("Ann", "Bo"): [("City", "Mercy"), (None, "Mercy")]})
    >>> extension_frames(m)["couple_lists"]
         couple  rank program_1 program_2
    0  Ann & Bo     1      City     Mercy
    1  Ann & Bo     2  No Match     Mercy
    """
    from matchsim.io.escape import csv_text

    an, pn = list(market.applicant_labels()), list(market.program_labels())
    text = csv_text if spreadsheet else str  # names that look like formulas are quoted for spreadsheets
    an = np.asarray([text(n) for n in an], dtype=object)
    pn_no = np.asarray([text(n) for n in pn] + ["No Match"], dtype=object)  # index -1 = No Match
    pn = pn_no[:-1]
    out = {}
    cols = {}
    if market.tracks is not None:
        cols["track"] = np.asarray(TRACKS, dtype=object)[market.tracks]
    if market.even_odd is not None:
        cols["even_odd"] = np.asarray(("",) + EVEN_ODD[1:], dtype=object)[market.even_odd]
    out["programs_columns"] = cols
    cp = market.couples
    if cp is not None and cp.n_couples:  # an empty container is written as no file at all
        cn = np.asarray([text(n) for n in cp.labels()], dtype=object)
        out["couples"] = pd.DataFrame({"couple": cn, "applicant_1": an[cp.members[:, 0]],
                                       "applicant_2": an[cp.members[:, 1]]})
        lengths = cp.list_lengths
        out["couple_lists"] = pd.DataFrame({
            "couple": np.repeat(cn, lengths),
            "rank": np.arange(cp.programs.shape[0]) - np.repeat(cp.ptr[:-1], lengths) + 1,
            "program_1": pn_no[cp.programs[:, 0]], "program_2": pn_no[cp.programs[:, 1]]})
    sp = market.supplemental
    if sp is not None and sp.n_lists:
        names = np.asarray([text(n) for n in sp.names], dtype=object)
        lengths, l_lengths = np.diff(sp.ptr), np.diff(sp.link_ptr)
        out["supplemental_lists"] = pd.DataFrame({
            "applicant": np.repeat(an[sp.owner], lengths), "list": np.repeat(names, lengths),
            "rank": np.arange(sp.programs.size) - np.repeat(sp.ptr[:-1], lengths) + 1,
            "program": pn[sp.programs]})
        out["supplemental_links"] = pd.DataFrame({
            "applicant": np.repeat(an[sp.owner], l_lengths), "list": np.repeat(names, l_lengths),
            "advanced_program": pn[sp.links]})
    rv = market.reversions
    if rv is not None and rv.n_reversions:
        out["reversions"] = pd.DataFrame({"donor": pn[rv.donor], "receiver": pn[rv.receiver],
                                          "positions": rv.positions.astype(np.int64)})
    return out
