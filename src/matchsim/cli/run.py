"""``matchsim run``: run a Monte Carlo study from a scenario file.

The command reads and checks the scenario, runs its trials (serially, on local
processes with ``--jobs``, or on Dask with ``--dask``/``--scheduler``) and
renders what :func:`matchsim.studies.run_study` returns. The study folder
(``--out``) is written by :class:`matchsim.studies.folder.StudyFolder`:

``results.parquet``  tidy rows (one per trial x applicant x strategy)
``summary.csv``      the summary table, also printed
``manifest.json``    scenario text, seed, trials, matchsim version, timestamps
``<name>.png/.svg``  the study's plot
``parts/``           the checkpoints; ``--resume`` continues from them
``.matchsim.lock``   held while a run writes the folder; a second run is refused
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from matchsim.cli import INTERRUPTED_EXIT
from matchsim.cli.options import ProgressBar, json_option, quiet_option, user_errors
from matchsim.errors import InputError

__all__ = ["run"]



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
      matchsim run scenarios/list_length.toml --resume --out results/lengths
      matchsim run scenarios/core_size.toml --json > summary.json
    """
    from matchsim.studies.interrupt import stop_on_interrupt

    # from here on Ctrl-C only asks the study to stop; the runner stops between trials
    with stop_on_interrupt():
        _run(scenario_file, out, trials, jobs, use_dask, scheduler, resume, force, chunk, no_plots, as_json,
             quiet)


def _run(scenario_file, out, trials, jobs, use_dask, scheduler, resume, force, chunk, no_plots, as_json, quiet):
    from matchsim.io.escape import terminal_text
    from matchsim.studies.runner import run_study
    from matchsim.studies.scenario import load_scenario

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
    show = not (quiet or as_json)
    with user_errors(), ProgressBar(show, scenario.name, unit="trials") as bar:
        result = run_study(scenario, out_dir, jobs=workers, dask=use_dask, scheduler=scheduler, resume=resume,
                           force=force, chunk=chunk, progress=bar, plots=not no_plots)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    where = terminal_text(out_dir)
    if result.interrupted:
        saved = result.trials_run + result.trials_resumed
        if result.summary is not None:
            click.echo(f"Interrupted after all {scenario.trials:,} trials had finished; the results are complete "
                       f"in {where}.", err=True)
        elif saved == 0:
            click.echo("Interrupted before any trial finished; nothing was saved. Run the same command "
                       "again to start.", err=True)
        else:
            click.echo(f"Interrupted: {saved:,} of {scenario.trials:,} trials are saved in "
                       f"{terminal_text(out_dir / 'parts')}; run the same command with --resume to continue.",
                       err=True)
        sys.exit(INTERRUPTED_EXIT)

    results, summary, files = result.results, result.summary, result.files
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
        from rich.markup import escape
        from rich.measure import Measurement

        from matchsim.report import summary_table
        from matchsim.studies.kinds import get_kind

        # names are shown as written: no terminal codes, no rich markup
        title = escape(terminal_text(f"{scenario.name}: {scenario.trials} trials, seed {scenario.seed}"))
        # summary.csv has every column; the terminal gets the ones that matter most
        table = summary_table(summary, title, drop=get_kind(scenario.kind).hidden)
        console = Console()
        need = Measurement.get(console, console.options.update_width(1000), table).maximum
        if need > console.width:  # a wide table wraps rather than losing columns
            console = Console(width=min(need, 250))
        console.print(table)
        console.print(f"Wrote {escape(', '.join(files))} to {escape(where)}/ in {result.seconds:.1f} s "
                      f"({result.executor}, {result.workers} worker{'s' if result.workers != 1 else ''}).")


def _has_dask():
    import importlib.util

    return importlib.util.find_spec("distributed") is not None
