"""What a program told you, and the default chance we assume from it.

Where the ``chance`` column is blank, the advisor needs *some* number for the
chance that a program would take you. It uses the only published figures we
know that tie what programs said after interviews to where applicants
matched: Moran et al. (2019), a survey of anesthesiology applicants.

* ``none`` (nothing after the interview): 5.9%; a blank cell (no message
  recorded) uses the same figure, and the output says so
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
>>> canonical_signal("Ranked Highly"), canonical_signal('"You will be ranked highly."')
('ranked highly', 'ranked highly')
>>> canonical_signal("") is NOT_RECORDED, default_chance(NOT_RECORDED)
(True, 0.059)
"""

from __future__ import annotations

__all__ = ["SIGNALS", "NOT_RECORDED", "DEFAULT_CHANCE", "SIGNAL_ALIASES", "SIGNAL_SOURCE",
           "canonical_signal", "default_chance"]

#: The four signals the advisor knows, weakest first.
SIGNALS = ("none", "interested", "ranked highly", "ranked to match")

#: The signal of a blank cell: no message recorded (its default chance is that of ``"none"``).
NOT_RECORDED = None

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
    "none": ("none", "no", "nothing", "no signal", "no contact", "silent", "no reply", "-", "n/a", "na",
             "no statement", "no message", "no communication", "no post-interview message"),
    "interested": ("interested", "interest", "strong interest", "very interested", "thank you",
                   "thank-you", "thanks", "expressed interest", "letter of interest"),
    "ranked highly": ("ranked highly", "rank highly", "ranked high", "rank high", "high rank",
                      "will rank highly", "highly ranked", "ranked very highly", "top of list",
                      "at the top", "top", "you will be ranked highly", "you are ranked highly",
                      "will be ranked highly", "we will rank you highly", "you will rank highly",
                      "you will be ranked very highly", "you are at the top of our list"),
    "ranked to match": ("ranked to match", "rank to match", "will match", "guaranteed",
                        "guaranteed commitment", "commitment", "ranked first", "rank first",
                        "number one", "#1", "ranked to match here", "you are ranked to match",
                        "you are ranked to match here", "you will match here", "you will match",
                        "we will rank you to match", "you will be ranked to match"),
}

_LOOKUP = {alias: key for key, aliases in SIGNAL_ALIASES.items() for alias in aliases}


def canonical_signal(text) -> str | None:
    """Return the canonical signal for a cell of the ``signal`` column.

    A blank cell is :data:`NOT_RECORDED` (no message recorded). Case,
    surrounding quotes (straight or curly), a closing full stop or exclamation
    mark and repeated spaces are ignored, so the phrases this tool and its
    documents quote ("you will be ranked highly") are understood. Raises
    ``ValueError`` for text the advisor does not know, so the reader can name
    the row.

    Examples
    --------
    >>> canonical_signal("  strong   interest "), canonical_signal("“You will match here!”")
    ('interested', 'ranked to match')
    >>> canonical_signal("maybe")
    Traceback (most recent call last):
    ...
    ValueError: 'maybe' is not a signal
    """
    key = " ".join(str(text if text is not None else "").lower().split())
    key = key.strip("\"'“”‘’ ").rstrip(".!").strip("\"'“”‘’ ")
    if not key:
        return NOT_RECORDED
    try:
        return _LOOKUP[key]
    except KeyError:
        raise ValueError(f"{text!r} is not a signal") from None


def default_chance(signal) -> float:
    """The default chance for a canonical signal (:data:`NOT_RECORDED` counts as ``"none"``).

    Examples
    --------
    >>> default_chance("ranked highly"), default_chance(None)
    (0.256, 0.059)
    """
    return DEFAULT_CHANCE["none" if signal is NOT_RECORDED else signal]
