"""Monte Carlo studies: scenario files -> trials -> tidy results -> summaries.

* :mod:`~matchsim.studies.scenario` reads and checks scenario TOML files
  (:mod:`~matchsim.studies.schema_errors` explains the mistakes);
* :mod:`~matchsim.studies.kinds` holds one module per study kind (its
  options, trial, summary, plot and table columns), registered once;
* :mod:`~matchsim.studies.trial` has the building blocks of a trial (seeds,
  outcome rows) and runs one;
* :mod:`~matchsim.studies.runner` runs all trials (on the executors of
  :mod:`~matchsim.studies.executors`: serial, local processes, Dask), with
  checkpoints, resume and a clean Ctrl-C (:mod:`~matchsim.studies.interrupt`);
* :mod:`~matchsim.studies.folder` owns the output folder (lock, parts,
  manifest, results, summary, plot);
* :mod:`~matchsim.studies.summary` turns tidy rows into summary tables.

Names are imported on first use, so reading a scenario does not load pandas.

Examples
--------
>>> from matchsim.studies import parse_scenario, run_study, summarize
>>> s = parse_scenario('[study]\\nkind = "core"\\ntrials = 2\\n[market]\\npreset = "small"\\n'
...                    '[core]\\nscales = [1.0]\\ninterviews = [1.0]\\n')
>>> run = run_study(s)
>>> run.results["trial"].tolist()  # one row per trial and setting
[0, 0, 1, 1]
>>> list(summarize(s.kind, run.results)["sweep"])
['size', 'interviews']
"""

from matchsim._lazy import attach

_LAZY = {
    "EXECUTORS": "matchsim.studies.runner",
    "KINDS": "matchsim.studies.scenario",
    "WHO": "matchsim.studies.kinds.strategies",
    "Scenario": "matchsim.studies.scenario",
    "StudyRun": "matchsim.studies.runner",
    "get_kind": "matchsim.studies.kinds",
    "load_scenario": "matchsim.studies.scenario",
    "parse_scenario": "matchsim.studies.scenario",
    "read_parts": "matchsim.studies.runner",
    "run_study": "matchsim.studies.runner",
    "run_trial": "matchsim.studies.trial",
    "summarize": "matchsim.studies.summary",
    "trial_seed": "matchsim.studies.trial",
}

__getattr__, __dir__, __all__ = attach(__name__, _LAZY)
