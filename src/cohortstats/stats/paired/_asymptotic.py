"""The asymptotic Hodges–Lehmann estimate and interval: R's root-finding, roots located exactly.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from cohortstats.stats.paired._result import _DBL_EPS


def _r_zeroin(f, ax, bx, fa, fb, tol, maxit=1000):
    """Brent's root finder exactly as R's ``R_zeroin2`` (``uniroot``)."""
    a, b = ax, bx
    c, fc = a, fa
    maxit += 1
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    while maxit:
        maxit -= 1
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _DBL_EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if (p < (0.75 * cb * q - abs(tol_act * q) / 2)
                    and p < abs(prev_step * q / 2)):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    warnings.warn("root finding did not converge in 1000 iterations",
                  RuntimeWarning, stacklevel=3)
    return b


def _uniroot(f, lower, upper, f_lower, f_upper, tol=1e-4):
    if math.isnan(f_lower) or math.isnan(f_upper):
        raise ValueError("f(lower) or f(upper) is NaN")
    if not (np.sign(f_lower) * np.sign(f_upper) <= 0):
        raise ValueError("f() values at end points not of opposite sign")
    return _r_zeroin(f, lower, upper, f_lower, f_upper, tol)


class _CompressedW:
    """R's uniroot statistic ``W(mu)`` for the differences ``x``, on distinct values.

    ``x`` is stored once as its sorted distinct values ``u`` with counts
    ``c`` (``np.unique``).  ``W(mu)`` is the tie-corrected normal statistic
    of the signed ranks of ``x - mu`` (zeros dropped), exactly as R's
    ``wilcox.test`` computes it inside ``uniroot``, but each evaluation costs
    ``O(k log k)`` in the number ``k`` of distinct differences instead of
    re-ranking all ``n``: ``u - mu`` is non-decreasing, so the magnitudes
    of the negative and of the positive part are two sorted runs; one stable
    argsort merges them (linear for two runs), equal magnitudes are grouped
    (exact float equality, as R's ``rank``), and the doubled midrank of a
    group is ``2 * (#smaller) + t + 1`` from the cumulative counts.  All rank
    sums are exact integers, so the value is identical to ranking the ``n``
    values one by one.
    """

    def __init__(self, x, alternative):
        self.u, c = np.unique(np.asarray(x, dtype=float), return_counts=True)
        self.c = c.astype(np.int64)
        self.untied = bool(c.size == 0 or c.max() == 1)
        self.alternative = alternative

    def __call__(self, mu, correct):
        u, c = self.u, self.c
        v = u - mu                       # elementwise as R's x - d
        i0 = int(np.searchsorted(v, 0.0, side="left"))
        i1 = int(np.searchsorted(v, 0.0, side="right"))
        a = np.concatenate((-v[:i0][::-1], v[i1:]))   # |v|: two sorted runs
        cnt = np.concatenate((c[:i0][::-1], c[i1:]))
        if a.size:
            order = np.argsort(a, kind="stable")
            sa = a[order]
            new = np.empty(sa.size, dtype=bool)
            new[0] = True
            np.not_equal(sa[1:], sa[:-1], out=new[1:])
        if a.size and self.untied and new.all():
            # no ties at all (continuous data): rank = 1-based position
            pos_at = np.flatnonzero(order >= i0)
            s2 = 2 * (int(pos_at.sum()) + pos_at.size)
            nx = a.size
            ties = 0.0
        elif a.size:
            sc = cnt[order]
            starts = np.flatnonzero(new)
            t = np.add.reduceat(sc, starts)          # tie-group sizes
            cum = np.cumsum(t)
            rank2 = 2 * (cum - t) + t + 1            # doubled midranks
            gid = np.cumsum(new) - 1
            ispos = order >= i0
            s2 = int(np.dot(sc[ispos], rank2[gid[ispos]]))
            nx = int(cum[-1])
            tt = t[t > 1].astype(float)
            ties = float(np.sum(tt ** 3 - tt))
        else:
            s2, nx, ties = 0, 0, 0.0
        zd = s2 / 2.0 - nx * (nx + 1) / 4
        with np.errstate(invalid="ignore", divide="ignore"):
            sigma = math.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24 - ties / 48)
        if correct:
            corr = {"two-sided": (0.5 if zd > 0 else -0.5 if zd < 0 else 0.0),
                    "greater": 0.5, "less": -0.5}[self.alternative]
        else:
            corr = 0.0
        num = zd - corr
        if sigma == 0:
            if num == 0:
                return math.nan
            return math.copysign(math.inf, num)
        return num / sigma

    # -- refinement of a root to the exact jump of the step function --------
    def _edge(self, pred, r, lo, hi, step):
        """Adjacent floats ``a < b`` near ``r`` with ``pred(a)`` and not ``pred(b)``.

        ``pred`` must hold at ``lo`` and fail at ``hi``.  Starts from the
        bracket ``r -+ step`` (widened as needed), then bisects in floats; as
        soon as the bracket holds a single Walsh average ``w`` (within rounding)
        the jump is there, and ``(w, w)`` is returned.
        """
        a, b = max(lo, r - step), min(hi, r + step)
        while not pred(a):
            if a <= lo:
                return None              # no bracket (W not monotone here)
            step *= 2
            b, a = a, max(lo, r - step)
        while pred(b):
            if b >= hi:
                return None
            step *= 2
            a, b = b, min(hi, r + step)
        skip = 0
        while True:
            if skip == 0:
                w, total = self._only_walsh(a, b)
                if w is not None:        # the jump in [a, b] can only be at w
                    return w, w
                # Halving the bracket about halves the Walsh averages in it: look again
                # once there may be few enough.
                skip = max(0, int(math.log2(max(total, 1) / 64)))
            else:
                skip -= 1
            m = a + (b - a) / 2
            if m <= a or m >= b:
                return a, b
            if pred(m):
                a = m
            else:
                b = m

    def _only_walsh(self, a, b, most=64):
        """The one Walsh average within rounding of ``[a, b]`` (or None), and how many pairs are there.

        ``W`` jumps only at Walsh averages (up to rounding of ``u - mu``), so a
        bracket of a jump holding a single one names it: :meth:`_snap` would pick
        it once bisection reached adjacent floats. Pairs ``i <= j`` with
        ``(u_i + u_j) / 2`` in the widened bracket are counted by binary search,
        ``O(k log k)`` like one evaluation of ``W``.
        """
        u = self.u
        tol = 64 * _DBL_EPS * max(abs(a), abs(b), abs(float(u[0])), abs(float(u[-1])))
        lo = np.searchsorted(u, 2 * (a - tol) - u, side="left")
        hi = np.searchsorted(u, 2 * (b + tol) - u, side="right")
        lo = np.maximum(lo, np.arange(u.size))       # j >= i
        count = np.maximum(hi - lo, 0)
        total = int(count.sum())
        if total == 0 or total > most:
            return None, total
        i = np.repeat(np.arange(u.size), count)
        j = lo[i] + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
        w = np.unique((u[i] + u[j]) / 2)
        return (float(w[0]) if w.size == 1 else None), total

    def _snap(self, a, b):
        """The Walsh average ``(u_i + u_j) / 2`` nearest ``[a, b]``, if within
        rounding; else ``b``.  ``W`` is a step function whose jumps lie exactly
        at Walsh averages, so a float bracket around a jump names one."""
        u = self.u
        mid = a + (b - a) / 2
        j = np.searchsorted(u, 2 * mid - u)
        best, dist = b, math.inf
        for jj in (np.clip(j - 1, 0, u.size - 1), np.clip(j, 0, u.size - 1)):
            w = (u + u[jj]) / 2
            dd = np.abs(w - mid)
            k = int(np.argmin(dd))
            if dd[k] < dist:
                best, dist = float(w[k]), float(dd[k])
        scale = max(abs(a), abs(b), abs(float(u[0])), abs(float(u[-1])))
        return best if dist <= (b - a) + 64 * _DBL_EPS * scale else b

    def refine(self, r, zq, correct, lo, hi, step):
        """Location of the jump of ``W - zq`` near the uniroot result ``r``.

        Returns the jump point of ``{W > zq}`` (snapped to a Walsh average;
        ``r`` itself if no sign change brackets it);
        for ``zq == 0`` the midpoint of the jumps of ``{W > 0}`` and
        ``{W >= 0}`` (a flat piece of ``W`` at 0 gives its midpoint).
        """
        e_gt = self._edge(lambda m: self(m, correct) > zq, r, lo, hi, step)
        if e_gt is None:
            return r
        gt = self._snap(*e_gt)
        if zq != 0:
            return gt
        e_ge = self._edge(lambda m: self(m, correct) >= zq, r, lo, hi, step)
        ge = gt if e_ge is None else self._snap(*e_ge)
        return gt + (ge - gt) / 2


#: R's quantiles of the interval, per alternative: (lower, upper) probabilities as functions of
#: alpha, for the loop that doubles alpha until they fall inside W's range and for the bounds
#: (None: that side is unbounded). R 4.2's "less" loop uses qnorm(alpha/2) (sic); kept for agreement.
_QUANTILES = {
    "two-sided": ((lambda a: 1 - a / 2, lambda a: a / 2), (lambda a: 1 - a / 2, lambda a: a / 2)),
    "greater": ((lambda a: 1 - a, None), (lambda a: 1 - a, None)),
    "less": ((None, lambda a: a / 2), (None, lambda a: a)),
}


def _achievable(alpha, conf_level, outside):
    """R's loop: double ``alpha`` while its quantiles fall ``outside`` W's range; warn when the level changes.

    Returns ``(alpha, level)``.
    """
    while outside(alpha):
        alpha *= 2
    level = conf_level
    if alpha >= 1 or 1 - conf_level < alpha * 0.75:
        level = 1 - min(1.0, alpha)
        warnings.warn("requested conf_level not achievable", RuntimeWarning, stacklevel=4)
    return alpha, level


def _asymptotic_ci(x, alternative, conf_level, correct, tol_root=1e-4):
    """R's asymptotic branch (``x``: the non-zero differences), roots located exactly.

    Reproduces R's ``uniroot`` iterate for iterate (see :class:`_CompressedW`
    for the fast evaluation of R's statistic ``W``), then locates each root
    exactly: ``W`` is a step function whose jumps lie at Walsh averages, and
    R's roots are only good to ``tol_root`` (absolute), so R prints solver
    noise (12.638651742716734), can return an estimate outside its own
    interval, or a reversed interval under heavy ties.  From R's iterate the
    jump of ``W`` across the quantile is bracketed by float bisection and
    snapped to the Walsh average the bracket contains; the estimate (``W``
    without correction equal to 0) is the midpoint of the flat piece where
    ``W == 0`` if there is one (``d = (1, -1, 1)``: 0.5, where R gives any
    point of [0, 1]), else the jump.  Results are within ``tol_root`` of R's.

    Returns ``(estimate, ci, level)``; ``ci`` and ``level`` are None when the
    interval is undefined (a single distinct value: R returns NaN bounds).
    """
    from scipy.special import ndtri  # here, as _normal imports ndtr: only where it is used

    Wc = _CompressedW(x, alternative)
    mumin, mumax = float(Wc.u[0]), float(Wc.u[-1])
    W = Wc

    w_min = W(mumin, correct)
    w_max = W(mumax, correct) if math.isfinite(w_min) else math.nan
    if not math.isfinite(w_max):
        # one distinct value: W is 0/0 at both ends; R returns NaN bounds
        return (mumin + mumax) / 2, None, None

    roots = {}                           # which bound came from which quantile

    def root(zq):
        return _uniroot(lambda d: W(d, correct) - zq, mumin, mumax,
                        w_min - zq, w_max - zq, tol_root)

    loop, bound = _QUANTILES[alternative]
    alpha, level = _achievable(1.0 - conf_level, conf_level, lambda a: (
        (loop[0] is not None and w_min - float(ndtri(loop[0](a))) < 0)
        or (loop[1] is not None and w_max - float(ndtri(loop[1](a))) > 0)))
    ci = [-math.inf, math.inf]
    for i, p in enumerate(bound):
        if p is not None:
            zq = float(ndtri(p(alpha))) if alpha < 1 else None
            ci[i] = root(zq) if zq is not None else None  # level 0: R gives median(x)
            if zq is not None:
                roots[i] = zq
    w0_min, w0_max = W(mumin, False), W(mumax, False)
    est = _uniroot(lambda d: W(d, False), mumin, mumax, w0_min, w0_max,
                   tol_root)

    # Every root of the step function W sits at a jump (a Walsh average) or,
    # for the estimate, on a flat piece where W == 0; R's uniroot stops
    # anywhere within ~tol_root of it.  Locate each exactly from R's iterate.
    step = tol_root
    new = list(ci)
    for i, zq in roots.items():
        new[i] = Wc.refine(ci[i], zq, correct, mumin, mumax, step)
    if math.isfinite(w0_min) and math.isfinite(w0_max) and (
            w0_min > 0 > w0_max):
        est = Wc.refine(est, 0.0, False, mumin, mumax, step)
    # Level 0 (alpha doubled up to 1): R's point interval is median(x); the
    # point that belongs to this estimate is the estimate itself.
    lo, hi = (est if v is None else v for v in new)
    if lo > hi:                          # only if W is not monotone
        lo, hi = hi, lo
    return est, (lo, hi), level


