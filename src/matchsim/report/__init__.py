"""Tables and plots of study results.

Tables render with rich; plots with matplotlib, which is imported only when a
plot is drawn (it is an optional extra: ``pip install 'matchsim[plot]'``).
Each study kind draws its own figure with the helpers of
:mod:`matchsim.report.plots`.
"""

from matchsim.report.plots import plot_summary, save_figure, save_study_plots
from matchsim.report.tables import SHARE_COLUMNS, format_value, summary_records, summary_table

__all__ = [
    "SHARE_COLUMNS",
    "format_value",
    "plot_summary",
    "save_figure",
    "save_study_plots",
    "summary_records",
    "summary_table",
]
