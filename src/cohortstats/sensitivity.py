"""How much the paired comparison depends on the choice of test.

The paper names the Wilcoxon matched-pairs signed-rank test but not its variant.
Dose and laboratory data have ties and unchanged values, where the variants
differ: this module computes them side by side, and which of them prints the
published P.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict

import numpy as np

from .paired import EXACT_MAX_N, paired_signed_rank

__all__ = ["Variant", "test_variants", "LeaveOneOut", "leave_one_out", "LOO_MAX_PAIRS"]

#: Leave-one-patient-out is computed up to this many pairs.
LOO_MAX_PAIRS = 200


@dataclass(frozen=True)
class Variant:
    """One test of the same pairs.

    Attributes
    ----------
    key : str
        Stable identifier ("exact_wilcox").
    label : str
        Words for the report.
    n : int
        Pairs entering the test (after dropping what the variant drops).
    statistic : float
        T+ for the signed-rank variants, t for the t-tests.
    pvalue : float
    method : str
        "exact", "approx" or "t".
    estimate : float or None
        Hodges–Lehmann pseudo-median (signed-rank) or mean difference (t-test).
    conf_int : tuple or None
    effect_size : float or None
        Matched-pairs rank-biserial correlation (signed-rank), Cohen's d_z (t-test).
    primary : bool
        The analysis the report's Results use.
    """

    key: str
    label: str
    n: int
    statistic: float
    pvalue: float
    method: str
    estimate: float | None
    conf_int: tuple | None
    effect_size: float | None
    primary: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["conf_int"] = None if self.conf_int is None else [float(v) for v in self.conf_int]
        return d


def _complete(before, after):
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    ok = ~(np.isnan(b) | np.isnan(a))
    return b[ok], a[ok]


def _from_signed_rank(key, label, res, primary=False):
    return Variant(key=key, label=label, n=int(res.n_nonzero), statistic=float(res.statistic),
                   pvalue=float(res.pvalue), method=res.method,
                   estimate=None if res.estimate is None else float(res.estimate),
                   conf_int=None if res.conf_int is None else tuple(float(v) for v in res.conf_int),
                   effect_size=None if res.effect_size is None else float(res.effect_size),
                   primary=primary)


def _paired_t(key, label, b, a, conf_level):
    from scipy import stats

    d = b - a
    n = int(d.size)
    if n < 2 or np.all(d == d[0]):
        return None
    res = stats.ttest_rel(b, a)
    ci = res.confidence_interval(conf_level)
    sd = float(np.std(d, ddof=1))
    return Variant(key=key, label=label, n=n, statistic=float(res.statistic),
                   pvalue=float(res.pvalue), method="t", estimate=float(d.mean()),
                   conf_int=(float(ci.low), float(ci.high)),
                   effect_size=float(d.mean() / sd) if sd > 0 else None)


def test_variants(before, after, *, method: str = "auto", conf_level: float = 0.95) -> list[Variant]:
    """Run the signed-rank variants and paired t-tests on the same pairs.

    Parameters
    ----------
    before, after : array_like of float
        Values at drug start and at 6 months (d = before − after); incomplete
        pairs are dropped.
    method : str
        ``method`` of the primary test (see :func:`cohortstats.paired.paired_signed_rank`).
    conf_level : float

    Returns
    -------
    list of Variant
        Primary (Wilcoxon zero handling, exact conditional or as ``method``),
        Pratt zero handling, normal approximation with and without continuity
        correction, R's ``wilcox.test`` default, scipy's ``wilcoxon`` default,
        paired t-test, paired t-test excluding unchanged patients. A variant
        that cannot be computed (no non-zero difference) is left out.
    """
    from scipy import stats

    b, a = _complete(before, after)
    d = b - a
    nz = d[d != 0]
    out = []
    kw = dict(conf_level=conf_level)

    def add(key, label, primary=False, **options):
        # A variant without a non-zero difference is undefined and left out; any
        # other error (a bad option, a size limit of the primary test) is the caller's.
        if not nz.size:
            return
        out.append(_from_signed_rank(key, label, paired_signed_rank(b, a, **options, **kw), primary))

    # The exact variants stay exact only while that is cheap (as method="auto").
    exact = "exact" if method == "exact" or (method == "auto" and nz.size < EXACT_MAX_N) else "approx"
    words = {"exact": "exact conditional", "approx": "normal approximation"}
    add("primary", f"Wilcoxon signed-rank, {words.get(exact if method == 'auto' else method, method)}"
        " (zeros dropped)", primary=True, method=method)
    add("pratt", f"Wilcoxon signed-rank, {words[exact]}, Pratt zero handling",
        method=exact, zero_method="pratt")
    add("approx_cc", "Normal approximation, continuity correction", method="approx", correction=True)
    add("approx", "Normal approximation, no continuity correction", method="approx", correction=False)
    # R: wilcox.test(x, y, paired = TRUE) is exact only for n < 50 without ties or
    # zeros; otherwise the normal approximation with continuity correction.
    r_exact = nz.size < 50 and np.unique(np.abs(nz)).size == nz.size and nz.size == d.size
    add("r_default", "R wilcox.test default (" + ("exact" if r_exact else "normal approx., corrected") + ")",
        method="exact" if r_exact else "approx", correction=True)
    if nz.size:
        try:
            res = stats.wilcoxon(b, a)
            out.append(Variant(key="scipy_default", label="scipy.stats.wilcoxon default",
                               n=int(nz.size), statistic=float(res.statistic), pvalue=float(res.pvalue),
                               method="scipy", estimate=None, conf_int=None, effect_size=None))
        except ValueError:
            pass
    for key, label, keep in (("t", "Paired t-test", np.ones(d.size, bool)),
                             ("t_changed", "Paired t-test, unchanged patients excluded", d != 0)):
        v = _paired_t(key, label, b[keep], a[keep], conf_level)
        if v is not None:
            out.append(v)
    return out


@dataclass(frozen=True)
class LeaveOneOut:
    """The primary test repeated with each patient left out in turn.

    Attributes
    ----------
    n_pairs : int
    p_min, p_max : float
        Range of the p-values over the n analyses.
    n_below : int
        How many of them are below ``alpha``.
    alpha : float
    pvalues : tuple of float
        In row order of the complete pairs.
    """

    n_pairs: int
    p_min: float
    p_max: float
    n_below: int
    alpha: float
    pvalues: tuple

    def to_dict(self) -> dict:
        d = asdict(self)
        d["pvalues"] = list(self.pvalues)
        return d


def leave_one_out(before, after, *, method: str = "auto", alpha: float = 0.05) -> LeaveOneOut | None:
    """Leave-one-patient-out sensitivity of the primary test.

    Parameters
    ----------
    before, after : array_like of float
    method : str
    alpha : float

    Returns
    -------
    LeaveOneOut or None
        None above :data:`LOO_MAX_PAIRS` pairs or below 3.
    """
    b, a = _complete(before, after)
    n = b.size
    if n < 3 or n > LOO_MAX_PAIRS:
        return None
    ps = []
    for i in range(n):
        keep = np.arange(n) != i
        try:
            ps.append(float(paired_signed_rank(b[keep], a[keep], method=method, conf_level=None).pvalue))
        except ValueError:
            ps.append(1.0)
    return LeaveOneOut(n_pairs=int(n), p_min=min(ps), p_max=max(ps),
                       n_below=int(sum(p < alpha for p in ps)), alpha=alpha, pvalues=tuple(ps))


def primary_test(before, after, *, method: str = "auto", conf_level: float = 0.95):
    """The report's primary test, or None when it is undefined (no non-zero difference).

    Parameters
    ----------
    before, after : array_like of float
    method, conf_level
        As :func:`cohortstats.paired.paired_signed_rank`.

    Returns
    -------
    SignedRankResult or None
    """
    b, a = _complete(before, after)
    if not np.any(b != a):
        return None
    return paired_signed_rank(b, a, method=method, conf_level=conf_level)


def variants_fragment(cohort, *, method: str = "auto", conf_level: float = 0.95) -> dict:
    """Every outcome's test variants (:func:`test_variants`), as the report reads them."""
    return {o.name: [v.to_dict() for v in test_variants(cohort.frame[o.baseline], cohort.frame[o.followup],
                                                        method=method, conf_level=conf_level)]
            for o in cohort.outcomes}


def variants_table(variants: dict):
    """The variants of :func:`variants_fragment` as one table, outcome by outcome."""
    import pandas as pd

    cols = ["n", "statistic", "pvalue", "estimate", "conf_int", "effect_size"]
    return pd.concat({name: pd.DataFrame(rows).set_index("label")[cols] for name, rows in variants.items()})


def leave_one_out_fragment(cohort, *, method: str = "auto", alpha: float = 0.05) -> dict:
    """Every outcome's leave-one-patient-out summary (None above the size limit)."""
    out = {}
    for o in cohort.outcomes:
        res = leave_one_out(cohort.frame[o.baseline], cohort.frame[o.followup], method=method, alpha=alpha)
        out[o.name] = None if res is None else res.to_dict()
    return out
