"""Before/after figures, drawn with seaborn and saved deterministically.

Each outcome's figure has two panels:

* left, :func:`paired_plot`: each patient's values at drug start and at 6 months
  joined by a line (coloured by the direction of the change) and the means;
  above :data:`MAX_LINES` pairs, box plots and the medians joined;
* right, :func:`change_plot`: each patient's change ``d = drug start − 6 months``
  (the bundle's sign convention: positive = a decrease) as a swarm, with the
  Hodges–Lehmann estimate and its confidence interval beside it — the view that
  estimation statistics asks of paired data.

The drawing functions take data and ``ax=None``, draw on ``ax`` (or the current
axes) and return it; they neither choose a backend nor change ``rcParams``, so
a notebook shows them inline. :func:`outcome_figure` draws on a
:class:`matplotlib.figure.Figure` made without pyplot (no backend, no global
state) and saves SVG, PDF, a 600 dpi PNG and the plotted data as CSV, each the
same bytes for the same input.
"""
from __future__ import annotations

import io
import math
import numbers
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
# What drawing and saving a figure loads, loaded with this module: 02-outcomes' imports cell takes
# it, and a build runs that cell while its kernel warms up (pipeline/schedule), not in the
# figures cell on the build's critical path (about a second). No pyplot backend is chosen here.
import matplotlib  # noqa: E402
import matplotlib.backends.backend_agg  # noqa: E402,F401
import matplotlib.backends.backend_pdf  # noqa: E402,F401
import matplotlib.backends.backend_svg  # noqa: E402,F401
import matplotlib.image  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from cohortstats.stats.describe import complete_pairs
from cohortstats.core.outcomes import UNIT_NOT_STATED
from cohortstats.core.files import atomic_path, write_atomic
from cohortstats.core.format import level_text, unit_part
from cohortstats.core.rounding import fmt, fmt_short
from cohortstats.results import Figure

__all__ = ["paired_plot", "change_plot", "outcome_figure", "figure_data", "figure_table", "save_figure",
           "MAX_LINES", "COLORS", "DIRECTIONS", "WIDTH_MM", "HEIGHT_MM", "DPI", "RC"]

#: Above this many pairs the plots aggregate (box plots) instead of drawing one
#: line or one dot per patient.
MAX_LINES = 200

#: Direction of the change, in drawing order, and its colour (colour-blind safe).
DIRECTIONS = ("decreased", "unchanged", "increased")
COLORS = {"decreased": "#1b6ca8", "unchanged": "#777777", "increased": "#c2410c"}

#: Journal sizes: the two-panel figure spans a double column (170 mm).
WIDTH_MM, HEIGHT_MM = 170.0, 80.0
#: Resolution of the raster copy.
DPI = 600

#: Settings for saved figures (applied with ``matplotlib.rc_context``, never globally).
RC = {
    "svg.hashsalt": "cohortstats",     # the same ids in every SVG
    "svg.fonttype": "none",            # SVG text stays text: smaller, searchable
    "pdf.fonttype": 42,                # TrueType fonts embedded in the PDF
    "font.family": "DejaVu Sans",      # shipped with matplotlib: the same glyphs everywhere
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "path.simplify": False,
    "savefig.bbox": "standard",        # the figure's own size, whatever a matplotlibrc says
}

_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "png": {"Software": None},
}

#: A PNG's zlib level: 1 writes a 600 dpi figure in a quarter of level 6's time (the default)
#: for a file about a quarter larger; the pixels are the same.
_PNG_OPTIONS = {"compress_level": 1}

_TIMES = ("drug start", "6 months")
_CHANGE = "drug start - 6 months"


# --------------------------------------------------------------------------- helpers

def _directions(b: np.ndarray, f: np.ndarray) -> np.ndarray:
    d = b - f  # positive = a decrease
    return np.where(d > 0, "decreased", np.where(d < 0, "increased", "unchanged"))


def _iv_estimate(estimate, conf_int, conf_level):
    if estimate is not None:
        if isinstance(estimate, bool) or not isinstance(estimate, numbers.Real) \
                or not math.isfinite(estimate):
            raise ValueError(f"`estimate` must be a finite number or None; not {estimate!r}.")
        estimate = float(estimate)
    if conf_int is not None:
        try:
            lo, hi = (float(v) for v in conf_int)
        except (TypeError, ValueError):
            raise ValueError(f"`conf_int` must be (low, high) or None; not {conf_int!r}.") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise ValueError(f"`conf_int` must be finite with low <= high; not {conf_int!r}.")
        conf_int = (lo, hi)
    if isinstance(conf_level, bool) or not isinstance(conf_level, numbers.Real) \
            or not 0 < conf_level < 1:
        raise ValueError(f"`conf_level` must be in (0, 1); not {conf_level!r}.")
    return estimate, conf_int, float(conf_level)


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt  # the user's backend, whatever it is

        ax = plt.gca()
    return ax


# --------------------------------------------------------------------------- panels

def paired_plot(baseline, followup, *, label: str = "", unit: str = "", ax=None,
                max_lines: int = MAX_LINES, reconstructed: bool = False):
    """Draw a before/after plot, each patient a line.

    Parameters
    ----------
    baseline, followup : array_like of float
        Values at drug start and at 6 months; pairs with a NaN are left out
        (:func:`cohortstats.stats.describe.complete_pairs`).
    label, unit : str
        The outcome's name and unit, for the axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    max_lines : int
        Above this many pairs, draw box plots and the line of medians instead.
    reconstructed : bool
        Say in the title that the data are a reconstruction.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Up to ``max_lines`` pairs, ``ax.lines`` holds one line per patient (drawn by
    :func:`seaborn.lineplot` with ``units=``, coloured by :data:`COLORS`: blue
    decreased, grey unchanged, orange increased) and, last, the line of the two
    means. Above, seaborn box plots (no outliers drawn) and, last, the line of
    the two medians.
    """
    b, f, _ = complete_pairs(baseline, followup)
    ax = _axes(ax)
    x = np.array([0.0, 1.0])
    n = b.size
    if 0 < n <= max_lines:  # one line per patient (the long table only here: it has 2n rows)
        long = figure_data(b, f).query("panel == 'before/after'").reset_index(drop=True)
        long = long.assign(x=np.where(long["time"] == _TIMES[0], 0.0, 1.0))
        sns.lineplot(data=long, x="x", y="value", units="patient", estimator=None,
                     hue="direction", hue_order=list(DIRECTIONS), palette=COLORS,
                     marker="o", markersize=4, markeredgewidth=0, linewidth=1.1, alpha=0.85,
                     sort=False, legend=False, ax=ax)
        ax.plot(x, [b.mean(), f.mean()], color="black", lw=2.4, marker="D", ms=6,
                label="mean", zorder=5)
        _legend(ax, [d for d in DIRECTIONS if (long["direction"] == d).any()], "mean")
    elif n > max_lines:
        _boxes(ax, [b, f], x)
        ax.plot(x, [np.median(b), np.median(f)], color="black", lw=2, marker="D", ms=5,
                label="medians", zorder=5)
        ax.legend(loc="best", frameon=False)
    else:
        ax.text(0.5, 0.5, "no patient has both values", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_xticks(x, ["Drug start", "6 months"])
    ax.set_xlim(-0.35, 1.35)
    ax.set_xlabel("")
    ax.set_ylabel(f"{label}{unit_part(unit)}")
    title = f"{label}: n = {n:,} pairs" if label else f"n = {n:,} pairs"
    if reconstructed:
        title += " (reconstructed data)"
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _boxes(ax, samples, positions):
    """Box plots without outliers (matplotlib's: seaborn 0.13's pass a deprecated argument)."""
    ax.boxplot(samples, positions=positions, widths=0.35, showfliers=False, patch_artist=True,
               boxprops={"facecolor": "#dddddd", "edgecolor": "#444444", "linewidth": 0.8},
               medianprops={"color": "#444444", "linewidth": 0.8},
               whiskerprops={"color": "#444444", "linewidth": 0.8},
               capprops={"color": "#444444", "linewidth": 0.8})


def _legend(ax, directions, summary_label):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=COLORS[d], marker="o", ms=3, lw=1.1, label=d)
               for d in directions]
    handles.append(Line2D([], [], color="black", marker="D", ms=4, lw=2, label=summary_label))
    ax.legend(handles=handles, loc="best", frameon=False, handlelength=1.6)


def change_plot(baseline, followup, *, estimate=None, conf_int=None, conf_level: float = 0.95,
                ci_label: str = "", label: str = "", unit: str = "", decimals: int = 1,
                ax=None, max_points: int = MAX_LINES):
    """Draw each patient's change and the Hodges–Lehmann estimate with its CI.

    Parameters
    ----------
    baseline, followup : array_like of float
        Values at drug start and at 6 months; pairs with a NaN are left out.
    estimate : float, optional
        Hodges–Lehmann estimate of ``drug start − 6 months`` (computed by the
        caller, e.g. :func:`cohortstats.stats.paired.paired_signed_rank`). None: the
        panel says "not computed".
    conf_int : (float, float), optional
        Its confidence interval; None: the point is drawn without a bar.
    conf_level : float
        Level of ``conf_int`` (0.95 prints "95% CI").
    ci_label : str
        A few words for how the interval was computed ("exact").
    label, unit : str
        The outcome's name and unit, for the axis.
    decimals : int
        Decimals of the printed estimate and interval (the outcome's).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current axes).
    max_points : int
        Above this many pairs, a box plot of the changes instead of one dot each.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The change is ``d = drug start − 6 months``: positive is a decrease, as in
    the signed-rank test. At x = 0 a :func:`seaborn.swarmplot` (one
    ``PathCollection`` in ``ax.collections`` whose y offsets are the changes;
    a swarm needs no random jitter, so it draws the same every time), at x = 1
    the estimate as an ``ErrorbarContainer`` in ``ax.containers``; a dashed line
    at zero (no change).
    """
    estimate, conf_int, conf_level = _iv_estimate(estimate, conf_int, conf_level)
    b, f, _ = complete_pairs(baseline, followup)
    ax = _axes(ax)
    d = b - f
    n = d.size
    ax.axhline(0, color="#999999", lw=0.8, ls="--", zorder=0)
    if 0 < n <= max_points:
        frame = figure_data(b, f).query("panel == 'change'").reset_index(drop=True)
        sns.swarmplot(data=frame, x=np.zeros(n), y="value", native_scale=True,
                      hue="direction", hue_order=list(DIRECTIONS), palette=COLORS, size=4,
                      linewidth=0, legend=False, ax=ax)
    elif n > max_points:
        _boxes(ax, [d], [0.0])
    else:
        ax.text(0.0, 0.5, "no patient has\nboth values", ha="center", va="center",
                transform=ax.get_xaxis_transform(), fontsize="small", color="#555555")
    level = level_text(conf_level)
    if estimate is not None:
        yerr = None
        if conf_int is not None:
            yerr = [[max(estimate - conf_int[0], 0.0)], [max(conf_int[1] - estimate, 0.0)]]
        ax.errorbar([1.0], [estimate], yerr=yerr, fmt="D", color="black", ms=5, capsize=3,
                    elinewidth=1.2, label="Hodges–Lehmann estimate", zorder=5)
        text = fmt_short(estimate, decimals + 1)
        if conf_int is not None:
            text += f"\n[{fmt_short(conf_int[0], decimals + 1)}, {fmt_short(conf_int[1], decimals + 1)}]"
        ax.annotate(text, (1.0, estimate), xytext=(7, 0), textcoords="offset points",
                    ha="left", va="center", fontsize="small")
    else:
        ax.text(1.0, 0.5, "Hodges–Lehmann\nestimate\nnot computed", ha="center", va="center",
                transform=ax.get_xaxis_transform(), fontsize="small", color="#555555")
    hl = "HL estimate"
    if estimate is not None and conf_int is not None:
        hl += f"\n{level}% CI"
        if ci_label:
            hl += "\n" + "\n".join(textwrap.wrap(f"({ci_label})", 24))
    ax.set_xticks([0.0, 1.0], ["Each patient" if n <= max_points else "All changes", hl])
    ax.set_xlim(-0.6, 1.75)
    ax.set_xlabel("")
    ax.set_ylabel(f"Decrease, drug start − 6 months{unit_part(unit)}")
    ax.set_title(f"{label}: change per patient" if label else "Change per patient")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --------------------------------------------------------------------------- data

def figure_data(baseline, followup) -> pd.DataFrame:
    """Exactly the data that an outcome's figure plots, with no identifier.

    Parameters
    ----------
    baseline, followup : array_like of float
        Values at drug start and at 6 months (incomplete pairs are left out, as
        in the figure).

    Returns
    -------
    pandas.DataFrame
        Columns ``patient`` (1..n, the order of the complete pairs in the
        cohort file; not the ``patient_id``), ``panel`` ("before/after" or
        "change"), ``time`` ("drug start", "6 months", or "drug start - 6 months"
        for the change), ``value`` and ``direction`` (decreased, unchanged,
        increased: the colour). One row per patient and time point, then one
        per patient for the change (positive = a decrease).
    """
    b, f, _ = complete_pairs(baseline, followup)
    n = b.size
    patient = np.arange(1, n + 1)
    direction = _directions(b, f)
    parts = []
    for time, values in ((_TIMES[0], b), (_TIMES[1], f)):
        parts.append(pd.DataFrame({"patient": patient, "panel": "before/after", "time": time,
                                   "value": values, "direction": direction}))
    before_after = pd.concat(parts).sort_values(["patient"], kind="stable")
    change = pd.DataFrame({"patient": patient, "panel": "change", "time": _CHANGE,
                           "value": b - f, "direction": direction})
    out = pd.concat([before_after, change], ignore_index=True)
    return out.astype({"patient": int, "value": float, "panel": object, "time": object,
                       "direction": object})


def figure_table(baseline, followup, max_lines: int = MAX_LINES) -> pd.DataFrame:
    """The data a figure plots, as its CSV holds them.

    Up to ``max_lines`` pairs the figure draws every patient, and this is
    :func:`figure_data`. Above, it draws box plots (no outliers) and the medians
    joined, and this is what they draw: for each panel and time, the whisker ends
    (1.5 × IQR, matplotlib's rule), the quartiles and the median — no patient's row.

    Returns
    -------
    pandas.DataFrame
        Per patient: as :func:`figure_data`. Aggregated: columns ``panel``, ``time``,
        ``n``, ``whisker_low``, ``q1``, ``median``, ``q3``, ``whisker_high``.
    """
    from matplotlib.cbook import boxplot_stats

    b, f, _ = complete_pairs(baseline, followup)
    if b.size <= max_lines:
        return figure_data(b, f)
    rows = []
    for panel, time, values in (("before/after", _TIMES[0], b), ("before/after", _TIMES[1], f),
                                ("change", _CHANGE, b - f)):
        st = boxplot_stats(values, whis=1.5)[0]
        rows.append({"panel": panel, "time": time, "n": int(values.size),
                     "whisker_low": float(st["whislo"]), "q1": float(st["q1"]),
                     "median": float(st["med"]), "q3": float(st["q3"]),
                     "whisker_high": float(st["whishi"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- saving

def save_figure(fig, path, *, dpi: int = DPI) -> Path:
    """Save ``fig`` reproducibly: same inputs, same bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or Path
        ``.svg``, ``.pdf`` or ``.png``; the suffix chooses the format.
    dpi : int
        Resolution of a PNG (600 by default, for print).

    Returns
    -------
    Path

    Notes
    -----
    Fixes what would change between runs: the SVG hash salt, the dates and
    software stamps (SVG ``Date``/``Creator``, PDF ``CreationDate``/``ModDate``/
    ``Producer``/``Creator``, PNG ``Software``). Fonts are TrueType embedded in a
    PDF; SVG text stays text. The file is written aside and renamed. A figure
    made with pyplot is closed afterwards; no backend is chosen (the format's
    own canvas prints it). A PNG is drawn (:func:`_png_pixels`) and then encoded
    (:func:`_write_png`), the two halves of matplotlib's own ``print_png``.
    """
    path = Path(path)
    fmt_ = path.suffix.lstrip(".").lower()
    if fmt_ not in _METADATA:
        raise ValueError(f"`path` must end in one of {{'.svg', '.pdf', '.png'}}; not {path.name!r}.")
    if fmt_ == "png":
        _write_png(_png_pixels(fig, dpi), path, dpi)
    else:
        with atomic_path(path) as tmp, _saving():
            fig.savefig(tmp, format=fmt_, metadata=_METADATA[fmt_], dpi=dpi)
    if "matplotlib.pyplot" in sys.modules:  # a pyplot figure is closed; others are left alone
        sys.modules["matplotlib.pyplot"].close(fig)
    return path


def _saving():
    """The :data:`RC` settings that apply when a figure is printed (not when it is drawn on)."""
    return matplotlib.rc_context({k: v for k, v in RC.items()
                                  if k.startswith(("svg.", "pdf.", "path.", "savefig."))})


def _png_pixels(fig, dpi: int) -> np.ndarray:
    """``fig`` drawn by Agg at ``dpi``: its RGBA pixels, rows from the top (what ``print_png``
    draws before it encodes: ``savefig``'s ``rgba`` format is the same draw, unencoded)."""
    raw = io.BytesIO()
    with _saving():
        fig.savefig(raw, format="rgba", dpi=dpi)
    width, height = int(fig.get_figwidth() * dpi), int(fig.get_figheight() * dpi)  # as Agg sizes it
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    if pixels.size != 4 * width * height:  # e.g. a matplotlibrc's savefig.bbox: tight
        raise RuntimeError(f"the figure was drawn at another size than {width} x {height} pixels.")
    return pixels.reshape(height, width, 4)


def _write_png(pixels: np.ndarray, path, dpi: int) -> Path:
    """Encode RGBA ``pixels`` as ``print_png`` does (``matplotlib.image.imsave``, this module's
    metadata and zlib level), written aside and renamed. Pillow's encoder releases the GIL, so
    this may run in a thread while the figure's other formats are drawn."""
    with atomic_path(path) as tmp:
        matplotlib.image.imsave(tmp, memoryview(pixels), format="png", origin="upper", dpi=dpi,
                                metadata=_METADATA["png"], pil_kwargs=dict(_PNG_OPTIONS))
    return Path(path)


def _amount(x, decimals: int, unit: str, short: bool = False) -> str:
    unit = "" if unit == UNIT_NOT_STATED else unit
    return (fmt_short if short else fmt)(x, decimals) + (f" {unit}" if unit else "")


def _caption(outcome, n, n_dropped, estimate, conf_int, level, ci_label, reconstructed,
             max_lines):
    lu = f"{outcome.label}{unit_part(outcome.unit)}"
    text = f"{lu} at drug start and at 6 months, {n} patients with both values"
    text += f" ({n_dropped} with a value not recorded not shown). " if n_dropped else ". "
    if n <= max_lines:
        text += ("Left: each patient a line (blue: decreased, grey: unchanged, orange: "
                 "increased); black diamonds joined: the means. ")
        text += "Right: each patient's change d = drug start − 6 months (positive = a decrease), one dot each; "
    else:
        text += ("Left: box plots (whiskers to 1.5 IQR, no outliers drawn) and the medians "
                 "joined. Right: box plot of each patient's change d = drug start − 6 months "
                 "(positive = a decrease); ")
    if estimate is None:
        text += "the Hodges–Lehmann estimate was not computed."
    elif conf_int is None:
        text += "black diamond: the Hodges–Lehmann estimate (no interval computed)."
    else:
        text += (f"black diamond and bar: the Hodges–Lehmann estimate and its {level}% "
                 "confidence interval" + (f" ({ci_label})." if ci_label else "."))
    if reconstructed:
        text += " Reconstructed data, not patient records."
    return text


def _alt(outcome, b, f, estimate, conf_int, level, max_lines):
    n = b.size
    lu = f"{outcome.label}{unit_part(outcome.unit)}"
    if n == 0:
        return f"{lu}: no patient has both values; nothing is drawn."
    dec, unit = outcome.decimals, outcome.unit
    d = b - f
    down, same, up = int((d > 0).sum()), int((d == 0).sum()), int((d < 0).sum())
    text = (f"Two panels. Left: {lu} at drug start and at 6 months for {n} patients, "
            + ("one line per patient" if n <= max_lines else "box plots with the medians joined")
            + f"; mean {_amount(b.mean(), dec, unit)} at drug start and "
              f"{_amount(f.mean(), dec, unit)} at 6 months; {down} decreased, {same} unchanged, "
              f"{up} increased. Right: each patient's decrease (drug start − 6 months), from "
              f"{_amount(d.min(), dec, unit)} to {_amount(d.max(), dec, unit)}")
    if estimate is None:
        text += "; Hodges–Lehmann estimate not computed."
    else:
        text += f"; Hodges–Lehmann estimate {_amount(estimate, dec + 1, unit, short=True)}"
        if conf_int is not None:
            text += (f" ({level}% CI {_amount(conf_int[0], dec + 1, unit, short=True)} to "
                     f"{_amount(conf_int[1], dec + 1, unit, short=True)})")
        text += "."
    return text


#: The formats a figure is saved in, in this order: the report's, then the journals'.
FORMATS = ("svg", "pdf", "png")


def outcome_figure(cohort, outcome, figures_dir, *, estimate=None, conf_int=None,
                   conf_level: float = 0.95, ci_label: str = "",
                   formats=FORMATS) -> Figure:
    """Draw one outcome's two-panel figure and save it as a journal takes it.

    Parameters
    ----------
    cohort : Cohort
    outcome : Outcome
    figures_dir : str or Path
        Written: ``<name>.svg``, ``<name>.pdf``, ``<name>.png`` (600 dpi), as
        ``formats`` says, and ``<name>.csv`` (the plotted data, :func:`figure_table`).
    estimate, conf_int, conf_level, ci_label
        The Hodges–Lehmann estimate of ``drug start − 6 months``, its interval,
        the interval's level and a few words for its method; see
        :func:`change_plot`. None: "not computed".
    formats : sequence of {"svg", "pdf", "png"}
        Which files to save (default all three; the report needs the SVG). The
        600 dpi PNG and the PDF take most of the time: ``("svg",)`` when only the
        picture and its words are wanted.

    Returns
    -------
    cohortstats.results.Figure
        ``files`` in the order SVG, PDF, PNG, CSV (those written); ``width``/``height`` the
        SVG's size in CSS pixels (170 mm × 80 mm, a double column).

    Notes
    -----
    Deterministic byte for byte (see :func:`save_figure`); drawn on a figure
    made without pyplot, so no backend is chosen and no notebook is affected.
    """
    estimate, conf_int, conf_level = _iv_estimate(estimate, conf_int, conf_level)
    if isinstance(formats, str) or not formats or not set(formats) <= set(FORMATS):
        raise ValueError(f"`formats` must be some of {FORMATS}; not {formats!r}.")
    b, f, dropped = complete_pairs(cohort.frame[outcome.baseline], cohort.frame[outcome.followup])
    figures_dir = Path(figures_dir)
    stem = outcome.name
    w_in, h_in = WIDTH_MM / 25.4, HEIGHT_MM / 25.4
    with matplotlib.rc_context(RC):
        fig = MplFigure(figsize=(w_in, h_in), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[3, 2])
        paired_plot(b, f, label=outcome.label, unit=outcome.unit, ax=left,
                    reconstructed=cohort.reconstructed)
        change_plot(b, f, estimate=estimate, conf_int=conf_int, conf_level=conf_level,
                    ci_label=ci_label, label=outcome.label, unit=outcome.unit,
                    decimals=outcome.decimals, ax=right)
        wanted = [x for x in FORMATS if x in formats]
        # The first format's draw lays the figure out once: every format shows the same
        # layout, and constrained layout's text measuring is not run again for each. The PNG
        # is drawn next and encoded in a thread while the vector formats are drawn.
        order = wanted[:1] + sorted(wanted[1:], key=lambda x: x != "png")
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cohortstats-png") as encoder:
            encoding = None
            for suffix in order:
                path = figures_dir / f"{stem}.{suffix}"
                if suffix == "png":
                    encoding = encoder.submit(_write_png, _png_pixels(fig, DPI), path, DPI)
                else:
                    save_figure(fig, path)
                fig.set_layout_engine("none")
            if encoding is not None:
                encoding.result()
        files = [f"{stem}.{x}" for x in wanted]
    csv = figures_dir / f"{stem}.csv"
    write_atomic(csv, figure_table(b, f).to_csv(index=False, lineterminator="\n", float_format="%.12g"))
    files.append(csv.name)
    level = level_text(conf_level)
    return Figure(
        outcome=outcome.name, stem=stem, files=tuple(files),
        caption=_caption(outcome, b.size, dropped, estimate, conf_int, level, ci_label,
                         cohort.reconstructed, MAX_LINES),
        alt=_alt(outcome, b, f, estimate, conf_int, level, MAX_LINES),
        width=round(w_in * 96), height=round(h_in * 96))
