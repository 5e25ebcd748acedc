"""A match result as tidy tables, a JSON document, and files.

Names come back here, at the edge: the engine's
:class:`~matchsim.engine.MatchResult` holds integer ids only.

A result of the NRMP algorithm (:class:`~matchsim.engine.nrmp.NRMPResult`, on
a market with couples, supplemental lists, reversions or even/odd requests)
gets more: the applicant table gains ``pgy1`` and ``pgy1_rank`` (the PGY-1
year matched from a supplemental list and its place there), the program
table ``quota`` (positions after reversions and even/odd requests), and the
summary and JSON document say whether the result was verified ``stable``,
list the couples' pairs, the reversions and the loops. A plain result is
written exactly as before.

Examples
--------
>>> from matchsim import deferred_acceptance
>>> from matchsim.datasets import nrmp_example
>>> m = nrmp_example()
>>> r = deferred_acceptance(m)
>>> result_frame(m, r)
  applicant  program  rank  list_length  program_rank
0  Anderson     <NA>  <NA>            1          <NA>
1     Brown     <NA>  <NA>            2          <NA>
2      Chen    Mercy     2            2             1
3     Davis  General     3            4             6
4   Eastman     City     1            4             3
5      Ford    State     4            4             6
6    Garcia     City     1            4             1
7    Hassan    State     1            4             5
>>> program_frame(m, r)
   program  capacity  filled  unfilled
0    Mercy         2       1         1
1     City         2       2         0
2  General         2       1         1
3    State         2       2         0
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from matchsim.errors import InputError
from matchsim.constants import UNMATCHED
from matchsim.market import Market

__all__ = [
    "RESULT_FORMAT",
    "RESULT_FORMAT_VERSION",
    "RESULT_FILES",
    "result_frame",
    "program_frame",
    "program_members",
    "result_summary",
    "result_to_json",
    "write_result",
    "result_paths",
]

#: Value of the ``"format"`` key of a result document.
RESULT_FORMAT = "matchsim-result"
RESULT_FORMAT_VERSION = 1

#: File names written when a result goes to a folder.
RESULT_FILES = {"applicants": "result_applicants.csv", "programs": "result_programs.csv",
                "summary": "result_summary.json"}


def _nrmp(result) -> bool:
    """True for a result of the NRMP algorithm on a market with extensions (PGY-1 seats, couples...)."""
    return bool(getattr(result, "extensions", False))


def _check(market: Market, result) -> None:
    if result.assignment.shape != (market.n_applicants,) or result.filled.shape != (market.n_programs,):
        raise ValueError(
            f"the result is for {result.assignment.size} applicants and {result.filled.size} programs, "
            f"the market has {market.n_applicants} and {market.n_programs}"
        )


def _program_rank_of_matches(market: Market, assignment: np.ndarray) -> np.ndarray:
    """For each applicant, the 1-based rank their program gave them (0 if unmatched or unranked).

    Vectorised: every program-list entry gets the key ``program * n_a +
    applicant``; the keys are sorted once and each match looked up by binary
    search.
    """
    n_a = market.n_applicants
    lengths = market.program_list_lengths
    owner = np.repeat(np.arange(market.n_programs, dtype=np.int64), lengths)
    keys = owner * n_a + market.program_list
    pos = np.arange(keys.size, dtype=np.int64) - np.repeat(market.program_ptr[:-1], lengths) + 1
    order = np.argsort(keys, kind="stable")
    keys, pos = keys[order], pos[order]
    out = np.zeros(n_a, dtype=np.int64)
    matched = np.flatnonzero(assignment != UNMATCHED)
    if matched.size and keys.size:
        q = assignment[matched].astype(np.int64) * n_a + matched
        at = np.minimum(np.searchsorted(keys, q), keys.size - 1)
        found = keys[at] == q
        out[matched[found]] = pos[at[found]]
    return out


def result_columns(market: Market, result) -> dict:
    """One entry per applicant, as NumPy arrays: the columns of :func:`result_frame`.

    ``applicant`` and ``program`` are object arrays of names (``""`` when
    unmatched); ``rank``, ``list_length`` and ``program_rank`` are int64, with
    0 for "unmatched". Needs no pandas, so printing a result stays quick.

    Examples
    --------
    >>> from matchsim import deferred_acceptance
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> cols = result_columns(m, deferred_acceptance(m))
    >>> cols["program"][:3].tolist(), cols["rank"][:3].tolist()
    (['', '', 'Mercy'], [0, 0, 2])
    """
    _check(market, result)
    assignment = np.asarray(result.assignment)
    matched = assignment != UNMATCHED
    pn = np.asarray(market.program_labels(), dtype=object)
    program = np.full(assignment.size, "", dtype=object)
    program[matched] = pn[assignment[matched]]
    cols = {
        "applicant": np.asarray(market.applicant_labels(), dtype=object),
        "program": program,
        "rank": np.where(matched, result.rank, 0).astype(np.int64),
        "list_length": market.applicant_list_lengths.astype(np.int64),
        "program_rank": np.where(matched, _program_rank_of_matches(market, assignment), 0),
    }
    if _nrmp(result):
        from matchsim.io.nrmp_results import nrmp_columns

        nrmp_columns(market, result, cols)
    return cols


def result_frame(market: Market, result):
    """One row per applicant: where they matched and at which rank (a pandas DataFrame).

    Columns: ``applicant``; ``program``; ``rank``, the position of the match
    on the applicant's own list (1 = first choice); ``list_length``, the
    number of programs the applicant ranked; ``program_rank``, the position of
    the applicant on the program's list. For an unmatched applicant
    ``program``, ``rank`` and ``program_rank`` are all missing (``<NA>``; an
    empty cell in CSV, ``null`` in JSON). Rows are in applicant id order.
    """
    import pandas as pd

    cols = result_columns(market, result)
    matched = np.asarray(result.assignment) != UNMATCHED
    program = pd.array(cols["program"], dtype="string")
    program[~matched] = pd.NA
    cols["program"] = program
    for name in ("rank", "program_rank"):
        values = pd.array(cols[name], dtype="Int64")
        values[~matched] = pd.NA
        cols[name] = values
    if "pgy1" in cols:
        has = np.asarray(result.pgy1) != UNMATCHED
        cols["pgy1"] = pd.array(cols["pgy1"], dtype="string")
        cols["pgy1"][~has] = pd.NA
        cols["pgy1_rank"] = pd.array(cols["pgy1_rank"], dtype="Int64")
        cols["pgy1_rank"][~has] = pd.NA
    return pd.DataFrame(cols)


def program_frame(market: Market, result):
    """One row per program: ``program, capacity, filled, unfilled`` (program id order)."""
    import pandas as pd

    _check(market, result)
    capacity = market.capacity.astype(np.int64)
    filled = np.asarray(result.filled, dtype=np.int64)
    if _nrmp(result):  # positions move with reversions and even/odd requests
        quota = np.asarray(result.quota, dtype=np.int64)
        return pd.DataFrame({"program": np.asarray(market.program_labels(), dtype=object), "capacity": capacity,
                             "quota": quota, "filled": filled, "unfilled": quota - filled})
    return pd.DataFrame({
        "program": np.asarray(market.program_labels(), dtype=object),
        "capacity": capacity,
        "filled": filled,
        "unfilled": capacity - filled,
    })


def program_members(market: Market, result) -> list[list[str]]:
    """For each program, the names of its matched applicants in the program's rank order.

    Examples
    --------
    >>> from matchsim import deferred_acceptance
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> dict(zip(m.program_labels(), program_members(m, deferred_acceptance(m))))
    {'Mercy': ['Chen'], 'City': ['Garcia', 'Eastman'], 'General': ['Davis'], 'State': ['Hassan', 'Ford']}
    """
    _check(market, result)
    assignment = np.asarray(result.assignment)
    matched = np.flatnonzero(assignment != UNMATCHED)
    prank = _program_rank_of_matches(market, assignment)[matched]
    held = assignment[matched]
    if _nrmp(result):  # PGY-1 seats held through supplemental lists count too
        pgy1 = np.asarray(result.pgy1)
        more = np.flatnonzero(pgy1 != UNMATCHED)
        matched = np.concatenate([matched, more])
        prank = np.concatenate([prank, _program_rank_of_matches(market, pgy1)[more]])
        held = np.concatenate([held, pgy1[more]])
    order = np.lexsort((prank, held))
    members = matched[order]
    counts = np.bincount(held, minlength=market.n_programs)
    an = np.asarray(market.applicant_labels(), dtype=object)
    return [chunk.tolist() for chunk in np.split(an[members], np.cumsum(counts)[:-1])]


def result_summary(market: Market, result) -> dict:
    """Headline counts: applicants matched, positions filled, proposals, rounds.

    Examples
    --------
    >>> from matchsim import deferred_acceptance
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> s = result_summary(m, deferred_acceptance(m))
    >>> s["matched"], s["applicants"], s["filled"], s["positions"]
    (6, 8, 6, 8)
    """
    _check(market, result)
    filled = int(np.asarray(result.filled).sum(dtype=np.int64))
    n_matched = int(np.count_nonzero(np.asarray(result.assignment) != UNMATCHED))
    if _nrmp(result):
        from matchsim.io.nrmp_results import nrmp_summary

        return nrmp_summary(market, result)
    return {
        "proposing": result.proposing,
        "applicants": market.n_applicants,
        "matched": n_matched,
        "unmatched": market.n_applicants - n_matched,
        "programs": market.n_programs,
        "positions": market.n_positions,
        "filled": filled,
        "unfilled": market.n_positions - filled,
        "proposals": int(result.proposals),
        "rounds": int(result.rounds),
    }


def result_to_json(market: Market, result) -> dict:
    """The result as a JSON-ready dict (format ``matchsim-result``, version 1).

    Keys: ``format``, ``version``, ``summary`` (see :func:`result_summary`),
    ``applicants`` (one object per applicant: ``applicant``, ``program``
    (``null`` when unmatched), ``rank``, ``list_length``, ``program_rank``)
    and ``programs`` (``program``, ``capacity``, ``filled``, ``unfilled``,
    ``matched``: names in the program's rank order).

    Examples
    --------
    >>> from matchsim import deferred_acceptance
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> doc = result_to_json(m, deferred_acceptance(m))
    >>> doc["applicants"][0]
    {'applicant': 'Anderson', 'program': None, 'rank': None, 'list_length': 1, 'program_rank': None}
    >>> doc["programs"][1]
    {'program': 'City', 'capacity': 2, 'filled': 2, 'unfilled': 0, 'matched': ['Garcia', 'Eastman']}
    """
    frame = result_frame(market, result)
    applicants = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    programs = program_frame(market, result).to_dict(orient="records")
    for row, members in zip(programs, program_members(market, result)):
        row["matched"] = members
    doc = {
        "format": RESULT_FORMAT,
        "version": RESULT_FORMAT_VERSION,
        "summary": result_summary(market, result),
        "applicants": [{k: _plain(v) for k, v in row.items()} for row in applicants],
        "programs": [{k: _plain(v) for k, v in row.items()} for row in programs],
    }
    if _nrmp(result):
        from matchsim.io.nrmp_results import nrmp_sections

        doc.update(nrmp_sections(market, result))
    return doc


def _plain(value):
    """numpy scalars -> Python scalars, so that ``json`` can write them."""
    return value.item() if isinstance(value, np.generic) else value


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): it cannot be the other
        return False


def result_paths(path, protect=()) -> list[Path]:
    """The files :func:`write_result` writes for ``path``, checked before anything is written.

    Parameters
    ----------
    path : str or Path
        As for :func:`write_result`.
    protect : iterable of path-like, optional
        Files that must not be replaced, such as the market's own files
        (:func:`matchsim.io.market_files.market_paths`). The comparison is by
        file, not by spelling: ``./market.json``, a symbolic link or a hard link
        to a protected file are caught too.

    Raises
    ------
    InputError
        If the path is neither ``.csv``, ``.json`` nor a folder, if its folder
        does not exist, or if a file to write is one of ``protect``.

    Examples
    --------
    >>> [p.name for p in result_paths("out/")]
    ['result_applicants.csv', 'result_programs.csv', 'result_summary.json']
    """
    text = str(path)
    path = Path(path)
    if text.endswith(("/", os.sep)) or path.is_dir():
        files = [path / RESULT_FILES[k] for k in ("applicants", "programs", "summary")]
    else:
        if path.suffix.lower() not in (".csv", ".json"):
            raise InputError("cannot tell how to write the result; end the name in .csv or .json, "
                             "or in / for a folder of tables", file=path)
        if not path.parent.exists():
            raise InputError("the folder to write into does not exist; create it first", file=path)
        files = [path]
    protect = [Path(p) for p in protect]
    for f in files:
        if any(_same_file(f, p) for p in protect):
            raise InputError("this file is part of the market being read; writing the result there would "
                             "replace it, so give --out another name", file=f)
    return files


def _csv_names(frame, columns):
    """``frame`` with the name ``columns`` made safe to open in a spreadsheet (:func:`csv_text`)."""
    from matchsim.io.escape import csv_text

    frame = frame.copy()
    for c in columns:
        frame[c] = frame[c].astype(object).map(csv_text, na_action="ignore")
    return frame


def write_result(market: Market, result, path, *, protect=()) -> list[Path]:
    """Write a result: ``.csv`` (applicant table), ``.json`` (full document) or a folder.

    Parameters
    ----------
    market : Market
    result : MatchResult
    path : str or Path
        A file ending ``.csv`` or ``.json``, or a folder (an existing one, or
        a path ending in ``/``), which receives ``result_applicants.csv``,
        ``result_programs.csv`` and ``result_summary.json``.
    protect : iterable of path-like, optional
        Files never to replace (see :func:`result_paths`); ``matchsim match``
        passes the market's own files.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InputError
        If the path is neither ``.csv``, ``.json`` nor a folder, or is protected.

    Notes
    -----
    In CSV files, names that a spreadsheet would run as a formula (starting
    with ``=``, ``+``, ``-`` or ``@``) are written with a leading single quote
    (:func:`matchsim.io.escape.csv_text`); the JSON document keeps every name
    exactly.
    """
    files = result_paths(path, protect)
    if len(files) > 1:
        files[0].parent.mkdir(parents=True, exist_ok=True)
        _csv_names(result_frame(market, result), ("applicant", "program")).to_csv(
            files[0], index=False, lineterminator="\n")
        _csv_names(program_frame(market, result), ("program",)).to_csv(files[1], index=False, lineterminator="\n")
        files[2].write_text(json.dumps(result_summary(market, result), indent=1) + "\n", encoding="utf-8")
    elif files[0].suffix.lower() == ".csv":
        _csv_names(result_frame(market, result), ("applicant", "program")).to_csv(
            files[0], index=False, lineterminator="\n")
    else:
        files[0].write_text(json.dumps(result_to_json(market, result), indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    return files
