"""Figures: what was drawn, checked against numbers computed independently with numpy."""
import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cohortstats import plots

B = np.array([35, 7.5, 12.5, np.nan, 20])
F = np.array([30, 7.5, 5, 10, 25])


def test_one_line_per_complete_pair_plus_the_mean():
    fig, ax = plt.subplots()
    out = plots.paired_plot(B, F, label="Prednisone dose", unit="mg", ax=ax)
    assert out is ax
    assert len(ax.lines) == 4 + 1  # four complete pairs, then the mean line
    ok = ~np.isnan(B)
    mean = ax.lines[-1].get_ydata()
    assert mean == pytest.approx([B[ok].mean(), F[ok].mean()])
    assert [tuple(l.get_ydata()) for l in ax.lines[:-1]] == [tuple(p) for p in zip(B[ok], F[ok])]
    assert ax.get_ylabel() == "Prednisone dose (mg)"
    assert "n = 4 pairs" in ax.get_title()


def test_large_cohorts_aggregate():
    rng = np.random.default_rng(0)
    b = rng.integers(0, 50, 5000).astype(float)
    f = b - rng.integers(0, 10, 5000)
    fig, ax = plt.subplots()
    plots.paired_plot(b, f, ax=ax, max_lines=200)
    assert len(ax.lines) < 20  # box-plot artists and one median line, not 5000 lines
    assert ax.lines[-1].get_ydata() == pytest.approx([np.median(b), np.median(f)])


def test_unequal_lengths():
    with pytest.raises(ValueError, match="same length"):
        plots.paired_plot([1, 2], [1])


def test_saved_svg_is_byte_identical(tmp_path):
    digests = []
    for i in range(2):
        fig, ax = plt.subplots()
        plots.paired_plot(B, F, ax=ax)
        path = plots.save_figure(fig, tmp_path / f"f{i}.svg")
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
