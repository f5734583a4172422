"""Import what a build imports, so that Python compiles it once and keeps the bytecode.

    python tools/warm_imports.py kernel|driver

Called by tools/setup-env.sh, the two groups side by side (each is about half of the work, about
8 s here): ``kernel`` is what the notebooks' kernels import (pandas, SciPy, seaborn), ``driver``
matplotlib's backends for the figures, then what the pipeline, papermill and publishing import. A
module imported by both is compiled twice at once (pandas was, until the driver's group left it to
the kernels': 9.7 -> 8.4 s). A module left out is not an error: Python compiles it on first import.
"""
import importlib
import sys

GROUPS = {  # disjoint as far as they can be: a module both import is compiled twice, side by side
    "kernel": ["ipykernel.kernelapp", "ipykernel.debugger", "pyarrow.parquet", "cohortstats.steps.characteristics",
               "cohortstats.steps.sensitivity", "cohortstats.steps.claims", "scipy.stats", "seaborn",
               "cohortstats.steps.before_after"],
    "driver": ["matplotlib.backends.backend_svg", "matplotlib.backends.backend_pdf",  # before seaborn
               "matplotlib.backends.backend_agg", "fontTools.subset", "PIL.PngImagePlugin",
               "cohortstats.pipeline.main", "cohortstats.pipeline.build", "cohortstats.pipeline.publish",
               "papermill", "jupyter_client.manager", "nbconvert", "cohortstats.report.nbpages",
               "cohortstats.report.word", "cohortstats.report.render", "docx", "yaml", "jinja2"],
}


def main(group: str) -> int:
    from cohortstats.core.imports import without_debugpy_warning

    without_debugpy_warning()  # ipykernel.debugger, below, quietly, as in the kernels' zygote
    for name in GROUPS[group]:
        try:
            importlib.import_module(name)
        except Exception:  # compiled as far as it got; the build will say what is wrong
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
