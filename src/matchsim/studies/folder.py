"""The output folder of a study: the one object that writes in it.

A :class:`StudyFolder` owns everything ``matchsim run`` keeps on disk::

    DIR/.matchsim.lock    held (flock) for the whole run; the operating system releases it
    DIR/manifest.json     scenario text, seed, trials, versions, times, status, each run
    DIR/parts/            one Parquet file per finished chunk of trials (the checkpoints)
    DIR/results.parquet   tidy rows, in trial order (written once, at the end)
    DIR/summary.csv       the summary table
    DIR/<name>.png/.svg   the study's plot

Its life: :meth:`~StudyFolder.check` (read only: may this study be written
here?), :meth:`~StudyFolder.open` (create the folder, take the lock, check
again under it, clear it for ``force``, write the manifest as "running"),
:meth:`~StudyFolder.write_part` for every finished chunk,
:meth:`~StudyFolder.done` and :meth:`~StudyFolder.read_results` to resume and
to collect, then :meth:`~StudyFolder.finalize` or
:meth:`~StudyFolder.interrupted`, and :meth:`~StudyFolder.close`. Every file
is written under a temporary name and renamed, so a crash never leaves half a
file, and two runs can never write into one folder at once: the second is
refused with one line.

Examples
--------
>>> import tempfile
>>> from matchsim.studies import parse_scenario
>>> s = parse_scenario('[study]\\nkind = "core"\\ntrials = 4\\n')
>>> folder = StudyFolder(tempfile.mkdtemp())
>>> with folder.open(s, executor="serial", workers=1):
...     folder.write_part(0, 2, {"trial": np.array([0, 1], dtype=np.int32)})
...     folder.done()
[(0, 2)]
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import re
import shutil
from pathlib import Path

import numpy as np

from matchsim import __version__
from matchsim.errors import InputError

__all__ = ["LOCK_FILE", "StudyFolder", "csv_cells", "now"]

#: Name of the lock file inside a study folder.
LOCK_FILE = ".matchsim.lock"

_PART = re.compile(r"^part-(\d{6,})-(\d{6,})\.parquet$")
_FINAL_FILES = ("manifest.json", "results.parquet", "summary.csv")


def now() -> str:
    """The time in UTC, as ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def csv_cells(frame):
    """``frame`` with every text cell made safe for a spreadsheet (see :func:`matchsim.io.escape.csv_text`).

    Examples
    --------
    >>> import pandas as pd
    >>> csv_cells(pd.DataFrame({"name": ["=1+1", "ok"], "x": [-1, 2]})).to_dict("list")
    {'name': ["'=1+1", 'ok'], 'x': [-1, 2]}
    """
    from matchsim.io.escape import csv_text

    text = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string")]
    return frame.assign(**{c: frame[c].map(csv_text) for c in text}) if text else frame


def _part_name(first, stop):
    return f"part-{first:06d}-{stop:06d}.parquet"


def _try_lock(fd) -> bool:
    """Take an exclusive lock on the open file ``fd`` without waiting; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class StudyFolder:
    """The output folder ``path`` of one study (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The folder (``--out``); created by :meth:`open` if missing.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.parts_dir = self.path / "parts"
        self._lock_fd = None
        self._manifest = None

    def __repr__(self):
        return f"StudyFolder({str(self.path)!r})"

    # ------------------------------------------------------------ reading
    def manifest(self) -> dict | None:
        """The manifest as written, or None when there is none.

        Raises
        ------
        InputError
            If ``manifest.json`` cannot be read as a manifest.
        """
        path = self.path / "manifest.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["scenario"]["text"], data["seed"]  # noqa: B018 (the keys a resume needs)
        except (OSError, ValueError, KeyError, TypeError):
            raise InputError("manifest.json is damaged; start over with --force",
                             file=str(path), column="--resume") from None
        return data

    def parts(self) -> list[tuple[int, int, Path]]:
        """The saved chunks as ``(first, stop, file)``, in trial order."""
        import pyarrow.dataset as ds

        if not self.parts_dir.is_dir():
            return []
        found = []
        # the dataset lists the Parquet files and skips hidden ones (unfinished, being written)
        for name in ds.dataset(self.parts_dir, format="parquet").files:
            m = _PART.match(Path(name).name)
            if m:
                found.append((int(m.group(1)), int(m.group(2)), Path(name)))
        return sorted(found)

    def done(self, below: int | None = None) -> list[tuple[int, int]]:
        """Ranges ``(first, stop)`` of trials already saved (cut at ``below``), in order."""
        out = []
        for first, stop, _ in self.parts():
            if below is not None:
                stop = min(stop, below)
            if first < stop:
                out.append((first, stop))
        return out

    def read_results(self, trials: int | None = None):
        """All saved rows as one DataFrame, in trial order; only trials below ``trials`` if given."""
        import pandas as pd
        import pyarrow.dataset as ds

        files = [str(f) for first, _, f in self.parts() if trials is None or first < trials]
        if not files:
            return pd.DataFrame()
        dataset = ds.dataset(files, format="parquet")
        keep = None if trials is None or "trial" not in dataset.schema.names else ds.field("trial") < trials
        return dataset.to_table(filter=keep).to_pandas()

    def holds_study(self) -> bool:
        """Whether the folder holds (part of) a study: a manifest or saved chunks."""
        return (self.path / "manifest.json").exists() or bool(self.parts())

    def _in_use(self) -> str | None:
        """The process id (as text) of another run holding the lock, if any; probes without writing."""
        lock = self.path / LOCK_FILE
        if self._lock_fd is not None or not lock.exists():
            return None
        try:
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            return None
        try:
            if _try_lock(fd):
                return None
            return (os.read(fd, 64).decode("ascii", "replace").strip() or "unknown")
        finally:
            os.close(fd)  # closing drops a lock this probe took

    # ------------------------------------------------------------ checks
    def check(self, scenario, *, resume: bool = False, force: bool = False) -> None:
        """Whether ``scenario`` may be run into this folder; writes nothing.

        Raises
        ------
        InputError
            If another run holds the folder; if it holds a study and neither
            ``resume`` nor ``force`` is given; on resume, if it holds another
            scenario or seed, or finished trials the scenario's trial count
            would leave out.
        """
        out = str(self.path)
        if self.path.exists() and not self.path.is_dir():
            raise InputError("this is a file, not a folder; choose a folder for --out", file=out, column="--out")
        pid = self._in_use()
        if pid is not None:
            raise InputError(f"another matchsim run (process {pid}) is writing into this folder; wait for it "
                             "to finish, or choose another --out folder", file=out, column="--out")
        manifest = self.manifest()
        if not resume:
            if (manifest is not None or self.parts()) and not force:
                raise InputError("the folder already holds a study; add --resume to continue it, "
                                 "--force to replace it, or choose another --out folder",
                                 file=out, column="--out")
            return
        if manifest is None:
            if self.parts():
                raise InputError("the folder has results but no manifest.json; start over with --force",
                                 file=out, column="--resume")
            return
        if manifest["scenario"]["text"] != scenario.text or manifest["seed"] != scenario.seed:
            raise InputError("these results come from a different scenario file or seed; resume with the "
                             "same file, or use another --out folder (or --force to start over)",
                             file=str(self.path / "manifest.json"), column="--resume")
        parts = self.parts()
        beyond = sum(stop - max(first, scenario.trials) for first, stop, _ in parts if stop > scenario.trials)
        if beyond:
            top = max(stop for _, stop, _ in parts)
            raise InputError(f"the folder holds {beyond:,} finished trials at or after trial {scenario.trials:,}, "
                             f"which a resume with {scenario.trials:,} trials would leave out; resume with "
                             f"--trials {top} (or more), or start over with --force",
                             file=out, column="--trials")

    # ------------------------------------------------------------ writing
    def open(self, scenario, *, resume: bool = False, force: bool = False, executor: str = "serial",
             workers: int = 1, started: str | None = None) -> StudyFolder:
        """Create the folder, lock it for this process, check it again, and mark the study as running.

        With ``force`` an earlier study's files are removed first. Use as a
        context manager (or call :meth:`close`) so that the lock is released.

        Raises
        ------
        InputError
            As :meth:`check`, or if another run took the lock first.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        lock = self.path / LOCK_FILE
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            pid = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise InputError(f"another matchsim run (process {pid}) is writing into this folder; wait for it "
                             "to finish, or choose another --out folder", file=str(self.path), column="--out")
        self._lock_fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.check(scenario, resume=resume, force=force)  # again: now nobody else can change it
            previous = self.manifest() if resume else None
            if not resume:
                shutil.rmtree(self.parts_dir, ignore_errors=True)
                for name in _FINAL_FILES:
                    (self.path / name).unlink(missing_ok=True)
            started = started or now()
            self._manifest = self._describe(scenario, executor, workers,
                                            (previous or {}).get("started", started),
                                            status="running", resumed=bool(resume),
                                            runs=(previous or {}).get("runs", []))
            self._write_manifest()
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Release the lock (the lock file stays; it is empty of meaning once released)."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def _require_lock(self):
        if self._lock_fd is None:
            raise RuntimeError(f"{self!r} is not open; call open() first")

    def write_part(self, first: int, stop: int, columns: dict) -> None:
        """Save the rows of trials ``first .. stop-1`` (a dict of equal-length arrays)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._require_lock()
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        table = pa.table({k: pa.array(v) for k, v in columns.items()}) if columns else pa.table({})
        tmp = self.parts_dir / f".{_part_name(first, stop)}.{os.getpid()}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, self.parts_dir / _part_name(first, stop))

    def interrupted(self, run: dict) -> None:
        """Record an interrupted run; with nothing saved at all, leave no manifest behind."""
        self._require_lock()
        if not self.parts():
            (self.path / "manifest.json").unlink(missing_ok=True)
            return
        self._manifest["runs"] = self._manifest["runs"] + [run]
        self._manifest["status"] = "interrupted"
        self._write_manifest()

    def finalize(self, scenario, results, summary, run: dict, *, plot: bool = True) -> tuple[list[str], list[str]]:
        """Write ``results.parquet``, ``summary.csv``, the plot and the completed manifest.

        Returns the names of the files written and warnings (e.g. no plots
        without matplotlib).
        """
        self._require_lock()
        self._replace(self.path / "results.parquet", lambda p: results.to_parquet(p, index=False))
        self._replace(self.path / "summary.csv", lambda p: csv_cells(summary).to_csv(p, index=False))
        files = ["results.parquet", "summary.csv", "manifest.json"]
        warnings = []
        if plot and len(summary):
            try:
                from matchsim.report import save_figure
                from matchsim.studies.kinds import get_kind

                figure = get_kind(scenario.kind).plot(summary, scenario.description)
                files += [p.name for p in save_figure(figure, self.path, scenario.name)]
            except ImportError as exc:
                warnings.append(f"no plots ({exc})")
        self._manifest["runs"] = self._manifest["runs"] + [run]
        self._manifest.update(status="complete", finished=run["finished"], rows=int(len(results)), files=files)
        self._write_manifest()
        return files, warnings

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _replace(path: Path, write) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        write(tmp)
        os.replace(tmp, path)

    def _write_manifest(self):
        text = json.dumps(self._manifest, indent=2) + "\n"
        self._replace(self.path / "manifest.json", lambda p: p.write_text(text, encoding="utf-8"))

    @staticmethod
    def _describe(scenario, executor, workers, started, **extra) -> dict:
        import numba

        out = {
            "matchsim_version": __version__,
            "scenario": {
                "name": scenario.name, "kind": scenario.kind, "file": scenario.file,
                "text": scenario.text,
            },
            "seed": scenario.seed,
            "trials": scenario.trials,
            "seeds": f"numpy.random.SeedSequence({scenario.seed}).spawn({scenario.trials}), one per trial",
            "executor": executor,
            "workers": workers,
            "started": started,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "numba": numba.__version__,
            "platform": platform.platform(),
        }
        out.update(extra)
        return out
