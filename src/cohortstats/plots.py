"""Before/after figures, drawn deterministically.

Every figure is saved by :func:`save_figure`, which fixes what would otherwise
change between runs: the SVG hash salt, the metadata date and the software stamp.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["paired_plot", "save_figure", "MAX_LINES"]

#: Above this many pairs the plot aggregates (box plots and medians) instead of
#: drawing one line per patient.
MAX_LINES = 200


def _setup():
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "cohortstats"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    return matplotlib


def paired_plot(baseline, followup, *, label: str = "", unit: str = "", ax=None,
                max_lines: int = MAX_LINES, reconstructed: bool = False):
    """Draw a before/after plot, each patient a line.

    Parameters
    ----------
    baseline, followup : array_like of float
        Values at drug start and at 6 months; pairs with a NaN are left out.
    label, unit : str
        The outcome's name and unit, for the axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    max_lines : int
        Above this many pairs, draw box plots and the line of medians instead.
    reconstructed : bool
        Say on the figure that the data are a reconstruction.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _setup()
    import matplotlib.pyplot as plt

    b = np.asarray(baseline, dtype=float)
    f = np.asarray(followup, dtype=float)
    if b.shape != f.shape:
        raise ValueError(f"`baseline` and `followup` must have the same length; not {b.size} and {f.size}.")
    ok = ~(np.isnan(b) | np.isnan(f))
    b, f = b[ok], f[ok]
    if ax is None:
        ax = plt.gca()
    x = np.array([0.0, 1.0])
    if b.size <= max_lines:
        down = f < b
        same = f == b
        for bi, fi, d, s in zip(b, f, down, same):
            color = "#1b6ca8" if d else ("#777777" if s else "#c2410c")
            ax.plot(x, [bi, fi], color=color, marker="o", lw=1.4, ms=5, alpha=0.85)
        ax.plot(x, [b.mean(), f.mean()], color="black", lw=3, marker="D", ms=8,
                label="mean", zorder=5)
        ax.legend(loc="upper right", frameon=False)
    else:
        ax.boxplot([b, f], positions=x, widths=0.35, showfliers=False)
        ax.plot(x, [np.median(b), np.median(f)], color="black", lw=2, marker="D",
                label="medians")
        ax.legend(loc="best", frameon=False)
    ax.set_xticks(x, ["Drug start", "6 months"])
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylabel(f"{label} ({unit})" if unit else label)
    title = f"{label}: n = {b.size:,} pairs"
    if reconstructed:
        title += " (reconstructed data)"
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def save_figure(fig, path) -> Path:
    """Save ``fig`` reproducibly (same inputs, same bytes) and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or Path
        ``.svg`` or ``.png``.

    Returns
    -------
    Path
    """
    _setup()
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".svg":
        metadata = {"Date": None, "Creator": None}
    elif path.suffix == ".png":
        metadata = {"Software": None}
    else:
        metadata = {}
    tmp = path.with_name(path.name + ".tmp")
    fig.savefig(tmp, format=path.suffix.lstrip("."), metadata=metadata, bbox_inches="tight")
    tmp.replace(path)
    plt.close(fig)
    return path


def outcome_figure(cohort, outcome, figures_dir) -> dict:
    """Draw and save one outcome's before/after figure.

    Parameters
    ----------
    cohort : Cohort
    outcome : Outcome
    figures_dir : str or Path

    Returns
    -------
    dict
        ``file`` (name in ``figures_dir``), ``caption``, ``alt``, ``width``, ``height``
        (pixels at 96 dpi), as the report embeds them.
    """
    _setup()
    import matplotlib.pyplot as plt

    b = cohort.frame[outcome.baseline].to_numpy(dtype=float)
    f = cohort.frame[outcome.followup].to_numpy(dtype=float)
    ok = ~(np.isnan(b) | np.isnan(f))
    fig, ax = plt.subplots(figsize=(5, 4.2), dpi=96)
    paired_plot(b, f, label=outcome.label, unit=outcome.unit, ax=ax,
                reconstructed=cohort.reconstructed)
    name = f"{outcome.name}.svg"
    save_figure(fig, Path(figures_dir) / name)
    bb, ff = b[ok], f[ok]
    n = int(ok.sum())
    down, same, up = int((ff < bb).sum()), int((ff == bb).sum()), int((ff > bb).sum())
    unit = f" {outcome.unit}" if outcome.unit else ""
    if n:
        alt = (f"{outcome.label} at drug start and at 6 months for {n} patients, "
               + ("one line per patient" if n <= MAX_LINES else "box plots with the medians joined")
               + f". Mean {bb.mean():.4g}{unit} at drug start and {ff.mean():.4g}{unit} at 6 months; "
               f"{down} decreased, {same} unchanged, {up} increased.")
    else:
        alt = f"{outcome.label}: no patient has both values."
    caption = (f"{outcome.label} ({outcome.unit}) at drug start and at 6 months, "
               + ("each patient a line (blue: decreased, grey: unchanged, orange: increased; black: mean)."
                  if n <= MAX_LINES else "box plots (no outliers drawn) and the medians joined.")
               + (" Reconstructed data, not patient records." if cohort.reconstructed else ""))
    return {"outcome": outcome.name, "file": name, "caption": caption, "alt": alt,
            "width": 480, "height": 403}
