"""matchsim: a fast, faithful simulator of the residency Match.

The package is layered; each folder is one layer and the inner layers never
import the outer ones:

``market``      the validated array container (rank order lists as CSR arrays)
``engine``      deferred acceptance kernels, stability checks, brute-force oracle
``io``          CSV / JSON / Parquet readers and writers with user-facing errors
``cli``         the ``matchsim`` command line (click), one module per command

The core (``market``, ``engine``) needs only NumPy and numba.
"""

__version__ = "0.1.0"

from matchsim.market import UNMATCHED, Market
from matchsim.engine import (
    MatchResult,
    blocking_pairs,
    deferred_acceptance,
    is_individually_rational,
    is_stable,
    stable_matchings_brute,
)

__all__ = [
    "__version__",
    "UNMATCHED",
    "Market",
    "MatchResult",
    "deferred_acceptance",
    "blocking_pairs",
    "is_stable",
    "is_individually_rational",
    "stable_matchings_brute",
]
