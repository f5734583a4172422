"""Figures: what was drawn, checked against numbers computed independently with pandas."""
import hashlib

import numpy as np
import pandas as pd
import pytest

from cohortstats.inputs import cohortfile
from cohortstats.core.outcomes import describe as describe_outcome
from support import HEADER, SHIPPED


@pytest.fixture(scope="module", autouse=True)
def _drawing():
    """matplotlib, seaborn and cohortstats.report.plots, imported when this module's tests run,
    not when it is collected: every xdist worker collects every module (this import ~1 s of CPU)."""
    global matplotlib, plt, PathCollection, to_hex, ErrorbarContainer, plots
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex
    from matplotlib.container import ErrorbarContainer

    from cohortstats.report import plots

B = np.array([35, 7.5, 12.5, np.nan, 20])
F = np.array([30, 7.5, 5, 10, 25])
OK = ~np.isnan(B)  # the fourth patient lacks the baseline


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _pairs(lines):
    return sorted(tuple(float(v) for v in line.get_ydata()) for line in lines)


# --------------------------------------------------------------------------- before/after panel

def test_one_line_per_complete_pair_plus_the_mean():
    fig, ax = plt.subplots()
    out = plots.paired_plot(B, F, label="Prednisone dose", unit="mg", ax=ax)
    assert out is ax
    assert len(ax.lines) == 4 + 1  # four complete pairs, then the mean line
    df = pd.DataFrame({"b": B, "f": F}).dropna()
    assert ax.lines[-1].get_ydata() == pytest.approx([df["b"].mean(), df["f"].mean()])
    assert _pairs(ax.lines[:-1]) == sorted(zip(df["b"], df["f"]))
    # colour by direction: 35 -> 30 and 12.5 -> 5 decreased, 7.5 -> 7.5 unchanged, 20 -> 25 increased
    colour = {tuple(float(v) for v in l.get_ydata()): to_hex(l.get_color()) for l in ax.lines[:-1]}
    assert colour[(35, 30)] == colour[(12.5, 5)] == plots.COLORS["decreased"]
    assert colour[(7.5, 7.5)] == plots.COLORS["unchanged"]
    assert colour[(20, 25)] == plots.COLORS["increased"]
    assert ax.get_ylabel() == "Prednisone dose (mg)"
    assert "n = 4 pairs" in ax.get_title() and "reconstructed" not in ax.get_title()


def test_reconstructed_data_say_so_in_the_title():
    ax = plots.paired_plot(B, F, label="Prednisone dose", unit="mg", reconstructed=True)
    assert ax.get_title().endswith("(reconstructed data)")


def test_an_empty_unit_prints_no_brackets():
    ax = plots.paired_plot(B, F, label="C3", unit="")
    assert ax.get_ylabel() == "C3"


def test_large_cohorts_aggregate(rng):
    b = rng.integers(0, 50, 5000).astype(float)
    f = b - rng.integers(0, 10, 5000)
    fig, (left, right) = plt.subplots(1, 2)
    plots.paired_plot(b, f, ax=left, max_lines=200)
    assert len(left.lines) < 20  # box-plot artists and one median line, not 5000 lines
    assert left.lines[-1].get_ydata() == pytest.approx([np.median(b), np.median(f)])
    plots.change_plot(b, f, ax=right, max_points=200)
    assert not [c for c in right.collections if isinstance(c, PathCollection)]  # no 5000 dots
    assert len(right.patches) == 1  # one box of the changes


def test_unequal_lengths():
    with pytest.raises(ValueError, match="same length"):
        plots.paired_plot([1, 2], [1])
    with pytest.raises(ValueError, match="same length"):
        plots.change_plot([1, 2], [1])


# --------------------------------------------------------------------------- change panel

def test_change_panel_draws_each_change_and_the_estimate():
    fig, ax = plt.subplots()
    out = plots.change_plot(B, F, estimate=5.0, conf_int=(-2.5, 7.5), conf_level=0.95,
                            ci_label="exact", label="Prednisone dose", unit="mg", decimals=2, ax=ax)
    assert out is ax
    df = pd.DataFrame({"b": B, "f": F}).dropna()
    d = df["b"] - df["f"]  # drug start - 6 months: 5, 0, 7.5, -5
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1
    assert sorted(dots[0].get_offsets()[:, 1]) == sorted(d)
    (bar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    point, caps, (segments,) = bar
    assert point.get_ydata().astype(float) == pytest.approx([5.0])
    assert segments.get_segments()[0][:, 1] == pytest.approx([-2.5, 7.5])
    assert ax.get_ylabel() == "Decrease, drug start − 6 months (mg)"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[1] == "HL estimate\n95% CI\n(exact)"
    texts = [t.get_text() for t in ax.texts]
    assert "5\n[-2.5, 7.5]" in texts  # rounding.fmt_short at decimals + 1: Walsh averages, no noise zeros


def test_change_panel_says_when_the_estimate_is_not_computed():
    ax = plots.change_plot(B, F, unit="mg")
    assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert any("not computed" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("kwargs, match", [
    ({"estimate": float("nan")}, "`estimate`"),
    ({"estimate": 1.0, "conf_int": (3.0, 1.0)}, "`conf_int`"),
    ({"estimate": 1.0, "conf_int": (0.0, 2.0), "conf_level": 95}, "`conf_level`"),
])
def test_change_panel_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.change_plot(B, F, **kwargs)


# --------------------------------------------------------------------------- saved figure

def _figure(tmp_path, name="out", cohort_path=SHIPPED, outcome_index=0, **kwargs):
    cohort = cohortfile.load_cohort(cohort_path)
    kwargs.setdefault("estimate", 12.5)
    kwargs.setdefault("conf_int", (3.75, 26.25))
    kwargs.setdefault("ci_label", "Walsh averages")
    fig = plots.outcome_figure(cohort, cohort.outcomes[outcome_index], tmp_path / name, **kwargs)
    return cohort, fig


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped cohort's prednisone figure, drawn once for the tests that only read it."""
    tmp_path = tmp_path_factory.mktemp("figures")
    cohort, fig = _figure(tmp_path)
    return tmp_path, fig


def test_outcome_figure_files_and_record(shipped):
    tmp_path, fig = shipped
    assert fig.outcome == fig.stem == "prednisone_mg"
    assert fig.files == ("prednisone_mg.svg", "prednisone_mg.pdf", "prednisone_mg.png",
                         "prednisone_mg.csv")
    assert all((tmp_path / "out" / f).stat().st_size > 0 for f in fig.files)
    # 170 mm x 80 mm at 96 CSS px per inch: 170 / 25.4 * 96 = 642.5 -> 643; 80 -> 302.4 -> 302
    assert (fig.width, fig.height) == (643, 302)


def test_only_the_formats_asked_for_are_saved(tmp_path):
    _, fig = _figure(tmp_path, formats=("svg",))
    assert fig.files == ("prednisone_mg.svg", "prednisone_mg.csv")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == list(fig.files[::-1])


@pytest.mark.parametrize("formats", ["svg", (), ("svg", "jpg")])
def test_unknown_formats_are_refused(tmp_path, formats):
    with pytest.raises(ValueError, match="formats"):
        _figure(tmp_path, formats=formats)
    assert not (tmp_path / "out").exists()


def test_csv_is_exactly_the_plotted_data(shipped):
    tmp_path, fig = shipped
    got = pd.read_csv(tmp_path / "out" / "prednisone_mg.csv")
    assert list(got.columns) == ["patient", "panel", "time", "value", "direction"]
    raw = pd.read_csv(SHIPPED)
    assert "patient_id" not in got.columns
    text = (tmp_path / "out" / "prednisone_mg.csv").read_text()
    assert not any(pid in text for pid in raw["patient_id"])  # no identifier anywhere
    n = len(raw)
    before = got[got["time"] == "drug start"].set_index("patient")["value"]
    after = got[got["time"] == "6 months"].set_index("patient")["value"]
    change = got[got["panel"] == "change"].set_index("patient")["value"]
    assert list(before.index) == list(range(1, n + 1))  # a sequence number, not an id
    assert before.tolist() == raw["prednisone_mg_baseline"].tolist()
    assert after.tolist() == raw["prednisone_mg_6mo"].tolist()
    d = raw["prednisone_mg_baseline"] - raw["prednisone_mg_6mo"]
    assert change.tolist() == pytest.approx(d.tolist())
    assert (got["panel"] == "before/after").sum() == 2 * n  # one row per patient and time point
    # R01 and R05 keep their dose (20 -> 20, 35 -> 35): unchanged; the other 8 decreased
    direction = got[got["panel"] == "change"]["direction"].value_counts().to_dict()
    assert direction == {"decreased": 8, "unchanged": 2}


def test_csv_and_caption_leave_out_incomplete_pairs(tmp_path, write_csv):
    path = write_csv(HEADER + "\nA1,F,White,10,5,1,1\nA2,F,White,20,,1,1\nA3,M,White,30,15,1,2\n")
    cohort, fig = _figure(tmp_path, cohort_path=path, estimate=None, conf_int=None, formats=("svg",))
    got = pd.read_csv(tmp_path / "out" / f"{fig.stem}.csv")
    assert got[got["panel"] == "change"]["value"].tolist() == [5, 15]  # A1 and A3 only
    assert "2 patients with both values (1 with a value not recorded not shown)" in fig.caption
    assert "not computed" in fig.caption and "not computed" in fig.alt
    assert "reconstructed" not in fig.caption.lower()  # A1.. ids: not a reconstruction


@pytest.mark.slow  # saves the four journal files (600 dpi PNG, PDF)
def test_a_second_draw_gives_the_same_bytes_and_changes_no_matplotlib_state(shipped, tmp_path):
    """Drawn and saved again in every format: the same four files, byte for byte; drawn without
    pyplot, so no figure is left open, and the backend and rcParams are as they were."""
    first, one = shipped  # the same inputs, drawn and saved earlier in this process
    assert plt.get_fignums() == []
    backend = matplotlib.get_backend()
    before = dict(matplotlib.rcParams)
    _, two = _figure(tmp_path)
    assert plt.get_fignums() == []
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == before
    assert one.files == two.files
    for name in one.files:
        a, b = first / "out" / name, tmp_path / "out" / name
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), name


def test_files_are_as_journals_take_them(shipped):
    from PIL import Image

    tmp_path, fig = shipped
    folder = tmp_path / "out"
    pdf = (folder / "prednisone_mg.pdf").read_bytes()
    assert b"/FontFile2" in pdf           # TrueType fonts embedded (pdf.fonttype 42)
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf
    with Image.open(folder / "prednisone_mg.png") as im:
        assert im.info["dpi"] == pytest.approx((600, 600), abs=0.01)
        # 170 mm at 600 dpi = 170 / 25.4 * 600 = 4015.7 pixels
        assert abs(im.size[0] - 170 / 25.4 * 600) < 1.5
        assert "Software" not in im.info
    svg = (folder / "prednisone_mg.svg").read_text()
    assert "<dc:date>" not in svg
    assert 'width="481.889764pt"' in svg  # 170 mm = 481.89 pt: no tight-bbox cropping
    assert "(reconstructed data)" in svg  # the shipped cohort is a reconstruction; text stays text


def test_caption_and_alt_words_and_numbers(shipped):
    tmp_path, fig = shipped
    assert "d = drug start − 6 months (positive = a decrease)" in fig.caption
    assert "95% confidence interval (Walsh averages)" in fig.caption
    assert fig.caption.endswith("Reconstructed data, not patient records.")
    raw = pd.read_csv(SHIPPED)
    # means 235 / 10 = 23.5 and 122.5 / 10 = 12.25, at prednisone's 2 decimals; 8 decreased,
    # 2 unchanged (R01, R05), none increased; the largest decrease is R10's 45 - 7.5 = 37.5
    assert f"mean {raw['prednisone_mg_baseline'].mean():.2f} mg at drug start" in fig.alt
    assert "mean 23.50 mg at drug start and 12.25 mg at 6 months" in fig.alt
    assert "8 decreased, 2 unchanged, 0 increased" in fig.alt
    assert "from 0.00 mg to 37.50 mg" in fig.alt
    # estimates print at decimals + 1 = 3 without noise zeros: 12.5, 3.75, 26.25
    assert "Hodges–Lehmann estimate 12.5 mg (95% CI 3.75 mg to 26.25 mg)" in fig.alt


def test_alt_rounds_half_up(tmp_path):
    # ESR means print at 1 decimal, its estimates at 2 (rounding.fmt_short: no noise zeros).
    # 10.125 -> "10.13" half up (f"{10.125:.2f}" gives "10.12", half to even);
    # 2.005 -> "2.01" (the decimal value, not the binary 2.00499...); 26.0 -> "26".
    _, fig = _figure(tmp_path, outcome_index=1, estimate=10.125, conf_int=(2.005, 26.0),
                     formats=("svg",))
    assert "Hodges–Lehmann estimate 10.13 mm/hour (95% CI 2.01 mm/hour to 26 mm/hour)" in fig.alt


def test_unit_not_stated_is_printed_as_given(tmp_path, write_csv):
    path = write_csv("patient_id,sex,race,c3_baseline,c3_6mo\nA1,F,White,1.25,1\nA2,M,White,2,2\n")
    cohort = cohortfile.load_cohort(path, outcomes="c3")
    fig = plots.outcome_figure(cohort, describe_outcome("c3"), tmp_path, formats=("svg",))
    assert "C3 (unit not stated)" in fig.caption and "()" not in fig.caption
    assert "C3 (unit not stated)" in fig.alt and "unit not stated)" in fig.alt
    svg = (tmp_path / "c3.svg").read_text()
    assert "Decrease, drug start − 6 months (unit not stated)" in svg


def test_saved_svg_is_byte_identical(tmp_path):
    digests = []
    for i in range(2):
        fig, ax = plt.subplots()
        plots.paired_plot(B, F, ax=ax)
        path = plots.save_figure(fig, tmp_path / f"f{i}.svg")
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_above_max_lines_the_csv_holds_the_box_plots_not_the_patients(rng):
    # 500 pairs: the figure draws box plots, so its CSV holds their numbers, one row per box,
    # and no row per patient. Quartiles by linear interpolation (numpy's default, as
    # matplotlib's boxplot_stats); whiskers at the furthest values within 1.5 IQR.
    b = rng.integers(2, 25, 500) * 2.5
    f = np.maximum(b - rng.integers(-1, 12, 500) * 2.5, 0)
    t = plots.figure_table(b, f)
    assert list(t["time"]) == ["drug start", "6 months", "drug start - 6 months"]
    assert "patient" not in t.columns and (t["n"] == 500).all()
    for row, values in zip(t.itertuples(), (b, f, b - f)):
        q1, med, q3 = np.percentile(values, [25, 50, 75])
        assert (row.q1, row.median, row.q3) == pytest.approx((q1, med, q3))
        inside = values[(values >= q1 - 1.5 * (q3 - q1)) & (values <= q3 + 1.5 * (q3 - q1))]
        assert (row.whisker_low, row.whisker_high) == pytest.approx((inside.min(), inside.max()))
    # at or below the limit, one row per patient and time point, as the figure draws them
    assert len(plots.figure_table(b[:200], f[:200])) == 3 * 200
