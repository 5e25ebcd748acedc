"""Built-in example markets from published sources.

Source: the NRMP's worked example ("How the Matching Algorithm Works",
nrmp.org), 8 applicants and 4 programs with 2 positions each, and its smaller
"Run a Match" teaching version; and a small made-up market with the NRMP's
variations (couples, an advanced program with supplemental lists, a
reversion). Lists are most preferred first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands' --help lists the examples without loading the market code (numba)
    from matchsim.market import Market

__all__ = ["nrmp_example", "nrmp_small_example", "nrmp_extensions_example", "example", "EXAMPLES",
           "PLAIN_EXAMPLES", "NRMP_EXAMPLE_FULL_ANDERSON"]

_NRMP_APPLICANTS = {
    "Anderson": ["City"],
    "Brown": ["City", "Mercy"],
    "Chen": ["City", "Mercy"],
    "Davis": ["Mercy", "City", "General", "State"],
    "Eastman": ["City", "Mercy", "State", "General"],
    "Ford": ["City", "General", "Mercy", "State"],
    "Garcia": ["City", "Mercy", "State", "General"],
    "Hassan": ["State", "City", "Mercy", "General"],
}

_NRMP_PROGRAMS = {
    "Mercy": ["Chen", "Garcia"],
    "City": ["Garcia", "Hassan", "Eastman", "Anderson", "Brown", "Chen", "Davis", "Ford"],
    "General": ["Brown", "Eastman", "Hassan", "Anderson", "Chen", "Davis", "Garcia"],
    "State": ["Brown", "Eastman", "Anderson", "Chen", "Hassan", "Ford", "Davis", "Garcia"],
}

#: Anderson's list of every program he found acceptable, in his true order.
NRMP_EXAMPLE_FULL_ANDERSON = ["City", "Mercy", "General", "State"]


def nrmp_example(anderson_list=None) -> Market:
    """The NRMP's worked example: 8 applicants, 4 programs, 2 positions each.

    Parameters
    ----------
    anderson_list : list of str, optional
        Replace Anderson's submitted list (``["City"]``), e.g. with
        ``NRMP_EXAMPLE_FULL_ANDERSON`` for the counterfactual in which he ranks
        every program he would accept.

    Examples
    --------
    >>> m = nrmp_example()
    >>> m
    Market(8 applicants, 4 programs, 8 positions, 25 applicant ranks, 25 program ranks)
    >>> m.program_labels()
    ('Mercy', 'City', 'General', 'State')
    """
    apps = dict(_NRMP_APPLICANTS)
    if anderson_list is not None:
        apps["Anderson"] = list(anderson_list)
    caps = {p: 2 for p in _NRMP_PROGRAMS}
    from matchsim.market import Market

    return Market.from_lists(apps, _NRMP_PROGRAMS, caps)


def nrmp_small_example() -> Market:
    """The NRMP's smaller teaching version: 5 applicants, 3 programs, 2 positions each.

    Examples
    --------
    >>> nrmp_small_example().n_applicants
    5
    """
    apps = {
        "Anderson": ["City"],
        "Chen": ["City", "Mercy"],
        "Ford": ["City", "General", "Mercy"],
        "Davis": ["Mercy", "City", "General"],
        "Eastman": ["City", "Mercy", "General"],
    }
    progs = {
        "Mercy": ["Chen", "Ford"],
        "City": ["Eastman", "Anderson", "Chen", "Davis", "Ford"],
        "General": ["Eastman", "Anderson", "Ford", "Davis"],
    }
    from matchsim.market import Market

    return Market.from_lists(apps, progs, {p: 2 for p in progs})


def nrmp_extensions_example() -> Market:
    """A small market with the NRMP's variations: two couples, an advanced program, a reversion.

    Made up for teaching (the NRMP publishes no worked example of its
    variations). Mercy Rehab is an advanced (PGY-2) program; Ben and Cruz rank
    it and each has a supplemental list of PGY-1 years (City Prelim, State TY)
    linked to it. Fay & Gus and Hal & Ivy are couples with joint lists, one
    pair leaving Hal with "No Match". State Peds reverts one unfilled position
    to City Medicine. The same market is shipped as CSV files in
    ``examples/nrmp_extensions/``.

    Examples
    --------
    >>> m = nrmp_extensions_example()
    >>> m
    Market(9 applicants, 6 programs, 10 positions, 10 applicant ranks, 23 program ranks; 2 couples, 2 supplemental lists, 1 reversion)
    >>> m.couples.labels()
    ('Fay & Gus', 'Hal & Ivy')
    """
    apps = {
        "Ana": ["City Medicine", "Mercy Surgery"],
        "Ben": ["Mercy Rehab", "City Medicine"],
        "Cruz": ["Mercy Rehab", "State Peds"],
        "Dee": ["Mercy Surgery", "City Medicine", "State Peds"],
        "Eli": ["City Medicine"],
    }
    progs = {
        "Mercy Rehab": ["Cruz", "Ben", "Fay"],
        "City Prelim": ["Ben", "Cruz", "Gus", "Ivy"],
        "State TY": ["Cruz", "Ben", "Ivy"],
        "City Medicine": ["Fay", "Ana", "Eli", "Dee", "Ben", "Hal"],
        "Mercy Surgery": ["Dee", "Gus", "Ana", "Hal"],
        "State Peds": ["Ivy", "Cruz", "Dee"],
    }
    caps = {"Mercy Rehab": 2, "City Prelim": 1, "State TY": 1, "City Medicine": 2, "Mercy Surgery": 2,
            "State Peds": 2}
    from matchsim.market import Market

    return Market.from_lists(
        apps, progs, caps,
        couples={("Fay", "Gus"): [("City Medicine", "Mercy Surgery"), ("Mercy Rehab", "City Prelim"),
                                  ("City Medicine", None)],
                 ("Hal", "Ivy"): [("City Medicine", "State Peds"), (None, "State Peds")]},
        supplemental={"Ben": {"prelim": (["Mercy Rehab"], ["City Prelim", "State TY"])},
                      "Cruz": {"one year": (["Mercy Rehab"], ["State TY", "City Prelim"])}},
        reversions=[("State Peds", "City Medicine", 1)],
        tracks={"Mercy Rehab": "advanced", "City Prelim": "preliminary", "State TY": "transitional"},
    )


#: Built-in example markets by name (the choices of the commands' ``--example``).
EXAMPLES = {
    "nrmp": nrmp_example,
    "nrmp-small": nrmp_small_example,
    "nrmp-extensions": nrmp_extensions_example,
}

#: The examples without couples, supplemental lists or reversions (what plain deferred acceptance covers).
PLAIN_EXAMPLES = ("nrmp", "nrmp-small")


def example(name: str) -> Market:
    """The built-in example market called ``name`` (one of :data:`EXAMPLES`).

    Examples
    --------
    >>> example("nrmp-small").n_programs
    3
    """
    try:
        return EXAMPLES[name]()
    except KeyError:
        raise ValueError(f"no example named {name!r}; choose one of {', '.join(EXAMPLES)}") from None
