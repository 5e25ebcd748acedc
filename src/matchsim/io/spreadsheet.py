"""Read a CSV file the way spreadsheets write them.

Excel, Numbers, LibreOffice and Google Sheets all export "CSV" a little
differently. :func:`read_table` accepts what they produce and returns a
DataFrame of stripped strings whose index is the file's 0-based data-row
number, so that ``index + 2`` is the row a spreadsheet shows (the header is
row 1):

- a UTF-8 byte-order mark (Excel's "CSV UTF-8"), or Windows-1252 text (Excel's
  plain "CSV" on Windows);
- ``;`` or tab separators (spreadsheets in locales that write decimal commas
  use ``;``): the separator is sniffed from the header line;
- CRLF line ends; blank lines and rows whose cells are all empty;
- spaces around names and numbers; header names in any letter case;
- trailing empty columns (``applicant,rank,program,,``) and extra empty cells
  at the end of a row;
- quoted names holding the separator (``"Smith, Jo"``).

Everything is read as text; numbers are parsed (vectorised) by the caller,
which then knows the exact row of a bad value. Decoding, workbook detection,
separator sniffing and row numbers come from the shared CSV text layer,
:mod:`matchsim.io.text` (the rank-list reader uses the same one).

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.csv").write_bytes(b'\\xef\\xbb\\xbfProgram; Capacity;;\\r\\n"City, North"; 2;;\\r\\n;;;\\r\\n')
>>> df = read_table(d / "t.csv", ("program", "capacity"))
>>> df
       program capacity
0  City, North        2
>>> df.index.tolist()  # spreadsheet row = index + 2; the empty row 3 is gone
[0]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from matchsim.errors import InputError
from matchsim.io.text import (
    SEPARATORS,
    decode,
    first_line,
    read_rows,
    sniff_separator,
    workbook_error,
    workbook_kind,
)

__all__ = ["read_table", "sniff_separator", "SEPARATORS"]


def _first_line(raw: bytes) -> tuple[int, bytes]:
    """Offset and bytes of the first line that is not blank (``(len, b"")`` if none)."""
    pos = 0
    while pos < len(raw):
        end = raw.find(b"\n", pos)
        end = len(raw) if end < 0 else end + 1
        if raw[pos:end].strip():
            return pos, raw[pos:end]
        pos = end
    return len(raw), b""


def _read_fast(data: bytes, sep: str, header: list[str]):
    """Parse UTF-8 bytes with pyarrow (multi-threaded, all text); None if any row is ragged.

    Every physical line becomes one row here (empty lines give empty cells),
    so data row ``i`` is the ``i``-th line after the header. A row with too
    few or too many cells, or a quoted line break, is left to the careful
    path, which names its row.
    """
    import pyarrow as pa
    import pyarrow.csv as pv

    ragged = []

    def note(row):
        ragged.append(row)
        return "skip"

    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pv.read_csv(
            io.BytesIO(data),
            read_options=pv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pv.ParseOptions(delimiter=sep, quote_char='"', ignore_empty_lines=False,
                                          invalid_row_handler=note),
            convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    if ragged:
        return None
    return table


def _read_careful(text: str, sep: str, header_row: int, width: int, path):
    """Rows after the header from the text layer: ``(spreadsheet row numbers, cells padded to width)``.

    Extra cells are accepted when they are empty (a spreadsheet padding rows);
    a non-empty one is an error naming its row.
    """
    numbers, records = [], []
    for row in read_rows(text, sep):
        if row.number <= header_row:
            continue
        cells = row.cells
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                raise InputError(
                    f"this row has {len(cells)} cells but the header names {width} columns "
                    f"(extra value {extra[0].strip()!r}); delete the extra cells or give the "
                    "column a header",
                    file=path,
                    row=row.number,
                )
            cells = cells[:width]
        records.append(cells + [""] * (width - len(cells)))
        numbers.append(row.number)
    return np.array(numbers, dtype=np.int64), records


def _normalise_header(header, path, columns, optional, sep, header_row=1):
    names = [str(c).strip().strip('"').strip().lower() for c in header]
    # files written by pandas call header-less columns "Unnamed: 3": a spreadsheet's padding.
    names = ["" if n.startswith("unnamed:") else n for n in names]
    expect = ", ".join(columns)
    missing = [c for c in columns if c not in names]
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        hint = ""
        if len([n for n in names if n]) == 1:
            hint = "; if the columns are separated by something other than , ; or TAB, save the file as CSV"
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the header row "
            f"must name the columns {expect} (found: {found}){hint}",
            file=path,
            row=header_row,
        )
    keep = list(columns) + [c for c in optional if c in names]
    dup = [c for c in keep if names.count(c) > 1]
    if dup:
        raise InputError(f'the column "{dup[0]}" appears twice in the header; keep one', file=path,
                         row=header_row)
    return names, keep


def read_table(path, columns, *, optional=(), allow_empty=False) -> pd.DataFrame:
    """Read one CSV table, check its header, and return its cells as stripped text.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    columns : sequence of str
        Column names that must be present (compared without case and
        surrounding spaces). They are returned in this order.
    optional : sequence of str, optional
        Columns returned when present. Other named columns are ignored (a
        "notes" column is fine); unnamed empty columns are dropped.
    allow_empty : bool, optional
        Accept a file with a header and no data rows (default: an error).

    Returns
    -------
    DataFrame
        One column per name in ``columns`` (and present ``optional``) holding
        stripped text (``string[pyarrow]`` dtype), empty rows removed. The
        index is the 0-based data row: spreadsheet row = index + 2.

    Raises
    ------
    InputError
        If the file is missing or empty, has no data rows, or lacks a column.

    Notes
    -----
    Well-formed UTF-8 files are parsed by pyarrow and trimmed with its
    vectorised string kernels (an NRMP-sized file of 540,000 rows in a few
    tenths of a second). Other files (Windows-1252 text, ragged rows, quoted
    line breaks) are split by the text layer, :func:`matchsim.io.text.read_rows`,
    which names the offending row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found; create {path.name} with the columns {', '.join(columns)}",
                         file=path)
    if path.is_dir():
        raise InputError("this is a folder, not a file", file=path)
    raw = path.read_bytes()
    kind = workbook_kind(raw)
    if kind is not None:
        raise workbook_error(kind, path)
    text, encoding = decode(raw, path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    expect = ", ".join(columns)
    skipped, header_line = first_line(text)
    if header_line is None:
        raise InputError(f"the file is empty; it needs a header row ({expect}) and one row per entry",
                         file=path)
    header_row = skipped + 1  # blank lines above the header are rows of the sheet too
    sep = sniff_separator(header_line)
    header = next(csv.reader(io.StringIO(header_line), delimiter=sep))
    names, keep = _normalise_header(header, path, columns, optional, sep, header_row)

    table = None
    if encoding == "utf-8":
        start, _ = _first_line(raw)
        table = _read_fast(raw[start:], sep, header)
    if table is not None:
        cols = {c: pc.utf8_trim_whitespace(table.column(names.index(c)).combine_chunks()) for c in keep}
        rows = np.arange(table.num_rows, dtype=np.int64) + header_row + 1
    else:
        rows, records = _read_careful(text, sep, header_row, len(header), path)
        cols = {}
        for c in keep:
            k = names.index(c)
            cols[c] = pc.utf8_trim_whitespace(pa.array([r[k] for r in records], type=pa.string()))
    index = rows - 2
    blank = np.ones(rows.size, dtype=bool)
    for c in keep:
        blank &= pc.equal(cols[c], "").to_numpy(zero_copy_only=False)
    if blank.all() and not allow_empty:
        raise InputError(f"the file has a header but no data rows; add one row per entry ({expect})",
                         file=path, row=header_row + 1)
    if blank.any():
        mask = pa.array(~blank)
        cols = {c: v.filter(mask) for c, v in cols.items()}
        index = index[~blank]
    frame = pd.DataFrame({c: pd.Series(pd.arrays.ArrowExtensionArray(v), index=index) for c, v in cols.items()},
                         index=pd.Index(index))
    frame.attrs["matchsim_stripped"] = True  # lets the checks skip a second strip
    return frame
