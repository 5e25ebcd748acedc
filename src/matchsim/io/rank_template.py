"""A blank, commented rank-list spreadsheet to start from (``matchsim compare --template FILE``).

The file has the columns :mod:`matchsim.io.rank_file` reads, below comment
rows (starting with ``#``, which the reader skips) that say what to write in
each. It is UTF-8 with a byte-order mark, so Excel keeps it UTF-8 when saving.
"""

from __future__ import annotations

import csv

__all__ = ["write_rank_template", "TEMPLATE_COMMENTS", "TEMPLATE_HEADER"]


#: The comment rows at the top of :func:`write_rank_template`'s spreadsheet (one cell each).
TEMPLATE_COMMENTS = (
    "# matchsim compare: your candidate rank lists. One row per program you interviewed at "
    "(below the row of column names). Rows starting with # are comments.",
    "# program: the program's name. track: categorical (or blank) / advanced / preliminary / "
    "transitional. Preliminary and transitional programs are PGY-1 years.",
    "# preference: your true order (1 = the program you want most); your PGY-1 programs have their own "
    "order, again from 1. Leave it blank for a program you would rather not match at.",
    "# chance: your guess that the program would take you (0.3 or 30%). "
    "Blank = a default from what it told you.",
    "# signal: none / interested / ranked highly / ranked to match. Blank = no message recorded.",
    "# Every other column is one rank list you are considering: the program's rank on it "
    "(1 = first), or program names top to bottom. Blank = left off. Rename the list columns as you "
    "like and add more.",
    "# supplemental: your supplemental list of PGY-1 programs (ranks, as a list), used with every "
    "advanced program. Delete the column if you rank no advanced program. With several, name them "
    "'supplemental: <name>' and add a column 'link' naming, in each advanced program's row, its list.",
    "# notes: anything you like (ignored). Save as CSV and then run: matchsim compare <this file>",
)

#: The column names of the template.
TEMPLATE_HEADER = ("program", "track", "preference", "chance", "signal", "honest", "alternative",
                   "supplemental", "notes")


def write_rank_template(path) -> None:
    """Write a blank, commented rank-list spreadsheet to start from; never overwrite a file.

    The file is UTF-8 with a byte-order mark (so Excel keeps it UTF-8 when
    saving) and reads back with :func:`matchsim.io.rank_file.read_rank_file` once programs
    are added.

    Raises
    ------
    FileExistsError
        If ``path`` exists (nothing is written).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mylist.csv"
    >>> write_rank_template(path)
    >>> with path.open("a") as fh:
    ...     _ = fh.write("Mercy,,1,30%,,1,2,,\\n")
    >>> from matchsim.io.rank_file import read_rank_file
    >>> list(read_rank_file(path).lists)
    ['honest', 'alternative']
    """
    with open(path, "x", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        for line in TEMPLATE_COMMENTS:
            w.writerow([line])
        w.writerow(TEMPLATE_HEADER)
