"""Readers and writers: markets and results as CSV, JSON and Parquet files.

This is an edge layer: it uses pandas and turns every mistake in a user's file
into a :class:`matchsim.errors.InputError` that names the file, the row as a
spreadsheet shows it (the header is row 1), the column, and what to do. The
formats are described for users in ``docs/file-formats.md``.

Markets

- :func:`read_market` -- a CSV folder, a Parquet folder or a ``.json`` file
- :func:`write_market` -- the same formats; reading back gives the same market
- :func:`market_from_frames` / :func:`market_to_frames` -- long pandas tables
- :func:`market_from_json` / :func:`market_to_json` -- the JSON document as a dict

Results

- :func:`result_frame` -- one row per applicant (program, rank, ...)
- :func:`program_frame` -- one row per program (capacity, filled, unfilled)
- :func:`result_to_json`, :func:`result_summary`, :func:`write_result`

Examples
--------
>>> import tempfile, pathlib
>>> from matchsim import deferred_acceptance
>>> from matchsim.datasets import nrmp_example
>>> path = pathlib.Path(tempfile.mkdtemp()) / "nrmp.json"
>>> write_market(nrmp_example(), path)
>>> market = read_market(path)
>>> frame = result_frame(market, deferred_acceptance(market))
>>> frame.loc[frame["program"] == "City", "applicant"].tolist()
['Eastman', 'Garcia']
"""

from matchsim.io.market_files import MARKET_FORMATS, read_market, write_market
from matchsim.io.market_json import (
    MARKET_FORMAT,
    MARKET_FORMAT_VERSION,
    market_from_json,
    market_to_json,
    read_market_json,
    write_market_json,
)
from matchsim.io.results import (
    RESULT_FILES,
    RESULT_FORMAT,
    program_frame,
    program_members,
    result_frame,
    result_summary,
    result_to_json,
    write_result,
)
from matchsim.io.spreadsheet import read_table
from matchsim.io.tables import TABLE_FILES, TABLES, market_from_frames, market_to_frames

__all__ = [
    "MARKET_FORMATS",
    "MARKET_FORMAT",
    "MARKET_FORMAT_VERSION",
    "RESULT_FORMAT",
    "RESULT_FILES",
    "TABLES",
    "TABLE_FILES",
    "read_market",
    "write_market",
    "read_market_json",
    "write_market_json",
    "market_from_frames",
    "market_to_frames",
    "market_from_json",
    "market_to_json",
    "read_table",
    "result_frame",
    "program_frame",
    "program_members",
    "result_summary",
    "result_to_json",
    "write_result",
]
