"""Errors that reach a user: each names where the problem is and what to do.

The readers in :mod:`matchsim.io`, the scenario loader and the advisor raise
:class:`InputError`; the command line prints ``str(error)`` on one line and
exits with status 2. Nothing here imports anything outside the standard
library.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A mistake in a user's file or argument.

    Parameters
    ----------
    message : str
        What is wrong and what to do about it, as one sentence.
    file : str, optional
        The file the problem is in.
    row : int, optional
        1-based row as a spreadsheet shows it (the header is row 1).
    column : str, optional
        The column (header name) the problem is in.

    Examples
    --------
    >>> str(InputError("rank 3 is used twice; give each program its own rank",
    ...                file="lists.csv", row=5, column="rank"))
    'lists.csv, row 5, column "rank": rank 3 is used twice; give each program its own rank'
    """

    def __init__(self, message: str, *, file=None, row=None, column=None):
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return (", ".join(where) + ": " if where else "") + self.message
