"""Ctrl-C for studies: a flag asked between trials, never an exception inside a kernel.

A SIGINT that raises ``KeyboardInterrupt`` while a numba kernel runs surfaces
as ``SystemError: CPUDispatcher(...) returned a result with an exception
set``, and can arrive while a file is half written. Inside
:func:`stop_on_interrupt` a SIGINT only sets an event; the runner asks it
between two trials, saves what is finished and stops. Standard library only,
so a command can install it before anything heavy is imported.

Examples
--------
>>> import os, signal
>>> with stop_on_interrupt() as interrupted:
...     os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt
...     interrupted.wait(5)
True
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["stop_on_interrupt"]

_ACTIVE: list[threading.Event] = []


@contextlib.contextmanager
def stop_on_interrupt():
    """While inside, Ctrl-C (SIGINT) sets the yielded event instead of raising KeyboardInterrupt.

    Nested uses share one event. Outside the main thread signals cannot be
    caught; the event is then never set (and Ctrl-C behaves as usual).
    """
    if _ACTIVE:
        yield _ACTIVE[-1]
        return
    event = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return

    def handler(signum, frame):
        event.set()

    previous = signal.signal(signal.SIGINT, handler)
    _ACTIVE.append(event)
    try:
        yield event
    finally:
        _ACTIVE.pop()
        signal.signal(signal.SIGINT, previous)
