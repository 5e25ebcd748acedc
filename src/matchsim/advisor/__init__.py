"""The rank-list advisor: compare an applicant's candidate rank lists.

``matchsim compare mylist.csv`` reads a spreadsheet
(:func:`matchsim.io.read_rank_file`, giving a :class:`.inputs.RankFile`) and
calls :func:`advise`, which computes every list's outcome distribution under
the menu model (:mod:`.menu`) or in simulated markets with the real algorithm
(:mod:`.market_mode`), checks the lists (:mod:`.checks`), explains the result
in plain words (:mod:`.findings`) and returns one :class:`.advice.Advice`; the
command only renders it (:mod:`.export` turns it into JSON and CSV). Defaults
live in :mod:`.defaults`. Advanced programs and supplemental lists (the outcome
becomes a pair: program and PGY-1 year) are :mod:`.tracks` and
:mod:`.track_findings`; a couple's joint lists are :mod:`.couples`.

Names are imported on first use, so importing :mod:`matchsim.advisor.defaults`
loads nothing numerical.
"""

from matchsim._lazy import attach

_LAZY = {
    "DEFAULT_CORRELATION": "matchsim.advisor.defaults",
    "DEFAULT_SAMPLES": "matchsim.advisor.defaults",
    "Advice": "matchsim.advisor.advice",
    "ListOutcome": "matchsim.advisor.advice",
    "MarketSettings": "matchsim.advisor.advice",
    "advise": "matchsim.advisor.advice",
    "RankFile": "matchsim.advisor.inputs",
    "true_order": "matchsim.advisor.inputs",
    "ListComparison": "matchsim.advisor.comparison",
    "compare_lists": "matchsim.advisor.menu",
    "p_match_of_set": "matchsim.advisor.menu",
    "sample_menus": "matchsim.advisor.menu",
    "advice_to_json": "matchsim.advisor.export",
    "write_advice_csv": "matchsim.advisor.export",
    "PGY1Outcome": "matchsim.advisor.advice",
    "SensitivityRow": "matchsim.advisor.advice",
    "model_inputs": "matchsim.advisor.advice",
    "TrackTables": "matchsim.advisor.comparison",
    "supplemental_curve": "matchsim.advisor.tracks",
    "CoupleAdvice": "matchsim.advisor.couples",
    "advise_couple": "matchsim.advisor.couples",
    "compare_joint_lists": "matchsim.advisor.couples",
    "couple_to_json": "matchsim.advisor.couples",
}

__getattr__, __dir__, __all__ = attach(__name__, _LAZY)
