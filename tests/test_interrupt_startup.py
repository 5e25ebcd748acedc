"""Ctrl-C at any moment of any command, even while Python is still importing it, ends cleanly.

The installed script is started and interrupted after delays from a few
milliseconds (the interpreter is importing click and matchsim) to most of a
second (the command is working). Every try must end either normally (it was
done before the signal) or with status 130 and one line, never a traceback.
A signal that arrives before the interpreter has set up its own handler ends
the process the way the shell reports as status 130 too (killed by SIGINT),
silently. A signal that lands while CPython itself is still setting up
(``site``, the standard streams, before the first line of the script runs)
is CPython's to report ("Fatal Python error: init_import_site",
"init_sys_streams", ...), and one that lands in the launcher pip writes
(``import re``, ``from matchsim.cli import main``: the few lines before
:func:`matchsim.cli.main` starts, which a library must not guard by changing
Python's own Ctrl-C handling at import) is the launcher's: a traceback that
never entered ``main``. Those tries still show that the signal arrived while
the command was starting.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

def _entered_main(err: str) -> bool:
    """Whether a traceback has a frame inside :func:`matchsim.cli.main` or below it."""
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith("File ")]
    return any("matchsim/cli/__init__.py" in line and line.endswith(", in main") for line in lines)


DELAYS = (0.001, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7)


@pytest.mark.parametrize("args", [("match", "--example", "nrmp"), ("--help",), ("compare", "--example")])
def test_ctrl_c_while_starting_never_shows_a_traceback(matchsim_script, clean_env, outside_dir, args):
    interrupted = 0
    for delay in DELAYS:
        proc = subprocess.Popen([str(matchsim_script), *args], cwd=outside_dir, env=clean_env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        if err.startswith("Fatal Python error: init_") or ("Traceback" in err and not _entered_main(err)):
            interrupted += 1  # CPython, or pip's launcher, had not started matchsim's main yet
            continue
        assert "Traceback" not in err, (delay, err)
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, err)
        if proc.returncode == -signal.SIGINT:  # before Python's own handler existed
            assert err == "", err
            interrupted += 1
        elif proc.returncode == 130:
            interrupted += 1
            assert err.strip().splitlines()[-1] == "Interrupted.", err
    # the early signals (1-10 ms: the interpreter is still starting) really arrived while it was starting;
    # a fast command (--help) may be done before the later ones
    assert interrupted >= 3
