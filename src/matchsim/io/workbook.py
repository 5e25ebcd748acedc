"""Read one sheet of an Excel (``.xlsx``) or LibreOffice (``.ods``) workbook as rows of text cells.

The rank-list reader (:mod:`matchsim.io.rank_file`) takes a workbook where it
takes a CSV file: the sheet becomes the same :class:`~matchsim.io.text.Row`
records the CSV text layer (:mod:`matchsim.io.text`) gives, numbered as the
spreadsheet numbers its rows, so every message names the row the user sees.

pandas reads the file (``openpyxl`` for ``.xlsx``, ``odfpy`` for ``.ods``);
both are imported only when a workbook is read. A number cell becomes the text
a person would type for it: ``3`` for a rank stored as 3.0, ``0.3`` for a chance
formatted as 30% (a spreadsheet stores 30% as 0.3), never a float's last-digit
noise.

Which sheet: the one named by ``sheet``; else the only sheet, or the only
sheet that holds anything. Otherwise one line names the sheets and asks for
``--sheet``.

Examples
--------
>>> cell_text(3.0), cell_text(0.3), cell_text(float("nan")), cell_text(" Mercy ")
('3', '0.3', '', ' Mercy ')
"""

from __future__ import annotations

import math
from pathlib import Path

from matchsim.errors import InputError
from matchsim.io.text import WORKBOOK_KINDS, Row

__all__ = ["READABLE_KINDS", "ENGINES", "cell_text", "sheet_names", "read_workbook_rows"]

#: Workbook kinds read directly, and the pandas engine (and package) for each.
ENGINES = {"xlsx": "openpyxl", "ods": "odf"}
#: The package to install for each engine, as pip names it.
_PACKAGES = {"openpyxl": "openpyxl", "odf": "odfpy"}
#: Workbook kinds this module reads (old ``.xls`` is not one of them).
READABLE_KINDS = tuple(ENGINES)


def cell_text(value) -> str:
    """The text of one cell as a person would type it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    return str(value)


def _engine(kind, source):
    if kind not in ENGINES:
        raise InputError(f"this is {WORKBOOK_KINDS[kind]}, which matchsim cannot read; save the sheet as "
                         "CSV (File > Save As > CSV UTF-8) or as .xlsx and use that file", file=source)
    engine = ENGINES[kind]
    try:
        __import__(engine)
    except ImportError:
        raise InputError(f"reading {WORKBOOK_KINDS[kind]} needs the package {_PACKAGES[engine]}, which is "
                         f"not installed; install it (python -m pip install {_PACKAGES[engine]}) or save "
                         "the sheet as CSV", file=source) from None
    return engine


def _read_all(path, kind, source):
    import pandas as pd

    engine = _engine(kind, source)
    try:
        return pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except Exception as exc:  # a damaged or mislabelled file: the engines raise many kinds
        raise InputError(f"this file looks like {WORKBOOK_KINDS[kind]} but cannot be read as one "
                         f"({type(exc).__name__}); open it in your spreadsheet program and save it "
                         "again, or save the sheet as CSV", file=source) from None


def sheet_names(path, kind) -> list[str]:
    """Names of the sheets of a workbook, in the workbook's order."""
    return list(_read_all(Path(path), kind, Path(path).name))


def _rows(frame) -> list[Row]:
    out = []
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        out.append(Row(i + 1, cells))
    return out


def read_workbook_rows(path, kind, sheet=None, source=None) -> tuple[str, list[Row]]:
    """The rows of one sheet of a workbook, and the sheet's name.

    Parameters
    ----------
    path : path-like
    kind : {"xlsx", "ods"}
        From :func:`matchsim.io.text.workbook_kind`.
    sheet : str, optional
        The sheet to read (its name; case and surrounding spaces are ignored).
    source : str, optional
        The file name for messages (default: ``path``'s name).

    Raises
    ------
    InputError
        For a sheet that is not there, several sheets and no ``sheet``, a
        missing reader package or a file that cannot be read.
    """
    path = Path(path)
    source = source or path.name
    frames = _read_all(path, kind, source)
    names = list(frames)
    shown = ", ".join(f'"{n}"' for n in names)
    if sheet is not None:
        key = str(sheet).strip().lower()
        match = [n for n in names if n.strip().lower() == key]
        if not match:
            raise InputError(f'there is no sheet "{sheet}"; the sheets are {shown}; give one of them '
                             "with --sheet", file=source)
        name = match[0]
    elif len(names) == 1:
        name = names[0]
    else:
        filled = [n for n in names if any(any(c.strip() for c in r.cells) for r in _rows(frames[n]))]
        if len(filled) == 1:
            name = filled[0]
        else:
            raise InputError(f"the workbook has {len(names)} sheets ({shown}) and "
                             f"{'none holds anything' if not filled else f'{len(filled)} hold data'}; "
                             "say which to read with --sheet NAME", file=source)
    return name, _rows(frames[name])
