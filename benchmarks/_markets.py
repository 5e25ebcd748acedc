"""Seeded benchmark markets, built once per process.

Sizes keep the NRMP's proportions (2025 Main Residency Match: about 47,000
applicants, 6,600 programs and 43,000 positions, so 0.14 programs and 0.915
positions per applicant; about 12 ranks per applicant).
"""

from __future__ import annotations

import functools

from matchsim.markets.simple import nrmp_shaped_market

NRMP_APPLICANTS = 47_000
SEED = 20_250_321  # Match Day 2025

SIZES = {"1k": 1_000, "10k": 10_000, "nrmp": NRMP_APPLICANTS}


def shape(n_applicants: int) -> tuple[int, int, int]:
    """``(applicants, programs, positions)`` in NRMP proportions."""
    if n_applicants == NRMP_APPLICANTS:
        return NRMP_APPLICANTS, 6_600, 43_000
    return n_applicants, max(1, round(n_applicants * 0.14)), max(1, round(n_applicants * 0.915))


@functools.lru_cache(maxsize=None)
def market_of_size(n_applicants: int, seed: int = SEED):
    """The benchmark market with ``n_applicants`` applicants (cached)."""
    n_a, n_p, n_pos = shape(n_applicants)
    return nrmp_shaped_market(n_a, n_p, n_pos, mean_list=12, rng=seed)
