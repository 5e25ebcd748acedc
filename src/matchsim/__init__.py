"""matchsim: a fast, faithful simulator of the residency Match.

The package is layered; each folder is one layer and the inner layers never
import the outer ones:

``market``      the validated array container (rank order lists as CSR arrays)
``engine``      deferred acceptance kernels, stability checks, menus, oracles
``markets``     synthetic NRMP-like markets calibrated to published figures
``strategies``  ways an applicant may build a rank list
``advisor``     compare one applicant's candidate rank lists
``studies``     Monte Carlo scenarios, executors (serial, processes, Dask)
``io``          CSV / JSON / Parquet readers and writers with user-facing errors
``report``      tables and plots
``cli``         the ``matchsim`` command line (click), one module per command

The core (``market``, ``engine``, ``markets``, ``strategies``) needs only NumPy
and numba. Names below are imported on first use, so ``import matchsim`` is
cheap and a command loads only what it needs.
"""

from matchsim._lazy import attach

__version__ = "0.1.0"

_LAZY = {
    "UNMATCHED": "matchsim.market",
    "Market": "matchsim.market",
    "Couples": "matchsim.extensions",
    "SupplementalLists": "matchsim.extensions",
    "Reversions": "matchsim.extensions",
    "MatchResult": "matchsim.engine",
    "deferred_acceptance": "matchsim.engine",
    "blocking_pairs": "matchsim.engine",
    "is_stable": "matchsim.engine",
    "is_individually_rational": "matchsim.engine",
    "stable_matchings_brute": "matchsim.engine",
    "applicant_menu": "matchsim.engine",
    "nrmp_match": "matchsim.engine",
    "NRMPResult": "matchsim.engine",
    "nrmp_blocking": "matchsim.engine",
    "is_nrmp_stable": "matchsim.engine",
}

__getattr__, __dir__, __all__ = attach(__name__, _LAZY)
__all__ = ["__version__", *__all__]
