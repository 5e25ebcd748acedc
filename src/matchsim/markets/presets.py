"""Calibration presets and the published figures they aim at.

Each preset is a :class:`~matchsim.markets.params.MarketParams`. Sizes and
type shares come from published NRMP/AAMC figures (grades as in the project's
reference notes: A = NRMP/AAMC or the paper itself, B = reputable secondary
report, C = unverified transcription). Where no trustworthy figure exists
(how many programs applicants apply to, interview slots, message rates), the
value is a tuning parameter chosen so that the simulated aggregates match the
published ones; it is *not* a claim about the real market.

``nrmp2025`` models the PGY-1 part of the 2025 Main Residency Match as one
market with nine geographic regions (applicants prefer, and mostly apply to,
their home region). Each applicant matches at most one position, so the
PGY-2 (advanced) positions, which the NRMP fills with applicants who also
hold a PGY-1 match through supplemental lists, are left out: the preset has
the 40,041 PGY-1 positions, and its fill rate is compared with the PGY-1 fill
rate 37,667 / 40,041 = 94.1% (all positions: 94.3%).

Examples
--------
>>> preset("small").n_applicants
300
>>> preset("small", n_signals=3).n_signals
3
>>> preset("nrmp") # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: unknown market preset 'nrmp'; valid presets: ...
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from matchsim.markets.params import MarketParams

__all__ = ["PRESETS", "TARGETS", "Target", "preset"]

# 2025 active applicants by type (NRMP Results and Data 2025; grade C counts
# that reproduce the grade A/B rates exactly); "other" is the remainder of the
# 47,208 active applicants.
_ACTIVE_2025 = (20_368, 8_392, 4_587, 11_465, 47_208 - 20_368 - 8_392 - 4_587 - 11_465)

PRESETS: dict[str, MarketParams] = {
    # The whole 2025 Main Match, PGY-1 positions (see the module docstring).
    "nrmp2025": MarketParams(
        n_applicants=47_208,
        n_programs=6_626,
        n_positions=40_041,
        capacity_sigma=0.8,
        type_shares=tuple(n / 47_208 for n in _ACTIVE_2025),
        strength_mean=(0.0, -0.2, -1.57, -1.88, -2.1),
        strength_sd=1.1,
        n_regions=9,
        home_bonus=0.5,
        applicant_correlation=0.6,
        program_correlation=0.7,
        n_applications=(35.0, 42.0, 60.0, 60.0, 45.0),
        home_application_share=0.6,
        application_shift=0.3,
        application_spread=0.6,
        n_signals=5,
        signal_boost=0.5,
        interview_slots_per_position=13.0,
        interview_noise_sd=0.5,
        max_interviews=20,
        rank_floor=-1.1,
    ),
    # A PM&R-sized specialty: 32 categorical + 62 advanced programs, 119 + 294
    # positions (2017, B), modelled as one pool of PM&R positions (advanced
    # positions start in PGY-2; the PGY-1 year they need is not modelled);
    # 8 ERAS signals (2025, A). Applicant numbers are an
    # assumption (about 500); MD/DO shares follow the 2024 counts of
    # applicants ranking PM&R first (MD 273, DO 211; C); IMG shares assumed.
    "pmr": MarketParams(
        n_applicants=500,
        n_programs=94,
        n_positions=413,
        capacity_sigma=0.5,
        type_shares=(0.50, 0.38, 0.05, 0.05, 0.02),
        strength_mean=(0.0, -0.35, -1.3, -1.6, -1.6),
        n_regions=2,
        n_applications=(40.0, 45.0, 50.0, 50.0, 40.0),
        application_shift=0.0,
        n_signals=8,
        signal_boost=0.7,
        interview_slots_per_position=16.0,
        max_interviews=25,
    ),
    # An anesthesiology-sized specialty: 189 programs, 1,805 PGY-1 positions
    # (2025, C); 15 signals (5 gold + 10 silver, 2025, A). About 1.2
    # applicants per position (an assumption); type shares follow the 2025
    # shares of filled positions (MD 72.1%, DO 17.1%, US-IMG 2.6%, non-US IMG
    # 4.7%; C), with more IMGs among applicants than among matches.
    "anesthesiology": MarketParams(
        n_applicants=2_200,
        n_programs=189,
        n_positions=1_805,
        capacity_sigma=0.5,
        type_shares=(0.64, 0.16, 0.06, 0.11, 0.03),
        strength_mean=(0.0, -0.3, -1.6, -1.9, -1.9),
        n_regions=4,
        n_applications=(45.0, 50.0, 70.0, 70.0, 50.0),
        n_signals=15,
        signal_boost=0.7,
        interview_slots_per_position=12.0,
        max_interviews=25,
        message_informativeness=0.9,
    ),
    # A small market for tests and examples.
    "small": MarketParams(
        n_applicants=300,
        n_programs=40,
        n_positions=250,
        n_regions=2,
        n_applications=(12.0, 12.0, 15.0, 15.0, 12.0),
        n_signals=3,
        interview_slots_per_position=4.0,
        max_interviews=12,
    ),
}


@dataclass(frozen=True)
class Target:
    """A published figure a preset is calibrated against.

    Attributes
    ----------
    name : str
        What is measured (e.g. ``"match rate, US MD"``).
    value : float
        The published value (a share in [0, 1] or a count).
    tolerance : float
        Largest acceptable absolute difference of the simulated value.
    source : str
        Where the figure comes from, with its grade.
    tested : bool
        Whether the calibration test holds the preset to it (``False`` for
        figures shown for comparison only: grade C, or measured on a
        different population than the model's).
    figure : str
        The simulated figure it is compared with (a key of
        :func:`matchsim.markets.calibration.market_figures`); default: ``name``.

    Examples
    --------
    >>> t = TARGETS["nrmp2025"][3]
    >>> t.name, t.value, t.tolerance
    ('match rate, US MD', 0.935, 0.02)
    """

    name: str
    value: float
    tolerance: float
    source: str
    tested: bool = True
    figure: str = ""

    @property
    def key(self) -> str:
        """The simulated figure this target is compared with.

        Examples
        --------
        >>> Target("PGY-1 positions", 10, 0, "here", figure="positions").key
        'positions'
        """
        return self.figure or self.name


_NRMP = "NRMP, Results and Data: 2025 Main Residency Match (A/B)"
_ANES = "NRMP 2025, anesthesiology PGY-1: 189 programs, 1,805 positions, 1,804 filled"
_MORAN = "Moran et al. 2019, Anesth Analg (A), share who matched at the program"

#: Calibration targets of each preset ("small" has none). Targets with
#: ``tested=False`` are shown for comparison only.
TARGETS: dict[str, tuple[Target, ...]] = {
    "nrmp2025": (
        Target("active applicants", 47_208, 0, _NRMP),
        Target("PGY-1 positions", 40_041, 0, _NRMP, figure="positions"),
        Target("fill rate (PGY-1)", 37_667 / 40_041, 0.02,
               _NRMP + "; 94.3% over all 43,237 positions", figure="fill rate"),
        Target("match rate, US MD", 0.935, 0.02, _NRMP),
        Target("match rate, US DO", 0.926, 0.02, _NRMP),
        Target("match rate, US-citizen IMG", 0.678, 0.02, _NRMP),
        Target("match rate, non-US IMG", 0.580, 0.02, _NRMP),
        Target("match rate, other", 1_089 / _ACTIVE_2025[4], 0.05,
               "NRMP 2025 counts (C): 1,089 of the 2,396 other applicants"),
        Target("match rate, all", 37_667 / 47_208, 0.02, _NRMP),
        Target("mean list length, matched", 12.0, 1.0,
               "Newsome et al., Am Surg 2023 (B): 10.41 (2015) to 12.35 (2021)"),
        Target("mean list length, unmatched", 4.0, 2.0,
               "Newsome et al. (C): about 4 programs in 2015", tested=False),
    ),
    "anesthesiology": (
        Target("PGY-1 positions", 1_805, 0, _ANES + " (C)", figure="positions"),
        Target("fill rate (PGY-1)", 1_804 / 1_805, 0.01, _ANES + " (C)", figure="fill rate"),
        Target("share of filled positions, US MD", 0.721, 0.03, _ANES + " (C)"),
        Target("share of filled positions, US DO", 0.171, 0.03, _ANES + " (C)"),
        Target("share of filled positions, US-citizen IMG", 0.026, 0.03, _ANES + " (C)"),
        Target("share of filled positions, non-US IMG", 0.047, 0.03, _ANES + " (C)"),
        Target("matched there if told: ranked to match", 0.957, 0.05, _MORAN + "; "
               "guaranteed commitment", tested=False),
        Target("matched there if told: ranked highly", 0.256, 0.10, _MORAN + "; high rank",
               tested=False),
        Target("matched there if told: interested", 0.146, 0.10, _MORAN + "; strong interest",
               tested=False),
        Target("matched there if told: none", 0.059, 0.05, _MORAN + "; no statement",
               tested=False),
    ),
    "pmr": (
        # PM&R's own positions: categorical ones start in PGY-1, advanced ones
        # in PGY-2 (after a PGY-1 year elsewhere, which the model leaves out)
        Target("positions, categorical + advanced", 413, 0,
               "2017: 119 categorical (PGY-1) + 294 advanced (PGY-2) positions (B)",
               figure="positions"),
        Target("fill rate, categorical + advanced", 412 / 413, 0.02,
               "2017: 99.2% of categorical, 100% of advanced positions filled (B)",
               figure="fill rate"),
        Target("match rate, US MD", 0.85, 0.05,
               "2024, MD seniors ranking PM&R first: 231 of 273 (C)", tested=False),
        Target("match rate, US DO", 0.75, 0.05,
               "2024, DO seniors ranking PM&R first: 159 of 211 (C)", tested=False),
    ),
}


def preset(name: str, **overrides) -> MarketParams:
    """A named preset, with some parameters changed.

    Parameters
    ----------
    name : str
        One of :data:`PRESETS` (``"nrmp2025"``, ``"pmr"``,
        ``"anesthesiology"``, ``"small"``).
    **overrides
        Any :class:`MarketParams` field, e.g. ``n_signals=0``.

    Raises
    ------
    ValueError
        Naming the valid presets, or the unknown field with the closest valid
        name.

    Examples
    --------
    >>> preset("pmr", message_informativeness=0.0).message_informativeness
    0.0
    >>> preset("pmr", n_signal=2)
    Traceback (most recent call last):
    ...
    ValueError: unknown market parameter 'n_signal' (did you mean 'n_signals'?)
    """
    if name not in PRESETS:
        raise ValueError(
            f"unknown market preset {name!r}; valid presets: {', '.join(sorted(PRESETS))}"
        )
    valid = MarketParams.field_names()
    for key in overrides:
        if key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; valid: {', '.join(valid)}"
            raise ValueError(f"unknown market parameter {key!r}{hint}")
    return replace(PRESETS[name], **overrides)

