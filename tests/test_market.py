"""The Market container: construction, validation, and edits."""

import numpy as np
import pytest

from matchsim import Market
from matchsim.datasets import nrmp_example


def test_from_lists_names_and_ids():
    m = nrmp_example()
    assert m.n_applicants == 8 and m.n_programs == 4 and m.n_positions == 8
    assert m.applicant_label(0) == "Anderson"
    assert [m.program_label(p) for p in m.applicant_prefs(m.applicant_id("Davis"))] == [
        "Mercy", "City", "General", "State"]
    apps, progs, caps = m.to_lists()
    again = Market.from_lists(apps, progs, caps)
    for name in ("applicant_ptr", "applicant_list", "program_ptr", "program_list", "capacity"):
        np.testing.assert_array_equal(getattr(m, name), getattr(again, name))


def test_arrays_are_read_only_and_typed():
    m = nrmp_example()
    assert m.applicant_list.dtype == np.int32 and m.applicant_ptr.dtype == np.int64
    with pytest.raises(ValueError):
        m.capacity[0] = 5


def test_applicant_named_only_by_a_program_is_added():
    m = Market.from_lists({"A": ["P"]}, {"P": ["B", "A"]}, {"P": 1})
    assert m.applicant_labels() == ("A", "B")
    assert m.applicant_prefs(1).size == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (([0, 1], [5], [0, 0], [], [1]), "outside 0..0"),
        (([0, 2], [0, 0], [0, 0], [], [1]), "twice"),
        (([0, 1], [0], [0, 0], [], [-1]), "negative"),
        (([0, 2], [0], [0, 0], [], [1]), "must start at 0 and end"),
        (([0, 1], [0], [0, 2], [0, 0], [1]), "twice"),
        (([0, 1], [0], [0, 1, 0], [0], [1, 1]), "non-decreasing|must start"),
    ],
)
def test_from_arrays_rejects_bad_arrays(args, message):
    with pytest.raises(ValueError, match=message):
        Market.from_arrays(*args)


@pytest.mark.parametrize(
    "apps, progs, caps, message",
    [
        ({"A": ["Q"]}, {"P": ["A"]}, {"P": 1}, "unknown program 'Q' at rank 1"),
        ({"A": ["P"]}, {"Q": ["A"]}, {"P": 1}, "has a rank list but no capacity"),
        ({"A": ["P", "P"]}, {"P": ["A"]}, {"P": 1}, "twice"),
        ([[0]], [[0]], [1, 1], "1 program lists but 2 capacities"),
        ({"A": ["P"]}, [[0]], {"P": 1}, "use dicts for all three"),
    ],
)
def test_from_lists_rejects_bad_lists(apps, progs, caps, message):
    with pytest.raises(ValueError, match=message):
        Market.from_lists(apps, progs, caps)


def test_with_applicant_list_changes_only_that_list():
    m = nrmp_example()
    a = m.applicant_id("Anderson")
    new = m.with_applicant_list(a, [3, 2])
    assert new.applicant_prefs(a).tolist() == [3, 2]
    for b in range(1, m.n_applicants):
        np.testing.assert_array_equal(new.applicant_prefs(b), m.applicant_prefs(b))
    assert m.applicant_prefs(a).tolist() == [1]  # the original is untouched
    with pytest.raises(ValueError, match="twice"):
        m.with_applicant_list(a, [1, 1])


def test_permuted_keeps_lists_by_name():
    m = nrmp_example()
    pm = m.permuted(applicant_order=[7, 6, 5, 4, 3, 2, 1, 0], program_order=[3, 2, 1, 0])
    assert pm.to_lists()[0] == m.to_lists()[0]
    assert pm.to_lists()[1] == m.to_lists()[1]


def test_repr():
    assert "8 applicants" in repr(nrmp_example())


def test_callers_arrays_stay_writable():
    ptr = np.array([0, 1], dtype=np.int64)
    idx = np.array([0], dtype=np.int32)
    m = Market.from_arrays(ptr, idx, np.array([0, 1], dtype=np.int64), np.array([0], dtype=np.int32),
                           np.array([1], dtype=np.int32))
    assert ptr.flags.writeable and idx.flags.writeable
    assert not m.applicant_ptr.flags.writeable


def test_with_applicant_list_checks_the_new_row():
    m = nrmp_example()
    with pytest.raises(ValueError, match="outside 0..3"):
        m.with_applicant_list(0, [4])
    with pytest.raises(ValueError, match="outside 0..7"):
        m.with_applicant_list(8, [0])
    assert m.with_applicant_list(0, []).applicant_prefs(0).size == 0


def test_from_lists_program_lists_in_any_order():
    m = Market.from_lists({"A": ["P", "Q"], "B": ["Q"]}, {"Q": ["B", "C", "A"], "P": ["A"]}, {"P": 1, "Q": 2})
    assert m.program_labels() == ("P", "Q")
    assert m.applicant_labels() == ("A", "B", "C")
    assert [m.applicant_label(a) for a in m.program_prefs(1)] == ["B", "C", "A"]
    assert [m.applicant_label(a) for a in m.program_prefs(0)] == ["A"]


def test_from_lists_fast_and_careful_paths_agree():
    from matchsim.market_lists import _from_name_dicts_fast

    m = nrmp_example()
    apps, progs, caps = m.to_lists()
    assert _from_name_dicts_fast(apps, progs, caps) is not None  # the usual case takes the fast path
    # an integer key named as a string elsewhere forces the careful path, which compares names as text
    mixed = Market.from_lists({1: ["P"]}, {"P": ["1", "Z"]}, {"P": 1})
    assert mixed.applicant_labels() == ("1", "Z")
    assert mixed.program_prefs(0).tolist() == [0, 1]
    assert _from_name_dicts_fast({1: ["P"]}, {"P": ["1"]}, {"P": 1}) is None
