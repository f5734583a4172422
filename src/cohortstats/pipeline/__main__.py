"""``python -m cohortstats.pipeline report|verify|clean`` (see :mod:`cohortstats.pipeline.main`)."""
from cohortstats.pipeline.main import main

if __name__ == "__main__":
    from cohortstats.core.process import exit_now

    exit_now(main())  # its outputs are written: no interpreter teardown to wait for
