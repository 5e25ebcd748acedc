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
- the NRMP's variations (couples, tracks, supplemental lists, reversions, even/odd) travel with the market
  in both formats: :mod:`matchsim.io.market_extensions` (and :mod:`matchsim.io.supplemental_tables`,
  :mod:`matchsim.io.market_json_extensions`) read and write them

Results

- :func:`result_frame` -- one row per applicant (program, rank, ...); :func:`result_columns`, the
  same as NumPy arrays
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

from matchsim._lazy import attach

# name -> module; imported on first use, so that printing a result does not load
# pandas (only the readers and the DataFrame builders need it)
_LAZY = {
    "MARKET_FORMATS": "matchsim.io.market_files",
    "read_market": "matchsim.io.market_files",
    "write_market": "matchsim.io.market_files",
    "MARKET_FORMAT": "matchsim.io.market_json",
    "MARKET_FORMAT_VERSION": "matchsim.io.market_json",
    "market_from_json": "matchsim.io.market_json",
    "market_to_json": "matchsim.io.market_json",
    "read_market_json": "matchsim.io.market_json",
    "write_market_json": "matchsim.io.market_json",
    "RESULT_FILES": "matchsim.io.results",
    "RESULT_FORMAT": "matchsim.io.results",
    "program_frame": "matchsim.io.results",
    "program_members": "matchsim.io.results",
    "result_columns": "matchsim.io.results",
    "result_frame": "matchsim.io.results",
    "result_summary": "matchsim.io.results",
    "result_to_json": "matchsim.io.results",
    "write_result": "matchsim.io.results",
    "read_table": "matchsim.io.spreadsheet",
    "read_rank_file": "matchsim.io.rank_file",
    "TABLE_FILES": "matchsim.io.tables",
    "TABLES": "matchsim.io.tables",
    "market_from_frames": "matchsim.io.tables",
    "market_to_frames": "matchsim.io.tables",
}

__getattr__, __dir__, __all__ = attach(__name__, _LAZY)
