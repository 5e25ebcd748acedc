"""The ``matchsim`` command line: a thin click layer, one module per command.

:func:`main` is the installed script's entry point. It exists so that Ctrl-C
pressed at any moment (even while Python is still importing the command)
ends with one line on standard error and the shell's status for an
interrupt, 130, never with a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["main", "INTERRUPTED_EXIT"]

#: Exit status after Ctrl-C (128 + SIGINT), the shell's convention.
INTERRUPTED_EXIT = 130


def main(argv=None):
    """Run the ``matchsim`` command group on ``argv`` (default: the command line).

    Examples
    --------
    >>> import pytest
    >>> with pytest.raises(SystemExit) as stop:
    ...     main(["--version"])
    matchsim, version ...
    >>> stop.value.code
    0
    """
    try:
        from matchsim.cli.main import cli

        return cli.main(args=argv, prog_name="matchsim")
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        raise SystemExit(INTERRUPTED_EXIT) from None
