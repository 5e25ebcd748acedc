"""The rank-list advisor: compare an applicant's candidate rank lists.

``matchsim compare mylist.csv`` reads a spreadsheet (:mod:`.reading`), computes
every list's outcome distribution under the menu model (:mod:`.menu`), or in
simulated markets with the real algorithm (:mod:`.market_mode`), checks the
lists (:mod:`.checks`) and explains the result in plain words
(:mod:`.findings`).
"""

from matchsim.advisor.menu import (
    DEFAULT_CORRELATION,
    DEFAULT_SAMPLES,
    ListComparison,
    compare_lists,
    p_match_of_set,
    sample_menus,
)
from matchsim.advisor.reading import RankFile, parse_rank_text, read_rank_file

__all__ = [
    "DEFAULT_CORRELATION",
    "DEFAULT_SAMPLES",
    "ListComparison",
    "compare_lists",
    "p_match_of_set",
    "sample_menus",
    "RankFile",
    "parse_rank_text",
    "read_rank_file",
]
