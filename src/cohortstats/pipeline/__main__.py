"""``python -m cohortstats.pipeline report|verify|clean`` (see :mod:`cohortstats.pipeline.main`)."""
from cohortstats.pipeline.main import main

if __name__ == "__main__":
    raise SystemExit(main())
