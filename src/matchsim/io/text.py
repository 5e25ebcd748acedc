"""The one CSV text layer: bytes of a spreadsheet export -> rows of cells with their row numbers.

Excel, Numbers, LibreOffice and Google Sheets all write "CSV" a little
differently. Every reader of a user's CSV file (the rank-list reader
:mod:`matchsim.io.rank_file` and the market-table reader
:mod:`matchsim.io.spreadsheet`) goes through these functions, so the same file
is decoded, split and numbered the same way everywhere:

:func:`workbook_kind`
    Recognises a workbook saved under a ``.csv`` name (or given instead of a
    CSV file): Excel ``.xlsx``, LibreOffice ``.ods``, old Excel ``.xls``.
:func:`decode`
    UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8" writes),
    UTF-16 with a byte-order mark (Excel's "Unicode Text"), else Windows-1252
    (Excel's plain "CSV" on Windows). Never a silent replacement character: a
    byte that is text in none of them is an error naming its row.
:func:`sniff_separator`
    ``,``, ``;`` (locales with decimal commas) or TAB, from the header line.
:func:`read_rows`
    Every record with the row number a spreadsheet shows for it (row 1 is
    the first line; a blank line is a row; a quoted cell holding a line break
    is one row).

Standard library only (no pandas), so it costs nothing to import.

Examples
--------
>>> raw = "\\ufeffprogram;chance\\r\\n\\"Mercy; East\\";12,5%\\r\\n\\r\\nCity;40%\\r\\n".encode("utf-8")
>>> t = read_csv_bytes(raw, "mylist.csv")
>>> t.separator, t.encoding
(';', 'utf-8')
>>> [(r.number, r.cells) for r in t.rows]
[(1, ['program', 'chance']), (2, ['Mercy; East', '12,5%']), (3, []), (4, ['City', '40%'])]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import NamedTuple

from matchsim.errors import InputError

__all__ = [
    "SEPARATORS",
    "WORKBOOK_KINDS",
    "Row",
    "CsvText",
    "workbook_kind",
    "workbook_error",
    "decode",
    "sniff_separator",
    "first_line",
    "read_rows",
    "read_csv_bytes",
    "read_csv_file",
]

#: Separators recognised in a header line, most usual first.
SEPARATORS = (",", ";", "\t")

#: Workbook formats recognised by :func:`workbook_kind`, with the name shown to users.
WORKBOOK_KINDS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "ods": "a LibreOffice / OpenDocument workbook (.ods)",
    "xls": "an old-style Excel workbook (.xls)",
}

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class Row(NamedTuple):
    """One record of a CSV file: its spreadsheet row number (1-based) and its cells (``[]`` if blank)."""

    number: int
    cells: list


class CsvText(NamedTuple):
    """A decoded CSV file: its text, encoding, separator and rows."""

    text: str
    encoding: str
    separator: str
    rows: list


def workbook_kind(raw: bytes) -> str | None:
    """``"xlsx"``, ``"ods"`` or ``"xls"`` when ``raw`` is a workbook rather than text, else None.

    Any ZIP archive that is not an OpenDocument spreadsheet is reported as
    ``"xlsx"`` (Excel's format is a ZIP archive; so are Numbers files).

    Examples
    --------
    >>> workbook_kind(b"PK\\x03\\x04..."), workbook_kind(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1"), workbook_kind(b"a,b")
    ('xlsx', 'xls', None)
    >>> workbook_kind(b"PK\\x03\\x04" + b"\\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
    'ods'
    """
    if raw.startswith(_ZIP):
        return "ods" if _ODS_MIME in raw[:200] else "xlsx"
    if raw.startswith(_OLE2):
        return "xls"
    return None


def workbook_error(kind: str, source=None) -> InputError:
    """The error for a workbook given where a CSV file was expected.

    Examples
    --------
    >>> str(workbook_error("xlsx", "lists.csv"))
    'lists.csv: this is an Excel workbook (.xlsx), not a CSV file; save the sheet as CSV (File > Save As > CSV UTF-8) and use that file'
    """
    return InputError(f"this is {WORKBOOK_KINDS[kind]}, not a CSV file; save the sheet as CSV "
                      "(File > Save As > CSV UTF-8) and use that file", file=source)


def _row_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode(raw: bytes, source=None) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    Tried in turn: UTF-8 (a byte-order mark is removed), UTF-16 when the file
    starts with its byte-order mark, then Windows-1252. Nothing is replaced in
    silence: bytes that fit none of them are an error naming the row.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    source : str, optional
        The file name, for messages.

    Returns
    -------
    text : str
    encoding : {"utf-8", "utf-16", "cp1252"}

    Raises
    ------
    InputError
        When the bytes are text in none of these encodings.

    Examples
    --------
    >>> decode("São José".encode("cp1252"))
    ('São José', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfCaf\\xc3\\xa9")
    ('Café', 'utf-8')
    >>> decode(b"ok\\nbad \\x81 byte", "x.csv")
    Traceback (most recent call last):
    ...
    matchsim.errors.InputError: x.csv, row 2: this row holds a byte (0x81) that is not text in UTF-8 or Windows-1252; save the sheet as "CSV UTF-8 (comma delimited)" and use that file
    """
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError("the file starts as UTF-16 text but is not valid UTF-16; save the sheet as "
                             '"CSV UTF-8 (comma delimited)" and use that file',
                             file=source, row=_row_of(raw, exc.start)) from None
    bom = raw.startswith(_UTF8_BOM)
    body = raw[len(_UTF8_BOM):] if bom else raw
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if bom:  # the file says it is UTF-8, so a bad byte is damage, not another encoding
            raise InputError(
                f"this row holds a byte (0x{body[exc.start]:02x}) that is not UTF-8 text, although the "
                'file says it is UTF-8; save the sheet again as "CSV UTF-8 (comma delimited)"',
                file=source, row=_row_of(body, exc.start)) from None
    try:
        return body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"this row holds a byte (0x{body[exc.start]:02x}) that is not text in UTF-8 or Windows-1252; "
            'save the sheet as "CSV UTF-8 (comma delimited)" and use that file',
            file=source, row=_row_of(body, exc.start)) from None


def sniff_separator(header_line: str) -> str:
    """The separator used in ``header_line``: whichever of ``, ; TAB`` occurs most.

    Separators inside double quotes are not counted; a tie goes to the one
    listed first in :data:`SEPARATORS`. A line with none of them (a one-column
    file) gives ``","``.

    Examples
    --------
    >>> sniff_separator("applicant;rank;program")
    ';'
    >>> sniff_separator('"a;b",rank,program')
    ','
    """
    outside, quoted = [], False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    text = "".join(outside)
    counts = [text.count(s) for s in SEPARATORS]
    best = max(range(len(SEPARATORS)), key=lambda i: (counts[i], -i))
    return SEPARATORS[best] if counts[best] else ","


def first_line(text: str, comment: str | None = None) -> tuple[int, str | None]:
    """The first line that is not blank (nor a comment), and how many lines come before it.

    With ``comment``, a line whose text starts with it (after spaces and an
    opening quote) is skipped too: the rank-list template starts with ``#``
    comments, and the separator must be sniffed from the column names.

    Examples
    --------
    >>> first_line("\\n  \\nprogram,rank\\nA,1\\n")
    (2, 'program,rank')
    >>> first_line(" \\n")
    (1, None)
    >>> first_line('# a; b\\n"# c, d";;\\nprogram,rank\\n', comment="#")
    (2, 'program,rank')
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() and not (comment and line.strip().lstrip('"').startswith(comment)):
            return i, line
    return len(lines), None


def read_rows(text: str, separator: str) -> list[Row]:
    """Every record of ``text`` with its spreadsheet row number.

    A blank line is a row with no cells; a quoted cell may hold the separator,
    quotes (written twice) and line breaks. Row numbers count records, as a
    spreadsheet shows them (a record holding a line break is one row).

    Examples
    --------
    >>> [tuple(r) for r in read_rows('a,b\\n"x\\ny",2\\n\\nz,3\\n', ",")]
    [(1, ['a', 'b']), (2, ['x\\ny', '2']), (3, []), (4, ['z', '3'])]
    """
    # the whole file is in memory already: a cell over the csv module's 131,072-character default is read,
    # so that the reader's own checks can report it on one line (a 50 MB name is clipped there)
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return [Row(i + 1, cells) for i, cells in enumerate(reader)]


def read_csv_bytes(raw: bytes, source=None, *, workbook_message=None, comment=None) -> CsvText:
    """Decode, sniff and split a CSV file given as bytes.

    Parameters
    ----------
    raw : bytes
    source : str, optional
        The file name, for messages.
    workbook_message : str, optional
        The error message for a workbook (default: names the workbook kind and
        says how to save the sheet as CSV).
    comment : str, optional
        Lines starting with it are skipped when sniffing the separator (see
        :func:`first_line`); the rows are returned all the same.

    Returns
    -------
    CsvText

    Raises
    ------
    InputError
        For a workbook or undecodable bytes.
    """
    kind = workbook_kind(raw)
    if kind is not None:
        raise (InputError(workbook_message, file=source) if workbook_message else
               workbook_error(kind, source))
    text, encoding = decode(raw, source)
    _, header = first_line(text, comment)
    separator = sniff_separator(header or "")
    return CsvText(text, encoding, separator, read_rows(text, separator))


def read_csv_file(path, *, workbook_message=None, comment=None) -> CsvText:
    """:func:`read_csv_bytes` of a file, named in messages by its file name.

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    path = Path(path)
    return read_csv_bytes(path.read_bytes(), path.name, workbook_message=workbook_message,
                          comment=comment)
