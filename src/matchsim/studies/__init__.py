"""Monte Carlo studies: scenario files -> trials -> tidy results -> summaries.

* :mod:`~matchsim.studies.scenario` reads and checks scenario TOML files;
* :mod:`~matchsim.studies.trial` runs one trial (seed -> market -> strategies
  -> matches -> tidy rows);
* :mod:`~matchsim.studies.runner` runs all trials serially, on local
  processes or on a Dask cluster, with checkpoints and resume;
* :mod:`~matchsim.studies.summary` turns tidy rows into summary tables.

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

from matchsim.studies.runner import EXECUTORS, StudyRun, read_parts, run_study
from matchsim.studies.scenario import KINDS, WHO, Scenario, load_scenario, parse_scenario
from matchsim.studies.summary import summarize
from matchsim.studies.trial import run_trial, trial_seed

__all__ = [
    "EXECUTORS",
    "KINDS",
    "WHO",
    "Scenario",
    "StudyRun",
    "load_scenario",
    "parse_scenario",
    "read_parts",
    "run_study",
    "run_trial",
    "summarize",
    "trial_seed",
]
