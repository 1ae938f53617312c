"""Pixelize's own median, percentile and unique colours give numpy's answers (they
exist only to keep numpy.ma out of the command's start-up)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dgx_pixels_app.pixelize.stats import median, percentile, unique_colors

values = st.one_of(
    arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4))),
    arrays(
        np.float64, st.tuples(st.integers(1, 40), st.integers(1, 3)), elements=st.floats(-1e6, 1e6)
    ),
)


@given(values, st.sampled_from([None, 0, 1]))
def test_median_is_numpys(a, axis):
    ours, theirs = median(a, axis=axis), np.median(a, axis=axis)
    assert np.array_equal(ours, theirs)
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype


@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e6, 1e6)), st.floats(0, 100))
def test_percentile_is_numpys(a, q):
    assert np.isclose(percentile(a, q), np.percentile(a, q), rtol=1e-12, atol=1e-9)
    assert percentile(a, 100) == a.max() and percentile(a, 0) == a.min()


@given(
    arrays(
        np.uint8,
        st.tuples(st.integers(0, 60), st.just(3)),
        elements=st.sampled_from([0, 1, 128, 255]),
    )
)
def test_unique_colors_are_numpys(a):
    expected = np.unique(a, axis=0) if len(a) else np.zeros((0, 3), np.uint8)
    assert np.array_equal(unique_colors(a), expected)
    assert unique_colors(a).dtype == np.uint8


def test_pixelizing_does_not_import_numpy_ma(tmp_path):
    code = (
        "import sys, numpy as np\n"
        "from dgx_pixels_app.pixelize.pipeline import pixelize\n"
        "rng = np.random.default_rng(0)\n"
        "art = rng.integers(0, 255, (16, 16, 4), dtype=np.uint8); art[..., 3] = 255\n"
        "art[:3] = (255, 255, 255, 255)\n"
        "image = np.kron(art, np.ones((24, 24, 1), np.uint8))\n"
        "pixelize(image)\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
