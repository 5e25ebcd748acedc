"""Read and write markets as files: a CSV folder, a Parquet folder, or one JSON file.

A *CSV folder* holds three files made in any spreadsheet (see
``docs/file-formats.md``)::

    my_market/
      applicant_lists.csv   applicant,rank,program   one row per entry of an applicant's list
      program_lists.csv     program,rank,applicant   one row per entry of a program's list
      programs.csv          program,capacity         one row per program
      applicants.csv        applicant                optional: everybody, in id order

and, for the NRMP's variations, ``couples.csv``, ``couple_lists.csv``,
``supplemental_lists.csv``, ``supplemental_links.csv``, ``reversions.csv`` and
the ``track`` and ``even_odd`` columns of ``programs.csv``
(:mod:`matchsim.io.market_extensions`).

A *Parquet folder* holds the same tables as ``.parquet`` files. A *JSON
file* is described in :mod:`matchsim.io.market_json`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matchsim.errors import InputError
from matchsim.io.market_extensions import (
    EXTENSION_TABLES, PROGRAM_COLUMNS, extension_fields, extension_frames, short_couple_rows,
)
from matchsim.io.market_json import read_market_json, write_market_json
from matchsim.io.spreadsheet import read_table
from matchsim.io.tables import TABLES, Source, market_from_frames, market_to_frames
from matchsim.market import Market

__all__ = ["read_market", "write_market", "market_paths", "with_extensions", "MARKET_FORMATS"]

#: Formats :func:`write_market` can write.
MARKET_FORMATS = ("csv", "json", "parquet")

_REQUIRED = ("applicant_lists", "program_lists", "programs")
_HOW = ("give a folder holding applicant_lists.csv, program_lists.csv and programs.csv, "
        "or a market .json file")


def _read_csv_folder(folder: Path) -> Market:
    files = {t: folder / f"{t}.csv" for t in (*TABLES, *EXTENSION_TABLES)}
    # A list file with a header only is legal (nobody ranked anybody); programs.csv is not.
    frames = {t: read_table(files[t], TABLES[t], allow_empty=t != "programs",
                            optional=PROGRAM_COLUMNS if t == "programs" else ())
              for t in _REQUIRED}
    if files["applicants"].exists():
        frames["applicants"] = read_table(files["applicants"], TABLES["applicants"])
    src = Source(kind="csv", files=files)
    market = market_from_frames(**frames, source=src)
    ext = {t: read_table(files[t], cols, allow_empty=True) for t, cols in EXTENSION_TABLES.items()
           if files[t].exists()}
    if "couple_lists" in ext:
        _check_couple_rows(files["couple_lists"])
    if not ext and not set(PROGRAM_COLUMNS) & set(frames["programs"].columns):
        return market
    return with_extensions(market, extension_fields(market, ext, frames["programs"], src), folder)


def _check_couple_rows(path: Path) -> None:
    """A row of couple_lists.csv that stops before a partner's cell is an odd number of cells: an error."""
    from matchsim.io.text import read_csv_file

    text = read_csv_file(path)
    rows = [r for r in text.rows if any(c.strip() for c in r.cells)]
    if not rows:
        return
    header = [c.strip().lower() for c in rows[0].cells]
    short = short_couple_rows(rows, len(header), header)
    if short:
        raise InputError("this row stops before the second partner's program: a couple ranks pairs, so "
                         "each row needs program_1 and program_2 (write No Match, or leave the cell "
                         "empty but keep its comma, for a partner who may stay unmatched)",
                         file=path, row=short[0])


def with_extensions(market: Market, fields: dict, where) -> Market:
    """``market`` with the checked extension ``fields``; a rule only the whole market can check is named too."""
    if not fields:
        return market
    try:
        return Market.from_arrays(market.applicant_ptr, market.applicant_list, market.program_ptr,
                                  market.program_list, market.capacity, market.applicant_names,
                                  market.program_names, **fields)
    except ValueError as exc:
        raise InputError(f"{exc}; correct the files", file=where) from None


def _read_parquet_folder(folder: Path) -> Market:
    files = {t: folder / f"{t}.parquet" for t in TABLES}
    frames = {}
    for t in TABLES:
        if not files[t].exists():
            if t == "applicants":
                continue
            raise InputError(f"file not found; a Parquet market folder needs {t}.parquet", file=files[t])
        try:
            frames[t] = pd.read_parquet(files[t])
        except Exception as exc:  # pyarrow raises many kinds; all mean "not a readable table"
            raise InputError(f"not a readable Parquet file ({type(exc).__name__}); write it again",
                             file=files[t]) from None
        frames[t].columns = [str(c).strip().lower() for c in frames[t].columns]
    return market_from_frames(**frames, source=Source(kind="frame", files={t: str(f) for t, f in files.items()}))


def market_paths(path) -> list[Path]:
    """The existing files that :func:`read_market` reads for ``path`` (what must not be overwritten).

    Examples
    --------
    >>> import tempfile
    >>> from matchsim.datasets import nrmp_example
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_market(nrmp_example(), folder)
    >>> sorted(p.name for p in market_paths(folder))
    ['applicant_lists.csv', 'program_lists.csv', 'programs.csv']
    """
    path = Path(path)
    if not path.is_dir():
        return [path] if path.exists() else []
    return [path / f"{t}.{ext}" for ext in ("csv", "parquet") for t in (*TABLES, *EXTENSION_TABLES)
            if (path / f"{t}.{ext}").exists()]


def read_market(path) -> Market:
    """Read a market from a CSV folder, a Parquet folder or a ``.json`` file.

    Parameters
    ----------
    path : str or Path
        A folder holding ``applicant_lists.csv``, ``program_lists.csv`` and
        ``programs.csv`` (or the same names ending ``.parquet``), or a JSON
        file in the ``matchsim-market`` format.

    Returns
    -------
    Market
        With names; ids follow the files (see :mod:`matchsim.io.tables`).

    Raises
    ------
    InputError
        If the path does not exist or a file breaks a rule; the message names
        the file, the row as a spreadsheet shows it, the column and what to do.

    Examples
    --------
    >>> import tempfile
    >>> from matchsim.datasets import nrmp_example
    >>> folder = tempfile.mkdtemp()
    >>> write_market(nrmp_example(), folder)
    >>> read_market(folder)
    Market(8 applicants, 4 programs, 8 positions, 25 applicant ranks, 25 program ranks)
    """
    path = Path(path)
    if path.is_dir():
        if (path / "applicant_lists.csv").exists() or not (path / "applicant_lists.parquet").exists():
            return _read_csv_folder(path)
        return _read_parquet_folder(path)
    if path.suffix.lower() == ".json":
        return read_market_json(path)
    if not path.exists():
        raise InputError(f"no such file or folder; {_HOW}", file=path)
    if path.suffix.lower() == ".csv":
        raise InputError("a market needs three CSV files; put applicant_lists.csv, program_lists.csv "
                         "and programs.csv in one folder and give the folder", file=path)
    raise InputError(f"cannot tell what kind of market file this is; {_HOW}", file=path)


def write_market(market: Market, path, format: str | None = None) -> None:
    """Write ``market`` so that :func:`read_market` gives it back unchanged.

    Parameters
    ----------
    market : Market
    path : str or Path
        A ``.json`` file, or a folder (created if needed) for CSV or Parquet.
    format : {"csv", "json", "parquet"}, optional
        Default: ``"json"`` when ``path`` ends in ``.json``, else ``"csv"``.

    Raises
    ------
    ValueError
        If ``format`` is not one of ``MARKET_FORMATS``.

    Notes
    -----
    ``applicants.csv`` is written only when some applicant submitted no list;
    it keeps those applicants, and everybody's ids, on reading back.

    In CSV files a name that a spreadsheet would run as a formula (``=x``,
    ``+x``, ``-x``, ``@x``) is written with a leading single quote
    (:func:`matchsim.io.escape.csv_text`), and the CSV reader removes exactly
    that quote again (:func:`matchsim.io.escape.from_csv_text`), so the market
    reads back unchanged. JSON and Parquet files keep names as they are.
    """
    path = Path(path)
    if format is None:
        format = "json" if path.suffix.lower() == ".json" else "csv"
    if format not in MARKET_FORMATS:
        raise ValueError(f"format must be one of {MARKET_FORMATS}, got {format!r}")
    if format == "json":
        write_market_json(market, path)
        return
    ext = extension_frames(market, spreadsheet=format == "csv")
    columns = ext.pop("programs_columns")
    if format == "parquet" and (ext or columns):
        raise ValueError("a Parquet folder holds plain markets only; write a market with tracks, couples, "
                         "supplemental lists, reversions or even/odd requests as CSV or JSON")
    path.mkdir(parents=True, exist_ok=True)
    frames = market_to_frames(market, spreadsheet=format == "csv")
    for column, values in columns.items():
        frames["programs"][column] = values
    frames.update(ext)
    for table in ("applicants", *EXTENSION_TABLES):
        stale = path / f"{table}.{format}"
        if table not in frames and stale.exists():
            stale.unlink()  # left by an earlier write; it would change the market read back
    for table, frame in frames.items():
        if format == "csv":
            frame.to_csv(path / f"{table}.csv", index=False, lineterminator="\n")
        else:
            frame.to_parquet(path / f"{table}.parquet", index=False)
