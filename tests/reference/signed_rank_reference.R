#!/usr/bin/env Rscript
## Reference values for cohortstats.stats.paired.paired_signed_rank (tests/test_paired.py).
##
## Regenerate (needs R with coin and exactRankTests; Debian:
##   apt-get install -y r-base-core r-cran-coin r-cran-exactranktests):
##   Rscript tests/reference/signed_rank_reference.R > tests/reference/signed_rank_reference.json
##
## Every check records the exact R expression that produced the value (field
## "call", evaluated with `before` and `after` bound to the case's data), the
## keyword arguments of paired_signed_rank that must reproduce it ("kwargs") and
## which result field to compare ("field").  No RNG is used: all data are
## literals or integer arithmetic, so the output does not depend on R's RNG.
suppressPackageStartupMessages({
  library(coin)
  library(exactRankTests)
})

num <- function(x) {
  if (is.na(x)) return('"NaN"')
  if (is.infinite(x)) return(if (x > 0) '"Inf"' else '"-Inf"')
  sprintf("%.17g", x)
}
str <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
vec <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")

cases <- list()
add_case <- function(name, before, after, note) {
  stopifnot(length(before) == length(after))
  cases[[name]] <<- list(before = before, after = after, note = note)
}

## ------------------------------------------------------------------ the data
add_case("no_ties",
  c(125.0, 97.5, 141.2, 110.0, 133.3, 118.4, 104.1, 129.9, 122.0, 139.6),
  c(121.9, 98.9, 135.3, 107.4, 133.8, 111.1, 99.9, 132.1, 115.2, 137.9),
  "n = 10, distinct |d|, no zeros")
add_case("tied_abs",
  c(12, 10, 13, 13, 9, 14, 14, 14, 15, 4, 17, 11),
  c(10, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
  "n = 12, tied |d| (also across signs), no zeros")
add_case("zeros",
  c(5, 7, 7, 9, 3, 8, 6, 10, 4, 12, 7, 6),
  c(5, 5, 7, 6, 4, 5, 6, 4, 6, 5, 8, 3),
  "n = 12 with 3 zero differences and ties")
add_case("n1", c(5), c(2), "a single pair")
add_case("n2", c(4, 1), c(3, 4), "two pairs, d = (1, -3)")
add_case("n3", c(12, 9, 13), c(10, 10, 10), "three pairs, d = (2, -1, 3): hand-worked in the tests")
add_case("all_positive",
  c(11.5, 12.25, 13, 14.5, 15, 16.75, 18, 19.5, 21),
  c(10, 10, 10, 10, 10, 10, 10, 10, 10),
  "n = 9, every d > 0, distinct")
add_case("all_negative_ties",
  c(1, 2, 2, 3, 1, 4, 2, 3), c(3, 4, 4, 4, 3, 8, 3, 6),
  "n = 8, every d < 0, ties")
i60 <- 1:60
add_case("n60_ties", 100 + (i60 * 37) %% 23, 100 + (i60 * 37) %% 23 - ((i60 * 13) %% 11 - 3),
  "n = 60, integer d in -3..7 with ties and zeros")
add_case("n60_noties", 50 + (i60 * 7919) %% 1009 / 100, 50 + (i60 * 7919) %% 1009 / 100 - ((i60 * 7919) %% 1009 / 100 - 4.005),
  "n = 60, distinct |d|, no zeros")
## Paper-like data: the cohort as first shipped in data/cohort.csv (Wu et al., Lupus 2017;
## data/cohort.csv is a reconstruction and may since have been regenerated)
add_case("prednisone",
  c(35, 7.5, 12.5, 30, 17.5, 15, 5, 35, 40, 37.5),
  c(30, 7.5, 5, 10, 17.5, 5, 2.5, 22.5, 17.5, 5),
  "paper-like: prednisone mg baseline vs 6 months (2.5 mg steps, zeros)")
add_case("esr",
  c(51, 21, 14, 5, 34, 2, 64, 2, 3, 94),
  c(36, 20, 2, 0, 28, 0, 41, 2, 0, 41),
  "paper-like: ESR mm/h baseline vs 6 months (integers, one zero)")
add_case("pratt_half",
  c(0, 0, 1, -1, 2, 2, -2, 3, 0.5, -0.5, 4, 4, 1, 2, 5),
  rep(0, 15),
  "n = 15, 3 zeros so Pratt midranks are half-integers")
i250 <- 1:250
add_case("n250_ties", 50 + (i250 * 29) %% 17, 50 + (i250 * 29) %% 17 - ((i250 * 31) %% 13 - 5),
  "n = 250, integer d in -5..7: auto uses approx; exact from coin")
i100 <- 1:100
add_case("far_tail", 20 + (i100 %% 7), 20 + (i100 %% 7) - c(rep(c(1, 2, 3, 4, 5), 19), -1, -1, -2, 6, 7),
  "n = 100, nearly all d > 0 with ties: exact p ~ 1e-26")
i1000 <- 1:1000
add_case("n1000_ties", 100 + (i1000 * 7) %% 19, 100 + (i1000 * 7) %% 19 - ((i1000 * 13) %% 9 - 4) - (i1000 %% 5 == 0),
  "n = 1000, integer d in -5..4 with heavy ties and zeros")

## ------------------------------------------------------------------ the checks
## tol "rel": |ours - R| <= 1e-9 * |R|.  tol "abs": |ours - R| <= 1e-9; used for
## coin's asymptotic p-value, which coin computes with absolute (not relative)
## accuracy (it returns 0 where the p-value is ~1e-17).  tol "uniroot": R's
## asymptotic Hodges-Lehmann roots, found by uniroot(tol = 1e-4); ours are the
## exact jumps of the same statistic, within 1e-4 of R's, or (the estimate) the
## midpoint of the piece where the statistic is 0 and R's value lies in it.
checks <- character(0)
add_check <- function(case, call, kwargs, field, tol = "rel") {
  env <- list2env(list(before = cases[[case]]$before, after = cases[[case]]$after),
                  parent = globalenv())
  val <- tryCatch(suppressWarnings(eval(parse(text = call), envir = env)),
                  error = function(e) NULL)
  if (is.null(val)) return(invisible())
  val <- as.numeric(val)
  kw <- paste(vapply(names(kwargs), function(k) {
    v <- kwargs[[k]]
    paste0(str(k), ": ", if (is.logical(v)) tolower(as.character(v))
                        else if (is.numeric(v)) num(v) else str(v))
  }, ""), collapse = ", ")
  checks <<- c(checks, sprintf(
    '    {"case": %s, "field": %s, "kwargs": {%s}, "value": %s, "tol": %s,\n     "call": %s}',
    str(case), str(field), kw, num(val), str(tol), str(call)))
}
ALT <- c(two.sided = "two-sided", greater = "greater", less = "less")
ZM <- c(Wilcoxon = "wilcox", Pratt = "pratt")

for (case in names(cases)) {
  big <- length(cases[[case]]$before) >= 250
  d <- cases[[case]]$before - cases[[case]]$after
  dn <- d[d != 0]
  noties <- !any(d == 0) && !any(duplicated(abs(d)))
  ## exact conditional p-values: coin
  for (zm in names(ZM)) for (alt in names(ALT)) {
    if (big && alt != "two.sided") next
    add_check(case, sprintf(
      'coin::pvalue(coin::wilcoxsign_test(before ~ after, distribution = "exact", zero.method = "%s", alternative = "%s"))',
      zm, alt), list(zero_method = ZM[[zm]], method = "exact", alternative = ALT[[alt]]), "pvalue")
  }
  ## exact conditional p-values: exactRankTests (zeros dropped, as "wilcox")
  for (alt in names(ALT)) {
    if (big) next
    add_check(case, sprintf(
      'exactRankTests::wilcox.exact(before, after, paired = TRUE, exact = TRUE, alternative = "%s")$p.value', alt),
      list(zero_method = "wilcox", method = "exact", alternative = ALT[[alt]]), "pvalue")
  }
  ## statistic
  add_check(case, 'wilcox.test(before, after, paired = TRUE, exact = FALSE)$statistic',
            list(method = "approx"), "statistic")
  ## normal approximation (R), with and without continuity correction
  for (corr in c(TRUE, FALSE)) for (alt in names(ALT)) {
    add_check(case, sprintf(
      'wilcox.test(before, after, paired = TRUE, exact = FALSE, correct = %s, alternative = "%s")$p.value',
      corr, alt), list(method = "approx", correction = corr, alternative = ALT[[alt]]), "pvalue")
  }
  ## coin asymptotic, Pratt (no continuity correction in coin)
  add_check(case,
    'coin::pvalue(coin::wilcoxsign_test(before ~ after, distribution = "asymptotic", zero.method = "Pratt"))',
    list(zero_method = "pratt", method = "approx", correction = FALSE), "pvalue", tol = "abs")
  add_check(case,
    'coin::statistic(coin::wilcoxsign_test(before ~ after, distribution = "asymptotic", zero.method = "Pratt"), type = "standardized")',
    list(zero_method = "pratt", method = "approx", correction = FALSE), "z")
  ## Hodges-Lehmann estimate and CI, asymptotic branch
  for (corr in c(TRUE, FALSE)) for (alt in names(ALT)) {
    if (!corr && alt != "two.sided") next
    if (big && alt != "two.sided") next
    base <- sprintf('wilcox.test(before, after, paired = TRUE, exact = FALSE, correct = %s, conf.int = TRUE, alternative = "%s")',
                    corr, alt)
    kw <- list(method = "approx", correction = corr, alternative = ALT[[alt]])
    ## tol "uniroot": R locates these roots to uniroot's tol = 1e-4; ours are the
    ## exact jumps of the same step function (see the test for the comparison)
    add_check(case, paste0(base, "$estimate"), kw, "estimate", tol = "uniroot")
    if (alt != "less") add_check(case, paste0(base, "$conf.int[1]"), kw, "conf_int[0]", tol = "uniroot")
    if (alt != "greater") add_check(case, paste0(base, "$conf.int[2]"), kw, "conf_int[1]", tol = "uniroot")
    add_check(case, paste0('attr(', base, '$conf.int, "conf.level")'), kw, "conf_level")
  }
  ## exact = TRUE: R's exact Walsh CI when there are no ties and no zeros (our
  ## method = "exact"); with ties or zeros R falls back to its asymptotic branch
  ## with correct = TRUE, which is our method = "approx" (the exact method then
  ## keeps the Walsh-average answer, checked by hand in the tests)
  if (!big) for (alt in names(ALT)) {
    base <- sprintf('wilcox.test(before, after, paired = TRUE, exact = TRUE, conf.int = TRUE, alternative = "%s")', alt)
    kw <- if (noties) list(method = "exact", alternative = ALT[[alt]])
          else list(method = "approx", correction = TRUE, alternative = ALT[[alt]])
    tl <- if (noties) "rel" else "uniroot"
    if (noties) add_check(case, paste0(base, "$p.value"), kw, "pvalue")
    add_check(case, paste0(base, "$estimate"), kw, "estimate", tol = tl)
    if (alt != "less") add_check(case, paste0(base, "$conf.int[1]"), kw, "conf_int[0]", tol = tl)
    if (alt != "greater") add_check(case, paste0(base, "$conf.int[2]"), kw, "conf_int[1]", tol = tl)
    add_check(case, paste0('attr(', base, '$conf.int, "conf.level")'), kw, "conf_level")
  }
  ## exact = TRUE on the non-zero differences alone, where only zeros keep R out of
  ## its exact branch: the estimate of our exact method (zeros dropped, as the
  ## "wilcox" test drops them) is R's exact Walsh-average answer
  dnz <- d[d != 0]
  if (!big && any(d == 0) && length(dnz) > 0 && !any(duplicated(abs(dnz)))) for (alt in names(ALT)) {
    base <- sprintf('wilcox.test((before - after)[before != after], exact = TRUE, conf.int = TRUE, alternative = "%s")', alt)
    kw <- list(method = "exact", alternative = ALT[[alt]])
    add_check(case, paste0(base, "$estimate"), kw, "estimate")
    if (alt != "less") add_check(case, paste0(base, "$conf.int[1]"), kw, "conf_int[0]")
    if (alt != "greater") add_check(case, paste0(base, "$conf.int[2]"), kw, "conf_int[1]")
    add_check(case, paste0('attr(', base, '$conf.int, "conf.level")'), kw, "conf_level")
  }
}
## a 90 % interval, and an unachievable 99 % one (small n)
add_check("no_ties", 'wilcox.test(before, after, paired = TRUE, exact = TRUE, conf.int = TRUE, conf.level = 0.9)$conf.int[1]',
          list(method = "exact", conf_level = 0.9), "conf_int[0]")
add_check("no_ties", 'wilcox.test(before, after, paired = TRUE, exact = TRUE, conf.int = TRUE, conf.level = 0.9)$conf.int[2]',
          list(method = "exact", conf_level = 0.9), "conf_int[1]")
add_check("n3", 'attr(wilcox.test(before, after, paired = TRUE, exact = TRUE, conf.int = TRUE, conf.level = 0.99)$conf.int, "conf.level")',
          list(method = "exact", conf_level = 0.99), "conf_level")

## ------------------------------------------------------------------ output
case_json <- vapply(names(cases), function(nm) sprintf(
  '    %s: {"note": %s,\n      "before": %s,\n      "after": %s}',
  str(nm), str(cases[[nm]]$note), vec(cases[[nm]]$before), vec(cases[[nm]]$after)), "")
cat("{\n")
cat('  "generated_by": "Rscript tests/reference/signed_rank_reference.R",\n')
cat(sprintf('  "r_version": %s,\n  "coin_version": %s,\n  "exactRankTests_version": %s,\n',
            str(R.version.string), str(as.character(packageVersion("coin"))),
            str(as.character(packageVersion("exactRankTests")))))
cat('  "cases": {\n', paste(case_json, collapse = ",\n"), "\n  },\n", sep = "")
cat('  "checks": [\n', paste(checks, collapse = ",\n"), "\n  ]\n}\n", sep = "")
