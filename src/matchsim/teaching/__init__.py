"""Teaching: the Match one step at a time (``matchsim demo``).

:mod:`~matchsim.teaching.steps` turns the engine's trace into frames (the
state after each proposal), :mod:`~matchsim.teaching.stories` holds the
demos (the NRMP's example and its counterfactuals, a strategic list, a
couple, an advanced position), and :mod:`~matchsim.teaching.page` writes
one self-contained web page a teacher can project.
"""

from matchsim.teaching.steps import Frame, Replay, outcome_replay, replay, step_sentence
from matchsim.teaching.stories import DEMOS, Demo, View, demo, market_demo

__all__ = ["Frame", "Replay", "replay", "outcome_replay", "step_sentence", "Demo", "View", "DEMOS", "demo",
           "market_demo"]
