"""The results contract: what each notebook hands on, and how it is stored.

``statistics`` and ``records`` (the frozen dataclasses), ``codec`` (JSON values and back, by msgspec)
and ``store`` (the build key, fragments on disk, assembling ``results.json``).
This layer imports nothing of the package above :mod:`cohortstats.core`.
"""
from cohortstats.results.codec import *  # noqa: F401,F403
from cohortstats.results.records import *  # noqa: F401,F403
from cohortstats.results.statistics import *  # noqa: F401,F403
from cohortstats.results.store import *  # noqa: F401,F403
from cohortstats.results import codec as _c, records as _r, statistics as _t, store as _s

__all__ = [*_t.__all__, *_r.__all__, *_c.__all__, *_s.__all__]
