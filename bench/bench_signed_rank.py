"""Benchmark: exact signed-rank p-value, cohortstats.stats.paired vs R's coin.

Runs the exact conditional test (zeros dropped, "wilcox") at n = 1000 pairs on
seeded data -- continuous and tied-integer differences, each with a realistic
shift (moderate p) and null-ish -- with our engine and with
``coin::wilcoxsign_test(distribution = "exact", zero.method = "Wilcoxon")``
in the same run.  coin is timed inside R with ``system.time`` (after a warm-up
call), so R's start-up and package loading are excluded.  Our time is the best
of ``--repeat`` calls with ``conf_level=None`` (p-value only, like coin); the
time of a full call (with the Hodges-Lehmann estimate and interval) is
printed too.  A second table times the Hodges-Lehmann estimate and interval
alone: the exact Walsh-average interval (``method="exact"``) on continuous
differences up to ``WALSH_MAX_N`` and on a 2.5 mg grid, and R's asymptotic
procedure with its roots located exactly on 300,000 tied pairs (formerly a
timing assertion in the tests).  Nothing is asserted.

Usage: python bench/bench_signed_rank.py [--n 1000] [--repeat 5] [--seed 20170601]
                                         [--ci-n 1000 3000 5000] [--no-coin]
Needs Rscript with the coin package for the comparison
(Debian: apt-get install -y r-base-core r-cran-coin); without it only our
timings are printed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from cohortstats.stats import paired  # noqa: E402
from cohortstats.stats.paired import _walsh  # noqa: E402
from cohortstats.stats.paired import paired_signed_rank  # noqa: E402

R_CODE = r"""
suppressPackageStartupMessages(library(coin))
args <- commandArgs(trailingOnly = TRUE)
reps <- as.integer(args[2])
dat <- read.csv(args[1])
## warm-up (byte-compilation, lazy loading)
wb <- c(1.5, 2.5, 3.5, 4.5, 5.5); wa <- c(0, 0, 0, 0, 0)
invisible(pvalue(wilcoxsign_test(wb ~ wa, distribution = "exact")))
for (cs in unique(dat$case)) {
  b <- dat$before[dat$case == cs]; a <- dat$after[dat$case == cs]
  best <- Inf
  for (i in seq_len(reps)) {
    tm <- system.time(p <- pvalue(wilcoxsign_test(b ~ a, distribution = "exact",
                                                  zero.method = "Wilcoxon")))
    best <- min(best, tm[["elapsed"]])
  }
  cat(sprintf("%s,%.6f,%.17g\n", cs, best, as.numeric(p)))
}
"""


def make_cases(n, seed):
    rng = np.random.default_rng(seed)
    cases = {}
    before = np.round(rng.normal(100, 15, n), 1)
    # continuous differences (distinct |d|), realistic shift -> moderate p
    cases["continuous_shift"] = (before, before - np.round(rng.normal(0.07, 1, n), 6))
    cases["continuous_null"] = (before, before - np.round(rng.normal(0.0, 1, n), 6))
    # tied integer differences (about ten distinct |d|, with zeros)
    cases["tied_int_shift"] = (before, before - np.round(rng.normal(0.2, 2.5, n)))
    cases["tied_int_null"] = (before, before - np.round(rng.normal(0.0, 2.5, n)))
    return cases


def time_ours(b, a, reps, **kw):
    # tie_rtol=0: ties by exact equality of the doubles, as coin's (R's rank, digits.rank = Inf).
    # With the default 1e-9, the tied-integer cases' differences (before - (before - k), k whole,
    # equal in decimal, a few ulps apart in binary) are merged into their ties and coin's are not:
    # another test, not a timing of the same one.
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        r = paired_signed_rank(b, a, method="exact", tie_rtol=0.0, **kw)
        best = min(best, time.perf_counter() - t)
    return best, r


def run_coin(cases, reps):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, "Rscript not found: coin comparison skipped"
    chk = subprocess.run([rscript, "-e", "quit(status = !requireNamespace('coin', quietly = TRUE))"],
                         capture_output=True, text=True)
    if chk.returncode != 0:
        return None, "R package 'coin' not installed: coin comparison skipped"
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "data.csv")
        rfile = os.path.join(tmp, "coin_time.R")
        with open(csv, "w") as fh:
            fh.write("case,before,after\n")
            for name, (b, a) in cases.items():
                for x, y in zip(b, a):
                    fh.write(f"{name},{float(x)!r},{float(y)!r}\n")
        with open(rfile, "w") as fh:
            fh.write(R_CODE)
        out = subprocess.run([rscript, rfile, csv, str(reps)], capture_output=True, text=True)
    if out.returncode != 0:
        return None, f"Rscript failed: {out.stderr.strip()[-500:]}"
    res = {}
    for line in out.stdout.strip().splitlines():
        name, sec, p = line.split(",")
        res[name] = (float(sec), float(p))
    return res, None


def time_ci(ns, seed, reps):
    """Seconds for the estimate and interval alone (best of ``reps``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in ns:
        cont = rng.normal(0.2, 1, n)
        grid = rng.integers(-8, 30, n) * 2.5
        grid = grid[grid != 0]
        for name, d in ((f"walsh_continuous_{n}", cont), (f"walsh_grid_{n}", grid)):
            if np.unique(d).size > paired.WALSH_MAX_N:
                continue
            _walsh._psignrank_cdf.cache_clear()
            best = float("inf")
            for _ in range(reps):
                t = time.perf_counter()
                _walsh._exact_walsh_ci(d, "two-sided", 0.95)
                best = min(best, time.perf_counter() - t)
                _walsh._psignrank_cdf.cache_clear()      # time the null's quantiles too
            rows.append((name, d.size, best))
    # R's asymptotic interval, roots located exactly, on 300,000 pairs of a 2.5 mg grid
    n = 300_000
    pb = rng.integers(2, 25, n) * 2.5
    pf = np.maximum(pb - rng.integers(-1, 12, n) * 2.5, 0)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        paired_signed_rank(pb, pf)           # auto -> approx p and asymptotic CI
        best = min(best, time.perf_counter() - t)
    rows.append(("asymptotic_grid_300000 (full call)", n, best))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7, help="repeats for our engine (best of)")
    ap.add_argument("--coin-repeat", type=int, default=1, help="repeats for coin (best of)")
    ap.add_argument("--seed", type=int, default=20170601)
    ap.add_argument("--ci-n", type=int, nargs="*", default=[1000, 3000, 5000],
                    help="sizes for the Hodges-Lehmann timings")
    ap.add_argument("--no-coin", action="store_true", help="skip the comparison with coin")
    args = ap.parse_args(argv)

    cases = make_cases(args.n, args.seed)
    print(f"exact Wilcoxon signed-rank, n = {args.n} pairs, zero_method = 'wilcox', seed {args.seed}")
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    ours = {}
    for name, (b, a) in cases.items():
        t_p, r = time_ours(b, a, args.repeat, conf_level=None)
        t_full, _ = time_ours(b, a, 1)
        ours[name] = (t_p, t_full, r)
    coin, why = (None, "--no-coin: coin comparison skipped") if args.no_coin else \
        run_coin(cases, args.coin_repeat)
    if coin is None:
        print(why)
    hdr = (f"{'case':<18} {'n_nz':>5} {'ties':>5} {'ours p-only [s]':>15} {'ours +CI [s]':>12}"
           f" {'coin [s]':>9} {'coin/ours':>9}  {'p (ours)':>22} {'p (coin)':>22} {'rel.diff':>9}")
    print(hdr)
    print("-" * len(hdr))
    for name, (t_p, t_full, r) in ours.items():
        if coin is not None and name in coin:
            tc, pc = coin[name]
            rel = abs(r.pvalue - pc) / pc if pc else abs(r.pvalue - pc)
            extra = f" {tc:9.3f} {tc / t_p:9.1f}  {r.pvalue:22.15g} {pc:22.15g} {rel:9.1e}"
        else:
            extra = f" {'-':>9} {'-':>9}  {r.pvalue:22.15g} {'-':>22} {'-':>9}"
        print(f"{name:<18} {r.n_nonzero:5d} {r.n_ties:5d} {t_p:15.4f} {t_full:12.4f}" + extra)

    print()
    print("Hodges-Lehmann estimate and 95% CI alone (best of "
          f"{min(args.repeat, 3)}; exact: Walsh averages + qsignrank, WALSH_MAX_N = "
          f"{paired.WALSH_MAX_N} distinct values)")
    for name, n, sec in time_ci(args.ci_n, args.seed, min(args.repeat, 3)):
        print(f"{name:<36} n = {n:7d} {sec:9.4f} s")


if __name__ == "__main__":
    main()
