"""``matchsim run``: run a Monte Carlo study from a scenario file.

The command reads and checks the scenario, runs its trials (serially, on local
processes with ``--jobs``, or on Dask with ``--dask``/``--scheduler``), saves
each finished chunk of trials at once, and at the end writes into ``--out``:

``results.parquet``  tidy rows (one per trial x applicant x strategy)
``summary.csv``      the summary table, also printed
``manifest.json``    scenario text, seed, trials, matchsim version, timestamps
``<name>.png/.svg``  the study's plot
``parts/``           the checkpoints; ``--resume`` continues from them
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
import sys
from pathlib import Path

import click

from matchsim import __version__
from matchsim.cli.options import ProgressBar, json_option, quiet_option, user_errors
from matchsim.errors import InputError

__all__ = ["run"]

#: Exit status after Ctrl-C (128 + SIGINT), the shell's convention.
INTERRUPTED_EXIT = 130


def _now():
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _manifest(scenario, executor, jobs, started, **extra):
    import numba
    import numpy

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
        "workers": jobs,
        "started": started,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "platform": platform.platform(),
    }
    out.update(extra)
    return out


def _write_json(path, data):
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _prepare_out(out: Path, scenario, resume: bool, force: bool):
    """Check that ``out`` may be written; on resume, that it holds this scenario."""
    manifest = out / "manifest.json"
    has_parts = (out / "parts").is_dir() and any((out / "parts").iterdir())
    if resume:
        if not manifest.exists():
            if has_parts:
                raise InputError("the folder has results but no manifest.json; start over with --force",
                                 file=str(out), column="--resume")
            return
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
            old_text, old_seed = old["scenario"]["text"], old["seed"]
        except (OSError, ValueError, KeyError, TypeError):
            raise InputError("manifest.json is damaged; start over with --force",
                             file=str(manifest), column="--resume") from None
        if old_text != scenario.text or old_seed != scenario.seed:
            raise InputError("these results come from a different scenario file or seed; resume with the "
                             "same file, or use another --out folder (or --force to start over)",
                             file=str(manifest), column="--resume")
        return
    if has_parts or manifest.exists():
        if not force:
            raise InputError("the folder already holds a study; add --resume to continue it, "
                             "--force to replace it, or choose another --out folder",
                             file=str(out), column="--out")
        shutil.rmtree(out / "parts", ignore_errors=True)
        for name in ("manifest.json", "results.parquet", "summary.csv"):
            (out / name).unlink(missing_ok=True)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("scenario_file", metavar="SCENARIO", type=click.Path(dir_okay=False))
@click.option("--out", "-o", type=click.Path(file_okay=False), default=None,
              help="Folder for results, summary, manifest, plots and checkpoints "
                   "[default: results/<scenario name>].")
@click.option("--trials", "-n", type=click.IntRange(min=1), default=None,
              help="Number of trials, replacing the scenario's (trial i keeps its seed).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default 1; with --dask, the number of Dask workers, default 2).")
@click.option("--dask", "use_dask", is_flag=True,
              help="Run on a local Dask cluster (needs the extra: pip install 'matchsim[dask]').")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on a running Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in --out; finished trials are kept.")
@click.option("--force", is_flag=True, help="Replace results already in --out.")
@click.option("--chunk", type=click.IntRange(min=1), default=None,
              help="Trials per checkpoint file [default: the scenario's, else automatic].")
@click.option("--no-plots", is_flag=True, help="Do not draw plots.")
@json_option
@quiet_option
def run(scenario_file, out, trials, jobs, use_dask, scheduler, resume, force, chunk, no_plots, as_json,
        quiet):
    """Run the Monte Carlo study described in SCENARIO (a TOML file).

    Results are identical, bit for bit, whichever way the trials run: each
    trial draws from its own seed, SeedSequence(seed).spawn(trials)[i].
    Finished trials are saved as they complete, so Ctrl-C loses nothing:
    run the same command with --resume to continue.

    \b
    Examples:
      matchsim run scenarios/truthful_vs_strategies.toml --out results/strategies
      matchsim run scenarios/list_length.toml --jobs 2 --trials 1000
      matchsim run scenarios/core_size.toml --dask --jobs 4
      matchsim run scenarios/core_size.toml --scheduler tcp://10.0.0.5:8786
      matchsim run scenarios/signals_before_interviews.toml --resume --out results/signals
      matchsim run scenarios/messages_do_not_change_the_match.toml --json > summary.json
    """
    from matchsim.studies import load_scenario, run_study, summarize

    with user_errors():
        scenario = load_scenario(scenario_file)
        if trials is not None:
            scenario = scenario.with_trials(trials)
        if use_dask and scheduler:
            raise InputError("use either --dask (a local cluster) or --scheduler ADDRESS, not both",
                             column="--dask")
        if (use_dask or scheduler) and not _has_dask():
            raise InputError("Dask is not installed; install it with: python -m pip install 'matchsim[dask]'",
                             column="--dask" if use_dask else "--scheduler")
        workers = jobs or (2 if use_dask else 1)
        out_dir = Path(out) if out is not None else Path("results") / scenario.name
        _prepare_out(out_dir, scenario, resume, force)
        out_dir.mkdir(parents=True, exist_ok=True)

    executor = "dask" if (use_dask or scheduler) else ("processes" if workers > 1 else "serial")
    started = _now()
    manifest_path = out_dir / "manifest.json"
    previous = {}
    if resume and manifest_path.exists():
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest = _manifest(scenario, executor, workers, previous.get("started", started),
                         status="running", resumed=bool(resume), runs=previous.get("runs", []))
    _write_json(manifest_path, manifest)

    show = not (quiet or as_json)
    with user_errors(), ProgressBar(show, scenario.name, unit="trials") as progress:
        result = run_study(scenario, out_dir, jobs=workers, dask=use_dask, scheduler=scheduler,
                           resume=resume, chunk=chunk, progress=progress)
    finished = _now()
    manifest["runs"] = manifest["runs"] + [{
        "started": started, "finished": finished, "executor": result.executor,
        "workers": result.workers, "trials_run": result.trials_run,
        "trials_resumed": result.trials_resumed, "seconds": round(result.seconds, 3),
        "interrupted": result.interrupted,
    }]
    if result.interrupted:
        manifest["status"] = "interrupted"
        _write_json(manifest_path, manifest)
        saved = result.trials_run + result.trials_resumed
        click.echo(f"Interrupted: {saved} of {scenario.trials} trials are saved in {out_dir / 'parts'}; "
                   f"run the same command with --resume to continue.", err=True)
        sys.exit(INTERRUPTED_EXIT)

    results = result.results
    results.to_parquet(out_dir / "results.parquet", index=False)
    summary = summarize(scenario.kind, results)
    summary.to_csv(out_dir / "summary.csv", index=False)
    files = ["results.parquet", "summary.csv", "manifest.json"]
    if not no_plots:
        try:
            from matchsim.report import save_study_plots

            files += [p.name for p in save_study_plots(scenario.kind, summary, out_dir, scenario.name,
                                                       scenario.description)]
        except ImportError as exc:
            click.echo(f"Warning: no plots ({exc})", err=True)
    manifest.update(status="complete", finished=finished, rows=int(len(results)), files=files)
    _write_json(manifest_path, manifest)

    if as_json:
        from matchsim.report import summary_records

        click.echo(json.dumps({
            "scenario": scenario.name, "kind": scenario.kind, "trials": scenario.trials,
            "seed": scenario.seed, "out": str(out_dir), "rows": int(len(results)),
            "executor": result.executor, "workers": result.workers,
            "seconds": round(result.seconds, 3), "files": files,
            "summary": summary_records(summary),
        }, indent=2))
    elif not quiet:
        from rich.console import Console
        from rich.measure import Measurement

        from matchsim.report import summary_table

        title = f"{scenario.name}: {scenario.trials} trials, seed {scenario.seed}"
        from matchsim.studies import get_kind

        # summary.csv has every column; the terminal gets the ones that matter most
        table = summary_table(summary, title, drop=get_kind(scenario.kind).hidden)
        console = Console()
        need = Measurement.get(console, console.options.update_width(1000), table).maximum
        if need > console.width:  # a wide table wraps rather than losing columns
            console = Console(width=min(need, 250))
        console.print(table)
        console.print(f"Wrote {', '.join(files)} to {out_dir}/ in {result.seconds:.1f} s "
                      f"({result.executor}, {result.workers} worker{'s' if result.workers != 1 else ''}).")


def _has_dask():
    import importlib.util

    return importlib.util.find_spec("distributed") is not None
