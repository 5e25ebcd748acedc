"""Built-in example markets from published sources.

Source: the NRMP's worked example ("How the Matching Algorithm Works",
nrmp.org), 8 applicants and 4 programs with 2 positions each, and its smaller
"Run a Match" teaching version. Lists are most preferred first.
"""

from __future__ import annotations

from matchsim.market import Market

__all__ = ["nrmp_example", "nrmp_small_example", "example", "EXAMPLES", "NRMP_EXAMPLE_FULL_ANDERSON"]

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
    return Market.from_lists(apps, progs, {p: 2 for p in progs})


#: Built-in example markets by name (the choices of the commands' ``--example``).
EXAMPLES = {
    "nrmp": nrmp_example,
    "nrmp-small": nrmp_small_example,
}


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
