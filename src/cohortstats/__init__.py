"""Cohort statistics for the lenalidomide pediatric SLE bundle.

Modules: ``cohortfile`` (loading and validating a cohort), ``describe`` (Table 1 and
summaries), ``paired`` (the exact Wilcoxon signed-rank engine), ``claims``
(published-vs-computed), ``forensics`` (GRIM, GRIMMER, signed-rank support),
``plots`` and ``report``.
"""
__version__ = "0.1.0"


def __getattr__(name):  # lazy: keep `import cohortstats` cheap
    if name == "paired_signed_rank":
        from .paired import paired_signed_rank
        return paired_signed_rank
    raise AttributeError(name)
