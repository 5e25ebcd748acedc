"""The match: deferred acceptance kernels, stability checks and oracles.

Everything here works on :class:`matchsim.market.Market` arrays and returns
arrays or small frozen dataclasses; nothing imports pandas, click or
matplotlib.
"""

from matchsim.engine.brute import (
    applicant_optimal_brute,
    blocking_pairs_brute,
    program_optimal_brute,
    stable_matchings_brute,
)
from matchsim.engine.da import (
    PROPOSING_SIDES,
    UNRANKED,
    MatchResult,
    deferred_acceptance,
    receiver_ranks,
)
from matchsim.engine.menu import applicant_menu, outcome_from_menu
from matchsim.engine.nrmp import Loop, LoopReport, NRMPResult, nrmp_match
from matchsim.engine.nrmp_brute import NRMPBruteForce, nrmp_blocking_brute, nrmp_stable_outcomes_brute
from matchsim.engine.nrmp_stability import NRMPBlocking, is_nrmp_stable, nrmp_blocking
from matchsim.engine.stability import (
    blocking_pairs,
    is_feasible,
    is_individually_rational,
    is_stable,
)
from matchsim.engine.trace import MatchTrace, Step, deferred_acceptance_reference, trace_match

__all__ = [
    "MatchResult",
    "applicant_menu",
    "outcome_from_menu",
    "PROPOSING_SIDES",
    "UNRANKED",
    "deferred_acceptance",
    "receiver_ranks",
    "deferred_acceptance_reference",
    "trace_match",
    "MatchTrace",
    "Step",
    "blocking_pairs",
    "is_feasible",
    "is_individually_rational",
    "is_stable",
    "stable_matchings_brute",
    "blocking_pairs_brute",
    "applicant_optimal_brute",
    "program_optimal_brute",
    "nrmp_match",
    "NRMPResult",
    "LoopReport",
    "Loop",
    "nrmp_blocking",
    "is_nrmp_stable",
    "NRMPBlocking",
    "nrmp_stable_outcomes_brute",
    "nrmp_blocking_brute",
    "NRMPBruteForce",
]
