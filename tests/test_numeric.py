"""The shared numeric kernels of :mod:`matchsim.numeric`."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import ndtr, ndtri

from matchsim.numeric import (
    bucket,
    bucket_offsets,
    ndtri_acklam,
    ndtri_grid,
    norm_cdf,
    norm_ppf,
)


@st.composite
def groups(draw):
    n_groups = draw(st.integers(1, 12))
    g = draw(arrays(np.int64, st.integers(0, 60), elements=st.integers(0, n_groups - 1)))
    return g, n_groups


@settings(deadline=None)
@given(groups())
def test_bucket_is_a_stable_sort_by_group(case):
    g, n_groups = case
    ptr, order = bucket(g, n_groups)
    np.testing.assert_array_equal(order, np.argsort(g, kind="stable"))
    expected_ptr = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=n_groups))])
    np.testing.assert_array_equal(ptr, expected_ptr)
    np.testing.assert_array_equal(bucket_offsets(g, n_groups), expected_ptr)
    for k in range(n_groups):
        assert np.all(g[order[ptr[k]:ptr[k + 1]]] == k)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_bucket_accepts_every_integer_group_dtype(dtype):
    ptr, order = bucket(np.array([1, 1, 0], dtype=dtype), 3)
    assert ptr.tolist() == [0, 1, 3, 3] and order.tolist() == [2, 0, 1]
    assert ptr.dtype == np.int64 and order.dtype == np.int64


def test_bucket_of_nothing():
    ptr, order = bucket(np.empty(0, dtype=np.int32), 2)
    assert ptr.tolist() == [0, 0, 0] and order.size == 0


def test_acklam_is_within_its_published_error_of_the_exact_quantile():
    u = np.random.default_rng(3).random(200_000)
    u[:4] = [0.02425, 0.97575, 1e-12, 1 - 1e-12]  # the region boundaries and deep tails
    exact = ndtri(u)
    rel = np.abs(ndtri_acklam(u) - exact) / np.abs(exact)
    assert rel.max() < 1.2e-9
    # and it is not the exact function (a test that could not tell would prove nothing)
    assert rel.max() > 1e-12


def test_acklam_is_finite_at_the_ends_and_leaves_its_input_alone():
    u = np.array([0.0, 1.0, 0.5])
    keep = u.copy()
    z = ndtri_acklam(u)
    assert np.isfinite(z).all() and z[0] == -z[1] and z[0] < -8 and z[2] == 0.0
    np.testing.assert_array_equal(u, keep)


def test_acklam_values_are_frozen():
    # every published market depends on these bits; a change here redraws them
    z = ndtri_acklam(np.array([0.01, 0.3, 0.5, 0.8, 0.999]))
    assert z.tolist() == [
        -2.326347874388028, -0.5244005132792953, 0.0, 0.8416212327266186, 3.090232304709404,
    ]


def test_grid_quantile_is_close_to_the_exact_one_and_frozen():
    p = np.linspace(0.001, 0.999, 20_001)
    err = np.abs(ndtri_grid(p) - ndtri(p))
    assert err.max() < 8e-6 and err.max() > 1e-9
    assert ndtri_grid(np.array([0.0, 1.0])).tolist() == [-9.0, 9.0]
    assert ndtri_grid(np.array([0.1, 0.7])).tolist() == [-1.2815537212892558, 0.5244018338686164]


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 1.25, 4.0])
def test_norm_cdf_and_ppf_are_scipys_and_inverse(x):
    assert norm_cdf(x) == ndtr(x)
    assert norm_ppf(norm_cdf(x)) == pytest.approx(x, abs=1e-12)
    np.testing.assert_array_equal(norm_ppf(np.array([0.2, 0.9])), ndtri(np.array([0.2, 0.9])))
