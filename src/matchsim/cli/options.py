"""Options and helpers shared by the ``matchsim`` commands.

Kept small and free of heavy imports (no pandas, no rich at module level), so
that importing a command stays fast.

The one rule every command follows: a mistake in the user's input is an
:class:`matchsim.errors.InputError`, shown as ONE line on standard error,
``Error: <file>, row R, column "C": what is wrong; what to do``, with exit
status 2 and no traceback. Wrap a command body in :func:`user_errors` (or
decorate the command with :func:`reports_user_errors`) to get that.

Examples
--------
>>> import click
>>> from click.testing import CliRunner
>>> from matchsim.errors import InputError
>>> @click.command()
... @reports_user_errors
... def demo():
...     raise InputError("rank 3 is used twice; give each program its own rank",
...                      file="lists.csv", row=5, column="rank")
>>> r = CliRunner().invoke(demo)
>>> r.exit_code
2
>>> r.output.strip()
'Error: lists.csv, row 5, column "rank": rank 3 is used twice; give each program its own rank'
"""

from __future__ import annotations

import contextlib
import functools
import sys

import click

from matchsim.errors import InputError

__all__ = [
    "USER_ERROR_EXIT",
    "BROKEN_PIPE_EXIT",
    "silence_stdout",
    "UserError",
    "user_errors",
    "reports_user_errors",
    "proposing_option",
    "json_option",
    "quiet_option",
    "out_option",
    "ProgressBar",
    "COMPILE_NOTICE",
    "announce_compiling",
    "with_compile_notice",
]

#: Exit status for a mistake in the user's input (click uses 2 for usage errors too).
USER_ERROR_EXIT = 2

#: Exit status when the output pipe closed early (``matchsim ... | head``), as rich's console uses.
BROKEN_PIPE_EXIT = 1


class UserError(click.ClickException):
    """A user's mistake, printed by click as one ``Error: ...`` line, exit status 2."""

    exit_code = USER_ERROR_EXIT


#: An error line longer than this is cut in the middle (the readers already shorten quoted input;
#: this keeps any message a terminal line or two, whatever a file held).
MAX_ERROR_LENGTH = 600


def _one_line(text: str) -> str:
    """One terminal-safe line, at most :data:`MAX_ERROR_LENGTH` characters (the end, what to do, kept)."""
    from matchsim.io.escape import terminal_text

    text = str(text)
    if len(text) > 4 * MAX_ERROR_LENGTH:  # do not split a 50 MB message into words
        text = text[:MAX_ERROR_LENGTH] + " " + text[-MAX_ERROR_LENGTH:]
    text = terminal_text(" ".join(text.split()))
    if len(text) > MAX_ERROR_LENGTH:
        cut = len(text) - MAX_ERROR_LENGTH + 5
        keep = (MAX_ERROR_LENGTH - 5) // 2
        text = f"{text[:keep]} ... {text[keep + cut:]}"
    return text


@contextlib.contextmanager
def user_errors():
    """Turn input mistakes raised inside the block into a one-line :class:`UserError`.

    Catches :class:`~matchsim.errors.InputError` and operating-system errors
    about files (missing, not readable, a folder where a file was expected).
    Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except InputError as exc:
        raise UserError(_one_line(str(exc))) from None
    except BrokenPipeError:  # not a file problem: the reader of our output went away (see cli.main)
        raise
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        what = exc.strerror or str(exc)
        raise UserError(_one_line(f"{where}{what}; check the path and that the file can be read")) from None


def silence_stdout():
    """Point standard output at the null device, so Python's final flush cannot fail again.

    Used when the reader of a pipe went away (``matchsim explain | head``).
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def reports_user_errors(func):
    """Decorator form of :func:`user_errors` for a click command callback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with user_errors():
            return func(*args, **kwargs)

    return wrapper


def proposing_option(func):
    """``--proposing applicant|program`` (default ``applicant``, the NRMP's algorithm)."""
    from matchsim.constants import PROPOSING_SIDES  # numba-free: --help stays light

    return click.option(
        "--proposing",
        type=click.Choice(PROPOSING_SIDES),
        default=PROPOSING_SIDES[0],
        show_default=True,
        help="Which side proposes: 'applicant' is the NRMP's algorithm (best stable "
        "outcome for applicants); 'program' gives the best stable outcome for programs.",
    )(func)


def json_option(func):
    """``--json``: print one machine-readable JSON document to stdout instead of tables."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print a JSON document instead of tables."
    )(func)


def quiet_option(func):
    """``--quiet``/``-q``: print nothing but errors."""
    return click.option("--quiet", "-q", is_flag=True, help="Print nothing except errors.")(func)


def out_option(help_text: str):
    """``--out``/``-o PATH`` with a command-specific help text."""
    return click.option(
        "--out", "-o", type=click.Path(dir_okay=True, writable=True), default=None, help=help_text
    )


class ProgressBar:
    """A rich progress bar with the time left, on standard error.

    Called as ``bar(done, total)``; does nothing when ``enabled`` is false
    (``--quiet``, ``--json``), so a library function can take it as its
    ``progress`` callback either way.
    """

    def __init__(self, enabled, label, unit="trials"):
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self.bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn(unit), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )
        from rich.markup import escape

        from matchsim.io.escape import terminal_text

        # the label may be a name from a user's file: shown as written, never as markup or control codes
        self.task = self.bar.add_task(escape(terminal_text(label)), total=None)

    def __call__(self, done, total):
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.bar is not None:
            if exc_type is not None:  # an error line follows: leave no half-drawn bar above it
                self.bar.live.transient = True
            self.bar.stop()


#: Printed once, on standard error, when numba compiles matchsim's kernels (a cold cache).
COMPILE_NOTICE = ("matchsim: compiling fast kernels, first run only (seconds to a minute; "
                  "later runs reuse them)")

_compile_listener = None


def announce_compiling() -> None:
    """From now on, say :data:`COMPILE_NOTICE` once when a matchsim kernel is compiled.

    numba compiles a kernel on its first call and saves the machine code in
    its cache, so only the first run after installing (or after the cache is
    cleared) pays for it. numba broadcasts a ``"numba:compile"`` event when it
    compiles rather than loads a function (``numba.core.event``); the notice
    listens for that event, so it is printed exactly when a kernel is being
    compiled, and never when the cache is warm.

    Worker processes forked by ``matchsim run --jobs N`` inherit the listener;
    whichever process compiles first claims a marker file (created with
    ``O_EXCL``, removed when this process exits), so the notice still appears
    once per command. Calling this again is harmless.
    """
    global _compile_listener
    if _compile_listener is not None:
        return
    import atexit
    import os
    import secrets
    import tempfile

    from numba.core import event

    owner = os.getpid()
    marker = os.path.join(tempfile.gettempdir(), f"matchsim-compiling-{owner}-{secrets.token_hex(4)}")

    def first_to_say() -> bool:
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        except OSError:  # no writable temporary folder: say it in this process only
            return os.getpid() == owner
        return True

    class _Notice(event.Listener):
        said = False

        def on_start(self, ev):
            dispatcher = (ev.data or {}).get("dispatcher")
            module = getattr(getattr(dispatcher, "py_func", None), "__module__", "") or ""
            if not self.said and module.startswith("matchsim"):
                self.said = True
                if first_to_say():
                    print(COMPILE_NOTICE, file=sys.stderr, flush=True)

        def on_end(self, ev):
            pass

    def cleanup():
        if os.getpid() == owner:
            with contextlib.suppress(OSError):
                os.unlink(marker)

    atexit.register(cleanup)
    _compile_listener = _Notice()
    event.register("numba:compile", _compile_listener)


def with_compile_notice(command):
    """Make a click ``command`` call :func:`announce_compiling` before it runs.

    Installed by the command group on every subcommand, so each command says
    when its first run compiles; ``--help`` and usage errors end before the
    callback and so never import numba. A command called with ``--quiet``
    stays quiet.
    """
    callback = command.callback
    if callback is None or getattr(callback, "_announces_compiling", False):
        return command

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        if not kwargs.get("quiet"):
            announce_compiling()
        return callback(*args, **kwargs)

    wrapper._announces_compiling = True
    command.callback = wrapper
    return command
