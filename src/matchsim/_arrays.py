"""Small helpers for the flat arrays of the market's containers (read-only views, CSR pointers)."""

from __future__ import annotations

import numpy as np

__all__ = ["readonly", "check_ptr"]


def readonly(arr):
    """``arr`` itself if read-only, else a read-only view of it (the caller's array stays writable)."""
    if arr.flags.writeable:
        arr = arr.view()
        arr.flags.writeable = False
    return arr


def check_ptr(ptr, n_rows, n_entries, what):
    """Check a CSR pointer array: ``n_rows + 1`` entries from 0 to ``n_entries``, never decreasing."""
    if ptr.ndim != 1 or ptr.size != n_rows + 1:
        raise ValueError(f"{what} pointer must have {n_rows + 1} entries, got shape {ptr.shape}")
    if ptr[0] != 0 or ptr[-1] != n_entries:
        raise ValueError(f"{what} pointer must start at 0 and end at {n_entries}")
    if n_rows and np.any(np.diff(ptr) < 0):
        raise ValueError(f"{what} pointer must be non-decreasing")
