"""What a program told you, and the default chance we assume from it.

Where the ``chance`` column is blank, the advisor needs *some* number for the
chance that a program would take you. It uses the only published figures we
know that tie what programs said after interviews to where applicants
matched: Moran et al. (2019), a survey of anesthesiology applicants.

* ``none`` (nothing after the interview): 5.9%
* ``interested`` ("strong interest"): 14.6%
* ``ranked highly`` ("you will be ranked highly"; Moran et al.: "high rank"): 25.6%
* ``ranked to match`` ("you will match here"; Moran et al.: "guaranteed
  commitment"): 95.7%

The assumption, stated plainly: the published numbers are *match rates*,
the share of applicants who heard that statement and then matched at that
program. You can only match at a program that would take you, so the share who
matched there is a **lower bound** on the chance the program would have taken
them; some of them ranked that program below another program that took them.
The advisor uses these lower bounds as they are. Your own estimate, written in
the ``chance`` column, always wins; the output says which chances are
assumptions.

Reference: Moran et al. (2019), a survey of anesthesiology applicants on
programs' post-interview statements and where they matched, Anesthesia &
Analgesia.

Examples
--------
>>> canonical_signal("Ranked Highly")
'ranked highly'
>>> DEFAULT_CHANCE[canonical_signal("")]
0.059
"""

from __future__ import annotations

__all__ = ["SIGNALS", "DEFAULT_CHANCE", "SIGNAL_ALIASES", "SIGNAL_SOURCE", "canonical_signal"]

#: The four signals the advisor knows, weakest first.
SIGNALS = ("none", "interested", "ranked highly", "ranked to match")

#: Default chance (a lower bound, see the module docstring) for each signal.
DEFAULT_CHANCE = {
    "none": 0.059,
    "interested": 0.146,
    "ranked highly": 0.256,
    "ranked to match": 0.957,
}

#: Where :data:`DEFAULT_CHANCE` comes from, as printed in the output.
SIGNAL_SOURCE = (
    "Moran et al. 2019 (Anesth Analg), anesthesiology: share of applicants who matched at a "
    "program after hearing that statement; used as a lower bound on the chance it takes you"
)

#: Spellings people use for each signal (lower case, single spaces).
SIGNAL_ALIASES = {
    "none": ("none", "no", "nothing", "no signal", "no contact", "silent", "no reply", "-", "n/a", "na"),
    "interested": ("interested", "interest", "strong interest", "very interested", "thank you",
                   "thank-you", "thanks"),
    "ranked highly": ("ranked highly", "rank highly", "ranked high", "rank high", "high rank",
                      "will rank highly", "highly ranked", "ranked very highly", "top of list",
                      "at the top", "top"),
    "ranked to match": ("ranked to match", "rank to match", "will match", "guaranteed",
                        "guaranteed commitment", "commitment", "ranked first", "rank first",
                        "number one", "#1", "ranked to match here"),
}

_LOOKUP = {alias: key for key, aliases in SIGNAL_ALIASES.items() for alias in aliases}


def canonical_signal(text) -> str | None:
    """Return the canonical signal for a cell of the ``signal`` column.

    Blank cells mean ``"none"``. Case, surrounding quotes and repeated spaces
    are ignored. Returns ``None`` for text the advisor does not know, so the
    reader can name the row.

    Examples
    --------
    >>> canonical_signal("  strong   interest ")
    'interested'
    >>> canonical_signal("maybe") is None
    True
    """
    key = " ".join(str(text if text is not None else "").strip().strip("\"'").lower().split())
    if not key:
        return "none"
    return _LOOKUP.get(key)
