"""The attrition as a flow diagram (STROBE/CONSORT style), as a deterministic SVG string."""
from __future__ import annotations

import io
import textwrap

__all__ = ["flow_svg", "flow_png", "flow_alt"]


def flow_svg(attrition, title: str = "") -> str:
    """Draw the attrition steps top to bottom, each box with its count, exclusions to the right.

    Parameters
    ----------
    attrition : sequence of Step or of (label, n)
        The steps, first = all persons.
    title : str, optional

    Returns
    -------
    str
        The SVG text: the same steps give the same bytes (``svg.hashsalt`` fixed, no date).
    """
    import matplotlib

    fig = _figure(attrition, title)
    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "cohortstats-omop-flow", "svg.fonttype": "none"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _steps(attrition) -> list:
    return [(s.label, s.n) if hasattr(s, "label") else (s[0], s[1]) for s in attrition]


def _figure(attrition, title: str):
    steps = _steps(attrition)
    height = 1.15 * len(steps) + (0.5 if title else 0.2)
    # matplotlib is imported where a diagram is drawn (a cohort from a source), not with the
    # report's renderer: the build's own process imports that for every report (about 0.5 s).
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 7.0)
    ax.set_ylim(0, height)
    ax.axis("off")
    box = dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="black", linewidth=0.8)
    side = dict(boxstyle="round,pad=0.25", facecolor="#f2f2f2", edgecolor="#555555", linewidth=0.6)
    top = height - (0.55 if title else 0.3)
    if title:
        ax.text(3.5, height - 0.2, title, ha="center", va="center", fontsize=10, weight="bold")
    for i, (label, n) in enumerate(steps):
        y = top - 1.15 * i
        words = "\n".join(textwrap.wrap(label, 38))
        ax.text(2.3, y, f"{words}\nn = {n:,}", ha="center", va="center", fontsize=8, bbox=box)
        if i:
            ax.annotate("", xy=(2.3, y + 0.38), xytext=(2.3, y + 0.77),
                        arrowprops=dict(arrowstyle="-|>", linewidth=0.8, color="black"))
            dropped = steps[i - 1][1] - n
            ax.text(5.6, y + 0.57, f"excluded: {dropped:,}", ha="center", va="center", fontsize=7.5,
                    bbox=side)
            ax.plot([2.3, 4.85], [y + 0.57, y + 0.57], color="#555555", linewidth=0.6)
    return fig


def flow_png(attrition, title: str = "", dpi: int = 200) -> bytes:
    """The same diagram as a PNG (for the Word document), without time stamps."""
    fig = _figure(attrition, title)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def flow_alt(attrition) -> str:
    """The diagram in words, for a reader who cannot see it."""
    steps = _steps(attrition)
    return "Flow of persons through the cohort definition: " + "; ".join(
        f"{label}: {n:,}" for label, n in steps) + "."
